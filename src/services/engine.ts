// What the extension's index service needs from the index core, for one workspace folder. The
// implementation (src/services/workspaceEngine.ts) sits on src/index (workers, cache, CodeIndex)
// and src/parse (tree cache, incremental reparse); the service only schedules and reports. No
// vscode import: positions and edits are plain data.
import type { CodeIndex, IndexStats } from '../index/api';

export interface BuildOptions {
  include: readonly string[];
  exclude: readonly string[];
  maxFileSizeBytes: number;
  /** 0 = one per core. */
  workerThreads: number;
  signal: AbortSignal;
  onProgress: (p: BuildProgress) => void;
  /** A file skipped or indexed partially (binary, too large, parse timeout...). */
  onProblem: (file: string, reason: string) => void;
}

export interface BuildProgress {
  phase: 'scan' | 'cache' | 'parse' | 'merge';
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
}

/** One text change of an open document, as VS Code reports it (UTF-16 offsets). */
export interface TextEdit {
  rangeOffset: number;
  rangeLength: number;
  text: string;
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export interface IndexEngine {
  readonly index: CodeIndex;
  /** Loads the cache and indexes what is new or changed, off the extension host's thread. */
  build(opts: BuildOptions): Promise<BuildResult>;
  /** Re-reads changed files from disk (off-thread) and drops deleted ones; no full rebuild. */
  refreshFiles(
    changed: readonly string[],
    deleted: readonly string[],
    opts: Pick<BuildOptions, 'maxFileSizeBytes' | 'signal' | 'onProblem'>,
  ): Promise<{ updated: number; removed: number }>;
  /**
   * Records the edits of an open document on its cached tree (cheap: tree.edit), in order.
   * The reparse happens later, in reparseDocument.
   */
  editDocument(file: string, version: number, edits: readonly TextEdit[]): void;
  /** Reparses an open document incrementally from its recorded edits and replaces its facts. */
  reparseDocument(file: string, text: string, version: number): void;
  /** Forgets an open document's tree (it was closed). */
  closeDocument(file: string): void;
  /** Writes the cache (atomically). */
  saveCache(): Promise<void>;
  dispose(): void;
}

export type EngineFactory = (root: string, cacheDir: string | undefined) => IndexEngine;
