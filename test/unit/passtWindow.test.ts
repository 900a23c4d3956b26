import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../../src/cli/main';
import {
  MAX_WINDOW_BYTES,
  PASST_VARIANTS,
  clampedScale,
  p23SndbufScaleBytes,
  passtWindow,
  passtWindowGrid,
  sndbufGetBytes,
  sndbufStoreBytes,
  swsZeroes,
  type PasstWindowInputs,
} from '../../src/model/passtWindow';
import { passtWindowModel } from '../../src/model/passtWindowModel';
import { passtThroughputModel, simulatePasstThroughput } from '../../src/model/passtThroughput';
import { ModelInputError, runModel } from '../../src/model/types';

async function cliJson(...argv: string[]): Promise<{
  final: Record<string, number | string | boolean>;
  series: Record<string, number | string>[];
}> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: process.cwd(),
  });
  assert.equal(code, 0, err);
  return JSON.parse(out);
}

const S12: [number, number, number][] = [
  [87040, 87040, 87040],
  [131072, 131072, 131072],
  [200000, 198144, 198912],
  [425984, 410368, 418048],
  [1048576, 930048, 989184],
  [2626560, 1819904, 2223104],
  [4194304, 2097152, 3145728],
  [6291456, 3145728, 4718592],
];

test('S12: SNDBUF_GET for f = 50 and f = 75 after the 256-byte truncation', () => {
  for (const [sb, f50, f75] of S12) {
    assert.equal(sndbufGetBytes(sb, 50), f50, `f50 ${sb}`);
    assert.equal(sndbufGetBytes(sb, 75), f75, `f75 ${sb}`);
  }
});

test('S12 through the CLI, one row per sndbuf', async () => {
  for (const [sb, f50, f75] of S12) {
    const r = await cliJson(
      'simulate',
      'passt-window',
      '--scenario',
      'S12',
      '--set',
      `sndbuf_bytes=${sb}`,
      '--json',
    );
    assert.equal(r.final.sndbuf_get_f50_bytes, f50);
    assert.equal(r.final.sndbuf_get_f75_bytes, f75);
  }
});

test('clamped_scale integer semantics: inner division first, then the percentage', () => {
  // 200000: 200000·(200000−131072)/(4194304−131072) = 3392 (trunc), ·25/100 = 848.
  assert.equal(clampedScale(200000, 200000, 131072, 4194304, 75), 199152);
  assert.equal(clampedScale(1000, 5, 10, 20, 150), 1000);
  assert.equal(clampedScale(1000, 25, 10, 20, 150), 1500);
  assert.equal(clampedScale(1000, 15, 10, 20, 150), 1250); // passt util.c's own example
  assert.equal(sndbufStoreBytes(199152), 198912);
});

test('the 2023 open-coded curve equals clamped_scale(…, 50) bit for bit', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (v) => {
      assert.equal(p23SndbufScaleBytes(v), clampedScale(v, v, 128 * 1024, 4 * 1024 * 1024, 50));
    }),
  );
});

const S13_BASE: PasstWindowInputs = {
  sndbuf_bytes: 200000,
  wmem_queued_bytes: 87500,
  sendq_bytes: 73000,
  mss_bytes: 1460,
  snd_wnd_bytes: 4194304,
  rtt_usec: 15000,
  last_data_sent_msec: 1000,
  meminfo_ok: true,
  sws_rtt_rounding: 'ceil',
  local_or_low_rtt: false,
  established: true,
  ws_to_tap_shift: 7,
};

