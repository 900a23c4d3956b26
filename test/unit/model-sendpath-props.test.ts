// Property tests for the send-path, setsockopt and TSQ models (fast-check): the accounting
// invariants hold for any valid input, outputs are deterministic, and impossible inputs are
// rejected with ModelInputError instead of producing NaN or negative byte counts.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { sendPathModel } from '../../src/model/sendPath';
import { sockoptModel } from '../../src/model/sockopt';
import { tsqModel } from '../../src/model/tsq';
import { ModelInputError, runModel, type ModelResult, type Params } from '../../src/model/types';

const sendParams = fc.record({
  preset: fc.constantFrom('linux-6.1-x86_64', 'linux-3.x-blog', 'linux-6.18'),
  writes_count: fc.integer({ min: 1, max: 60 }),
  write_size_bytes: fc.integer({ min: 1, max: 100_000 }),
  write_interval_usec: fc.integer({ min: 0, max: 2_000_000 }),
  so_sndbuf_bytes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300_000 })),
  mss_bytes: fc.integer({ min: 64, max: 1460 }),
  peer_max_window_bytes: fc.integer({ min: 0, max: 300_000 }),
  peer_rcv_space_bytes: fc.integer({ min: 0, max: 200_000 }),
  receiver: fc.constantFrom('never-reads', 'reads'),
  rtt_usec: fc.integer({ min: 1, max: 300_000 }),
  cwnd_segs: fc.integer({ min: 1, max: 200 }),
  nonblocking: fc.boolean(),
  nodelay: fc.boolean(),
  notsent_lowat_bytes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
  // Tiny windows send one probe-sized segment per event: keep each run small.
  max_events_count: fc.constant(5000),
});

function checkInvariants(r: ModelResult): void {
  const written = r.final.bytes_written_total_bytes as number;
  for (const p of r.series) {
    for (const [k, v] of Object.entries(p)) {
      if (typeof v === 'number') assert.ok(Number.isFinite(v), `${k} = ${v}`);
    }
    const sq = p.send_q_bytes as number;
    const wq = p.wmem_queued_bytes as number;
    assert.ok(sq >= 0 && wq >= 0 && (p.forward_alloc_bytes as number) >= 0);
    assert.ok((p.send_q_notsent_bytes as number) <= sq);
    assert.ok(sq <= written, `Send-Q ${sq} above bytes written ${written}`);
    // Every queued skb carries at least its payload: wmem_queued ≥ Send-Q.
    assert.ok(wq >= sq, `wmem_queued ${wq} < Send-Q ${sq}`);
    assert.ok((p.forward_alloc_bytes as number) < 4096 || r.params.preset === 'linux-3.x-blog');
  }
}

test('send path: wmem_queued and Send-Q never negative, Send-Q never above bytes written', () => {
  fc.assert(
    fc.property(sendParams, (p) => {
      checkInvariants(runModel(sendPathModel, p as Params));
    }),
    { numRuns: 150, seed: 20261121 },
  );
});

test('send path: identical inputs give identical outputs', () => {
  fc.assert(
    fc.property(sendParams, (p) => {
      const a = runModel(sendPathModel, p as Params);
      const b = runModel(sendPathModel, { ...(p as Params) });
      assert.deepEqual(a, b);
    }),
    { numRuns: 40, seed: 7 },
  );
});

test('send path on 6.1: wmem_queued − Send-Q = F × skbs whenever nothing is partially acked', () => {
  fc.assert(
    fc.property(sendParams, (p) => {
      const r = runModel(sendPathModel, { ...(p as Params), preset: 'linux-6.1-x86_64' });
      for (const pt of r.series) {
        const diff = (pt.wmem_queued_bytes as number) - (pt.send_q_bytes as number);
        assert.equal(diff, 1280 * (pt.skb_count as number));
      }
    }),
    { numRuns: 60, seed: 3 },
  );
});

test('send path: writeable implies (w >> 1) ≤ sndbuf − w', () => {
  fc.assert(
    fc.property(sendParams, (p) => {
      const r = runModel(sendPathModel, p as Params);
      for (const pt of r.series) {
        if (pt.writeable !== 1) continue;
        const w = pt.wmem_queued_bytes as number;
        assert.ok(w >> 1 <= (pt.sk_sndbuf_bytes as number) - w);
      }
    }),
    { numRuns: 40, seed: 11 },
  );
});

