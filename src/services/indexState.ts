// The state of one workspace folder's index, as the status bar and commands show it.
import type { IndexStats } from '../index/api';

export type IndexState =
  | { kind: 'starting' }
  | { kind: 'indexing'; phase: string; done: number; total: number }
  | { kind: 'ready'; stats: IndexStats; ms: number; cachedFiles: number; parsedFiles: number }
  | { kind: 'error'; message: string };