test('S13: the seed-000 example for every variant, and the empty-queue fallbacks', () => {
  const w = (v: (typeof PASST_VARIANTS)[number], o: Partial<PasstWindowInputs> = {}) =>
    passtWindow(v, { ...S13_BASE, ...o }).wnd_bytes;
  assert.equal(w('p26pre'), 125912);
  assert.equal(w('jon_v1'), 93857);
  assert.equal(w('stefano'), 93440);
  assert.equal(w('merged'), 93440);
  assert.equal(w('p23'), 198144);
  assert.equal(w('p23', { snd_wnd_bytes: 100000 }), 100000);
  assert.equal(w('jon_v1', { sendq_bytes: 0, wmem_queued_bytes: 0 }), 150000);
  assert.equal(w('merged', { sendq_bytes: 0, wmem_queued_bytes: 0 }), 198912);
  // The seed's literal "180000 left": 180000 / (1460 + 290) = 102 segments = 148920.
  assert.equal(Math.floor(180000 / 1750) * 1460, 148920);
});

test('S13 through the CLI', async () => {
  const r = await cliJson('simulate', 'passt-window', '--scenario', 'S13', '--json');
  assert.equal(r.final.wnd_p26pre_bytes, 125912);
  assert.equal(r.final.wnd_jon_v1_bytes, 93857);
  assert.equal(r.final.wnd_stefano_bytes, 93440);
  assert.equal(r.final.wnd_merged_bytes, 93440);
  assert.equal(r.final.wnd_p23_bytes, 198144);
  assert.ok(r.series.length > 1);
});

test('S14: the SWS zero-window rule and the 2be0e79 rounding', () => {
  // limit 1000 < MSS 1460, sendq > 0, rtt 1200 µs → 2 ms → threshold 20 ms.
  assert.equal(swsZeroes(1000, 1460, 1, 3, 1200, 'ceil'), true);
  assert.equal(swsZeroes(1000, 1460, 1, 25, 1200, 'ceil'), false);
  assert.equal(swsZeroes(1000, 1460, 0, 3, 1200, 'ceil'), false);
  // 300 µs: before 2be0e79 → 10·0 = 0, never zeroed; after → 10 ms.
  assert.equal(swsZeroes(1000, 1460, 1, 0, 300, 'floor'), false);
  assert.equal(swsZeroes(1000, 1460, 1, 9, 300, 'ceil'), true);
  assert.equal(swsZeroes(1000, 1460, 1, 10, 300, 'ceil'), false);
  const base = {
    ...S13_BASE,
    sndbuf_bytes: 131072,
    sendq_bytes: 130072,
    wmem_queued_bytes: 131072,
    rtt_usec: 1200,
  };
  const r3 = passtWindow('p26pre', { ...base, last_data_sent_msec: 3 });
  assert.equal(r3.limit_bytes, 1000);
  assert.equal(r3.wnd_bytes, 0);
  assert.equal(r3.sws_zeroed, true);
  assert.equal(passtWindow('p26pre', { ...base, last_data_sent_msec: 25 }).wnd_bytes, 1000);
  assert.equal(
    passtWindow('p26pre', { ...base, last_data_sent_msec: 25, snd_wnd_bytes: 800 }).wnd_bytes,
    800,
  );
});

test('S14 through the CLI: zero at 3 ms, 1000 at 25 ms', async () => {
  const r = await cliJson('simulate', 'passt-window', '--scenario', 'S14', '--json');
  assert.equal(r.final.wnd_p26pre_bytes, 0);
  assert.equal(r.final.sws_zeroed_p26pre, true);
  const at = (ms: number) => r.series.find((p) => p.t === ms)!.wnd_p26pre_bytes;
  assert.equal(at(19), 0);
  assert.equal(at(20), 1000);
  const r25 = await cliJson(
    'simulate',
    'passt-window',
    '--scenario',
    'S14',
    '--set',
    'last_data_sent_msec=25',
    '--json',
  );
  assert.equal(r25.final.wnd_p26pre_bytes, 1000);
});

test('merged: SNDBUF_GET − wq wraps in uint32 when an ACK races the two syscalls', () => {
  // sb 4194304 → SNDBUF_GET 3145728; sq 3600000 ≥ wq 3500000 > SNDBUF_GET.
  const r = passtWindow('merged', {
    ...S13_BASE,
    sndbuf_bytes: 4194304,
    sendq_bytes: 3600000,
    wmem_queued_bytes: 3500000,
  });
  assert.equal(r.limit_bytes, 2 ** 32 + 3145728 - 3500000);
  assert.equal(r.wnd_bytes, S13_BASE.snd_wnd_bytes);
});

