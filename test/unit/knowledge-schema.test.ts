// Every built-in entry passes the schema, names are unique, and every identifier issue 6 names
// has an entry. The negative cases prove the validator rejects what it should.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_FILES, builtinEntries, checkBuiltins } from '../../src/knowledge/builtin';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { validateEntry } from '../../src/knowledge/schema';

test('every built-in entry is valid, uniquely named and cited', () => {
  const problems = checkBuiltins();
  assert.deepEqual(problems, [], problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const entries = builtinEntries();
  assert.equal(
    entries.length,
    BUILTIN_FILES.reduce((n, f) => n + f.entries.length, 0),
  );
  for (const e of entries) {
    assert.ok(e.summary.cite.length > 0, `${e.id}: summary cites nothing`);
    if (e.kind === 'sysctl') assert.ok(e.sysctl?.default, `${e.id}: sysctl without default`);
  }
});

// Issue 6, "Cover at least": the identifiers and the sysctl_ spellings of the three vectors.
const ISSUE6 = [
  'sk_sndbuf',
  'sk_rcvbuf',
  'sk_wmem_queued',
  'sk_wmem_alloc',
  'sk_rmem_alloc',
  'sk_forward_alloc',
  'truesize',
  'SKB_TRUESIZE',
  'SO_SNDBUF',
  'SO_RCVBUF',
  'SO_SNDBUFFORCE',
  'SO_RCVBUFFORCE',
  'SO_MEMINFO',
  'SK_MEMINFO_RMEM_ALLOC',
  'SK_MEMINFO_RCVBUF',
  'SK_MEMINFO_WMEM_ALLOC',
  'SK_MEMINFO_SNDBUF',
  'SK_MEMINFO_FWD_ALLOC',
  'SK_MEMINFO_WMEM_QUEUED',
  'SK_MEMINFO_OPTMEM',
  'SK_MEMINFO_BACKLOG',
  'SK_MEMINFO_DROPS',
  'SIOCOUTQ',
  'SIOCOUTQNSD',
  'SIOCINQ',
  'TCP_NOTSENT_LOWAT',
  'SOCK_MIN_SNDBUF',
  'SOCK_MIN_RCVBUF',
  'SOCK_SNDBUF_LOCK',
  'SOCK_RCVBUF_LOCK',
  'tcp_wmem',
  'tcp_rmem',
  'tcp_mem',
  'sysctl_tcp_wmem',
  'sysctl_tcp_rmem',
  'sysctl_tcp_mem',
  'tcp_limit_output_bytes',
  'tcp_notsent_lowat',
  'tcp_adv_win_scale',
  'tcp_moderate_rcvbuf',
  'rcv_ssthresh',
  'window_clamp',
  'size_goal',
  'gso_segs',
  'mss_cache',
  'sk_stream_memory_free',
  'sk_wmem_schedule',
  '__sk_mem_schedule',
  '__sk_mem_raise_allocated',
  'sk_mem_reclaim',
  'tcp_memory_pressure',
  'tcp_memory_allocated',
  'SK_MEM_QUANTUM',
  'tcp_grow_window',
  'tcp_win_from_space',
  'tcp_sndbuf_expand',
  'tcp_small_queue_check',
  'tcp_stream_alloc_skb',
  'SNDBUF_GET',
  'SNDBUF_SET',
  'clamped_scale',
  'tcp_update_seqack_wnd',
  'tcp_wnd_from_sndbuf',
  'MAX_WINDOW',
  'SNDBUF_SMALL',
  'SNDBUF_BIG',
  'pipe_size',
  'OUT_WAIT',
  'SPLICE_F_MORE',
  'SO_RCVLOWAT',
  'SO_LINGER',
  'tcp_splice_forward',
];

test('every identifier named in issue 6 has an entry', () => {
  const kb = new KnowledgeBase();
  const missing = ISSUE6.filter((n) => kb.lookup(n) === undefined);
  assert.deepEqual(missing, []);
  // Old names resolve to their 6.1 successors.
  assert.equal(kb.lookup('sk_stream_alloc_skb')?.id, 'tcp_stream_alloc_skb');
  assert.equal(kb.lookup('sk_stream_mem_schedule')?.id, '__sk_mem_schedule');
  assert.equal(kb.lookup('A_OUT_WAIT')?.id, 'OUT_WAIT');
});

test('issue 6 pitfalls and history are present where the issue asks for them', () => {
  const kb = new KnowledgeBase();
  const text = (id: string): string => {
    const e = kb.lookup(id);
    assert.ok(e, id);
    return JSON.stringify(e);
  };
  assert.match(text('SO_SNDBUF'), /doubled/);
  assert.match(text('sk_wmem_queued'), /truesize, not payload/);
  assert.match(text('tcp_mem'), /pages/i);
  assert.match(text('tcp_wmem'), /\*\*bytes\*\*/);
  assert.match(text('SIOCOUTQ'), /unacked \*\*plus\*\* unsent/);
  assert.match(text('sk_sndbuf'), /skips the check/);
  assert.match(text('tcp_rmem'), /87380 to 131072/);
  assert.match(text('SK_MEM_QUANTUM'), /Gone in 6\.1/);
  assert.match(text('tcp_stream_alloc_skb'), /Renamed from `sk_stream_alloc_skb`/);
});

test('the validator rejects malformed entries', () => {
  const good = {
    id: 'x_field',
    kind: 'field',
    project: 'linux',
    summary: {
      text: 'A field.',
      cite: [{ project: 'linux', file: 'net/core/sock.c', function: 'sk_alloc' }],
    },
  };
  assert.deepEqual(validateEntry(good, 'e', { mode: 'builtin' }), []);
  const bad = (patch: Record<string, unknown>): string[] =>
    validateEntry({ ...good, ...patch }, 'e', { mode: 'builtin' }).map((p) => p.path);
  assert.deepEqual(bad({ summary: { text: 'no cite' } }), ['e.summary.cite']);
  assert.deepEqual(bad({ summary: { text: 'x', cite: [] } }), ['e.summary.cite']);
  assert.deepEqual(bad({ kind: 'thing' }), ['e.kind']);
  assert.deepEqual(bad({ units: 'furlongs' }), ['e.units']);
  assert.deepEqual(bad({ colour: 'red' }), ['e.colour']);
  assert.deepEqual(bad({ id: 'not an ident' }), ['e.id']);
  assert.deepEqual(bad({ kind: 'sysctl' }), ['e.sysctl']);
  assert.deepEqual(
    bad({
      summary: {
        text: 'x',
        cite: [{ project: 'linux', file: '/abs', function: 'f', since: '2026' }],
      },
    }),
    ['e.summary.cite[0].file', 'e.summary.cite[0].since'],
  );
  assert.deepEqual(bad({ pitfalls: [{ text: 'p' }] }), ['e.pitfalls[0].cite']);
  assert.deepEqual(bad({ model: { model: 'send-path' } }), ['e.model.scenario', 'e.model.label']);
  // User overrides of a built-in may be partial and uncited.
  assert.deepEqual(
    validateEntry({ id: 'sk_sndbuf', pitfalls: ['ours'] }, 'u', {
      mode: 'user',
      overridesBuiltin: true,
    }),
    [],
  );
  assert.deepEqual(
    validateEntry({ id: 'brand_new' }, 'u', { mode: 'user', overridesBuiltin: false }).map(
      (p) => p.path,
    ),
    ['u.kind', 'u.project', 'u.summary'],
  );
});
