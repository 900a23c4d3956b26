// A pool of index worker threads, one per core by default. Files go out in small batches (by
// bytes, so one large file does not hold a whole batch back) and facts come back per batch.
// Aborting terminates the workers at once: a parse in progress is not waited for.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnOwnWorker } from './ownWorker';
import { emptyFacts, failure } from './facts';
import { packBatch, type PackedBatch } from './packed';
import { DEFAULT_BOUND_MS } from './pipeline';
import type { WalkedFile } from './walk';
import type { ExtractRequest, ExtractResponse } from './worker';

/**
 * Heap limits of an index worker. A worker allocates mostly short-lived objects (query
 * captures, one batch's facts), so a small young generation keeps its footprint down at little
 * cost in scavenges; the old-generation bound stops one pathological file from taking the
 * process's memory (the worker dies, and the pool retries the file it was on once in a fresh
 * worker, then reports it with the reason). SKLENS_WORKER_YOUNG_MB overrides the young size (measurements).
 */
function workerLimits(): { maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number } {
  const young = Number(process.env.SKLENS_WORKER_YOUNG_MB ?? '');
  return {
    maxYoungGenerationSizeMb: Number.isFinite(young) && young > 0 ? young : 4,
    maxOldGenerationSizeMb: 512,
  };
}

/** The worker script: the bundle beside dist/cli.js / dist/extension.js, or worker.ts under tsx. */
function spawnWorker(extractorModule: string | undefined): Worker {
  const workerData = { extractorModule };
  const resourceLimits = workerLimits();
  return spawnOwnWorker(join(__dirname, 'worker.ts'), join(__dirname, 'indexWorker.js'), {
    workerData,
    resourceLimits,
  });
}

export interface PoolOptions {
  /** Worker threads; default: one per core. */
  size?: number;
  /** Tests only: a module exporting createExtractor() used instead of tree-sitter. */
  extractorModule?: string;
}

export interface ExtractJob {
  root: string;
  files: readonly WalkedFile[];
  maxFileBytes: number;
  /**
   * Bound on pre-pass + parse + extract of one file, ms (default DEFAULT_BOUND_MS). The worker
   * enforces it; a worker still busy with one file well past it (a loop outside the parse) is
   * stopped, and the file is reported over the bound.
   */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Called on the caller's thread with each batch as it arrives: packed facts whose rows index
   * the batch's own string table.
   */
  onFacts: (batch: PackedBatch) => void;
}

const BATCH_BYTES = 256 * 1024;
const BATCH_FILES = 32;

/** A batch in flight on one worker: its files, the one it is on (-1: none yet), since when. */
interface InFlight {
  files: WalkedFile[];
  current: number;
  since: number;
  done: number;
}

/**
 * After a worker died mid-batch: puts what it had not done back on the queue. The file it was
 * on is retried once in a fresh worker, unless the watchdog stopped it (over the time bound)
 * or it killed a worker twice: then it is returned, with the reason, to be reported.
 */
function requeueAfterDeath(
  b: InFlight,
  queue: WalkedFile[][],
  deaths: Map<string, number>,
  stoppedByWatchdog: boolean,
  timeoutMs: number,
  why: string,
): { file: WalkedFile; reason: string } | undefined {
  if (b.done > Math.max(0, b.current)) {
    // The worker reported the file it was on itself before exiting.
    if (b.done < b.files.length) queue.unshift(b.files.slice(b.done));
    return undefined;
  }
  const at = Math.max(0, b.current);
  const culprit = b.files[at]!;
  const rest = [...b.files.slice(b.done, at), ...b.files.slice(at + 1)];
  if (rest.length > 0) queue.unshift(rest);
  const n = (deaths.get(culprit.path) ?? 0) + 1;
  deaths.set(culprit.path, n);
  if (stoppedByWatchdog) {
    return {
      file: culprit,
      reason: `over the ${timeoutMs} ms bound for pre-pass + parse + extract (the worker was stopped)`,
    };
  }
  if (n >= 2) return { file: culprit, reason: `the index worker died on this file twice (${why})` };
  queue.unshift([culprit]);
  return undefined;
}

export class ExtractPool {
  readonly size: number;
  private workers: Worker[] = [];
  private nextId = 1;
  private busy = false;
  private live = 0;

  constructor(private readonly opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
  }

  /** Extracts every file; rejects with the abort reason if the signal fires. */
  async run(job: ExtractJob): Promise<void> {
    if (this.busy) throw new Error('ExtractPool.run: one job at a time');
    job.signal?.throwIfAborted();
    if (job.files.length === 0) return;
    this.busy = true;
    try {
      await this.runBatches(job, makeBatches(job.files));
    } finally {
      // Idle workers hold their heaps and tree-sitter's wasm memory (which never shrinks):
      // stop them, and wait until they are gone, so what follows (merging, writing the cache)
      // does not add to their footprint. The next job spawns fresh ones.
      await this.terminate();
      this.busy = false;
    }
  }

  private spawn(): Worker {
    const w = spawnWorker(this.opts.extractorModule);
    // A job's own listeners report errors while it runs; an error between jobs, or from a
    // worker that is being terminated after a failed job, must not crash the process.
    w.on('error', () => {});
    this.live++;
    w.once('exit', () => this.live--);
    this.workers.push(w);
    return w;
  }

