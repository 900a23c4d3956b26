// The workspace index on the real Linux 6.1 net/ tree: ops-table edges, the callees of five
// TCP memory functions checked by hand against the source (see docs/callees-vs-cscope.md),
// call-site lines that point at the call, static-name resolution, and an open-document edit
// that leaves the index equal to a fresh one.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CallEdge } from '../../src/index/api';
import { WorkspaceIndex } from '../../src/index/workspaceIndex';
import { linuxRoot } from './sources';
import { packBatch } from '../../src/index/packed';
import { FactsPipeline } from '../../src/index/pipeline';

let ws: WorkspaceIndex;
const net = () => join(linuxRoot(), 'net');

before(async () => {
  // A persistent cache beside the sources: the first run indexes net/ (tens of seconds on
  // two cores), later runs reopen it.
  ws = await WorkspaceIndex.open(net(), {
    cacheDir: join(__dirname, '..', '..', '.cache', 'sklens-test-index'),
  });
});
after(() => ws?.dispose());

const lines = new Map<string, string[]>();
function sourceLine(file: string, line0: number): string {
  let ls = lines.get(file);
  if (!ls) lines.set(file, (ls = readFileSync(join(net(), file), 'utf8').split('\n')));
  return ls[line0] ?? '';
}

const names = (edges: CallEdge[]) => new Set(edges.map((e) => e.callee));

test('ops table: inet_sendmsg reaches tcp_sendmsg through sk->sk_prot->sendmsg', () => {
  const out = ws.index
    .calleesOf('inet_sendmsg')
    .filter((e) => e.callee === 'tcp_sendmsg' && e.via === 'ops:proto.sendmsg');
  assert.equal(out.length, 1);
  assert.equal(out[0]!.file, 'ipv4/af_inet.c');
  assert.match(sourceLine(out[0]!.file, out[0]!.span.line), /sk_prot->sendmsg/);
  // The INDIRECT_CALL_2(sk->sk_prot->sendmsg, tcp_sendmsg, udp_sendmsg, ...) candidates too.
  const ind = ws.index.calleesOf('inet_sendmsg').filter((e) => e.via === 'INDIRECT_CALL');
  assert.deepEqual(ind.map((e) => e.callee).sort(), ['tcp_sendmsg', 'udp_sendmsg']);
  assert.equal(out[0]!.calleeFile, 'ipv4/tcp.c');
});

test('ops table: the callers of tcp_sendmsg include inet_sendmsg', () => {
  const callers = ws.index.callersOf('tcp_sendmsg');
  assert.ok(callers.some((e) => e.caller === 'inet_sendmsg' && e.via === 'ops:proto.sendmsg'));
  assert.ok(callers.some((e) => e.caller === 'inet_sendmsg' && e.via === 'INDIRECT_CALL'));
  // inet6_sendmsg dispatches the same way (net/ipv6/af_inet6.c).
  assert.ok(callers.some((e) => e.caller === 'inet6_sendmsg'));
});

/** Callees read off each function's body in Linux 6.1 (file: function). */
const HAND_CHECKED: Record<string, { file: string; direct: string[]; ops?: [string, string][] }> = {
  // net/ipv4/tcp.c: tcp_sendmsg_locked
  tcp_sendmsg_locked: {
    file: 'ipv4/tcp.c',
    direct: [
      'tcp_sendmsg_fastopen',
      'sk_stream_wait_connect',
      'tcp_rate_check_app_limited',
      'tcp_send_mss',
      'tcp_write_queue_tail',
      'sk_stream_memory_free',
      'sk_flush_backlog',
      'tcp_stream_alloc_skb',
      'tcp_skb_entail',
      'sk_page_frag_refill',
      'skb_can_coalesce',
      'tcp_wmem_schedule',
      'skb_copy_to_page_nocache',
      'skb_zerocopy_iter_stream',
      'tcp_mark_push',
      '__tcp_push_pending_frames',
      'tcp_push_one',
      'sk_stream_wait_memory',
      'tcp_push',
      'tcp_remove_empty_skb',
      'sk_stream_error',
      'tcp_tx_timestamp',
    ],
  },
  // net/ipv4/tcp_input.c: tcp_grow_window
  tcp_grow_window: {
    file: 'ipv4/tcp_input.c',
    direct: [
      'tcp_space',
      'tcp_under_memory_pressure',
      'truesize_adjust',
      'tcp_win_from_space',
      '__tcp_grow_window',
      'tcp_adjust_rcv_ssthresh',
    ],
  },
  // net/ipv4/tcp_input.c: tcp_sndbuf_expand — ca_ops->sndbuf_expand(sk) is BBR's hook.
  tcp_sndbuf_expand: {
    file: 'ipv4/tcp_input.c',
    direct: ['tcp_snd_cwnd', 'roundup_pow_of_two', 'sock_net'],
    ops: [['bbr_sndbuf_expand', 'ops:tcp_congestion_ops.sndbuf_expand']],
  },
  // net/core/sock.c: __sk_mem_raise_allocated
  __sk_mem_raise_allocated: {
    file: 'core/sock.c',
    direct: [
      'sk_memory_allocated_add',
      'mem_cgroup_charge_skmem',
      'sk_prot_mem_limits',
      'sk_leave_memory_pressure',
      'sk_enter_memory_pressure',
      'sk_get_rmem0',
      'sk_get_wmem0',
      'sk_under_memory_pressure',
      'sk_has_memory_pressure',
      'sk_stream_moderate_sndbuf',
      'trace_sock_exceed_buf_limit',
      'sk_memory_allocated_sub',
      'mem_cgroup_uncharge_skmem',
    ],
  },
  // net/ipv4/tcp_output.c: tcp_write_xmit
  tcp_write_xmit: {
    file: 'ipv4/tcp_output.c',
    direct: [
      'tcp_mstamp_refresh',
      'tcp_mtu_probe',
      'tcp_tso_segs',
      'tcp_pacing_check',
      'tcp_init_tso_segs',
      'tcp_cwnd_test',
      'tcp_snd_wnd_test',
      'tcp_nagle_test',
      'tcp_tso_should_defer',
      'tcp_mss_split_point',
      'tso_fragment',
      'tcp_small_queue_check',
      'tcp_transmit_skb',
      'tcp_event_new_data_sent',
      'tcp_minshall_update',
      'tcp_chrono_start',
      'tcp_chrono_stop',
      'tcp_cwnd_validate',
      'tcp_schedule_loss_probe',
      'tcp_write_queue_empty',
    ],
  },
};

