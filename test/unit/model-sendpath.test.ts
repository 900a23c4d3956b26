// Scenarios S1–S7 (docs/models.md §2.3, §3.13) through the send-path and setsockopt models: each
// assertion is one of the spec's integers, so a change in the kernel arithmetic fails here.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main';
import {
  findPreset,
  setsockoptBuf,
  sizeGoalBytes,
  tcpSndbufExpandBytes,
} from '../../src/model/kernelConstants';
import {
  epolloutMaxWmemQueuedBytes,
  sendPathInput,
  sendPathModel,
  SendSocket,
} from '../../src/model/sendPath';
import { sockoptModel } from '../../src/model/sockopt';
import { runModel, validateParams, type ModelResult, type Params } from '../../src/model/types';

const P61 = findPreset('linux-6.1-x86_64')!;

function scenario(model: typeof sendPathModel, id: string, extra: Params = {}): ModelResult {
  const sc = model.scenarios.find((s) => s.id === id);
  assert.ok(sc, `scenario ${id} exists`);
  return runModel(model, { ...sc.params, ...extra });
}

function writes(r: ModelResult): { sq: number[]; wq: number[]; acc: number[] } {
  const pts = r.series.filter((p) => p.event === 'write');
  return {
    sq: pts.map((p) => p.send_q_bytes as number),
    wq: pts.map((p) => p.wmem_queued_bytes as number),
    acc: pts.map((p) => p.write_accepted_bytes as number),
  };
}

/** Points of phase 2: writes made after the peer's window closed (window open writes first). */
function phase2(r: ModelResult, phase1Writes: number): ReturnType<typeof writes> {
  const w = writes(r);
  return {
    sq: w.sq.slice(phase1Writes),
    wq: w.wq.slice(phase1Writes),
    acc: w.acc.slice(phase1Writes),
  };
}

async function cliJson(model: string, id: string): Promise<{ final: Record<string, unknown> }> {
  let out = '';
  let err = '';
  const code = await runCli(['simulate', model, '--scenario', id, '--json'], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: process.cwd(),
  });
  assert.equal(code, 0, err);
  return JSON.parse(out) as { final: Record<string, unknown> };
}

test('S1: setsockopt doubling, minimums, u32 compare, FORCE and lock bits', () => {
  const sys = { wmem_max_bytes: 212992, rmem_max_bytes: 212992 };
  const g = (o: Parameters<typeof setsockoptBuf>[0], v: number, cap = true) =>
    setsockoptBuf(o, v, sys, P61, cap, 16384);
  assert.equal(g('SO_SNDBUF', 4096).sk_bytes, 8192);
  assert.equal(g('SO_SNDBUF', 1000).sk_bytes, 4608);
  assert.equal(g('SO_SNDBUF', 1_000_000).sk_bytes, 425984);
  assert.equal(g('SO_SNDBUF', -1).sk_bytes, 425984);
  assert.equal(g('SO_RCVBUF', 1000).sk_bytes, 2304);
  assert.equal(g('SO_RCVBUF', 0).sk_bytes, 2304);
  assert.equal(g('SO_SNDBUFFORCE', 1_000_000).sk_bytes, 2_000_000);
  assert.equal(g('SO_SNDBUF', 4096).lock_bit, 1);
  assert.equal(g('SO_RCVBUF', 4096).lock_bit, 2);
  assert.equal(g('SO_RCVBUFFORCE', -5).sk_bytes, 2304);
  // INT_MAX/2 guard: FORCE with INT_MAX gives 2·(2^30 − 1) = 2147483646.
  assert.equal(g('SO_SNDBUFFORCE', 2 ** 31 - 1).sk_bytes, 2147483646);
  const eperm = g('SO_SNDBUFFORCE', 1_000_000, false);
  assert.equal(eperm.error, 'EPERM');
  assert.equal(eperm.sk_bytes, 16384);

  const r = scenario(sockoptModel, 'S1');
  assert.equal(r.final.getsockopt_bytes, 8192);
  const table = r.series.map((p) => [p.option, p.optval, p.getsockopt_bytes]);
  assert.deepEqual(table.slice(0, 7), [
    ['SO_SNDBUF', 4096, 8192],
    ['SO_SNDBUF', 1000, 4608],
    ['SO_SNDBUF', 1_000_000, 425984],
    ['SO_SNDBUF', -1, 425984],
    ['SO_RCVBUF', 1000, 2304],
    ['SO_RCVBUF', 0, 2304],
    ['SO_SNDBUFFORCE', 1_000_000, 2_000_000],
  ]);
  assert.equal(scenario(sockoptModel, 'S1-negative').final.getsockopt_bytes, 425984);
  assert.equal(scenario(sockoptModel, 'S1-force').final.getsockopt_bytes, 2_000_000);
});

