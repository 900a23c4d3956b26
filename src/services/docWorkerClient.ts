// The host side of the open-document worker: sends a document's latest text, at most one
// update per document in flight. While one runs, newer texts replace each other and only the
// last is sent next; the superseded callers get `undefined`. No vscode import (unit-tested with
// the real worker).
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnOwnWorker } from '../index/ownWorker';
import type { PackedFacts } from '../index/packed';
import type { DocRequest, DocResponse, ReparseOptions } from './docWorkerProtocol';

export interface DocUpdate {
  /** Packed facts (src/index/packed.ts) whose row string ids index `strings`. */
  facts: PackedFacts;
  strings: string[];
  incremental: boolean;
  parseMs: number;
  workerMs: number;
}

/** dist/docWorker.js beside the bundle, or docWorker.ts through tsx's hook when run from source. */
function spawn(): Worker {
  return spawnOwnWorker(join(__dirname, 'docWorker.ts'), join(__dirname, 'docWorker.js'));
}

interface Waiter {
  resolve: (u: DocUpdate | undefined) => void;
  reject: (e: Error) => void;
}

interface Job {
  text: string;
  opts: ReparseOptions;
  waiters: Waiter[];
  /** Already sent once to a worker that then failed (it is not retried again). */
  retried?: boolean;
}

interface PathState {
  inFlight: (Job & { id: number }) | undefined;
  next: Job | undefined;
}

export class DocumentWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly byId = new Map<number, string>();
  private readonly paths = new Map<string, PathState>();
  private disposed = false;

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = spawn();
    w.unref();
    w.on('message', (res: DocResponse) => this.onMessage(res));
    w.on('error', (e) => this.failAll(e));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      this.retryOrFail(new Error('document worker exited'));
    });
    this.worker = w;
    return w;
  }

  /** Starts the worker now (its spawn and grammar load stay out of the first edit). */
  warm(): void {
    if (!this.disposed) this.ensure();
  }

  /** Reparses `path` from `text`; resolves with its facts, or undefined when a newer text superseded it. */
  update(path: string, text: string, opts: ReparseOptions): Promise<DocUpdate | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    let st = this.paths.get(path);
    if (!st) this.paths.set(path, (st = { inFlight: undefined, next: undefined }));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      if (st.next) {
        for (const w of st.next.waiters) w.resolve(undefined);
        st.next = { text, opts, waiters: [waiter] };
      } else st.next = { text, opts, waiters: [waiter] };
      if (!st.inFlight) this.send(path, st);
    });
  }

  /** Resolves when no update of `path` is queued or running. */
  async idle(path: string): Promise<void> {
    const st = this.paths.get(path);
    if (!st || (!st.inFlight && !st.next)) return;
    await new Promise<void>((resolve) => {
      const target = st.next ?? st.inFlight!;
      target.waiters.push({ resolve: () => resolve(), reject: () => resolve() });
    });
    return this.idle(path);
  }

  close(path: string): void {
    const st = this.paths.get(path);
    if (st?.next) for (const w of st.next.waiters) w.resolve(undefined);
    if (st) st.next = undefined;
    if (!st?.inFlight) this.paths.delete(path);
    if (this.worker) this.worker.postMessage({ type: 'close', path } satisfies DocRequest);
  }

  private send(path: string, st: PathState): void {
    const job = st.next;
    if (!job) {
      this.paths.delete(path);
      return;
    }
    st.next = undefined;
    const id = this.nextId++;
    st.inFlight = { ...job, id };
    this.byId.set(id, path);
    const w = this.ensure();
    w.ref(); // keep the process alive while work is pending (CLI, tests)
    w.postMessage({
      type: 'update',
      id,
      path,
      text: job.text,
      opts: job.opts,
    } satisfies DocRequest);
  }

  private onMessage(res: DocResponse): void {
    const path = this.byId.get(res.id);
    if (path === undefined) return;
    this.byId.delete(res.id);
    if (this.byId.size === 0) this.worker?.unref();
    const st = this.paths.get(path);
    const flight = st?.inFlight;
    if (!st || !flight || flight.id !== res.id) return;
    // The update broke the worker's parser runtime and the worker is exiting: the update is
    // sent once more to a fresh worker (retryOrFail, on exit) unless it was already.
    if (res.type === 'facts' && res.fault !== undefined && flight.retried !== true) return;
    st.inFlight = undefined;
    // A newer text is waiting: this result is already stale for the index, but its waiters
    // (providers awaiting `idle`) are released; the newer one goes out now.
    const stale = st.next !== undefined;
    for (const w of flight.waiters) {
      if (res.type === 'error') w.reject(new Error(`document worker: ${res.error}`));
      else w.resolve(stale ? undefined : res);
    }
    this.send(path, st);
  }

  /**
   * The worker is gone: every update it had not answered goes once to a fresh worker (a newer
   * text of the same document, if queued, replaces it); one already retried fails.
   */
  private retryOrFail(e: Error): void {
    if (this.disposed) return;
    const failed: Waiter[] = [];
    const resend: [string, PathState][] = [];
    for (const [path, st] of this.paths) {
      const f = st.inFlight;
      if (!f) continue;
      st.inFlight = undefined;
      this.byId.delete(f.id);
      if (f.retried === true) failed.push(...f.waiters);
      else if (st.next) st.next.waiters.push(...f.waiters);
      else st.next = { text: f.text, opts: f.opts, waiters: f.waiters, retried: true };
      resend.push([path, st]);
    }
    for (const w of failed) w.reject(e);
    for (const [path, st] of resend) this.send(path, st);
  }

  private failAll(e: Error): void {
    const err = e instanceof Error ? e : new Error(String(e));
    for (const st of this.paths.values()) {
      for (const w of [...(st.inFlight?.waiters ?? []), ...(st.next?.waiters ?? [])]) w.reject(err);
    }
    this.paths.clear();
    this.byId.clear();
  }

  dispose(): void {
    this.disposed = true;
    for (const st of this.paths.values()) {
      for (const w of [...(st.inFlight?.waiters ?? []), ...(st.next?.waiters ?? [])])
        w.resolve(undefined);
    }
    this.paths.clear();
    this.byId.clear();
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}
