// The README's test command. Runs every suite in one `node --test` invocation so the
// closing summary counts everything:
//   unit/         core tests (no vscode, no network)
//   integration/  real Linux 6.1 and passt sources, fetched first by scripts/fetch-sources.sh
//   e2e/          real VS Code (code-server) driven by Chromium, prepared by scripts/e2e-setup.mjs
// Usage: node scripts/test.mjs [unit|integration|e2e ...]   (default: all)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const all = ['unit', 'integration', 'e2e'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = wanted.length > 0 ? wanted : all;
for (const s of suites) {
  if (!all.includes(s)) {
    console.error(`unknown suite '${s}' (expected one of ${all.join(', ')})`);
    process.exit(2);
  }
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (/\.test\.(ts|mts)$/.test(name)) out.push(p);
  }
  return out;
}

const env = { ...process.env };
if (suites.includes('integration') || suites.includes('e2e')) {
  execFileSync(
    'bash',
    ['scripts/ensure-system.sh', ...(suites.includes('e2e') ? ['peers', 'e2e'] : ['peers'])],
    {
      stdio: 'inherit',
    },
  );
  // Real sources must be present: a failed fetch fails the run, it does not skip tests.
  const out = execFileSync('bash', ['scripts/fetch-sources.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n')) {
    const m = /^(LINUX|LINUX_FULL|PASST)=(.*)$/.exec(line.trim());
    if (m) env[`SKLENS_${m[1]}`] = m[2];
  }
}
if (suites.includes('e2e') || suites.includes('integration')) {
  execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
}
if (suites.includes('e2e') && existsSync('scripts/e2e-setup.mjs')) {
  execFileSync(process.execPath, ['scripts/e2e-setup.mjs'], { stdio: 'inherit', env });
}

const files = suites.flatMap((s) => testFiles(join('test', s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files],
  { stdio: 'inherit', env },
);
process.exit(r.status ?? 1);
