// Issue 15: a small half-typed file (`a(;` repeated) traps tree-sitter's wasm runtime. Through
// the CLI: the good files beside it are all indexed (the worker whose runtime broke is replaced
// and the bad file retried once on a fresh one), the bad file is reported in one line, its
// failure is not taken from the cache next time (it is tried again), and deleting it leaves a
// cached run equal to an uncached one.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/main';

const tmp = mkdtempSync(join(tmpdir(), 'sklens-fault-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(tmp, 'tree');
const cacheDir = join(tmp, 'cache');
const GOOD = 12;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: tmp,
  });
  return { code, out, err };
}

test('a file that traps the parser costs only itself, now and on the next (cached) run', async () => {
  mkdirSync(root);
  for (let i = 0; i < GOOD; i++) {
    writeFileSync(
      join(root, `good${i}.c`),
      `static int good${i}(int x)\n{\n\treturn x + ${i};\n}\n`,
    );
  }
  // Half-typed code, 9 KB: enough to trap the wasm runtime ("memory access out of bounds").
  writeFileSync(join(root, 'bad.c'), 'a(;'.repeat(3000));
  const opts = ['--workers', '1', '--cache-dir', cacheDir];

  const first = await cli('index', root, ...opts);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, new RegExp(`${GOOD + 1} files, ${GOOD} functions`));
  assert.match(
    first.err,
    /^sklens: 1 of 13 parsed files could not be indexed; first: bad\.c: not indexed: /,
  );
  assert.equal(first.err.trim().split('\n').length, 1, 'one line');

  // The failure was not cached as facts: bad.c is parsed again, the good files come from the cache.
  const second = await cli('index', root, ...opts);
  assert.match(second.out, new RegExp(`cache: partial; ${GOOD} from cache, 1 parsed`));
  assert.match(second.err, /bad\.c: not indexed: /);

  rmSync(join(root, 'bad.c'));
  const cached = await cli('index', root, ...opts);
  const fresh = await cli('index', root, '--workers', '1', '--no-cache');
  assert.equal(cached.err, '');
  assert.match(cached.out, new RegExp(`${GOOD} files, ${GOOD} functions`));
  assert.match(fresh.out, new RegExp(`${GOOD} files, ${GOOD} functions`));
});
