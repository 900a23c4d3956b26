import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { callGraph } from '../../src/graph/callGraph';
import { exportGraph } from '../../src/graph/export';
import { fakeIndex } from './helpers/fakeIndex';
import { tcpFake } from './tcpFake';

test('neighbourhood both ways to depth 2 with signed depths and via kinds', () => {
  const g = callGraph(tcpFake(), 'tcp_sendmsg_locked', { depth: 2 });
  const depth = Object.fromEntries(g.nodes.map((n) => [n.id, n.depth]));
  assert.deepEqual(depth, {
    tcp_sendmsg_locked: 0,
    tcp_stream_alloc_skb: 1,
    tcp_push: 1,
    printk_helper: 1,
    __sk_mem_schedule: 2,
    tcp_write_xmit: 2,
    tcp_sendmsg: -1,
    inet_sendmsg: -2,
  });
  const ops = g.edges.find((e) => e.from === 'inet_sendmsg');
  assert.deepEqual(
    ops && { to: ops.to, via: ops.via, kind: ops.kind, file: ops.file, line: ops.line },
    {
      to: 'tcp_sendmsg',
      via: 'ops:proto.sendmsg',
      kind: 'ops',
      file: 'net/ipv4/af_inet.c',
      line: 110,
    },
  );
  const push = g.edges.find((e) => e.to === 'tcp_push');
  assert.equal(push?.sites, 2, 'two call sites fold into one edge');
  const n = g.nodes.find((x) => x.id === 'inet_sendmsg');
  assert.equal(n?.subsystem, 'net/ipv4');
  assert.equal(n?.file, 'net/ipv4/af_inet.c');
  assert.equal(n?.line, 100);
  assert.equal(g.truncated, undefined);
});

test('memory marking comes from fields, globals and helper calls', () => {
  const g = callGraph(tcpFake(), 'tcp_sendmsg_locked', { depth: 2 });
  const mem = g.nodes
    .filter((n) => n.memory)
    .map((n) => n.id)
    .sort();
  // tcp_sendmsg_locked reads sk_wmem_queued; tcp_stream_alloc_skb and __sk_mem_schedule are listed helpers.
  assert.deepEqual(mem, ['__sk_mem_schedule', 'tcp_sendmsg_locked', 'tcp_stream_alloc_skb']);
  // in source order: the helper call (line 250) before the field read (line 300)
  assert.deepEqual(g.nodes.find((n) => n.id === 'tcp_sendmsg_locked')?.memoryWhy, [
    'tcp_stream_alloc_skb',
    'sk_wmem_queued',
  ]);
});

test('direction in/out and depth limit', () => {
  const out = callGraph(tcpFake(), 'tcp_push', { depth: 1, direction: 'out' });
  assert.deepEqual(
    out.nodes.map((n) => n.id),
    ['tcp_push', 'tcp_write_xmit'],
  );
  const inn = callGraph(tcpFake(), 'tcp_stream_alloc_skb', { depth: 1, direction: 'in' });
  assert.deepEqual(inn.nodes.map((n) => n.id).sort(), [
    'tcp_fragment',
    'tcp_mtu_probe',
    'tcp_sendmsg_locked',
    'tcp_stream_alloc_skb',
  ]);
});