for (const [fn, want] of Object.entries(HAND_CHECKED)) {
  test(`callees of ${fn} contain the calls read off its body, each at its call line`, () => {
    const edges = ws.index.calleesOf(fn, want.file);
    const got = names(edges.filter((e) => e.via === 'direct'));
    const missing = want.direct.filter((n) => !got.has(n));
    assert.deepEqual(missing, [], `missing direct callees of ${fn}`);
    for (const [callee, via] of want.ops ?? []) {
      assert.ok(
        edges.some((e) => e.callee === callee && e.via === via),
        `${fn} -> ${callee} via ${via}`,
      );
    }
    // Every edge sits on a line that calls it: `name(` for direct/INDIRECT_CALL, `->member(`
    // (or `.member(`) for ops edges.
    for (const e of edges) {
      const text = sourceLine(e.file, e.span.line);
      const token = e.via.startsWith('ops:') ? e.via.slice(e.via.lastIndexOf('.') + 1) : e.callee;
      assert.ok(
        new RegExp(`\\b${token}\\s*\\(`).test(text) || text.includes(token),
        `${e.file}:${e.span.line + 1} should call ${token}: ${text.trim()}`,
      );
      assert.equal(e.file, want.file);
    }
  });
}

test('static functions of one name resolve to the definition in the caller file', () => {
  let checked = 0;
  for (const { file, item } of ws.index.allFunctions()) {
    if (!item.isStatic) continue;
    const defs = ws.index.functionDefs(item.name);
    if (defs.length < 2) continue;
    for (const e of ws.index.callersOf(item.name, file)) {
      if (e.via !== 'direct') continue;
      assert.equal(e.calleeFile, file, `${e.caller} (${e.file}) -> ${item.name}`);
      // A static function in a .c file is only reachable from that file.
      if (file.endsWith('.c')) assert.equal(e.file, file);
      checked++;
    }
    if (checked > 200) break;
  }
  assert.ok(checked > 50, `checked ${checked} edges`);
});

test('an open-document edit and its undo leave the index equal to a fresh extraction', async () => {
  const file = 'ipv4/tcp_input.c';
  const original = readFileSync(join(net(), file), 'utf8');
  const before = ws.index.calleesOf('tcp_sndbuf_expand');
  // Rename a callee in the body, as a user typing would, then undo.
  const edited = original.replace('roundup_pow_of_two(per_mss)', 'roundup_pow_of_twX(per_mss)');
  assert.notEqual(edited, original);
  // As the extension applies an edit: the document pipeline's facts replace the file's.
  const docs = await FactsPipeline.create();
  const edit = (text: string) => {
    const { batch } = packBatch([docs.document(file, text).facts]);
    ws.setPacked(batch.files[0]!, batch.strings);
  };
  edit(edited);
  const mid = names(ws.index.calleesOf('tcp_sndbuf_expand'));
  assert.ok(mid.has('roundup_pow_of_twX') && !mid.has('roundup_pow_of_two'));
  edit(original);
  docs.dispose();
  assert.deepEqual(ws.index.calleesOf('tcp_sndbuf_expand'), before);
});
