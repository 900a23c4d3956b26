// Messages between the extension host and the open-document worker (docWorker.ts).
import type { PackedFacts } from '../index/packed';
import type { ReparseOptions } from './docReparser';

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
    }
  | { type: 'error'; id: number; error: string };
