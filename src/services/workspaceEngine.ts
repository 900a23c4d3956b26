// The IndexEngine of one workspace folder over src/index/workspaceIndex.ts: walking, the
// worker-thread extraction, the versioned cache and the MemoryCodeIndex all live there; this
// adapter maps the extension's settings and callbacks onto it. No vscode import.
import type { CodeIndex } from '../index/api';
import { MemoryCodeIndex } from '../index/codeIndex';
import type { PackedFacts } from '../index/packed';
import { WorkspaceIndex } from '../index/workspaceIndex';
import type { BuildOptions, BuildResult, EngineFactory, IndexEngine } from './engine';

export class WorkspaceEngine implements IndexEngine {
  private ws: WorkspaceIndex | undefined;
  /** Until the first build completes, queries see an empty index. */
  private readonly empty = new MemoryCodeIndex();

  constructor(
    private readonly root: string,
    private readonly cacheDir: string | undefined,
  ) {}

  get index(): CodeIndex {
    return this.ws?.index ?? this.empty;
  }

  async build(opts: BuildOptions): Promise<BuildResult> {
    const old = this.ws;
    this.ws = undefined;
    old?.dispose();
    // The options are plain data from the typed settings: nothing here names code to load
    // (WorkspaceIndex's test-only extractorModule is never set by the extension).
    const ws = await WorkspaceIndex.open(this.root, {
      include: opts.include,
      exclude: opts.exclude,
      maxFileBytes: opts.maxFileSizeBytes,
      followSymlinks: opts.followSymlinks,
      cacheDir: this.cacheDir ?? null,
      ...(opts.workerThreads > 0 ? { workers: opts.workerThreads } : {}),
      signal: opts.signal,
      onProgress: (p) => opts.onProgress(p),
      onProblem: opts.onProblem,
      log: (line) => opts.onProblem('', line),
    });
    this.ws = ws;
    const r = ws.report;
    return {
      stats: ws.index.stats(),
      cachedFiles: r.fromCache + r.rehashed,
      parsedFiles: r.extracted,
      ms: r.ms,
      skipped: r.skipped,
    };
  }

  async refreshFiles(
    changed: readonly string[],
    deleted: readonly string[],
    opts: Pick<BuildOptions, 'maxFileSizeBytes' | 'signal' | 'onProblem'>,
  ): Promise<{ updated: number; removed: number }> {
    const ws = this.ws;
    if (!ws) return { updated: 0, removed: 0 };
    const removed = deleted.length > 0 ? ws.removeFiles(deleted) : 0;
    if (changed.length === 0) return { updated: 0, removed };
    const r = await ws.addOrChangeFiles(changed, opts.signal);
    return { updated: r.extracted, removed: removed + r.removed };
  }

  setPackedFacts(facts: PackedFacts, strings: readonly string[]): void {
    this.ws?.setPacked(facts, strings);
  }

  async saveCache(): Promise<void> {
    if (this.ws?.needsSave) await this.ws.saveCache();
  }

  dispose(): void {
    this.ws?.dispose();
    this.ws = undefined;
  }
}

export const createWorkspaceEngine: EngineFactory = (root, cacheDir) =>
  new WorkspaceEngine(root, cacheDir);
