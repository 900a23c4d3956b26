// What the extension's index service needs from the index core, for one workspace folder. The
// implementation (src/services/workspaceEngine.ts) sits on src/index (workers, cache, CodeIndex)
// (walk, worker pool, cache, CodeIndex); open documents are reparsed by the document worker
// (docWorkerClient.ts). The service only schedules and reports. No vscode import.
import type { CodeIndex, IndexStats, SymbolHit } from '../index/api';
import type { PackedFacts } from '../index/packed';

export interface BuildOptions {
  include: readonly string[];
  exclude: readonly string[];
  maxFileSizeBytes: number;
  /** Follow symlinked folders and files (sklens.index.followSymlinks). */
  followSymlinks: boolean;
  /** 0 = one per core. */
  workerThreads: number;
  signal: AbortSignal;
  onProgress: (p: BuildProgress) => void;
  /**
   * A file skipped or indexed partially (binary, too large, parse timeout...); `file` is ''
   * for an event of the whole index (its cache discarded or not written).
   */
  onProblem: (file: string, reason: string) => void;
  /**
   * Files of open editors (relative paths). A cold build indexes them and the other C files
   * of their folders first, then calls onEarly, and answers from those files until the whole
   * tree is indexed.
   */
  priority?: readonly string[];
  /** The priority files answer (a cold build): `files` are indexed so far. */
  onEarly?: (files: number) => void;
}

export interface BuildProgress {
  /** The index's phases: 'scan', 'cache', 'extract' (worker threads), 'save'. */
  phase: string;
  done: number;
  total: number;
}

export interface BuildResult {
  stats: IndexStats;
  /** Files whose facts came from the cache. */
  cachedFiles: number;
  /** Files parsed by the workers. */
  parsedFiles: number;
  ms: number;
  /** Files passed over by the walk (symlink loops, FIFOs, too large...) with the reason. */
  skipped: readonly { path: string; reason: string }[];
  /** The index was opened from its store (src/index/store) instead of being built. */
  fromStore?: boolean;
  /**
   * For an index opened from its store: walks the tree and says which files differ from the
   * store (changed or new, and deleted), for the service to refresh once it is ready.
   */
  catchUp?: () => Promise<{ changed: string[]; deleted: string[] }>;
}

export interface IndexEngine {
  readonly index: CodeIndex;
  /** Whether answers come from a store: open documents are then indexed from their text. */
  readonly fromStore?: boolean;
  /** Loads the cache and indexes what is new or changed, off the extension host's thread. */
  build(opts: BuildOptions): Promise<BuildResult>;
  /**
   * Ctrl+T without blocking the host where the index is large (a store's names are scanned
   * in a worker). Undefined when a newer search replaced this one.
   */
  searchSymbols?(query: string, limit: number): Promise<SymbolHit[] | undefined>;
  /**
   * During a cold build: indexes these files (editors opened meanwhile) and their folders
   * ahead of the tree; the build's onEarly follows. Does nothing otherwise.
   */
  indexEarly?(paths: readonly string[]): void;
  /** Re-reads changed files from disk (off-thread) and drops deleted ones; no full rebuild. */
  refreshFiles(
    changed: readonly string[],
    deleted: readonly string[],
    opts: Pick<BuildOptions, 'maxFileSizeBytes' | 'signal' | 'onProblem'>,
  ): Promise<{ updated: number; removed: number }>;
  /**
   * Replaces one file's facts (an open document reparsed from its text by the document
   * worker). Runs on the caller's thread: only the index update, no parsing.
   */
  setPackedFacts(facts: PackedFacts, strings: readonly string[]): void;
  /** Writes the cache (atomically). */
  saveCache(): Promise<void>;
  dispose(): void;
}

export type EngineFactory = (root: string, cacheDir: string | undefined) => IndexEngine;
