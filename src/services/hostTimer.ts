// Measures how long SKLens keeps the extension host's thread: every handler SKLens runs there
// (providers, watcher flushes, edit reparses, progress updates, index merges) goes through
// `run()`, which times the synchronous work with performance.now(), keeps the longest task per
// phase ('indexing', 'edit', 'query', 'watch') and reports the ones over the threshold
// (sklens.diagnostics.slowTaskMs) to the output channel. Pure: clock and logger are injected.

export type Phase = 'indexing' | 'edit' | 'query' | 'watch';

export interface TaskRecord {
  name: string;
  phase: Phase;
  ms: number;
}

export interface PhaseStats {
  count: number;
  totalMs: number;
  longest: TaskRecord | undefined;
  /** The three longest tasks, longest first (which tasks a slow figure comes from). */
  top: TaskRecord[];
  slow: number;
}

/** Durations kept per phase for percentiles (the most recent ones past this many). */
const KEEP_DURATIONS = 8192;

export class HostTimer {
  private readonly stats = new Map<Phase, PhaseStats>();
  private readonly durations = new Map<Phase, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly onSlow: (t: TaskRecord) => void,
    public thresholdMs: number,
  ) {}

  /** Runs `fn` synchronously and records its duration. Exceptions propagate after recording. */
  run<T>(phase: Phase, name: string, fn: () => T): T {
    const t0 = this.now();
    try {
      return fn();
    } finally {
      this.record(phase, name, this.now() - t0);
    }
  }

  record(phase: Phase, name: string, ms: number): void {
    let s = this.stats.get(phase);
    if (!s) {
      s = { count: 0, totalMs: 0, longest: undefined, top: [], slow: 0 };
      this.stats.set(phase, s);
      this.durations.set(phase, []);
    }
    const d = this.durations.get(phase)!;
    if (d.length >= KEEP_DURATIONS) d.splice(0, d.length - KEEP_DURATIONS + 1);
    d.push(ms);
    s.count++;
    s.totalMs += ms;
    const rec = { name, phase, ms };
    if (!s.longest || ms > s.longest.ms) s.longest = rec;
    if (s.top.length < 3 || ms > s.top[s.top.length - 1]!.ms) {
      s.top.push(rec);
      s.top.sort((a, b) => b.ms - a.ms);
      if (s.top.length > 3) s.top.pop();
    }
    if (ms > this.thresholdMs) {
      s.slow++;
      this.onSlow(rec);
    }
  }

  snapshot(): Record<string, PhaseStats> {
    const out: Record<string, PhaseStats> = {};
    for (const [k, v] of this.stats) {
      out[k] = { ...v, longest: v.longest && { ...v.longest }, top: v.top.map((t) => ({ ...t })) };
    }
    return out;
  }

  /** The q-quantile (0..1) of the recent task durations of `phase`, in ms. */
  percentile(phase: Phase, q: number): number {
    const d = [...(this.durations.get(phase) ?? [])].sort((a, b) => a - b);
    if (d.length === 0) return 0;
    return d[Math.min(d.length - 1, Math.floor(q * d.length))]!;
  }

  reset(): void {
    this.stats.clear();
    this.durations.clear();
  }

  /** One line per phase, for the output channel. */
  describe(): string[] {
    return [...this.stats].map(
      ([phase, s]) =>
        `${phase}: ${s.count} tasks, longest ${s.longest ? `${s.longest.ms.toFixed(1)} ms (${s.longest.name})` : '-'}, ` +
        `${s.slow} over ${this.thresholdMs} ms, mean ${(s.totalMs / Math.max(1, s.count)).toFixed(2)} ms, ` +
        `p50 ${this.percentile(phase, 0.5).toFixed(1)} ms, p95 ${this.percentile(phase, 0.95).toFixed(1)} ms, p99 ${this.percentile(phase, 0.99).toFixed(1)} ms; ` +
        `top: ${s.top.map((t) => `${t.ms.toFixed(1)} ms ${t.name}`).join(', ')}`,
    );
  }
}
