// An index worker thread (bundled to dist/indexWorker.js): reads a batch of files, turns each
// into facts through the one entry point (pipeline.ts) and posts them back. Parsing never
// happens on the extension host's thread.
// workerData.extractorModule (tests only) names a module exporting createExtractor().
import { constants, promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { emptyFacts, failure, type FileFacts } from './facts';
import { packBatch, type PackedBatch } from './packed';
import { FactsPipeline, type Extractor } from './pipeline';
import type { WalkedFile } from './walk';

export interface ExtractRequest {
  id: number;
  root: string;
  files: WalkedFile[];
  maxFileBytes: number;
  /** Bound on pre-pass + parse + extract of one file, ms. */
  timeoutMs: number;
}

/**
 * `start`: the worker begins the request's file `index` (the pool's watchdog times it).
 * `facts`: the request's facts, packed (row buffers transferred, not cloned); with `fault`,
 * only those of the first `done` files (the last of them, or the next one, broke the parser's
 * runtime), and the worker exits next.
 */
export type ExtractResponse =
  | { id: number; type: 'start'; index: number }
  | { id: number; type: 'facts'; batch: PackedBatch; fault?: string; done?: number }
  | { id: number; type: 'error'; error: string };

async function loadPipeline(): Promise<FactsPipeline> {
  const mod = (workerData as { extractorModule?: string } | null)?.extractorModule;
  if (mod) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(mod) as { createExtractor: () => Promise<Extractor> };
    return FactsPipeline.create({ extractor: await m.createExtractor() });
  }
  return FactsPipeline.create();
}

const O_NONBLOCK = (constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;

/**
 * The bytes of a regular file, at most `maxBytes` + 1 of them, or why not. The file may have
 * changed since the walk (into a FIFO, a symlink to /dev/zero, a larger file): it is opened
 * without blocking, checked with fstat on the open descriptor, and read with a bound.
 */
export async function readRegularFile(
  abs: string,
  maxBytes: number,
): Promise<{ bytes: Buffer; size: number } | { skipped: string } | { failed: string }> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(abs, constants.O_RDONLY | O_NONBLOCK);
  } catch (e) {
    return { failed: `unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { skipped: `skipped: not a regular file (${kindOf(st)})` };
    const cap = Math.min(st.size, maxBytes) + 1;
    const buf = Buffer.allocUnsafe(cap);
    let n = 0;
    while (n < cap) {
      const { bytesRead } = await fh.read(buf, n, cap - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > maxBytes) {
      return {
        skipped: `skipped: ${Math.max(st.size, n)} bytes is over the limit of ${maxBytes} bytes`,
      };
    }
    return { bytes: buf.subarray(0, n), size: n };
  } catch (e) {
    return { failed: `unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a file';
}

const port = parentPort;
if (port) {
  const pipeline = loadPipeline();
  port.on('message', (req: ExtractRequest) => {
    void (async () => {
      try {
        const pipe = await pipeline;
        const facts: FileFacts[] = [];
        for (let i = 0; i < req.files.length; i++) {
          const f = req.files[i]!;
          port.postMessage({ id: req.id, type: 'start', index: i } satisfies ExtractResponse);
          const read = await readRegularFile(join(req.root, f.path), req.maxFileBytes);
          if (!('bytes' in read)) {
            const skipped = emptyFacts(f.path, f.size, f.mtimeMs);
            skipped.problems.push('failed' in read ? failure(read.failed) : read.skipped);
            facts.push(skipped);
            continue;
          }
          const got = pipe.facts(f.path, read.bytes, {
            maxBytes: req.maxFileBytes,
            timeoutMs: req.timeoutMs,
            mtimeMs: f.mtimeMs,
          });
          if (pipe.faulted !== undefined) {
            // This thread's wasm instance is corrupt: hand back what is done and exit, so the
            // pool retries this file (unless it ran out of time) and the rest of the batch in
            // a fresh worker.
            if (!pipe.faultWorthRetry) facts.push(got);
            const { batch, transfer } = packBatch(facts);
            const fault = { fault: pipe.faulted, done: facts.length };
            port.postMessage(
              { id: req.id, type: 'facts', batch, ...fault } satisfies ExtractResponse,
              transfer,
            );
            process.exit(70);
          }
          facts.push(got);
        }
        const { batch, transfer } = packBatch(facts);
        port.postMessage({ id: req.id, type: 'facts', batch } satisfies ExtractResponse, transfer);
      } catch (e) {
        port.postMessage({
          id: req.id,
          type: 'error',
          error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        } satisfies ExtractResponse);
      }
    })();
  });
}
