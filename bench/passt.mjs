// Bench section for the passt window grid that the simulation webview plots (issue 3: target
// ≤ 5 ms for a 200×200 sndbuf × sendq grid). Exported for scripts/bench.mjs (owned by the
// INDEX helper); runnable alone: node --import tsx bench/passt.mjs
import { performance } from 'node:perf_hooks';
import { PASST_VARIANTS, passtWindowGrid } from '../src/model/passtWindow.ts';

const N = 200;
const base = {
  sndbuf_bytes: 200000,
  wmem_queued_bytes: 0,
  sendq_bytes: 0,
  mss_bytes: 1460,
  snd_wnd_bytes: 4194304,
  rtt_usec: 15000,
  last_data_sent_msec: 1,
  meminfo_ok: true,
  sws_rtt_rounding: 'ceil',
  local_or_low_rtt: false,
  established: true,
  ws_to_tap_shift: 7,
};

/** Median time (ms) to evaluate one variant over a 200×200 grid, over `reps` repetitions. */
export function benchPasstGrid(variant = 'merged', reps = 50) {
  const xs = Float64Array.from({ length: N }, (_, k) => 4608 + Math.round((k * 6291456) / N));
  const ys = Float64Array.from({ length: N }, (_, k) => Math.round((k * 4194304) / N));
  const out = new Float64Array(N * N);
  for (let i = 0; i < 5; i++)
    passtWindowGrid(variant, base, xs, ys, { overhead_per_segment_bytes: 290 }, out);
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    passtWindowGrid(variant, base, xs, ys, { overhead_per_segment_bytes: 290 }, out);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export const benches = PASST_VARIANTS.map((v) => ({
  name: `passt window grid 200×200 (${v})`,
  target_ms: 5,
  run: () => benchPasstGrid(v),
}));

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const b of benches) {
    const ms = b.run();
    console.log(
      `${b.name}: ${ms.toFixed(3)} ms (target ≤ ${b.target_ms} ms)${ms > b.target_ms ? '  OVER TARGET' : ''}`,
    );
  }
}
