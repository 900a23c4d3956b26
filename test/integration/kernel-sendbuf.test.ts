// The blog experiment on this machine's own kernel (scripts/kernel_sendbuf_probe.py, loopback
// only, bounded), compared with the send-path model run on parameters read from that kernel:
// sysctls, SO_SNDBUF, MSS (tcpi_snd_mss), the peer's largest window (tcpi_snd_wnd), cwnd,
// handshake RTT and the per-skb overhead measured on a corked calibration connection.
//
// Tolerances (stated once, used below):
// * max Send-Q: ±write_size (1024 B). The plateau itself is n·size_goal in both (exact), but
//   the model's peer window edge is the byte count the peer accepted, which can fall inside
//   a write; the model then sends the part that fits as a zero-window probe and counts it in
//   Send-Q until its ACK, while the kernel sent it earlier. That transient is < one write.
// * final wmem_queued: ±(write_size + F). Both end with the same plateau skb; the kernel may
//   keep one more skb (F) when tcp_grow_skb does not merge (congestion-control dependent,
//   docs/models.md §3.9) and the crossing write may be accepted or refused (< one write).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { compareRun, presetForRelease, type ProbeOutput } from '../../src/model/kernelCompare';

const WRITE_SIZE_BYTES = 1024;
const INTERVAL_USEC = 5000;
const script = resolve(__dirname, '../../scripts/kernel_sendbuf_probe.py');

test('blog experiment on the running kernel agrees with the send-path model', () => {
  const out = execFileSync(
    'python3',
    [
      script,
      '--sndbuf',
      '4096',
      '--write-size',
      String(WRITE_SIZE_BYTES),
      '--interval-ms',
      String(INTERVAL_USEC / 1000),
      '--max-writes',
      '600',
      '--maxseg',
      '0',
      '--maxseg',
      '1448',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const probe = JSON.parse(out) as ProbeOutput;
  assert.equal(probe.runs.length, 2);
  const preset = presetForRelease(probe.uname_release);
  console.log(
    `kernel ${probe.uname_release} → preset ${preset}; tcp_wmem ${probe.sysctl.tcp_wmem.join(' ')}, wmem_max ${probe.sysctl.wmem_max}`,
  );
  for (const run of probe.runs) {
    const c = compareRun(probe, run, INTERVAL_USEC, WRITE_SIZE_BYTES);
    const F = c.measured.skb_overhead_bytes;
    assert.ok(
      run.window_closed,
      `TCP_MAXSEG ${run.tcp_maxseg_set}: the peer's window never closed in ${run.attempts} bounded attempts`,
    );
    console.log(
      [
        `TCP_MAXSEG ${run.tcp_maxseg_set || 'not set'}: mss ${c.params.mss_bytes}, peer max_window ${c.params.peer_max_window_bytes}, F ${F}, ${run.writes.length} writes (attempt ${run.attempts})`,
        `  max Send-Q        measured ${c.measured.send_q_max_bytes}  modelled ${c.modelled.send_q_max_bytes} (size_goal ${c.modelled.size_goal_bytes})`,
        `  final wmem_queued measured ${c.measured.wmem_queued_final_bytes}  modelled ${c.modelled.wmem_queued_final_bytes}`,
      ].join('\n'),
    );
    // The calibration skb: F = SKB_TRUESIZE of an empty tcp_stream_alloc_skb head.
    assert.ok(F >= 576 && F <= 4352, `per-skb overhead ${F}`);
    assert.equal(run.calibration.sndbuf, 8192, 'SO_SNDBUF 4096 is doubled');
    // The blog's observation holds on this kernel: Send-Q far above SO_SNDBUF and sk_sndbuf.
    assert.ok(c.measured.send_q_max_bytes > 8192);
    assert.ok(c.modelled.send_q_max_bytes > 8192);
    assert.ok(
      Math.abs(c.measured.send_q_max_bytes - c.modelled.send_q_max_bytes) <= WRITE_SIZE_BYTES,
      `max Send-Q: measured ${c.measured.send_q_max_bytes}, modelled ${c.modelled.send_q_max_bytes}`,
    );
    assert.ok(
      Math.abs(c.measured.wmem_queued_final_bytes - c.modelled.wmem_queued_final_bytes) <=
        WRITE_SIZE_BYTES + F,
      `final wmem_queued: measured ${c.measured.wmem_queued_final_bytes}, modelled ${c.modelled.wmem_queued_final_bytes}`,
    );
  }
});
