// `sklens index|defs|callers|callees|fields` in process (runCli) on the tree-ops fixture:
// JSON shapes, root-relative paths, 1-based lines, via labels, errors on stderr.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/main';

const root = join(__dirname, '..', 'fixtures', 'tree-ops');
const cacheDir = mkdtempSync(join(tmpdir(), 'sklens-cli-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli([...argv, '--cache-dir', cacheDir], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: join(__dirname, '..', 'fixtures'),
  });
  return { code, out, err };
}

async function json<T>(...argv: string[]): Promise<T> {
  const r = await cli(...argv, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as T;
}

test('index --json reports the counts; a second run answers from the cache', async () => {
  const a = await json<Record<string, number>>('index', 'tree-ops', '--no-cache');
  assert.deepEqual(Object.keys(a).sort(), ['calls', 'fieldAccesses', 'files', 'functions', 'ms']);
  assert.equal(a.files, 4);
  assert.equal(a.functions, 11);
  const cold = await cli('index', root);
  assert.match(cold.out, /cache: miss/);
  const warm = await cli('index', root);
  assert.match(warm.out, /cache: hit; 4 from cache, 0 parsed/);
});

test('defs lists every definition with root-relative paths and 1-based lines', async () => {
  const defs = await json<{ name: string; file: string; line: number }[]>('defs', root);
  assert.equal(defs.length, 11);
  assert.deepEqual(
    defs.filter((d) => d.name === 'check_room'),
    [
      { name: 'check_room', file: 'net/af_sock.c', line: 12 },
      { name: 'check_room', file: 'net/tcp_lite.c', line: 8 },
    ],
  );
  assert.deepEqual(defs[0], { name: 'sk_stream_wspace', file: 'include/net/sock.h', line: 25 });
});

type Edge = { name: string; file: string; line: number; via: string };

test('callees follow ops tables and INDIRECT_CALL candidates', async () => {
  assert.deepEqual(await json<Edge[]>('callees', root, 'sock_sendmsg'), [
    { name: 'check_room', file: 'net/af_sock.c', line: 19, via: 'direct' },
    { name: 'tcp_sendmsg', file: 'net/af_sock.c', line: 22, via: 'ops:proto.sendmsg' },
    { name: 'udp_sendmsg', file: 'net/af_sock.c', line: 22, via: 'ops:proto.sendmsg' },
  ]);
  const rcv = await json<Edge[]>('callees', root, 'sock_recvmsg');
  assert.deepEqual(
    rcv.filter((e) => e.via === 'INDIRECT_CALL').map((e) => e.name),
    ['tcp_recvmsg', 'udp_recvmsg'],
  );
});

test('callers include the ops-table caller', async () => {
  assert.deepEqual(await json<Edge[]>('callers', root, 'tcp_sendmsg'), [
    { name: 'sock_sendmsg', file: 'net/af_sock.c', line: 22, via: 'ops:proto.sendmsg' },
  ]);
  assert.deepEqual(
    (await json<Edge[]>('callers', root, 'sk_stream_wspace')).map((e) => `${e.name}@${e.file}`),
    ['check_room@net/af_sock.c', 'udp_sendmsg@net/udp_lite.c'],
  );
});

test('fields lists reads and writes by function', async () => {
  const rows = await json<{ access: string; function: string; file: string; line: number }[]>(
    'fields',
    root,
    'sk_wmem_queued',
  );
  assert.deepEqual(
    rows.filter((r) => r.access === 'write').map((r) => [r.function, r.file, r.line]),
    [
      ['tcp_sendmsg', 'net/tcp_lite.c', 17],
      ['tcp_close', 'net/tcp_lite.c', 28],
    ],
  );
  assert.ok(rows.some((r) => r.access === 'read' && r.function === 'sk_stream_wspace'));
});

test('a missing root or an unknown function is a clear error with a non-zero exit', async () => {
  const noRoot = await cli('callers', 'no/such/tree', 'x');
  assert.equal(noRoot.code, 2);
  assert.match(noRoot.err, /root 'no\/such\/tree' does not exist/);
  const unknown = await cli('callees', root, 'no_such_function');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown function 'no_such_function'/);
  assert.equal(unknown.out, '');
  const missing = await cli('callers', root);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /missing <function>/);
});
