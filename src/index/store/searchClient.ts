// The host side of the store's symbol-search worker: one worker per client, started on the
// first search and stopped with the client; one search at a time, and a search asked while
// another runs replaces the one waiting (Ctrl+T asks again on each keystroke).
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnOwnWorker } from '../ownWorker';
import type { SymbolHit } from '../api';
import type { SearchRequest, SearchResponse } from './searchProtocol';

/** dist/storeSearchWorker.js beside the bundle, or searchWorker.ts through tsx from source. */
function spawn(): Worker {
  return spawnOwnWorker(
    join(__dirname, 'searchWorker.ts'),
    join(__dirname, 'storeSearchWorker.js'),
  );
}

interface Pending {
  req: SearchRequest;
  resolve: (hits: SymbolHit[] | undefined) => void;
  reject: (e: Error) => void;
}

export class StoreSearchClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private running: Pending | undefined;
  private waiting: Pending | undefined;
  private disposed = false;

  /**
   * The store's hits for `query`, from the worker. Resolves undefined when a newer search
   * replaced this one before it started; rejects when the worker fails.
   */
  search(req: Omit<SearchRequest, 'id'>): Promise<SymbolHit[] | undefined> {
    if (this.disposed) return Promise.reject(new Error('symbol search stopped'));
    return new Promise((resolve, reject) => {
      const p: Pending = { req: { ...req, id: this.nextId++ }, resolve, reject };
      this.waiting?.resolve(undefined);
      this.waiting = p;
      this.pump();
    });
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = spawn();
    w.unref();
    w.on('message', (res: SearchResponse) => this.onMessage(res));
    w.on('error', (e) => this.fail(w, e));
    w.on('exit', (code) => this.fail(w, new Error(`symbol search worker exited (${code})`)));
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.running || !this.waiting) return;
    const p = this.waiting;
    this.waiting = undefined;
    this.running = p;
    const w = this.ensure();
    w.ref();
    w.postMessage(p.req);
  }

  private onMessage(res: SearchResponse): void {
    const p = this.running;
    if (!p || p.req.id !== res.id) return;
    this.running = undefined;
    this.worker?.unref();
    if ('hits' in res) p.resolve(res.hits);
    else p.reject(new Error(`symbol search: ${res.error}`));
    this.pump();
  }

  private fail(w: Worker, e: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const p = this.running;
    this.running = undefined;
    p?.reject(e);
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.running?.reject(new Error('symbol search stopped'));
    this.waiting?.reject(new Error('symbol search stopped'));
    this.running = this.waiting = undefined;
    void w?.terminate();
  }
}
