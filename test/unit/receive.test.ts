import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../../src/cli/main';
import {
  applyNoShrink,
  drsAdjust,
  drsRcvmemBytes,
  growWindow,
  initBufferSpace,
  selectInitialWindow,
  selectWindow,
  winFromSpace,
  zeroWindowFreeBytes,
} from '../../src/model/receive';
import { receiveModel } from '../../src/model/receiveModel';
import { ModelInputError, runModel } from '../../src/model/types';

async function cliJson(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: '.' });
  assert.equal(code, 0, err);
  return JSON.parse(out) as {
    final: Record<string, number | string | boolean>;
    series: Record<string, number | string>[];
  };
}

const synInput = {
  space_bytes: 65536,
  mss_bytes: 1460,
  window_clamp_bytes: 0,
  wscale_ok: true,
  tcp_rmem_max_bytes: 6291456,
  rmem_max_bytes: 212992,
  workaround_signed_windows: false,
  init_rcv_wnd_segs: 0,
};

test('S8: initial window, wscale, window_clamp, rcv_ssthresh, rcvq_space', () => {
  assert.equal(winFromSpace(131072), 65536);
  const active = selectInitialWindow(synInput);
  assert.equal(active.rcv_wnd_bytes, 64240);
  assert.equal(active.rcv_wscale, 7);
  assert.equal(active.window_clamp_bytes, 65535 * 128);
  const passive = selectInitialWindow({ ...synInput, mss_bytes: 1460 - 12 });
  assert.equal(passive.rcv_wnd_bytes, 65160);
  const bs = initBufferSpace(131072, 1460, active.window_clamp_bytes, 64240, 64240);
  assert.equal(bs.window_clamp_bytes, 64076);
  assert.equal(bs.rcv_ssthresh_bytes, 64076);
  assert.equal(bs.rcvq_space_bytes, 14600);
  // Zero window once rcvbuf − rmem_alloc ≤ 8190: tcp_space = ceil(x/2) < 4096 = 65536/16.
  assert.equal(zeroWindowFreeBytes(131072, 1448, 64076, 7), 8190);
});

test('S8 through the CLI (active and passive open)', async () => {
  const r = await cliJson('simulate', 'tcp-receive', '--scenario', 'S8', '--json');
  assert.equal(r.final.full_space_bytes, 65536);
  assert.equal(r.final.syn_window_bytes, 64240);
  assert.equal(r.final.rcv_wscale, 7);
  assert.equal(r.final.initial_window_clamp_bytes, 64076);
  assert.equal(r.final.initial_rcv_ssthresh_bytes, 64076);
  assert.equal(r.final.zero_window_free_bytes, 8190);
  // A receiver that never reads: the offered window only decays (never retracted).
  const wnd = r.series.map((p) => p.rcv_wnd_bytes as number);
  for (let i = 1; i < wnd.length; i++) assert.ok(wnd[i] <= wnd[i - 1]);
  const p = await cliJson(
    'simulate',
    'tcp-receive',
    '--scenario',
    'S8',
    '--set',
    'open=passive',
    '--json',
  );
  assert.equal(p.final.syn_window_bytes, 65160);
});

test('S9: DRS growth (a) and (b) with the exact integers', () => {
  assert.equal(drsRcvmemBytes(1460), 2996);
  const a = drsAdjust(100000, 64076, 1460, 131072, 64076, 6291456, false);
  assert.equal(a.rcvwin_bytes, 473812);
  assert.equal(a.rcvbuf_bytes, 970704);
  assert.equal(a.window_clamp_bytes, 485352);
  assert.equal(a.rcvq_space_bytes, 100000);
  const b = drsAdjust(1000000, 500000, 1460, 970704, 485352, 6291456, false);
  assert.equal(b.rcvwin_bytes, 6070080);
  assert.equal(Math.floor(6070080 / 1460) * 2996, 12454372);
  assert.equal(b.rcvbuf_bytes, 6291456);
  assert.equal(b.window_clamp_bytes, 3145728);
  // Locked SO_RCVBUF or copied ≤ space: no growth.
  assert.equal(drsAdjust(100000, 64076, 1460, 131072, 64076, 6291456, true).grew, false);
  assert.equal(
    drsAdjust(60000, 64076, 1460, 131072, 64076, 6291456, false).rcvq_space_bytes,
    64076,
  );
});

test('S9 through the CLI, both probes', async () => {
  const r = await cliJson('simulate', 'tcp-receive', '--scenario', 'S9', '--json');
  assert.equal(r.final.drs_probe_rcvbuf_bytes, 970704);
  assert.equal(r.final.drs_probe_window_clamp_bytes, 485352);
  assert.ok((r.final.drs_growths_count as number) >= 1);
  const b = await cliJson(
    'simulate',
    'tcp-receive',
    '--scenario',
    'S9',
    '--set',
    'drs_probe_copied_bytes=1000000',
    '--set',
    'drs_probe_space_bytes=500000',
    '--json',
  );
  assert.equal(b.final.drs_probe_rcvwin_bytes, 6070080);
  assert.equal(b.final.drs_probe_rcvbuf_bytes, 6291456);
  assert.equal(b.final.drs_probe_window_clamp_bytes, 3145728);
});

