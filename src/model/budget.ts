// The work and output budget every model run is checked against before it starts (runModel,
// so the CLI and the simulation webview alike). Parameters inside their documented ranges
// could ask for 10^11 steps (tcp-mem: 10,000 sockets × 10^7 events, each summing every
// socket) or 10^7 series points (send-path: one point per event), which ran out of memory or
// for minutes. Each model states an upper estimate of its inner-loop steps and series points
// from its parameters, and names the parameters that drive them; a run over the budget is
// refused with those names and values instead.
import type { Params } from './types';

/** Inner-loop steps one run may take (a few seconds at most in the webview's frame loop). */
export const MAX_MODEL_STEPS = 300_000_000;
/** Series points one run may produce (each ~15 numbers: ~60 MB of JSON at the limit). */
export const MAX_SERIES_POINTS = 200_000;

/** Upper estimates of one run's cost, and the parameters they grow with. */
export interface ModelCost {
  steps: number;
  points: number;
  /** Parameter names whose values drive `steps` and `points`. */
  drivers: string[];
}

const num = (p: Params, k: string): number => p[k] as number;

/** tcp-mem (src/model/tcpMem.ts): each event records a point and sums every socket and CPU. */
export function tcpMemCost(p: Params): ModelCost {
  const n = num(p, 'sockets_count');
  const w = num(p, 'writes_per_socket');
  // Phase 1: at most one event per write; phase 2: one per ACK of what was written.
  const acks = n * Math.ceil((w * num(p, 'write_bytes')) / num(p, 'ack_bytes'));
  const events = Math.min(num(p, 'max_events_count'), n * w + acks);
  return {
    steps: events * (n + num(p, 'cpus_count')),
    points: events,
    drivers: ['sockets_count', 'writes_per_socket', 'max_events_count'],
  };
}

/** send-path (src/model/sendPath.ts): events are writes, ACKs (one per MSS or less) and probes. */
export function sendPathCost(p: Params): ModelCost {
  const writes = num(p, 'writes_count');
  const segs = Math.ceil(num(p, 'write_size_bytes') / num(p, 'mss_bytes'));
  const events = Math.min(num(p, 'max_events_count'), writes * (2 + 2 * segs));
  return {
    // A sendmsg walks the segments of its write; the rest of an event is constant work.
    steps: events * 4 + writes * segs,
    points: p.series === 'writes' ? Math.min(writes, events) : events,
    drivers: ['writes_count', 'write_size_bytes', 'mss_bytes', 'max_events_count', 'series'],
  };
}

/** passt-throughput: per round, window updates and whole guest segments up to sndbuf. */
export function passtThroughputCost(p: Params): ModelCost {
  const rounds = num(p, 'rounds_count');
  const segs = Math.ceil(num(p, 'tcp_wmem_max_bytes') / num(p, 'guest_mss_bytes'));
  return {
    // The model runs once per passt variant (5) for the comparison columns.
    steps: 5 * rounds * (num(p, 'window_updates_per_rtt') + segs),
    points: rounds,
    drivers: ['rounds_count', 'window_updates_per_rtt', 'tcp_wmem_max_bytes', 'guest_mss_bytes'],
  };
}

/** tsq: one step per cycle, one point per bucket of cycles (plus the bounded skb loop). */
export function tsqCost(p: Params): ModelCost {
  const cycles = num(p, 'cycles_count');
  return {
    steps: cycles + 1_000_000,
    points: Math.ceil(cycles / num(p, 'bucket_cycles_count')),
    drivers: ['cycles_count', 'bucket_cycles_count'],
  };
}

/** tcp-receive: per RTT, one step per received segment up to the largest buffer. */
export function receiveCost(p: Params): ModelCost {
  const rounds = num(p, 'rounds_count');
  const buf = Math.max(num(p, 'tcp_rmem_max_bytes'), num(p, 'rmem_max_bytes'));
  return {
    steps: rounds * (2 + Math.ceil(buf / num(p, 'segment_len_bytes'))),
    points: rounds,
    drivers: ['rounds_count', 'tcp_rmem_max_bytes', 'rmem_max_bytes', 'segment_len_bytes'],
  };
}

/** passt-splice: bounded by max_steps, each a few wakeups. */
export function spliceCost(p: Params): ModelCost {
  const steps = num(p, 'max_steps');
  return {
    steps: steps * (2 + num(p, 'busy_wakeups_before_peer_read')),
    points: steps,
    drivers: ['max_steps', 'busy_wakeups_before_peer_read'],
  };
}

/** passt-window: one point per swept value, each evaluating every variant. */
export function passtWindowCost(p: Params): ModelCost {
  const points = p.sweep === 'none' ? 0 : num(p, 'sweep_points_count');
  return { steps: 6 * points, points, drivers: ['sweep_points_count'] };
}

/** setsockopt: a fixed table. */
export function sockoptCost(): ModelCost {
  return { steps: 100, points: 100, drivers: [] };
}

/**
 * Undefined when `cost` fits the budget, else a one-line reason naming the driving parameters
 * with their values.
 */
export function overBudget(model: string, cost: ModelCost, params: Params): string | undefined {
  const over: string[] = [];
  if (!(cost.steps <= MAX_MODEL_STEPS))
    over.push(`~${sci(cost.steps)} steps (budget ${sci(MAX_MODEL_STEPS)})`);
  if (!(cost.points <= MAX_SERIES_POINTS))
    over.push(`~${sci(cost.points)} series points (budget ${sci(MAX_SERIES_POINTS)})`);
  if (over.length === 0) return undefined;
  const names = cost.drivers.map((d) => `${d} = ${String(params[d])}`).join(', ');
  return `${model}: these parameters would need ${over.join(' and ')}; lower ${names || 'the counts'}`;
}

function sci(n: number): string {
  return n < 1e6 ? String(Math.round(n)) : n.toExponential(1).replace('e+', 'e');
}
