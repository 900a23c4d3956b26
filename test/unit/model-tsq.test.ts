// Scenarios S10 and S11 (docs/models.md §S10, §S11) through the TSQ model: exact TSQ limits, and
// throughput within the tolerance stated below.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main';
import {
  TSQ_KERNELS,
  mulberry32,
  tsqInput,
  tsqLimitBytes,
  tsqModel,
  tsqThrottled,
} from '../../src/model/tsq';
import { runModel, validateParams, type ModelResult, type Params } from '../../src/model/types';

const K = (id: string) => TSQ_KERNELS.find((k) => k.id === id)!;

function scenario(id: string, extra: Params = {}): ModelResult {
  const sc = tsqModel.scenarios.find((s) => s.id === id);
  assert.ok(sc, `scenario ${id}`);
  return runModel(tsqModel, { ...sc.params, ...extra });
}

const gbit = (r: ModelResult, k = 'throughput_bps'): number => (r.final[k] as number) / 1e9;

test('S10: 6.1 TSQ limits at 1, 10 and 40 Gbit/s, with and without fq', async () => {
  assert.equal(scenario('S10').final.tsq_limit_bytes, 146484);
  assert.equal(scenario('S10', { pacing: 'fq' }).final.tsq_limit_bytes, 146484);
  assert.equal(scenario('S10-10g').final.tsq_limit_bytes, 1048576);
  assert.equal(scenario('S10-10g-fq').final.tsq_limit_bytes, 1464843);
  assert.equal(scenario('S10-40g').final.tsq_limit_bytes, 1048576);
  assert.equal(scenario('S10-40g-fq').final.tsq_limit_bytes, 5859375);
  let out = '';
  const code = await runCli(['simulate', 'tsq', '--scenario', 'S10', '--json'], {
    out: (t) => (out += t),
    err: () => undefined,
    cwd: process.cwd(),
  });
  assert.equal(code, 0);
  assert.equal(JSON.parse(out).final.tsq_limit_bytes, 146484);
});

test('S10: a single-skb rtx queue is never throttled on 6.1 (and was on 3.19)', () => {
  assert.equal(tsqThrottled(K('6.1'), 10_000_000, 1, 1), false);
  assert.equal(tsqThrottled(K('6.1'), 10_000_000, 1, 0), false);
  assert.equal(tsqThrottled(K('6.1'), 10_000_000, 1, 2), true);
  assert.equal(tsqThrottled(K('3.19'), 10_000_000, 1, 1), true);
  // sk_wmem_alloc is a refcount starting at 1: exactly `limit` bytes queued is already over.
  assert.equal(tsqThrottled(K('3.19'), 131072, 131072, 5), true);
  assert.equal(tsqThrottled(K('3.19'), 131071, 131072, 5), false);
  assert.equal(
    scenario('S10-10g', { tcp_limit_output_bytes: 1 }).final.skbs_per_cycle_count,
    2,
    '6.1 still sends a second skb',
  );
  assert.equal(
    scenario('S11', { tcp_limit_output_bytes: 1 }).final.skbs_per_cycle_count,
    1,
    '3.19 sends one',
  );
});

test('docs/models.md §4.2 history: the sysctl is a floor on 3.12–3.18 and a cap from 3.19', () => {
  const base = {
    skb_truesize_bytes: 66816,
    pacing_rate_bytes_per_sec: 1.5e9,
    pacing_shift: 10,
    paced: false,
    limit_output_bytes: 0,
  };
  assert.equal(tsqLimitBytes({ ...base, kernel: K('3.6') }), 131072);
  assert.equal(tsqLimitBytes({ ...base, kernel: K('3.12-3.18') }), 1464843);
  assert.equal(tsqLimitBytes({ ...base, kernel: K('3.19') }), 131072);
  assert.equal(tsqLimitBytes({ ...base, kernel: K('4.2') }), 262144);
  assert.equal(tsqLimitBytes({ ...base, kernel: K('4.20') }), 1048576);
  assert.equal(tsqLimitBytes({ ...base, kernel: K('4.20'), paced: true }), 1464843);
  // Pacing shift 8 (some wifi drivers) = 4 ms of data.
  assert.equal(tsqLimitBytes({ ...base, kernel: K('6.1'), paced: true, pacing_shift: 8 }), 5859375);
  // Slow rates: 2·truesize is the floor from 3.19 on.
  assert.equal(
    tsqLimitBytes({ ...base, kernel: K('6.1'), pacing_rate_bytes_per_sec: 1e6 }),
    2 * 66816,
  );
});

