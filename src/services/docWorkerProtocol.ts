// Messages between the extension host and the open-document worker (docWorker.ts).
import type { PackedFacts } from '../index/packed';
import type { FileLimits } from '../index/pipeline';

/** Limits of an open document's facts: its size in bytes and the time bound (ms). */
export type ReparseOptions = Required<Pick<FileLimits, 'maxBytes' | 'timeoutMs'>>;

export type DocRequest =
  | { type: 'update'; id: number; path: string; text: string; opts: ReparseOptions }
  | { type: 'close'; path: string };

export type DocResponse =
  | {
      type: 'facts';
      id: number;
      /** The document's facts, packed; row string ids index `strings`. */
      facts: PackedFacts;
      strings: string[];
      incremental: boolean;
      parseMs: number;
      /** Time the worker spent on the update (preprocess, parse, collect). */
      workerMs: number;
      /**
       * Set when the update broke the worker's parser runtime: the worker exits next, and the
       * client retries the update once in a fresh worker.
       */
      fault?: string;
    }
  | { type: 'error'; id: number; error: string };
