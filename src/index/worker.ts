// An index worker thread (bundled to dist/indexWorker.js): reads a batch of files, extracts
// their facts and posts them back. Parsing never happens on the extension host's thread.
// workerData.extractorModule (tests only) names a module exporting createExtractor().
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createExtractor, factsFromBytes, type Extractor } from './extractor';
import { emptyFacts, type FileFacts } from './facts';
import { packBatch, type PackedBatch } from './packed';
import type { WalkedFile } from './walk';

export interface ExtractRequest {
  id: number;
  root: string;
  files: WalkedFile[];
  maxFileBytes: number;
}

/** Facts come back packed (packed.ts): their row buffers are transferred, not cloned. */
export type ExtractResponse = { id: number; batch: PackedBatch } | { id: number; error: string };

async function loadExtractor(): Promise<Extractor> {
  const mod = (workerData as { extractorModule?: string } | null)?.extractorModule;
  if (mod) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(mod) as { createExtractor: () => Promise<Extractor> };
    return m.createExtractor();
  }
  return createExtractor();
}

const port = parentPort;
if (port) {
  const extractor = loadExtractor();
  port.on('message', (req: ExtractRequest) => {
    void (async () => {
      try {
        const extract = await extractor;
        const facts: FileFacts[] = [];
        for (const f of req.files) {
          let bytes: Buffer;
          try {
            bytes = await fsp.readFile(join(req.root, f.path));
          } catch (e) {
            const gone = emptyFacts(f.path, 0, f.mtimeMs);
            gone.problems.push(`unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
            facts.push(gone);
            continue;
          }
          facts.push(factsFromBytes(f.path, bytes, f.mtimeMs, req.maxFileBytes, extract));
        }
        const { batch, transfer } = packBatch(facts);
        port.postMessage({ id: req.id, batch } satisfies ExtractResponse, transfer);
      } catch (e) {
        port.postMessage({
          id: req.id,
          error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        } satisfies ExtractResponse);
      }
    })();
  });
}