const absurd: [string, Params][] = [
  ['negative write size', { write_size_bytes: -1 }],
  ['NaN mss', { mss_bytes: NaN }],
  ['MSS 0', { mss_bytes: 0 }],
  ['SO_SNDBUF beyond 2^31', { so_sndbuf_bytes: 2 ** 31 }],
  ['negative SO_SNDBUF', { so_sndbuf_bytes: -4096 }],
  ['infinite interval', { write_interval_usec: Infinity }],
  ['fractional writes', { writes_count: 1.5 }],
  ['string for a number', { mss_bytes: '1448' }],
  ['unknown parameter', { mss: 1448 }],
  ['unknown preset', { preset: 'linux-2.6' }],
  ['mss above mss_clamp', { mss_bytes: 9000, mss_clamp_bytes: 1460 }],
  ['tcp_wmem min > default', { tcp_wmem_min_bytes: 20000 }],
  ['tcp_wmem default > max', { tcp_wmem_default_bytes: 8_000_000 }],
  ['FORCE without a value', { so_sndbuf_bytes: 0, so_sndbuf_force: true }],
  ['more than 1 TiB of writes', { writes_count: 1_000_000, write_size_bytes: 64 * 1024 * 1024 }],
];

for (const [what, p] of absurd) {
  test(`send path rejects ${what} with ModelInputError`, () => {
    assert.throws(() => runModel(sendPathModel, p), ModelInputError);
  });
}

test('the event budget stops a pathological run (7-byte window) with a note', () => {
  const r = runModel(sendPathModel, {
    receiver: 'reads',
    peer_max_window_bytes: 7,
    write_size_bytes: 100_000,
    writes_count: 50,
    max_events_count: 200,
  });
  assert.equal(r.final.events_count, 200);
  assert.ok(r.notes.some((n) => /stopped after 200 events/.test(n)));
  checkInvariants(r);
});

test('any numeric garbage is either a ModelInputError or a finite, non-negative result', () => {
  const garbage = fc.oneof(
    fc.double(),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 2 ** 31, 2 ** 31 - 1),
  );
  const names = ['write_size_bytes', 'mss_bytes', 'so_sndbuf_bytes', 'peer_max_window_bytes'];
  fc.assert(
    fc.property(fc.constantFrom(...names), garbage, (name, v) => {
      try {
        const r = runModel(sendPathModel, { [name]: v, writes_count: 20, max_events_count: 5000 });
        checkInvariants(r);
      } catch (e) {
        assert.ok(e instanceof ModelInputError, String(e));
      }
    }),
    { numRuns: 200, seed: 5 },
  );
});

test('setsockopt: any int gives a getsockopt value ≥ the minimum and ≤ 2·INT_MAX/2', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('SO_SNDBUF', 'SO_SNDBUFFORCE', 'SO_RCVBUF', 'SO_RCVBUFFORCE'),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      (option, optval) => {
        const r = runModel(sockoptModel, { option, optval });
        const v = r.final.getsockopt_bytes as number;
        assert.ok(v >= (option.startsWith('SO_SND') ? 4608 : 2304));
        assert.ok(v <= 2 ** 31 - 2);
        assert.ok(Number.isInteger(v));
      },
    ),
    { numRuns: 200, seed: 9 },
  );
  assert.throws(() => runModel(sockoptModel, { optval: 2 ** 31 }), ModelInputError);
});

test('TSQ: throughput never above the link rate, never NaN, deterministic', () => {
  fc.assert(
    fc.property(
      fc.record({
        kernel: fc.constantFrom('3.6', '3.12-3.18', '3.19', '4.2', '4.20', '6.1'),
        link_rate_bps: fc.integer({ min: 1e6, max: 1e11 }),
        pacing: fc.constantFrom('none', 'fq'),
        skb_payload_bytes: fc.integer({ min: 1, max: 65536 }),
        tx_completion_delay_usec: fc.integer({ min: 0, max: 10_000 }),
        delay_model: fc.constantFrom('constant', 'two-point'),
        cycles_count: fc.integer({ min: 1, max: 500 }),
        bucket_cycles_count: fc.constant(1),
      }),
      (p) => {
        const r = runModel(tsqModel, p as Params);
        const tp = r.final.throughput_bps as number;
        assert.ok(Number.isFinite(tp) && tp > 0);
        assert.ok(tp <= p.link_rate_bps * (1 + 1e-9));
        assert.deepEqual(runModel(tsqModel, p as Params), r);
      },
    ),
    { numRuns: 100, seed: 13 },
  );
});
