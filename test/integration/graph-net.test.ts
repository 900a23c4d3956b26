// The call-graph features on the real Linux 6.1 tree (net/ and include/net/, through the
// workspace index with its cache): the claim checker reproduces the hand-checked answer key of
// test/fixtures/claims/linux61-tcp-memory.md exactly, the memory map names the right callers,
// and the tcp_sendmsg_locked neighbourhood contains the ops-table edge inet_sendmsg -> tcp_sendmsg.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { callGraph } from '../../src/graph/callGraph';
import { checkDocument } from '../../src/graph/claims';
import { memdoc } from '../../src/graph/memdoc';
import { defaultCacheDir } from '../../src/index/cache';
import { WorkspaceIndex } from '../../src/index/workspaceIndex';
import { linuxRoot } from './sources';

const fixtures = join(__dirname, '../fixtures/claims');
let ws: WorkspaceIndex;

before(async () => {
  ws = await WorkspaceIndex.open(linuxRoot(), {
    cacheDir: defaultCacheDir(),
    include: ['net/**/*.c', 'net/**/*.h', 'include/net/**/*.h'],
  });
});
after(() => ws?.dispose());

interface KeyRow {
  subject: string;
  kind: string;
  object: string[];
  status: string;
  /** '*' for `calls` claims: the full callee list includes macros and is not part of the key. */
  actual: string[] | '*';
  successor: string | null;
  evidence: string[];
}

test('claim checker reproduces the Linux 6.1 answer key exactly', () => {
  const text = readFileSync(join(fixtures, 'linux61-tcp-memory.md'), 'utf8');
  const key = JSON.parse(
    readFileSync(join(fixtures, 'linux61-tcp-memory.expected.json'), 'utf8'),
  ) as KeyRow[];
  const got = checkDocument(ws.index, text);
  assert.equal(got.length, key.length, 'number of claims');
  got.forEach((c, i) => {
    const k = key[i]!;
    if (k.actual === '*')
      for (const o of k.object) assert.ok(c.actual.includes(o), `${c.subject} calls ${o}`);
    assert.deepEqual(
      {
        subject: c.subject,
        kind: c.kind,
        object: c.object,
        status: c.status,
        actual: k.actual === '*' ? '*' : c.actual,
        successor: c.successor,
        evidence: c.evidence,
      },
      k,
      `claim ${i + 1}: ${c.text}`,
    );
  });
});

test('memory map names the right callers of the acceptance functions', () => {
  const md = memdoc(ws.index);
  const callersOf = (fn: string): string => {
    const section = md.split('\n### ').find((s) => s.startsWith(`[\`${fn}\`]`)) ?? '';
    return /- called by: (.*)/.exec(section)?.[1]?.replace(/\]\([^)]*\)/g, ']') ?? '';
  };
  assert.equal(callersOf('tcp_sndbuf_expand'), '[`tcp_init_buffer_space`], [`tcp_new_space`]');
  assert.equal(callersOf('tcp_clamp_window'), '[`tcp_prune_queue`]');
  assert.equal(callersOf('tcp_grow_window'), '[`tcp_data_queue_ofo`], [`tcp_event_data_recv`]');
  assert.equal(
    callersOf('__sk_mem_raise_allocated'),
    '[`__sk_mem_schedule`], [`__udp_enqueue_schedule_skb`], [`mptcp_rmem_schedule`]',
  );
  assert.equal(
    callersOf('sk_stream_moderate_sndbuf'),
    '[`__sk_mem_raise_allocated`], [`mptcp_enter_memory_pressure`], [`sk_page_frag_refill`], [`tcp_stream_alloc_skb`], [`tls_do_allocation`]',
  );
  assert.match(md, /### \[`tcp_sndbuf_expand`\]\(net\/ipv4\/tcp_input\.c#L426\)/);
  assert.match(md, /## net\/ipv4\/tcp_output\.c/);
});

test('tcp_sendmsg_locked depth 2 has the ops-table edge inet_sendmsg -> tcp_sendmsg', () => {
  const g = callGraph(ws.index, 'tcp_sendmsg_locked', { depth: 2 });
  const ops = g.edges.find(
    (e) => e.from === 'inet_sendmsg' && e.to === 'tcp_sendmsg' && e.kind === 'ops',
  );
  assert.equal(ops?.via, 'ops:proto.sendmsg');
  assert.equal(ops?.file, 'net/ipv4/af_inet.c');
  assert.ok(
    g.nodes.find((n) => n.id === 'tcp_sendmsg_locked')?.memory,
    'tcp_sendmsg_locked is memory-related',
  );
  assert.equal(g.truncated, undefined);
});
