// Issue 15 item 10: the built CLI (dist/cli.js, `npm run build` first) reports every error as
// one line on stderr with a non-zero exit, never a stack; integers are decimal digits only;
// `sklens index` lists the files it left out and a cache it could not write.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { simulateCommand } from '../../src/cli/simulate';
import { findModel } from '../../src/model/registry';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-hygiene-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(cli), 'dist/cli.js missing: run npm run build');
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line on stderr, no stack frame, non-zero exit. */
function assertOneLineError(r: ReturnType<typeof run>, what: RegExp, label: string): void {
  assert.notEqual(r.status, 0, `${label}: exit ${r.status}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${label}: a stack trace:\n${r.stderr}`);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${label}: not one line:\n${r.stderr}`);
  assert.match(r.stderr, what, label);
}

test('simulate --set with NaN, hex, exponent or junk is a one-line error, not a stack', () => {
  const spec = findModel('send-path')!.params.find((p) => p.name === 'so_sndbuf_bytes');
  assert.ok(spec?.kind === 'number' && spec.integer, 'so_sndbuf_bytes is an integer parameter');
  for (const v of ['NaN', '0x2', '1e1', '12abc', '', 'Infinity', '1.5']) {
    const r = run('simulate', 'send-path', '--set', `so_sndbuf_bytes=${v}`);
    assertOneLineError(r, /so_sndbuf_bytes/, `so_sndbuf_bytes=${v}`);
    assert.equal(r.status, 2, `so_sndbuf_bytes=${v}`);
  }
  // Decimal digits, with or without a unit suffix, still work.
  for (const v of ['8192', '8ki']) {
    const r = run('simulate', 'send-path', '--set', `so_sndbuf_bytes=${v}`, '--json');
    assert.equal(r.status, 0, `${v}: ${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as { params: Params }).params.so_sndbuf_bytes, 8192);
  }
});

type Params = Record<string, unknown>;

test('integer options take decimal digits only', () => {
  const root = join(tmp, 'empty');
  mkdirSync(root, { recursive: true });
  for (const [args, opt] of [
    [['index', root, '--no-cache', '--workers', '0x2'], '--workers'],
    [['index', root, '--no-cache', '--workers', '1e1'], '--workers'],
    [['index', root, '--no-cache', '--workers', ' 2'], '--workers'],
    [['graph', root, 'f_x', '--no-cache', '--depth', '0x2'], '--depth'],
    [['graph', root, 'f_x', '--no-cache', '--max-nodes', '1e3'], '--max-nodes'],
  ] as const) {
    const r = run(...args);
    assertOneLineError(r, new RegExp(`${opt} must be a whole number`), args.join(' '));
    assert.equal(r.status, 2);
  }
});

test('an unexpected error inside a command is one line, not a stack', async () => {
  const real = simulateCommand.run;
  simulateCommand.run = () => Promise.reject(new Error('boom\nsecond line'));
  let err = '';
  try {
    const code = await runCli(['simulate', 'x'], {
      out: () => {},
      err: (t) => (err += t),
      cwd: tmp,
    });
    assert.equal(code, 1);
  } finally {
    simulateCommand.run = real;
  }
  assert.equal(err, 'sklens simulate: internal error: boom\n');
});

test('sklens index lists binary and UTF-16 files it skipped, and a cache it could not write', () => {
  const root = join(tmp, 'tree');
  mkdirSync(root, { recursive: true });
  // Plain kernel-style C: a function with a call, so the tree is not empty.
  writeFileSync(join(root, 'ok.c'), 'static int f_ok(void)\n{\n\treturn g_ok();\n}\n');
  // An object file renamed .c: NUL bytes right at the start.
  writeFileSync(join(root, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 0, 0, 0]));
  // A C file saved as UTF-16LE with a BOM (an editor's "Unicode" setting).
  writeFileSync(
    join(root, 'wide.c'),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('int f_wide(void);\n', 'utf16le')]),
  );
  // The cache folder is a file, so the cache cannot be written.
  const badCache = join(tmp, 'not-a-dir');
  writeFileSync(badCache, 'x');
  const r = run('index', root, '--cache-dir', join(badCache, 'sub'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2 skipped/);
  assert.match(r.stdout, /skipped blob\.c: .*binary/);
  assert.match(r.stdout, /skipped wide\.c: /);
  assert.match(r.stderr, /cache not written: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  // Again from a good cache (warm): the skipped files are still listed.
  const cache = join(tmp, 'cache');
  run('index', root, '--cache-dir', cache);
  const warm = run('index', root, '--cache-dir', cache, '--json');
  assert.equal(warm.status, 0, warm.stderr);
  const j = JSON.parse(warm.stdout) as { skipped?: { path: string; reason: string }[] };
  assert.deepEqual(j.skipped?.map((s) => s.path).sort(), ['blob.c', 'wide.c']);
});