test('size_goal closed form (docs/models.md §3.5 table)', () => {
  assert.equal(sizeGoalBytes(65215, 29200, 1448), 14480);
  assert.equal(sizeGoalBytes(65215, 65160, 1448), 31856);
  assert.equal(sizeGoalBytes(65215, 130430, 1448), 65160);
  assert.equal(sizeGoalBytes(65215, 11584, 1448), 5792);
  assert.equal(sizeGoalBytes(65215, 2896, 1448), 1448);
  assert.equal(P61.gso_max_size_eff_bytes, 65215);
});

test('S2: one 1024-byte write on an idle socket, then its ACK', () => {
  const s = new SendSocket(sendPathInput(validateParams(sendPathModel.params, {})));
  // Make the window zero so the write stays queued and we can read the bookkeeping.
  s.snd_wnd_bytes = 0;
  assert.deepEqual(s.sendmsg(1024), { accepted_bytes: 1024, status: 'done' });
  assert.equal(s.wmem_queued_bytes, 2304);
  assert.equal(s.forward_alloc_bytes, 1792);
  assert.equal(s.send_q_bytes, 1024);
  assert.equal(s.allocated_pages, 1);
  const s2 = new SendSocket(sendPathInput(validateParams(sendPathModel.params, {})));
  s2.snd_wnd_bytes = 0;
  s2.sendmsg(281);
  assert.equal(s2.wmem_queued_bytes, 1561);
  assert.equal(s2.forward_alloc_bytes, 2535);

  const r = scenario(sendPathModel, 'S2');
  const w = r.series.find((p) => p.event === 'write')!;
  assert.equal(w.wmem_queued_bytes, 2304);
  assert.equal(w.forward_alloc_bytes, 1792);
  assert.equal(w.send_q_bytes, 1024);
  const a = r.series.find((p) => p.event === 'ack')!;
  assert.equal(a.wmem_queued_bytes, 0);
  assert.equal(a.forward_alloc_bytes, 0, 'eager reclaim returns the page');
  assert.equal(r.final.allocated_pages, 0);
});

test('S3: blog peer (G 14480) on 6.1: Send-Q to 14480, wmem_queued to 15760, 144 B then EAGAIN', async () => {
  const r = scenario(sendPathModel, 'S3');
  // Peer space 16384 → 16 writes in phase 1, each sent and ACKed.
  const p2 = phase2(r, 16);
  const expectSq = [...Array.from({ length: 14 }, (_, i) => 1024 * (i + 1)), 14480];
  assert.deepEqual(p2.sq.slice(0, 15), expectSq);
  assert.deepEqual(p2.wq.slice(0, 15), [
    ...Array.from({ length: 14 }, (_, i) => 1280 + 1024 * (i + 1)),
    15760,
  ]);
  assert.equal(p2.acc[14], 144, 'write 15 of phase 2 queues 144 bytes');
  assert.equal(p2.acc[15], 0, 'the next write gets EAGAIN');
  assert.equal(p2.wq[6], 8448, 'wmem_queued passes sk_sndbuf at write 7');
  assert.equal(r.final.send_q_max_bytes, 14480);
  assert.equal(r.final.wmem_queued_bytes, 15760);
  assert.equal(r.final.size_goal_bytes, 14480);
  assert.equal(r.final.sk_sndbuf_bytes, 8192);
  assert.equal(r.final.skb_count, 1);
  assert.equal(r.final.phase, 3);
  const cli = await cliJson('send-path', 'S3');
  assert.equal(cli.final.send_q_max_bytes, 14480);
  assert.equal(cli.final.wmem_queued_bytes, 15760);
});

