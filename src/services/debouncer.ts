// Per-key debounce: the edit path of the index service reparses an open document once its
// edits pause for `delayMs`, not on every keystroke. Pending work can be forced (`flush`) when
// a provider needs the document's facts now. Pure, timers injected.
import { realTimers, type Timers } from './changeBatcher';

export class KeyedDebouncer<K> {
  private readonly pending = new Map<K, { handle: unknown; fn: () => void }>();

  constructor(
    private delayMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  schedule(key: K, fn: () => void): void {
    const old = this.pending.get(key);
    if (old) this.timers.clear(old.handle);
    const handle = this.timers.set(() => {
      this.pending.delete(key);
      fn();
    }, this.delayMs);
    this.pending.set(key, { handle, fn });
  }

  isPending(key: K): boolean {
    return this.pending.has(key);
  }

  /** Runs the pending work of `key` now, if any. */
  flush(key: K): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.timers.clear(p.handle);
    this.pending.delete(key);
    p.fn();
  }

  cancel(key: K): void {
    const p = this.pending.get(key);
    if (p) this.timers.clear(p.handle);
    this.pending.delete(key);
  }

  dispose(): void {
    for (const p of this.pending.values()) this.timers.clear(p.handle);
    this.pending.clear();
  }
}
