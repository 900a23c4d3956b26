// The pure parts of the index service: glob filtering, watcher batching (a `git checkout`
// burst becomes few updates, folder deletes expand to the files below), per-document edit
// debounce, the host-thread task meter and the language-server deferral decision.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CLANGD_ID, CPPTOOLS_ID, decideDeferral } from '../../src/features/deferral';
import {
  ChangeBatcher,
  expandDeletedFolders,
  type ChangeBatch,
} from '../../src/services/changeBatcher';
import { KeyedDebouncer } from '../../src/services/debouncer';
import { compileGlob, PathFilter } from '../../src/index/pathFilter';
import { HostTimer, type TaskRecord } from '../../src/services/hostTimer';
import { FakeTimers } from './helpers/fakeTimers';

test('globs: ** spans folders, * stays in one, braces alternate', () => {
  const c = compileGlob('**/*.{c,h}');
  assert.ok(c.test('tcp.c'));
  assert.ok(c.test('net/ipv4/tcp.c'));
  assert.ok(c.test('include/net/sock.h'));
  assert.ok(!c.test('net/ipv4/Makefile'));
  assert.ok(!c.test('net/ipv4/tcp.cc'));
  assert.ok(compileGlob('net/*.c').test('net/socket.c'));
  assert.ok(!compileGlob('net/*.c').test('net/ipv4/tcp.c'));
  assert.ok(compileGlob('**/.git/**').test('.git/HEAD'));
  assert.ok(compileGlob('tcp_?.c').test('tcp_1.c'));
  assert.ok(compileGlob('[a-c]*.c').test('bpf.c'));
  assert.ok(!compileGlob('a+b.c').test('aab.c'));
});

test('PathFilter applies include then exclude, and excludes a folder named by x/**', () => {
  const f = new PathFilter(['**/*.c', '**/*.h'], ['**/.git/**', 'drivers/**']);
  assert.ok(f.wanted('net/ipv4/tcp.c'));
  assert.ok(!f.wanted('drivers/net/tun.c'));
  assert.ok(!f.wanted('.git/x.c'));
  assert.ok(f.excluded('drivers'));
  assert.ok(!f.wanted('README'));
});

function batcher(timers: FakeTimers, maxPaths = 1000) {
  const batches: ChangeBatch[] = [];
  const b = new ChangeBatcher({
    delayMs: 200,
    maxPaths,
    isSource: (p) => /\.[ch]$/.test(p),
    flush: (x) => batches.push(x),
    timers,
  });
  return { b, batches };
}

test('watcher events coalesce per path until the burst goes quiet', () => {
  const t = new FakeTimers();
  const { b, batches } = batcher(t);
  b.add('change', 'net/ipv4/tcp.c');
  t.advance(150);
  b.add('change', 'net/ipv4/tcp.c');
  b.add('create', 'net/ipv4/tcp_new.c');
  b.add('delete', 'net/ipv4/tcp_old.c');
  b.add('delete', 'net/ipv4/tcp_moved.c');
  b.add('create', 'net/ipv4/tcp_moved.c');
  b.add('change', 'net/ipv4/Makefile');
  b.add('create', 'net/mptcp');
  t.advance(150);
  assert.equal(batches.length, 0, 'still inside the quiet period');
  t.advance(100);
  assert.equal(batches.length, 1);
  assert.deepEqual(batches[0], {
    changed: ['net/ipv4/tcp.c', 'net/ipv4/tcp_new.c', 'net/ipv4/tcp_moved.c'],
    deleted: ['net/ipv4/tcp_old.c'],
    createdOther: ['net/mptcp'],
  });
  assert.equal(t.pending, 0);
});

test('a 10,000-file checkout is flushed in bounded batches, not one event at a time', () => {
  const t = new FakeTimers();
  const { b, batches } = batcher(t, 4096);
  for (let i = 0; i < 10_000; i++) b.add(i % 2 ? 'delete' : 'create', `net/f${i}.c`);
  t.advance(1000);
  assert.equal(batches.length, 3);
  assert.equal(
    batches.reduce((n, x) => n + x.changed.length + x.deleted.length, 0),
    10_000,
  );
  assert.ok(batches.every((x) => x.changed.length + x.deleted.length <= 4096));
});