test("S3 on the blog's older kernel: same Send-Q, wmem_queued_max 17384", async () => {
  const r = scenario(sendPathModel, 'S3-old');
  const p2 = phase2(r, 16);
  assert.equal(p2.wq[0], 4352, 'first skb is the 4096 + 256 linear head');
  assert.equal(p2.sq[14], 14480);
  assert.equal(r.final.wmem_queued_max_bytes, 17384);
  assert.equal(r.final.send_q_max_bytes, 14480);
  const cli = await cliJson('send-path', 'S3-old');
  assert.equal(cli.final.wmem_queued_max_bytes, 17384);
});

test('S4: 6.1 peer (SYN-ACK 65160): Send-Q 31744 after 31 writes, then 31856 / 33136', async () => {
  const r = scenario(sendPathModel, 'S4');
  const p2 = phase2(r, 16);
  assert.equal(p2.sq[30], 31744);
  assert.equal(p2.sq[31], 31856);
  assert.equal(p2.acc[31], 112);
  assert.equal(p2.wq[31], 33136);
  assert.equal(r.final.size_goal_bytes, 31856);
  assert.equal(r.final.send_q_max_bytes, 31856);
  const cli = await cliJson('send-path', 'S4');
  assert.equal(cli.final.wmem_queued_bytes, 33136);
});

test('S5: small peer windows: plateaus 11584 (G 5792) and 5792 (G 1448, four skbs)', async () => {
  const r = scenario(sendPathModel, 'S5');
  const p2 = phase2(r, 8);
  // skb1 fills at write 6 (5120 + 672), wq 7072 < 8192 → skb2 takes the other 352 bytes.
  assert.equal(p2.wq[5], 2 * 1280 + 6144);
  assert.equal(r.final.size_goal_bytes, 5792);
  assert.equal(r.final.send_q_max_bytes, 11584);
  assert.equal(r.final.wmem_queued_bytes, 14144);
  assert.equal(r.final.skb_count, 2);
  const m = scenario(sendPathModel, 'S5-mss');
  assert.equal(m.final.size_goal_bytes, 1448);
  assert.equal(m.final.send_q_max_bytes, 5792);
  assert.equal(m.final.wmem_queued_bytes, 10912);
  assert.equal(m.final.skb_count, 4);
  const cli = await cliJson('send-path', 'S5');
  assert.equal(cli.final.send_q_max_bytes, 11584);
});

test('S6: EPOLLOUT iff (w >> 1) ≤ sndbuf − w: 5461 for sndbuf 8192; NOTSENT_LOWAT halves', async () => {
  assert.equal(epolloutMaxWmemQueuedBytes(8192), 5461);
  const s = new SendSocket(sendPathInput(validateParams(sendPathModel.params, {})));
  s.wmem_queued_bytes = 5461;
  assert.equal(s.writeable(), true);
  s.wmem_queued_bytes = 5462;
  assert.equal(s.writeable(), false);
  // Brute force agrees with the closed form for a range of sndbufs.
  for (const sb of [4608, 8192, 16384, 87040, 212992]) {
    let best = 0;
    for (let w = 0; w < sb; w++) if (w >> 1 <= sb - w) best = w;
    assert.equal(epolloutMaxWmemQueuedBytes(sb), best, `sndbuf ${sb}`);
  }
  const r = scenario(sendPathModel, 'S6');
  assert.equal(r.final.epollout_notsent_limit_bytes, 8192);
  // sendmsg creates a new skb while notsent < 16384: skb2 starts at notsent 14480, and the
  // third skb is refused at 28960 (sk_sndbuf 425984 never limits).
  assert.equal(r.final.send_q_max_bytes, 28960);
  assert.equal(r.final.skb_count, 2);
  for (const p of r.series) {
    if (p.writeable === 1) assert.ok((p.send_q_notsent_bytes as number) < 8192);
  }
  assert.ok(r.series.some((p) => p.writeable === 0 && (p.send_q_notsent_bytes as number) >= 8192));
  const cli = await cliJson('send-path', 'S6');
  assert.equal(cli.final.send_q_max_bytes, 28960);
});

