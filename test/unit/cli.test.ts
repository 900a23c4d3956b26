import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: process.cwd(),
  });
  return { code, out, err };
}

test('sklens with no command prints usage and exits non-zero', async () => {
  const r = await cli();
  assert.equal(r.code, 2);
  assert.match(r.out, /usage: sklens <command>/);
});

test('an unknown command is a clear error on stderr', async () => {
  const r = await cli('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command 'frobnicate'/);
});

test('simulate with an unknown model names the known ones', async () => {
  const r = await cli('simulate', 'no-such-model');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown model 'no-such-model'/);
});

test('every command answers --help with its usage', async () => {
  for (const name of ['simulate', 'index', 'graph']) {
    const r = await cli(name, '--help');
    assert.equal(r.code, 0, name);
    assert.match(r.out, new RegExp(`usage: sklens ${name}`));
  }
});