test('S11: Xen with constant D = 150 µs: 6.99 / 10 / 10 Gbit/s, 3.18 at line rate', () => {
  // Constant delay: the cycle model is exact, so the tolerance is rounding only (0.005).
  const r128 = scenario('S11');
  assert.equal(r128.final.tsq_limit_bytes, 131072);
  assert.ok(Math.abs(gbit(r128) - 6.99) < 0.005, `${gbit(r128)}`);
  assert.ok(Math.abs((r128.final.throughput_vs_link_percent as number) - 70) < 0.5);
  assert.ok(Math.abs(gbit(scenario('S11-256k')) - 10) < 0.005);
  assert.ok(Math.abs(gbit(scenario('S11-1m')) - 10) < 0.005);
  assert.ok(Math.abs(gbit(scenario('S11-3.18')) - 10) < 0.005);
});

test('S11: Xen with two-point D (120 µs ×87.2 %, 352 µs ×12.8 %): 7.00 / 9.20 / 10.00', () => {
  // Expected value of the cycle time: exact to the spec's two decimals.
  const cases: [string, number][] = [
    ['S11-two-point', 7.0],
    ['S11-two-point-256k', 9.2],
    ['S11-two-point-1m', 10.0],
  ];
  for (const [id, want] of cases) {
    const r = scenario(id);
    assert.ok(Math.abs(gbit(r, 'throughput_expected_bps') - want) < 0.005, `${id} expected`);
    // Seeded simulation over 20000 cycles: the share of 352 µs cycles has a standard error
    // of √(0.872·0.128/20000) = 0.24 %, moving the mean cycle by < 0.6 µs of ≈ 150–230 µs;
    // 1 % tolerance is > 4 standard errors.
    assert.ok(Math.abs(gbit(r) - want) / want < 0.01, `${id} simulated ${gbit(r)}`);
  }
});

test('seeded delays are deterministic; another seed differs but stays within tolerance', () => {
  const a = scenario('S11-two-point');
  const b = scenario('S11-two-point');
  assert.deepEqual(a, b);
  const c = scenario('S11-two-point', { seed: 7 });
  assert.notEqual(c.final.throughput_bps, a.final.throughput_bps);
  assert.ok(Math.abs(gbit(c) - 7.0) / 7.0 < 0.01);
  const r = mulberry32(42);
  const first = [r(), r(), r()];
  const r2 = mulberry32(42);
  assert.deepEqual([r2(), r2(), r2()], first);
  assert.ok(first.every((x) => x >= 0 && x < 1));
});

test('throughput over time: series buckets never exceed the link rate', () => {
  const r = scenario('S11-two-point');
  assert.equal(r.series.length, 100);
  for (const p of r.series) {
    assert.ok((p.throughput_bps as number) <= (p.link_rate_bps as number) * (1 + 1e-9));
  }
});

test('TSQ input contradictions are ModelInputErrors', () => {
  const v = (p: Params) => tsqInput(validateParams(tsqModel.params, p));
  assert.throws(() => v({ delay_model: 'two-point', delay_a_usec: 500 }), /delay_a_usec/);
  assert.throws(() => v({ cycles_count: 10, bucket_cycles_count: 20 }), /bucket_cycles_count/);
  assert.throws(() => runModel(tsqModel, { link_rate_bps: 0 }), /link_rate_bps/);
  assert.throws(() => runModel(tsqModel, { link_rate_bps: NaN }), /link_rate_bps/);
});