test('memory-only keeps memory functions and what leads to them', () => {
  // Depth 2: tcp_mtu_probe -> tcp_stream_alloc_skb (a memory helper) stays; the path
  // tcp_event_new_data_sent -> tcp_check_space reaches memory (tcp_new_space calls
  // tcp_sndbuf_expand) only at depth 3, so it is dropped.
  const g = callGraph(tcpFake(), 'tcp_write_xmit', {
    depth: 2,
    direction: 'out',
    memoryOnly: true,
  });
  assert.deepEqual(g.nodes.map((n) => n.id).sort(), [
    'tcp_mtu_probe',
    'tcp_stream_alloc_skb',
    'tcp_write_xmit',
  ]);
  // Depth 3: tcp_new_space is memory-related (it calls the helper tcp_sndbuf_expand), so the
  // whole path to it comes back.
  const g3 = callGraph(tcpFake(), 'tcp_write_xmit', {
    depth: 3,
    direction: 'out',
    memoryOnly: true,
  });
  assert.deepEqual(g3.nodes.map((n) => n.id).sort(), [
    '__sk_mem_schedule',
    'tcp_check_space',
    'tcp_event_new_data_sent',
    'tcp_mtu_probe',
    'tcp_new_space',
    'tcp_stream_alloc_skb',
    'tcp_write_xmit',
  ]);
  const plain = callGraph(tcpFake(), 'tcp_sendmsg_locked', {
    depth: 1,
    direction: 'out',
    memoryOnly: true,
  });
  assert.deepEqual(plain.nodes.map((n) => n.id).sort(), [
    'tcp_sendmsg_locked',
    'tcp_stream_alloc_skb',
  ]);
  for (const e of plain.edges) assert.notEqual(e.to, 'printk_helper');
});

test('node cap keeps the nearest nodes and says what was left out', () => {
  const g = callGraph(tcpFake(), 'tcp_sendmsg_locked', { depth: 2, maxNodes: 4 });
  assert.equal(g.nodes.length, 4);
  assert.equal(g.nodes[0]?.id, 'tcp_sendmsg_locked');
  assert.equal(g.truncated?.omitted, 4);
  assert.match(g.truncated?.note ?? '', /showing the 4 nearest functions, 4 more/);
  const ids = new Set(g.nodes.map((n) => n.id));
  for (const e of g.edges) assert.ok(ids.has(e.from) && ids.has(e.to));
});

test('unknown centre is noted, not thrown', () => {
  const g = callGraph(tcpFake(), 'no_such_fn');
  assert.equal(g.nodes.length, 1);
  assert.match(g.notes[0] ?? '', /no definition and no callers/);
});

test('DOT and Mermaid draw indirect edges dashed and labelled', () => {
  const g = callGraph(tcpFake(), 'tcp_sendmsg', { depth: 2, direction: 'in' });
  const dot = exportGraph(g, 'dot');
  assert.match(dot, /"inet_sendmsg" -> "tcp_sendmsg" \[style=dashed, label="ops:proto.sendmsg"\];/);
  assert.match(dot, /"sock_sendmsg" -> "inet_sendmsg" \[style=dashed, label="INDIRECT_CALL"\];/);
  assert.match(dot, /label="net\/ipv4";/);
  const mm = exportGraph(g, 'mermaid');
  assert.match(mm, /^flowchart LR/);
  assert.match(mm, /n\d+ -\.->\|"ops:proto\.sendmsg"\| n0/);
  const json = JSON.parse(exportGraph(g, 'json')) as { centre: string; edges: unknown[] };
  assert.equal(json.centre, 'tcp_sendmsg');
  assert.equal(json.edges.length, 2);
});

test('macro-like callees are hidden by default and counted in a note', () => {
  const idx = fakeIndex({
    defs: { a_fn: 'x.c:1-10', b_fn: 'x.c:11-20' },
    calls: [
      ['a_fn', 'b_fn', 'direct', 'x.c:2'],
      ['a_fn', 'READ_ONCE', 'direct', 'x.c:3'],
      ['a_fn', 'unlikely', 'direct', 'x.c:4'],
      ['a_fn', 'memcpy', 'direct', 'x.c:5'],
    ],
  });
  const g = callGraph(idx, 'a_fn', { depth: 1, direction: 'out' });
  assert.deepEqual(
    g.nodes.map((n) => n.id),
    ['a_fn', 'b_fn', 'memcpy'],
  );
  assert.deepEqual(g.notes, ['2 macro calls hidden (READ_ONCE, likely, min_t...)']);
  const all = callGraph(idx, 'a_fn', { depth: 1, direction: 'out', hideMacros: false });
  assert.equal(all.nodes.length, 5);
});
