// Messages between the host and the store's symbol-search worker (searchWorker.ts): Ctrl+T
// scans the store's name bytes, which on all of Linux takes long enough to stall the
// extension host, so that scan runs in the worker and only the hits come back.
import type { SymbolHit } from '../api';

export interface SearchRequest {
  id: number;
  /** The store file, its id (which write of it) and the key it was opened with. */
  file: string;
  storeId: string;
  root: string;
  fingerprint: string;
  /** Store files whose rows no longer count: gone, or replaced by the host's overlay. */
  dead: string[];
  query: string;
  limit: number;
}

export type SearchResponse = { id: number; hits: SymbolHit[] } | { id: number; error: string };
