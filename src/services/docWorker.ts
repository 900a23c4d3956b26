// The open-document worker thread (bundled to dist/docWorker.js): keeps one tree per open C
// document and reparses it incrementally on each update (FactsPipeline.document), so neither
// the parse nor the fact collection (tens of ms for tcp.c) runs on the extension host's
// thread. Messages are typed in docWorkerProtocol.ts.
import { parentPort } from 'node:worker_threads';
import { packBatch } from '../index/packed';
import { FactsPipeline } from '../index/pipeline';
import type { DocRequest, DocResponse } from './docWorkerProtocol';

const port = parentPort;
if (port) {
  const pipeline = FactsPipeline.create();
  // Requests are handled strictly in order (a close must not overtake an update).
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: DocRequest) => {
    queue = queue.then(async () => {
      try {
        const p = await pipeline;
        if (req.type === 'close') {
          p.close(req.path);
          return;
        }
        const t0 = performance.now();
        const res = p.document(req.path, req.text, req.opts);
        // Packed, with the row buffers transferred: the host only remaps string ids.
        const { batch, transfer } = packBatch([res.facts]);
        port.postMessage(
          {
            type: 'facts',
            id: req.id,
            facts: batch.files[0]!,
            strings: batch.strings,
            incremental: res.incremental,
            parseMs: res.parseMs,
            workerMs: performance.now() - t0,
            ...(p.faulted !== undefined ? { fault: p.faulted } : {}),
          } satisfies DocResponse,
          transfer,
        );
        // A trap of the wasm runtime leaves this thread's parser unusable: a fresh worker.
        if (p.faulted !== undefined) process.exit(70);
      } catch (e) {
        if (req.type === 'update') {
          port.postMessage({
            type: 'error',
            id: req.id,
            error: e instanceof Error ? (e.stack ?? e.message) : String(e),
          } satisfies DocResponse);
        }
      }
    });
  });
}