  private runBatches(job: ExtractJob, batches: WalkedFile[][]): Promise<void> {
    while (this.workers.length < Math.min(this.size, batches.length)) this.spawn();
    const workers = new Set(this.workers.slice(0, Math.min(this.size, batches.length)));
    // Idle workers must not keep a CLI process alive: referenced only while a job runs.
    for (const w of workers) w.ref();
    const timeoutMs = job.timeoutMs ?? DEFAULT_BOUND_MS;
    // The worker's own bound covers the parse; this one, a file stuck outside it.
    const hardMs = timeoutMs + Math.max(1000, timeoutMs / 2);
    return new Promise<void>((resolve, reject) => {
      const queue: WalkedFile[][] = [...batches];
      const inFlight = new Map<Worker, InFlight>();
      /** Worker deaths per file it was extracting. */
      const deaths = new Map<string, number>();
      /** Workers stopped by the watchdog. */
      const stopped = new Set<Worker>();
      let finished = false;
      const cleanups: (() => void)[] = [];
      const finish = (err?: unknown) => {
        if (finished) return;
        finished = true;
        for (const c of cleanups) c();
        for (const w of workers) w.unref();
        if (err !== undefined) {
          // A failed or cancelled job leaves workers in an unknown state: start afresh next time.
          void this.terminate();
          reject(err);
        } else resolve();
      };
      const onAbort = () => finish(job.signal!.reason ?? new Error('aborted'));
      job.signal?.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => job.signal?.removeEventListener('abort', onAbort));
      const watchdog = setInterval(
        () => {
          const now = performance.now();
          for (const [w, b] of inFlight) {
            if (b.current >= 0 && !stopped.has(w) && now - b.since > hardMs) {
              stopped.add(w);
              void w.terminate();
            }
          }
        },
        Math.max(20, Math.min(1000, timeoutMs / 4)),
      );
      watchdog.unref();
      cleanups.push(() => clearInterval(watchdog));
      const report = (f: WalkedFile, reason: string) => {
        const facts = emptyFacts(f.path, f.size, f.mtimeMs);
        facts.problems.push(failure(reason));
        job.onFacts(packBatch([facts]).batch);
      };
      const feed = (w: Worker) => {
        if (finished) return;
        const files = queue.shift();
        if (!files) {
          if (inFlight.size === 0) finish();
          return;
        }
        inFlight.set(w, { files, current: -1, since: performance.now(), done: 0 });
        const req: ExtractRequest = {
          id: this.nextId++,
          root: job.root,
          files,
          maxFileBytes: job.maxFileBytes,
          timeoutMs,
        };
        w.postMessage(req);
      };
      /**
       * A worker died (its parser's runtime failed, a crash, out of memory, or the watchdog
       * stopped it): the file it was on is retried once in a fresh worker (one over the time
       * bound is not: it is reported), the batch's other files go back to the queue, and a file
       * that kills a worker twice is reported with the reason, so one bad file never costs the
       * rest of the tree.
       */
      const onDeath = (w: Worker, why: string) => {
        if (finished) return;
        workers.delete(w);
        this.workers = this.workers.filter((x) => x !== w);
        const b = inFlight.get(w);
        inFlight.delete(w);
        const failed = b && requeueAfterDeath(b, queue, deaths, stopped.has(w), timeoutMs, why);
        try {
          if (failed) report(failed.file, failed.reason);
        } catch (e) {
          return finish(e);
        }
        const fresh = this.spawn();
        fresh.ref();
        workers.add(fresh);
        attach(fresh);
        feed(fresh);
      };
      const attach = (w: Worker) => {
        let lastError = '';
        const onMessage = (res: ExtractResponse) => {
          const b = inFlight.get(w);
          if (res.type === 'start') {
            if (b) {
              b.current = res.index;
              b.since = performance.now();
            }
            return;
          }
          if (res.type === 'error') return finish(new Error(`index worker: ${res.error}`));
          try {
            job.onFacts(res.batch);
          } catch (e) {
            return finish(e);
          }
          if (res.fault !== undefined) {
            // The worker exits next; onDeath retries the file it was on.
            lastError = res.fault;
            if (b) b.done = res.done ?? 0;
            return;
          }
          inFlight.delete(w);
          feed(w);
        };
        const onError = (e: Error) => {
          lastError = e.message;
        };
        const onExit = (code: number) => onDeath(w, lastError || `exit code ${code}`);
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        cleanups.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        });
      };
      for (const w of workers) attach(w);
      for (const w of [...workers]) feed(w);
    });
  }

  /** Worker threads that have not exited yet (terminated ones drop out once stopped). */
  get liveWorkers(): number {
    return this.live;
  }

  /** Stops every worker now (in-flight parses are dropped); resolves once they have exited. */
  async terminate(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate().catch(() => 0)));
  }

  dispose(): void {
    void this.terminate();
  }
}

function makeBatches(files: readonly WalkedFile[]): WalkedFile[][] {
  const out: WalkedFile[][] = [];
  let cur: WalkedFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (cur.length > 0 && (bytes + f.size > BATCH_BYTES || cur.length >= BATCH_FILES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