test('S7: sndbuf autotuning: 87040 at ESTABLISHED, 870400 after a refusal, caps, locks', async () => {
  assert.equal(tcpSndbufExpandBytes(P61, 16384, 1460, 1448, 10, 4194304), 87040);
  assert.equal(tcpSndbufExpandBytes(P61, 87040, 1460, 1448, 100, 4194304), 870400);
  assert.equal(tcpSndbufExpandBytes(P61, 87040, 1460, 1448, 1000, 4194304), 4194304);
  assert.equal(tcpSndbufExpandBytes(P61, 16384, 65495, 65483, 10, 4194304), 2626560);
  const r = scenario(sendPathModel, 'S7');
  assert.equal(r.series[0].sk_sndbuf_bytes, 87040);
  assert.equal(r.final.sk_sndbuf_bytes, 870400);
  assert.equal(scenario(sendPathModel, 'S7-cwnd1000').final.sk_sndbuf_bytes, 4194304);
  assert.equal(scenario(sendPathModel, 'S7-loopback').final.sk_sndbuf_bytes, 2626560);
  const nb = scenario(sendPathModel, 'S7-noblock');
  assert.equal(nb.final.eagain_count, 0);
  assert.equal(nb.final.sk_sndbuf_bytes, 87040);
  const locked = scenario(sendPathModel, 'S7', { so_sndbuf_bytes: 4096 });
  assert.ok(locked.series.every((p) => p.sk_sndbuf_bytes === 8192));
  const cli = await cliJson('send-path', 'S7');
  assert.equal(cli.final.sk_sndbuf_bytes, 870400);
});

test('blocking writer sleeps in sk_stream_wait_memory and resumes when ACKs free space', () => {
  const r = runModel(sendPathModel, {
    nonblocking: false,
    receiver: 'reads',
    peer_max_window_bytes: 65160,
    write_size_bytes: 65536,
    writes_count: 8,
    write_interval_usec: 0,
    rtt_usec: 1000,
  });
  assert.equal(r.final.bytes_written_total_bytes, 8 * 65536);
  assert.equal(r.final.writer_blocked, false);
  assert.equal(r.final.eagain_count, 0);
  assert.ok(r.series.some((p) => p.event === 'write-blocked'));
  // Blocked forever against a peer that never reads.
  const z = runModel(sendPathModel, { nonblocking: false });
  assert.equal(z.final.writer_blocked, true);
  assert.equal(z.final.send_q_max_bytes, 14480);
});

test('6.18 preset merges skbs at transmit: small windows keep one skb', () => {
  const r = runModel(sendPathModel, {
    preset: 'linux-6.18',
    peer_max_window_bytes: 2896,
    peer_rcv_space_bytes: 8192,
  });
  const m61 = runModel(sendPathModel, { peer_max_window_bytes: 2896, peer_rcv_space_bytes: 8192 });
  assert.ok((r.final.merges_count as number) > 0);
  assert.ok((r.final.skb_count as number) < (m61.final.skb_count as number));
  // Writes are accepted while Send-Q + 832·skbs < 8192 (docs/models.md §3.9): the plateau is near sndbuf.
  const sq = r.final.send_q_max_bytes as number;
  assert.ok(sq > 5792 && sq < 8192 + 1024, `plateau ${sq}`);
  const wq = r.final.wmem_queued_bytes as number;
  assert.equal(wq - (r.final.send_q_bytes as number), 832 * (r.final.skb_count as number));
});

test('a window that opens by less than one segment is probed: the split costs F', () => {
  const r = runModel(sendPathModel, { peer_rcv_space_bytes: 16384 + 400 });
  assert.ok((r.final.splits_count as number) >= 1);
  assert.ok((r.final.probes_count as number) >= 1);
  assert.equal(
    (r.final.wmem_queued_bytes as number) - (r.final.send_q_bytes as number),
    1280 * (r.final.skb_count as number),
  );
});

test('tcp_sync_mss: mss_cache is bounded by half the peer max_window (loopback 65483 → 32741)', () => {
  const s = new SendSocket(
    sendPathInput(
      validateParams(sendPathModel.params, {
        mss_bytes: 65483,
        mss_clamp_bytes: 65495,
        peer_max_window_bytes: 65483,
      }),
    ),
  );
  assert.equal(s.mss_now_bytes, 32741);
  assert.equal(s.size_goal_bytes, 32741);
  s.max_window_bytes = 93184;
  assert.equal(s.mss_now_bytes, 46592);
  assert.equal(s.size_goal_bytes, 46592);
});
