// Collects file-system watcher events into batches, so a burst (a `git checkout` of another
// kernel version touches 10,000 files) becomes a few index updates instead of 10,000, and a
// quiet period of `delayMs` closes a batch. Per path only the last state counts: created or
// changed -> re-read; deleted -> dropped (a delete then create of one path is a change). Paths
// that are not C files may be folders: a deleted one drops every indexed file below it, a
// created one is scanned (see expandDeletedFolders and the index service).
// Pure and timer-injected, so the tests drive it with a fake clock.

export type ChangeKind = 'create' | 'change' | 'delete';

export interface ChangeBatch {
  /** Files created or changed on disk, to re-read and reindex. */
  changed: string[];
  /** Files or folders deleted. */
  deleted: string[];
  /** Non-C paths created: possibly folders moved or checked out into the tree. */
  createdOther: string[];
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface BatcherOptions {
  /** Quiet time closing a batch. */
  delayMs: number;
  /** A batch is flushed at once when it holds this many paths (bounds memory and latency). */
  maxPaths: number;
  /** Whether a path is a C file SKLens indexes (after include/exclude). */
  isSource: (path: string) => boolean;
  flush: (batch: ChangeBatch) => void;
  timers?: Timers;
}

type State = 'changed' | 'deleted' | 'createdOther';

export class ChangeBatcher {
  private pending = new Map<string, State>();
  private timer: unknown;
  private readonly timers: Timers;

  constructor(private readonly opts: BatcherOptions) {
    this.timers = opts.timers ?? realTimers;
  }

  get size(): number {
    return this.pending.size;
  }

  add(kind: ChangeKind, path: string): void {
    const source = this.opts.isSource(path);
    if (kind === 'delete') this.pending.set(path, 'deleted');
    else if (source) this.pending.set(path, 'changed');
    else if (kind === 'create') this.pending.set(path, 'createdOther');
    else return; // a change to a non-C file is nothing to SKLens
    if (this.pending.size >= this.opts.maxPaths) {
      this.flushNow();
      return;
    }
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.flushNow(), this.opts.delayMs);
  }

  flushNow(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch: ChangeBatch = { changed: [], deleted: [], createdOther: [] };
    for (const [path, state] of this.pending) batch[state].push(path);
    this.pending = new Map();
    this.opts.flush(batch);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}

/**
 * The indexed files a batch of deletions removes: the deleted files themselves plus every file
 * under a deleted path that is a folder. One pass over the indexed files, checking each file's
 * parent folders against the set of deleted paths: O(files x depth), not O(files x deletions).
 */
export function expandDeletedFolders(
  deleted: readonly string[],
  indexed: Iterable<string>,
): string[] {
  const gone = new Set(deleted);
  const out: string[] = [];
  for (const file of indexed) {
    if (gone.has(file)) {
      out.push(file);
      continue;
    }
    for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1)) {
      if (gone.has(file.slice(0, i))) {
        out.push(file);
        break;
      }
    }
  }
  return out;
}
