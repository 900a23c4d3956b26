import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseFieldQuery } from '../../src/features/navQueries';
import { compact, statusText } from '../../src/features/statusText';

const ready = {
  kind: 'ready' as const,
  stats: { files: 2400, functions: 31000, calls: 250_000, fieldAccesses: 400_000 },
  ms: 8123.4,
  cachedFiles: 2000,
  parsedFiles: 400,
};

test('counts are compacted for the status bar', () => {
  assert.deepEqual([0, 999, 1234, 31000, 250_000, 1_500_000].map(compact), [
    '0',
    '999',
    '1.2k',
    '31k',
    '250k',
    '1.5M',
  ]);
});

test('status shows progress while any folder indexes, counts once all are ready', () => {
  const busy = statusText([
    { folder: 'linux', state: ready },
    { folder: 'passt', state: { kind: 'indexing', phase: 'parse', done: 12, total: 40 } },
  ]);
  assert.equal(busy.text, '$(sync~spin) SKLens 12/40');
  const scanning = statusText([
    { folder: 'linux', state: { kind: 'indexing', phase: 'scan', done: 0, total: 0 } },
  ]);
  assert.equal(
    scanning.text,
    '$(sync~spin) SKLens: looking for C files',
    'no 0/0 before the count',
  );
  const early = statusText([
    {
      folder: 'linux',
      state: { kind: 'indexing', phase: 'extract', done: 900, total: 55374, early: 104 },
    },
  ]);
  assert.equal(
    early.lines[0],
    "linux: extract 900/55374 files; 104 files of the open editors' folders answer already",
  );
  assert.match(busy.lines[1]!, /passt: parse 12\/40 files/);
  const done = statusText([{ folder: 'linux', state: ready }]);
  assert.equal(done.text, '$(type-hierarchy) SKLens 31k fn · 250k calls');
  assert.match(
    done.lines[0]!,
    /2400 files, 31000 functions, 250000 calls, 400000 field accesses \(2000 from cache, 400 parsed, 8123 ms\)/,
  );
  const failed = statusText([
    { folder: 'x', state: { kind: 'error', message: 'indexing cancelled' } },
  ]);
  assert.match(failed.text, /warning/);
  assert.equal(statusText([]).text, '$(circle-slash) SKLens');
});

test('field queries accept field, struct.field, struct x->field and reject junk', () => {
  assert.deepEqual(parseFieldQuery('sk_wmem_queued'), { field: 'sk_wmem_queued', struct: null });
  assert.deepEqual(parseFieldQuery(' sock.sk_sndbuf '), { field: 'sk_sndbuf', struct: 'sock' });
  assert.deepEqual(parseFieldQuery('struct tcp_sock->snd_cwnd'), {
    field: 'snd_cwnd',
    struct: 'tcp_sock',
  });
  assert.equal(parseFieldQuery('1abc'), undefined);
  assert.equal(parseFieldQuery('a b'), undefined);
  assert.equal(parseFieldQuery(''), undefined);
});

test('headers count as C even when VS Code opens them as C++', async () => {
  const { isCDocument, C_SELECTOR } = await import('../../src/services/selector');
  assert.equal(isCDocument('c', '/k/net/ipv4/tcp.c'), true);
  assert.equal(isCDocument('cpp', '/k/include/net/sock.h'), true);
  assert.equal(isCDocument('cpp', '/k/tools/foo.cc'), false);
  assert.equal(isCDocument('plaintext', '/k/x.h'), false);
  assert.ok(C_SELECTOR.some((s) => s.language === 'cpp' && s.pattern === '**/*.h'));
});