test('wnd_to_tap: scaled, clamped to 65535, MAX_WINDOW and the WINDOW_DEFAULT floor', () => {
  const r = passtWindow('p23', {
    ...S13_BASE,
    sndbuf_bytes: 2 ** 31 - 1,
    snd_wnd_bytes: 65535 * 2 ** 14,
    ws_to_tap_shift: 0,
  });
  assert.equal(r.wnd_bytes, MAX_WINDOW_BYTES);
  assert.equal(r.wnd_to_tap, 65535);
  const pre = passtWindow('merged', { ...S13_BASE, snd_wnd_bytes: 0, established: false });
  assert.equal(pre.wnd_bytes, 14600);
});

const inputsArb = fc.record({
  sndbuf_bytes: fc.integer({ min: 4608, max: 2 ** 31 - 1 }),
  wmem_queued_bytes: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  sendq_bytes: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  mss_bytes: fc.integer({ min: 4, max: 65535 }),
  snd_wnd_bytes: fc.integer({ min: 0, max: 65535 * 2 ** 14 }),
  rtt_usec: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  last_data_sent_msec: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  meminfo_ok: fc.boolean(),
  sws_rtt_rounding: fc.constantFrom('ceil' as const, 'floor' as const),
  local_or_low_rtt: fc.boolean(),
  established: fc.constant(true),
  ws_to_tap_shift: fc.integer({ min: 0, max: 8 }),
});

test('property: established window ≤ MAX_WINDOW and ≤ peer window, never negative, integral', () => {
  fc.assert(
    fc.property(inputsArb, fc.constantFrom(...PASST_VARIANTS), (i, v) => {
      const r = passtWindow(v, i);
      assert.ok(r.wnd_bytes >= 0 && Number.isInteger(r.wnd_bytes));
      assert.ok(r.wnd_bytes <= MAX_WINDOW_BYTES);
      assert.ok(r.wnd_bytes <= i.snd_wnd_bytes);
      assert.ok(r.advertised_bytes <= r.wnd_bytes);
      assert.ok(r.wnd_to_tap >= 0 && r.wnd_to_tap <= 65535);
    }),
    { numRuns: 2000 },
  );
});

test('property: identical inputs give identical outputs (function and model)', () => {
  fc.assert(
    fc.property(inputsArb, fc.constantFrom(...PASST_VARIANTS), (i, v) => {
      assert.deepEqual(passtWindow(v, i), passtWindow(v, { ...i }));
    }),
  );
  const a = runModel(passtWindowModel, { sweep: 'sndbuf_bytes', sweep_to: 5000000 });
  const b = runModel(passtWindowModel, { sweep: 'sndbuf_bytes', sweep_to: 5000000 });
  assert.deepEqual(a, b);
});

test('the grid evaluation agrees with the per-point function', () => {
  const xs = Array.from({ length: 23 }, (_, k) => 4608 + k * 190000);
  const ys = Array.from({ length: 17 }, (_, k) => k * 60000);
  for (const v of PASST_VARIANTS) {
    const g = passtWindowGrid(v, S13_BASE, xs, ys, { overhead_per_segment_bytes: 290 });
    for (let y = 0; y < ys.length; y++) {
      for (let x = 0; x < xs.length; x++) {
        const sq = ys[y];
        const wq = sq + Math.ceil(sq / 1460) * 290;
        const r = passtWindow(v, {
          ...S13_BASE,
          sndbuf_bytes: xs[x],
          sendq_bytes: sq,
          wmem_queued_bytes: wq,
        });
        assert.equal(g[y * xs.length + x], r.wnd_bytes, `${v} sb ${xs[x]} sq ${sq}`);
      }
    }
  }
});

