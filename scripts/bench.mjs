// `npm run bench`: runs every section in bench/ (sorted by file name) in one process and
// prints their figures. Benchmarks print, they never fail: a figure over its target is marked,
// and a section that throws is reported and the next one runs.
//
// A section is a module bench/<name>.mjs (or .ts; loaded through tsx, so it may import the
// TypeScript sources directly) exporting either
//   run(ctx)   prints its own lines through ctx.print; may be async
//   benches    [{ name, target_ms, run(): ms }] (one line each)
// ctx = { repo, linux, linuxFull, passt, print }: the real source trees (scripts/fetch-sources.sh,
// or SKLENS_LINUX / SKLENS_LINUX_FULL / SKLENS_PASST): net/ + include/, the whole kernel, passt.
// Usage: npm run bench [-- SECTION...]   (SECTION: file name without extension)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dir = join(repo, 'bench');
const sections = existsSync(dir)
  ? readdirSync(dir)
      .filter((n) => /\.(mjs|ts)$/.test(n) && !n.startsWith('_'))
      .sort()
      .filter((n) => wanted.length === 0 || wanted.includes(n.replace(/\.(mjs|ts)$/, '')))
  : [];
if (sections.length === 0) {
  console.log('no bench sections found');
  process.exit(0);
}

/** Source trees: the environment first, else the default cache that fetch-sources fills. */
function sources() {
  const env = {
    linux: process.env.SKLENS_LINUX,
    passt: process.env.SKLENS_PASST,
    linux_full: process.env.SKLENS_LINUX_FULL,
  };
  if (env.linux && env.passt && env.linux_full) return env;
  try {
    const out = execFileSync('bash', [join(repo, 'scripts/fetch-sources.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const line of out.split('\n')) {
      const m = /^(LINUX|LINUX_FULL|PASST)=(.*)$/.exec(line.trim());
      if (m) env[m[1].toLowerCase()] ??= m[2];
    }
  } catch (e) {
    console.log(`(sources unavailable: ${e instanceof Error ? e.message : String(e)})`);
  }
  return env;
}

// Sections may run the bundles (dist/cli.js, dist/indexWorker.js): build them first.
execFileSync(process.execPath, [join(repo, 'esbuild.mjs')], { cwd: repo, stdio: 'ignore' });
const { linux, passt, linux_full: linuxFull } = sources();
const ctx = { repo, linux, linuxFull, passt, print: (line) => console.log(line) };

for (const name of sections) {
  console.log(`== ${name}`);
  try {
    const mod = await tsImport(pathToFileURL(join(dir, name)).href, import.meta.url);
    if (typeof mod.run === 'function') await mod.run(ctx);
    for (const b of mod.benches ?? []) {
      const ms = await b.run();
      const over = b.target_ms !== undefined && ms > b.target_ms;
      console.log(
        `${b.name}: ${ms.toFixed(3)} ms` +
          (b.target_ms !== undefined ? ` (target ≤ ${b.target_ms} ms)` : '') +
          (over ? '  OVER TARGET' : ''),
      );
    }
  } catch (e) {
    console.log(`  section failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}
