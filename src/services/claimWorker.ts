// The claim worker thread (bundled to dist/claimWorker.js): extracts the call-graph claims of a
// document and classifies them (src/graph/claims.ts), asking the host for the call-graph facts
// it needs in bounded queries (src/graph/claimQueries.ts). The text work, linear but ~1 s for
// 2 MB, never runs on the extension host's thread.
import { parentPort } from 'node:worker_threads';
import { checkClaimsByQueries, type ClaimAnswer } from '../graph/claimQueries';
import { extractClaims, type CheckedClaim } from '../graph/claims';
import type { ClaimRequest, ClaimResponse } from './claimWorkerProtocol';

const port = parentPort;
if (port) {
  const jobs = new Map<number, Generator<unknown, CheckedClaim[], ClaimAnswer>>();
  const step = (id: number, answer: ClaimAnswer | undefined): void => {
    const gen = jobs.get(id);
    if (!gen) return;
    try {
      const r = gen.next(answer as ClaimAnswer);
      if (r.done) {
        jobs.delete(id);
        port.postMessage({ type: 'result', id, results: r.value } satisfies ClaimResponse);
      } else {
        port.postMessage({
          type: 'query',
          id,
          query: r.value as Extract<ClaimResponse, { type: 'query' }>['query'],
        } satisfies ClaimResponse);
      }
    } catch (e) {
      jobs.delete(id);
      port.postMessage({
        type: 'error',
        id,
        error: e instanceof Error ? e.message : String(e),
      } satisfies ClaimResponse);
    }
  };
  port.on('message', (req: ClaimRequest) => {
    if (req.type === 'check') {
      try {
        jobs.set(req.id, checkClaimsByQueries(extractClaims(req.text)));
      } catch (e) {
        port.postMessage({
          type: 'error',
          id: req.id,
          error: e instanceof Error ? e.message : String(e),
        } satisfies ClaimResponse);
        return;
      }
      step(req.id, undefined);
    } else step(req.id, req.answer);
  });
}
