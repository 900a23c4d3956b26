// Compares tree-sitter's native Node binding with web-tree-sitter (wasm) at parsing the same C
// files, for the README's "why wasm" note. The native binding is not a dependency of SKLens:
// this installs it (from npm, prebuilt linux-x64 binary inside the package) into a temporary
// folder. Usage: node scripts/bench-native-parser.mjs [DIR]   (default: Linux net/ipv4)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? '.cache/sources/linux-6.1/net/ipv4');
const files = [];
(function walk(d) {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.[ch]$/.test(n)) files.push(p);
  }
})(dir);
const texts = files.map((f) => readFileSync(f, 'utf8'));
const chars = texts.reduce((a, t) => a + t.length, 0);

const tmp = mkdtempSync(join(tmpdir(), 'sklens-native-'));
try {
  writeFileSync(join(tmp, 'package.json'), '{"private":true}');
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--legacy-peer-deps',
      'tree-sitter@0.25.1',
      'tree-sitter-c@0.24.1',
    ],
    { cwd: tmp, stdio: 'ignore' },
  );
  const req = createRequire(join(tmp, 'package.json'));
  const Native = req('tree-sitter');
  const nativeC = req('tree-sitter-c');
  const np = new Native();
  np.setLanguage(nativeC);
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const wasm = await Language.load(
    readFileSync(createRequire(import.meta.url).resolve('tree-sitter-c/tree-sitter-c.wasm')),
  );
  const wp = new Parser();
  wp.setLanguage(wasm);

  const time = (fn) => {
    const t0 = performance.now();
    for (const t of texts) fn(t);
    return performance.now() - t0;
  };
  console.log(`${files.length} files, ${chars} characters under ${dir}`);
  for (let round = 1; round <= 3; round++) {
    const n = time((t) => np.parse(t, undefined, { bufferSize: t.length * 2 + 1 }));
    const w = time((t) => wp.parse(t).delete());
    console.log(
      `round ${round}: native ${n.toFixed(0)} ms, wasm ${w.toFixed(0)} ms, wasm/native ${(w / n).toFixed(2)}`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
