// The host side of the claim worker: sends a document's text, answers the worker's bounded
// call-graph queries from the index (ClaimQueryAnswerer: at most 64 relations or 5,000 names
// per message), and resolves with the checked claims. No vscode import (unit-tested with the
// real worker).
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnOwnWorker } from '../index/ownWorker';
import { ClaimQueryAnswerer } from '../graph/claimQueries';
import type { CheckedClaim } from '../graph/claims';
import type { CodeIndex } from '../index/api';
import type { ClaimRequest, ClaimResponse } from './claimWorkerProtocol';

/** dist/claimWorker.js beside the bundle, or claimWorker.ts through tsx's hook from source. */
function spawn(): Worker {
  return spawnOwnWorker(join(__dirname, 'claimWorker.ts'), join(__dirname, 'claimWorker.js'));
}

interface Job {
  host: ClaimQueryAnswerer;
  resolve: (r: CheckedClaim[]) => void;
  reject: (e: Error) => void;
}

export class ClaimWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly jobs = new Map<number, Job>();
  /** Queries answered on this thread (tests: the host's share of the work). */
  readonly stats = { queries: 0 };

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = spawn();
    w.unref();
    w.on('message', (res: ClaimResponse) => this.onMessage(res));
    w.on('error', (e) => this.failAll(e));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new Error('claim worker exited'));
    });
    this.worker = w;
    return w;
  }

  /** Checks the claims of `text` against `index`; the index must stay open until it resolves. */
  check(index: CodeIndex, text: string): Promise<CheckedClaim[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { host: new ClaimQueryAnswerer(index), resolve, reject });
      const w = this.ensure();
      w.ref();
      w.postMessage({ type: 'check', id, text } satisfies ClaimRequest);
    });
  }

  private onMessage(res: ClaimResponse): void {
    const job = this.jobs.get(res.id);
    if (!job) return;
    if (res.type === 'query') {
      this.stats.queries++;
      let answer;
      try {
        answer = job.host.answer(res.query);
      } catch (e) {
        this.finish(res.id);
        job.reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      this.worker?.postMessage({ type: 'answer', id: res.id, answer } satisfies ClaimRequest);
      return;
    }
    this.finish(res.id);
    if (res.type === 'result') job.resolve(res.results);
    else job.reject(new Error(`claim worker: ${res.error}`));
  }

  private finish(id: number): void {
    this.jobs.delete(id);
    if (this.jobs.size === 0) this.worker?.unref();
  }

  private failAll(e: Error): void {
    for (const j of this.jobs.values()) j.reject(e);
    this.jobs.clear();
  }

  dispose(): void {
    this.failAll(new Error('claim worker disposed'));
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}
