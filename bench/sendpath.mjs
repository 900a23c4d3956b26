// Bench section for the send-path model (issue 3: simulate 10^5 writes through model 1 in
// ≤ 100 ms). Exported for scripts/bench.mjs (owned by the INDEX helper); runnable alone:
// node --import tsx bench/sendpath.mjs
import { performance } from 'node:perf_hooks';
import { sendPathModel } from '../src/model/sendPath.ts';
import { runModel } from '../src/model/types.ts';

const WRITES = 100_000;

/** The blog experiment scaled to 10^5 writes: window open (peer reads), then a zero window. */
const cases = {
  'peer reads, one point per write': {
    writes_count: WRITES,
    receiver: 'reads',
    peer_max_window_bytes: 65160,
    write_interval_usec: 1000,
    series: 'writes',
  },
  'peer reads, every event': {
    writes_count: WRITES,
    receiver: 'reads',
    peer_max_window_bytes: 65160,
    write_interval_usec: 1000,
    series: 'events',
  },
  'blog experiment (zero window, EAGAIN)': {
    writes_count: WRITES,
    write_interval_usec: 1000,
    series: 'writes',
  },
};

/** Median wall time (ms) of runModel over `reps` runs, after two warm-up runs. */
export function benchSendPath(params, reps = 7) {
  for (let i = 0; i < 2; i++) runModel(sendPathModel, params);
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = runModel(sendPathModel, params);
    times.push(performance.now() - t0);
    if (r.final.writes_started_count !== WRITES) throw new Error('bench did not run all writes');
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export const benches = Object.entries(cases).map(([label, params]) => ({
  name: `send-path model, 10^5 writes (${label})`,
  target_ms: 100,
  run: () => benchSendPath(params),
}));

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const b of benches) {
    const ms = b.run();
    console.log(
      `${b.name}: ${ms.toFixed(1)} ms (target ≤ ${b.target_ms} ms)${ms > b.target_ms ? '  OVER TARGET' : ''}`,
    );
  }
}