test('a deleted folder removes every indexed file below it and nothing else', () => {
  const indexed = [
    'net/ipv4/tcp.c',
    'net/ipv4/udp.c',
    'net/ipv6/tcp_ipv6.c',
    'net/ipv4x/a.c',
    'include/net/sock.h',
  ];
  assert.deepEqual(expandDeletedFolders(['net/ipv4', 'include/net/sock.h'], indexed), [
    'net/ipv4/tcp.c',
    'net/ipv4/udp.c',
    'include/net/sock.h',
  ]);
  assert.deepEqual(expandDeletedFolders(['net'], indexed).length, 4);
  assert.deepEqual(expandDeletedFolders(['nothing'], indexed), []);
});

test('edits to one document run once after the pause; flush forces pending work', () => {
  const t = new FakeTimers();
  const d = new KeyedDebouncer<string>(100, t);
  const runs: string[] = [];
  for (let i = 0; i < 50; i++) {
    d.schedule('tcp.c', () => runs.push(`tcp.c#${i}`));
    t.advance(10);
  }
  d.schedule('sock.h', () => runs.push('sock.h'));
  assert.equal(runs.length, 0);
  d.flush('sock.h');
  assert.deepEqual(runs, ['sock.h']);
  t.advance(100);
  assert.deepEqual(runs, ['sock.h', 'tcp.c#49']);
  d.schedule('x.c', () => runs.push('x.c'));
  d.cancel('x.c');
  t.advance(1000);
  assert.equal(runs.length, 2);
});

test('the host timer keeps the longest task per phase and reports those over the threshold', () => {
  let clock = 0;
  const slow: TaskRecord[] = [];
  const h = new HostTimer(
    () => clock,
    (r) => slow.push(r),
    50,
  );
  h.run('edit', 'reparse tcp.c', () => (clock += 4));
  h.run('edit', 'reparse tcp.c', () => (clock += 70));
  h.run('indexing', 'merge batch', () => (clock += 20));
  assert.throws(() =>
    h.run('query', 'references', () => {
      clock += 60;
      throw new Error('boom');
    }),
  );
  const s = h.snapshot();
  assert.equal(s.edit!.count, 2);
  assert.equal(s.edit!.longest!.ms, 70);
  assert.deepEqual(
    s.edit!.top.map((t) => t.ms),
    [70, 4],
  );
  assert.equal(h.percentile('edit', 0.5), 70);
  assert.equal(h.percentile('edit', 0), 4);
  assert.match(h.describe().join('\n'), /edit: 2 tasks, longest 70\.0 ms .*top: 70\.0 ms reparse/);
  assert.equal(s.indexing!.longest!.ms, 20);
  assert.deepEqual(
    slow.map((r) => [r.phase, r.ms]),
    [
      ['edit', 70],
      ['query', 60],
    ],
  );
  assert.match(
    h.describe().join('\n'),
    /edit: 2 tasks, longest 70\.0 ms \(reparse tcp\.c\), 1 over 50 ms/,
  );
});

test('deferral: auto yields to clangd or cpptools only when they are active', () => {
  const none = { extensionIds: ['vscode.git'] };
  assert.equal(decideDeferral('auto', none).defer, false);
  assert.equal(decideDeferral('auto', { extensionIds: [CLANGD_ID] }).defer, true);
  assert.equal(
    decideDeferral('auto', { extensionIds: [CLANGD_ID], clangdEnable: false }).defer,
    false,
  );
  assert.equal(decideDeferral('auto', { extensionIds: ['MS-VSCODE.cpptools'] }).defer, true);
  assert.equal(
    decideDeferral('auto', { extensionIds: [CPPTOOLS_ID], cppIntelliSenseEngine: 'Disabled' })
      .defer,
    false,
  );
  assert.equal(decideDeferral('never', { extensionIds: [CLANGD_ID] }).defer, false);
  assert.equal(decideDeferral('always', none).defer, true);
  assert.match(decideDeferral('auto', { extensionIds: [CLANGD_ID] }).reason, /clangd/);
});
