// The IndexEngine of one workspace folder. A folder with an index store that holds (same
// tree, extractor and walk) opens it and answers at once from a LayeredIndex: the store
// queried in place, under an overlay of the files that differ from it, which the service
// fills after the build (catchUp: the walk's changed, new and deleted files) and with open
// documents. A folder without one is indexed cold by src/index/workspaceIndex.ts (walk,
// worker-thread extraction, MemoryCodeIndex), which writes the store; the engine then
// switches to the store and lets the in-memory index go, so the host's memory after a build
// is the overlay's, not the tree's. This adapter maps the extension's settings and callbacks
// onto them. No vscode import.
import { existsSync, promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import type { CodeIndex, SymbolHit } from '../index/api';
import { MemoryCodeIndex } from '../index/codeIndex';
import { LayeredIndex } from '../index/layeredIndex';
import type { PackedFacts } from '../index/packed';
import { PathFilter } from '../index/pathFilter';
import { StoreError } from '../index/store/format';
import { StoreReader } from '../index/store/reader';
import { StoreSearchClient } from '../index/store/searchClient';
import { readCache, writeCache } from '../index/cache';
import { contentHash } from '../index/pipeline';
import { sameWalk, storeFileFor } from '../index/storeIndex';
import { walkTree } from '../index/walk';
import {
  extractorFingerprint,
  walkKeyOf,
  WorkspaceIndex,
  type WorkspaceIndexOptions,
} from '../index/workspaceIndex';
import type { BuildOptions, BuildResult, EngineFactory, IndexEngine } from './engine';

/** A cold build in progress, and the early index of the files it indexes first. */
interface ColdBuild {
  o: WorkspaceIndexOptions;
  opts: BuildOptions;
  filter: PathFilter;
  early?: WorkspaceIndex;
}

export class WorkspaceEngine implements IndexEngine {
  private ws: WorkspaceIndex | undefined;
  /** Store mode: the store under the overlay, and the overlay's own index (no cache). */
  private layered: LayeredIndex | undefined;
  private overlay: WorkspaceIndex | undefined;
  /** The overlay changed since the delta was last written. */
  private dirty = false;
  /** Ctrl+T's worker over the store, started on the first search. */
  private search: StoreSearchClient | undefined;
  private searchWorkerFailed = false;
  /** During a cold build: the open editors' files and their folders, indexed first. */
  private early: MemoryCodeIndex | undefined;
  private cold: ColdBuild | undefined;
  /** Early batches, one at a time. */
  private earlyChain: Promise<void> = Promise.resolve();
  /** Until the first build completes (or its early files are in), queries see an empty index. */
  private readonly empty = new MemoryCodeIndex();

  constructor(
    private readonly root: string,
    private readonly cacheDir: string | undefined,
  ) {}

  get index(): CodeIndex {
    return this.layered ?? this.ws?.index ?? this.early ?? this.empty;
  }

  /** Whether answers come from the store: open documents must then be indexed from their text. */
  get fromStore(): boolean {
    return this.layered !== undefined;
  }

  private options(opts: BuildOptions): WorkspaceIndexOptions {
    // The options are plain data from the typed settings: nothing here names code to load
    // (WorkspaceIndex's test-only extractorModule is never set by the extension).
    return {
      include: opts.include,
      exclude: opts.exclude,
      maxFileBytes: opts.maxFileSizeBytes,
      followSymlinks: opts.followSymlinks,
      cacheDir: this.cacheDir ?? null,
      storeOnly: true,
      ...(opts.workerThreads > 0 ? { workers: opts.workerThreads } : {}),
      signal: opts.signal,
      onProgress: (p) => opts.onProgress(p),
      onProblem: opts.onProblem,
      log: (line) => opts.onProblem('', line),
    };
  }

  /** The folder's store, when it exists and was written for this tree, extractor and walk. */
  private openStore(opts: WorkspaceIndexOptions): StoreReader | undefined {
    if (!this.cacheDir) return undefined;
    let store: StoreReader;
    try {
      store = StoreReader.open(storeFileFor(this.cacheDir, this.root), {
        root: this.root,
        fingerprint: extractorFingerprint(),
      });
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      if (!/^no index store/.test(e.message)) opts.log?.(`index store not used: ${e.message}`);
      return undefined;
    }
    if (sameWalk(store.header.walk, walkKeyOf(opts))) return store;
    store.close();
    return undefined;
  }

  /** The overlay's file beside the store: a small cache of the files that differ from it. */
  private deltaFile(): string | undefined {
    return this.cacheDir ? storeFileFor(this.cacheDir, this.root) + '.delta' : undefined;
  }

  /**
   * Answers from `store` from now on, under the overlay saved with it last time (the delta:
   * the rows of the files that differed from the store and the store files gone), when that
   * delta was written over this very store.
   */
  private async useStore(store: StoreReader, opts: WorkspaceIndexOptions): Promise<number> {
    const overlay = WorkspaceIndex.empty(this.root, opts);
    const layered = new LayeredIndex(store, overlay.index);
    this.overlay = overlay;
    this.layered = layered;
    this.dirty = false;
    const file = this.deltaFile();
    if (!file) return 0;
    const d = await readCache(file, { root: this.root, fingerprint: extractorFingerprint() });
    if (!d.ok) {
      if (d.reason !== 'no cache yet') opts.log?.(`index delta not used: ${d.reason}`);
      return 0;
    }
    const gone = d.meta?.gone;
    if (d.meta?.base !== store.id || !Array.isArray(gone)) return 0; // over another store
    overlay.index.loadPacked(
      d.files,
      d.strings,
      d.files.map(() => true),
      d.postings,
    );
    layered.forget(gone.filter((g): g is string => typeof g === 'string'));
    return d.files.length;
  }

  /**
   * What differs on disk from what the index holds: each walked file against its overlay
   * entry, else the store's; a file whose size is the same but mtime not is compared by its
   * content hash.
   */
  private async changesOnDisk(
    walk: ReturnType<typeof walkKeyOf>,
    signal: AbortSignal,
  ): Promise<{ changed: string[]; deleted: string[] }> {
    const layered = this.layered;
    const overlay = this.overlay;
    if (!layered || !overlay) return { changed: [], deleted: [] };
    const walked = await walkTree(this.root, { ...walk, signal });
    // The store's file table, read in slices (and kept for the layered index's own use).
    await layered.loadStorePaths();
    const stored = new Map<string, { size: number; mtimeMs: number; hash: string }>();
    for (let i = 0; i < layered.store.header.files; i++) {
      const f = layered.store.file(i);
      if (!layered.isGone(f.path)) stored.set(f.path, f);
    }
    for (const p of overlay.index.files()) stored.set(p, overlay.index.fileInfo(p)!);
    const changed: string[] = [];
    for (const w of walked.files) {
      const f = stored.get(w.path);
      stored.delete(w.path);
      if (f && f.size === w.size && f.mtimeMs === w.mtimeMs) continue;
      if (f && f.size === w.size) {
        const bytes = await fsp.readFile(join(this.root, w.path)).catch(() => undefined);
        if (bytes && contentHash(bytes) === f.hash) continue;
      }
      changed.push(w.path);
    }
    return { changed, deleted: [...stored.keys()] };
  }

  /**
   * During a cold build: indexes `paths` (files of editors opened meanwhile) and the other C
   * files of their folders ahead of the tree; calls the build's onEarly when they are in.
   */
  indexEarly(paths: readonly string[]): void {
    const c = this.cold;
    if (!c) return;
    this.earlyChain = this.earlyChain
      .then(() => this.addEarly(c, paths))
      .catch((e: unknown) =>
        c.opts.onProblem(
          '',
          `open files not indexed first: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
  }

  /**
   * The files of `paths` into the early index, then the other C files of their folders (not
   * below them: a file at the root brings only itself); onEarly after each step, so an open
   * file answers after its own parse, and F12 into its folder after the folder's. Problems
   * are the cold build's to report, so none are reported here.
   */
  private async addEarly(c: ColdBuild, paths: readonly string[]): Promise<void> {
    const own = paths.filter((p) => c.filter.wanted(p));
    const siblings = new Set<string>();
    for (const p of own) {
      const dir = posix.dirname(p);
      if (dir === '.') continue;
      const names = await fsp.readdir(join(this.root, dir)).catch(() => [] as string[]);
      for (const n of names) if (c.filter.wanted(`${dir}/${n}`)) siblings.add(`${dir}/${n}`);
    }
    await this.earlyStep(c, own);
    await this.earlyStep(c, [...siblings]);
  }

  private async earlyStep(c: ColdBuild, files: readonly string[]): Promise<void> {
    if (this.cold !== c || c.opts.signal.aborted) return;
    if (!c.early) {
      const { onProgress: _progress, onProblem: _problem, log: _log, ...quiet } = c.o;
      c.early = WorkspaceIndex.empty(this.root, quiet);
    }
    const early = c.early;
    const todo = [...new Set(files)].filter((f) => !early.index.fileInfo(f)).sort();
    if (todo.length === 0) return;
    await early.addOrChangeFiles(todo, c.opts.signal);
    if (this.cold !== c || c.opts.signal.aborted) return;
    this.early = early.index;
    c.opts.onEarly?.(early.index.files().length);
  }

  private endCold(c: ColdBuild): void {
    if (this.cold !== c) return;
    this.cold = undefined;
    this.early = undefined;
    c.early?.dispose();
  }

  private reset(): void {
    if (this.cold) this.endCold(this.cold);
    this.ws?.dispose();
    this.ws = undefined;
    this.overlay?.dispose();
    this.overlay = undefined;
    this.layered?.close();
    this.layered = undefined;
  }

  async build(opts: BuildOptions): Promise<BuildResult> {
    this.reset();
    const o = this.options(opts);
    const t0 = performance.now();
    const stored = this.openStore(o);
    if (stored) {
      // Ready now; what changed since the store was written is found by the walk after.
      await this.useStore(stored, o);
      const walk = walkKeyOf(o);
      return {
        stats: this.layered!.stats(),
        cachedFiles: stored.header.files,
        parsedFiles: 0,
        ms: performance.now() - t0,
        skipped: [],
        fromStore: true,
        catchUp: () => this.changesOnDisk(walk, opts.signal),
      };
    }
    // Cold: the open editors' folders first, answering while the tree is indexed.
    const c: ColdBuild = { o, opts, filter: new PathFilter(opts.include, opts.exclude) };
    this.cold = c;
    let ws: WorkspaceIndex;
    try {
      if (opts.priority && opts.priority.length > 0) {
        this.indexEarly(opts.priority);
        await this.earlyChain;
      }
      ws = await WorkspaceIndex.open(this.root, o);
    } finally {
      this.endCold(c);
    }
    const r = ws.report;
    const result: BuildResult = {
      stats: ws.index.stats(),
      cachedFiles: r.fromCache + r.rehashed,
      parsedFiles: r.extracted,
      ms: r.ms,
      skipped: r.skipped,
    };
    // The build wrote the store: answer from it and let the tree's in-memory index go.
    const written = this.openStore(o);
    if (written) {
      ws.dispose();
      await this.useStore(written, o);
    } else this.ws = ws;
    return result;
  }

  async refreshFiles(
    changed: readonly string[],
    deleted: readonly string[],
    opts: Pick<BuildOptions, 'maxFileSizeBytes' | 'signal' | 'onProblem'>,
  ): Promise<{ updated: number; removed: number }> {
    const layered = this.layered;
    if (layered && this.overlay) {
      const removed = deleted.length > 0 ? this.overlay.removeFiles(deleted) : 0;
      layered.forget(deleted);
      const r =
        changed.length > 0 ? await this.overlay.addOrChangeFiles(changed, opts.signal) : undefined;
      for (const p of changed) {
        if (this.overlay.index.fileInfo(p)) layered.revive(p);
        else if (!existsSync(join(this.root, p))) layered.forget([p]);
      }
      this.dirty = true;
      return { updated: r?.extracted ?? 0, removed: removed + deleted.length + (r?.removed ?? 0) };
    }
    const ws = this.ws;
    if (!ws) return { updated: 0, removed: 0 };
    const removed = deleted.length > 0 ? ws.removeFiles(deleted) : 0;
    if (changed.length === 0) return { updated: 0, removed };
    const r = await ws.addOrChangeFiles(changed, opts.signal);
    return { updated: r.extracted, removed: removed + r.removed };
  }

  setPackedFacts(facts: PackedFacts, strings: readonly string[]): void {
    if (this.overlay && this.layered) {
      this.overlay.setPacked(facts, strings);
      this.layered.revive(facts.path);
      this.dirty = true;
    } else this.ws?.setPacked(facts, strings);
  }

  /**
   * Writes what changed since the last save (atomically): in store mode the delta, the
   * overlay's rows and the store files gone, never the store itself; else the cache.
   */
  async saveCache(): Promise<void> {
    const file = this.deltaFile();
    if (this.layered && this.overlay && file) {
      if (!this.dirty) return;
      this.dirty = false;
      const index = this.overlay.index;
      index.seal();
      try {
        await writeCache(
          file,
          {
            root: this.root,
            fingerprint: extractorFingerprint(),
            meta: { base: this.layered.store.id, gone: this.layered.goneFiles() },
          },
          index.packed(),
        );
      } catch (e) {
        this.dirty = true;
        throw e;
      }
      return;
    }
    if (this.ws?.needsSave) await this.ws.saveCache();
  }

  /**
   * Ctrl+T: over a store, the scan of its names runs in the search worker and only the
   * overlay's symbols are searched here; otherwise the in-memory index answers. Undefined when
   * a newer search replaced this one. Rejects once when the worker fails; later searches
   * run on this thread.
   */
  async searchSymbols(query: string, limit: number): Promise<SymbolHit[] | undefined> {
    const layered = this.layered;
    const overlay = this.overlay;
    if (!layered || !overlay) return this.index.searchSymbols(query, limit);
    if (!this.searchWorkerFailed) {
      this.search ??= new StoreSearchClient();
      try {
        const fromStore = await this.search.search({
          file: layered.store.path,
          storeId: layered.store.id,
          root: layered.store.header.root,
          fingerprint: layered.store.header.fingerprint,
          dead: [...layered.goneFiles(), ...overlay.index.files()],
          query,
          limit,
        });
        if (fromStore === undefined) return undefined;
        // The store it searched may have been replaced while it ran: then ask again here.
        if (this.layered === layered) return layered.withOverlaySymbols(fromStore, query, limit);
      } catch (e) {
        // Said once by the caller; later searches run here.
        this.searchWorkerFailed = true;
        throw e;
      }
    }
    return this.index.searchSymbols(query, limit);
  }

  dispose(): void {
    this.reset();
    this.search?.dispose();
    this.search = undefined;
  }
}

export const createWorkspaceEngine: EngineFactory = (root, cacheDir) =>
  new WorkspaceEngine(root, cacheDir);