test('tcp_grow_window: good ratio → 2·advmss, bad ratio → __tcp_grow_window, pressure → 4·advmss', () => {
  const g = {
    rcv_ssthresh_bytes: 64076,
    window_clamp_bytes: 3145728,
    tcp_space_bytes: 3145728,
    skb_len_bytes: 1448,
    skb_truesize_bytes: 2304,
    advmss_bytes: 1460,
    rcv_mss_bytes: 1448,
    tcp_rmem_max_bytes: 6291456,
    under_pressure: false,
    adv_win_scale: 1,
  };
  // win_from_space(2304) = 1152 ≤ 1448 → incr = max(2920, 2896) = 2920.
  assert.equal(growWindow(g), 64076 + 2920);
  // truesize 4352: 2176 > 1448 → __tcp_grow_window: t = 1088 ≤ 1448 → 2·rcv_mss = 2896.
  assert.equal(growWindow({ ...g, skb_truesize_bytes: 4352 }), 64076 + 2896);
  // A tiny skb in a huge truesize: t halves with w until rcv_ssthresh > w → 0.
  assert.equal(growWindow({ ...g, skb_len_bytes: 200, skb_truesize_bytes: 65536 }), 64076);
  assert.equal(growWindow({ ...g, under_pressure: true }), 5840);
  assert.equal(growWindow({ ...g, window_clamp_bytes: 64076 }), 64076); // no room
});

test('window selection: wscale alignment and never shrinking the offered edge', () => {
  const w = selectWindow({
    rcv_mss_bytes: 1448,
    free_space_bytes: 40000,
    allowed_space_bytes: 65536,
    window_clamp_bytes: 64076,
    rcv_ssthresh_bytes: 64076,
    rcv_wscale: 7,
    rcv_wnd_bytes: 0,
    under_pressure: false,
    advmss_bytes: 1460,
  });
  assert.equal(w.window_bytes, 40064); // ALIGN(40000, 128)
  const ns = applyNoShrink(0, 3000, 7);
  assert.equal(ns.rcv_wnd_bytes, 3072);
  assert.equal(ns.header_window, 24);
});

test('property: the receive model never yields a negative or non-integer window and is deterministic', () => {
  fc.assert(
    fc.property(
      fc.record({
        rcvbuf_bytes: fc.integer({ min: 2304, max: 8_000_000 }),
        advmss_bytes: fc.integer({ min: 536, max: 9000 }),
        reader: fc.constantFrom('never', 'all', 'fixed'),
        app_read_bytes_per_rtt: fc.integer({ min: 0, max: 1_000_000 }),
        rounds_count: fc.integer({ min: 1, max: 12 }),
      }),
      (p) => {
        const params = { ...p, segment_len_bytes: Math.min(1448, p.advmss_bytes) };
        const a = runModel(receiveModel, params);
        assert.deepEqual(a, runModel(receiveModel, { ...params }));
        for (const s of a.series) {
          assert.ok(Number.isInteger(s.rcv_wnd_bytes) && (s.rcv_wnd_bytes as number) >= 0);
          assert.ok((s.header_window as number) >= 0 && (s.header_window as number) <= 65535);
          assert.ok((s.rmem_alloc_bytes as number) >= 0);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('tcp-receive rejects impossible inputs', () => {
  const cases: [Record<string, number | string | boolean>, RegExp][] = [
    [{ advmss_bytes: 0 }, /outside/],
    [{ rcvbuf_bytes: -1 }, /outside/],
    [{ segment_len_bytes: 1448, segment_truesize_bytes: 1000 }, /truesize counts the payload/],
    [{ segment_len_bytes: 9000, segment_truesize_bytes: 20000 }, /exceeds advmss/],
    [{ adv_win_scale: 0 }, /no window/],
    [{ rtt_usec: Number.NaN }, /must be a number/],
    [{ tcp_rmem_max_bytes: 2 ** 31 }, /outside/],
  ];
  for (const [p, re] of cases) {
    assert.throws(
      () => runModel(receiveModel, p),
      (e: unknown) => e instanceof ModelInputError && re.test((e as Error).message),
    );
  }
});

test('tcp-receive under tcp_memory_pressure: rcv_ssthresh held at 4·advmss, window stays small', () => {
  const free = runModel(receiveModel, { reader: 'all', rounds_count: 8 });
  const pressed = runModel(receiveModel, { reader: 'all', rounds_count: 8, memory_pressure: true });
  for (const s of pressed.series) assert.ok((s.rcv_ssthresh_bytes as number) <= 4 * 1460);
  const last = (r: typeof free) => r.series[r.series.length - 1].rcv_wnd_bytes as number;
  assert.ok(last(pressed) < 4 * 1460 + 128);
  assert.ok(last(free) > 100 * last(pressed));
});

test('every code anchor and knowledge link to these models names a registered scenario', async () => {
  const { MODELLED_FUNCTIONS } = await import('../../src/model/codeAnchors');
  const { findModel } = await import('../../src/model/registry');
  for (const f of MODELLED_FUNCTIONS) {
    if (!['tcp-receive', 'tcp-mem', 'passt-splice', 'passt-window'].includes(f.model)) continue;
    const m = findModel(f.model);
    assert.ok(m, `${f.name}: model ${f.model} is not registered`);
    if (f.scenario)
      assert.ok(
        m.scenarios.some((s) => s.id === f.scenario),
        `${f.name}: ${f.scenario}`,
      );
  }
});