test('passt-window rejects impossible inputs with a clear ModelInputError', () => {
  const bad: [Record<string, number | string | boolean>, RegExp][] = [
    [{ sndbuf_bytes: -1 }, /sndbuf_bytes = -1 is outside/],
    [{ mss_bytes: 0 }, /mss_bytes = 0 is outside/],
    [{ sendq_bytes: Number.NaN }, /sendq_bytes must be a number/],
    [{ sndbuf_bytes: 2 ** 31 }, /outside/],
    [{ sendq_bytes: 1000, wmem_queued_bytes: 0, sweep: 'none' }, /charged to wmem_queued/],
    [{ sweep_from: 10, sweep_to: 5 }, /sweep_from \(10\) is above sweep_to/],
    [{ sweep: 'wmem_queued_bytes', wmem_mode: 'per_segment' }, /cannot sweep/],
  ];
  for (const [p, re] of bad) {
    assert.throws(
      () => runModel(passtWindowModel, p),
      (e: unknown) => {
        assert.ok(e instanceof ModelInputError, String(e));
        assert.match((e as Error).message, re);
        return true;
      },
    );
  }
});

test('throughput: v1 never over-commits the socket, so sndbuf never autotunes', () => {
  const r = runModel(passtThroughputModel, { variant: 'jon_v1', rtt_usec: 15000 });
  assert.equal(r.final.expansions_count, 0);
  assert.equal(r.final.refused_rounds_count, 0);
  assert.equal(r.final.final_sndbuf_bytes, 87040);
  // Stuck at ~ sndbuf · m/(m + ovh) per RTT: 87040·1460/1750 = 72617 B / 15 ms ≈ 38.7 Mbit/s.
  const gp = r.final.steady_goodput_bps as number;
  assert.ok(gp > 30e6 && gp < 46e6, String(gp));
  assert.ok(r.series.every((p) => p.sndbuf_bytes === 87040));
});

test('throughput: the pre-patch window over-commits, sndbuf grows, the link fills (941 Mbit/s)', () => {
  const r = runModel(passtThroughputModel, { variant: 'p26pre', rtt_usec: 15000 });
  assert.ok((r.final.expansions_count as number) > 0);
  assert.equal(r.final.final_sndbuf_bytes, 4194304);
  // 1 Gbit/s · 1448 / (1448 + 90) = 941.48 Mbit/s of payload.
  assert.equal(Math.round((r.final.steady_goodput_bps as number) / 1e4) / 100, 941.48);
  const first = r.series[0];
  assert.equal(first.refused_count, 1);
  assert.equal(first.sndbuf_bytes, 87040);
  // The expansion after round 0 uses cwnd 20: 2·20·4352 = 174080.
  assert.equal(r.series[1].sndbuf_bytes, 174080);
});

test('throughput model: deterministic, and every variant reported', () => {
  const p = {
    variant: 'merged' as const,
    rtt_usec: 285000,
    link_bps: 1e9,
    host_mss_bytes: 1448,
    host_mss_clamp_bytes: 1460,
    guest_mss_bytes: 1460,
    overhead_per_segment_bytes: 290,
    initial_sndbuf_bytes: 87040,
    tcp_wmem_max_bytes: 4194304,
    initial_cwnd_segs: 10,
    snd_wnd_bytes: 6291456,
    window_updates_per_rtt: 32,
    rounds_count: 50,
  };
  assert.deepEqual(simulatePasstThroughput(p), simulatePasstThroughput({ ...p }));
  const r = runModel(passtThroughputModel, { rounds_count: 20 });
  for (const v of PASST_VARIANTS) assert.equal(typeof r.final[`goodput_${v}_bps`], 'number');
  assert.throws(
    () => runModel(passtThroughputModel, { initial_sndbuf_bytes: 5e6 }),
    ModelInputError,
  );
});

test('throughput scenario runs from the CLI', async () => {
  const r = await cliJson('simulate', 'passt-throughput', '--scenario', 'review-15ms-v1', '--json');
  assert.equal(r.final.final_sndbuf_bytes, 87040);
  assert.equal(r.series.length, 200);
});
