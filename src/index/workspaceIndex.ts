// The workspace index: walks a tree for C files, reuses cached facts that are still valid
// (same size and mtime, or else the same content hash), extracts the rest in worker threads,
// merges everything into a MemoryCodeIndex and keeps it current through per-file updates.
// Shared by the extension (root = workspace folder, cacheDir = storageUri) and the CLI.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, promises as fsp, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { cacheFileFor, readCache, writeCache, type CacheRead } from './cache';
import { MemoryCodeIndex } from './codeIndex';
import { isFailed } from './facts';
import type { PackedFacts } from './packed';
import { contentHash } from './pipeline';
import { CODEC_VERSION, runStepsAsync } from './factsCodec';
import { PathFilter } from './pathFilter';
import { ExtractPool } from './pool';
import {
  DEFAULT_EXCLUDE,
  DEFAULT_FOLLOW_SYMLINKS,
  DEFAULT_INCLUDE,
  DEFAULT_MAX_FILE_BYTES,
} from './defaults';
import type { StoreWalkKey } from './store/format';
import { StoreError } from './store/format';
import { StoreReader } from './store/reader';
import { writeStore } from './store/writer';
import { sameWalk, storeFileFor } from './storeIndex';
import { classifyPath, walkTree, type WalkedFile } from './walk';

export interface IndexProgress {
  phase: 'scan' | 'cache' | 'extract' | 'save';
  done: number;
  total: number;
}

export interface WorkspaceIndexOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  maxFileBytes?: number;
  /** Follow symlinked folders and files (default true); only regular files are ever read. */
  followSymlinks?: boolean;
  /** Folder for the persistent cache; null or undefined: no cache. */
  cacheDir?: string | null;
  /**
   * Also keep the on-disk query store (src/index/store) beside the cache, rewritten with it.
   * Written on the calling thread: the CLI sets it, the extension host does not.
   */
  store?: boolean;
  /**
   * Keep only the store, not the cache: nothing is read from a cache and the store is
   * written after the build (the extension, which answers from the store once it exists).
   */
  storeOnly?: boolean;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Tests only: module exporting createExtractor(), used in workers and in process. */
  extractorModule?: string;
  onProgress?: (p: IndexProgress) => void;
  /**
   * A file skipped or indexed partially, with the reason (too large, binary, unreadable, a parse
   * problem, a worker that died). Without it they go to `log`, one `file: reason` line each
   * (`skipped file: reason` for a file left out).
   */
  onProblem?: (file: string, reason: string) => void;
  /** One line per other notable event (cache rejected or not written): an output channel. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface OpenReport {
  files: number;
  /** Entries reused because size and mtime matched. */
  fromCache: number;
  /** Entries reused after their mtime changed but their content hash did not. */
  rehashed: number;
  extracted: number;
  skipped: { path: string; reason: string }[];
  cache: 'off' | 'hit' | 'partial' | 'miss';
  cacheRejected?: string;
  cacheBytes?: number;
  ms: number;
}

let fingerprintMemo: string | undefined;

/**
 * Identifies the extractor build, so a cache written by another version is discarded: the
 * worker bundle and the query files when running from dist/, the parse and extract sources
 * under tsx.
 */
export function extractorFingerprint(extractorModule?: string): string {
  if (fingerprintMemo !== undefined && extractorModule === undefined) return fingerprintMemo;
  const h = createHash('sha1').update(`codec ${CODEC_VERSION}\n`);
  const add = (file: string) => {
    if (existsSync(file))
      h.update(file.slice(file.lastIndexOf(sep) + 1)).update(readFileSync(file));
  };
  const addDir = (dir: string, re: RegExp) => {
    if (!existsSync(dir)) return;
    for (const n of readdirSync(dir).sort()) if (re.test(n)) add(join(dir, n));
  };
  if (extractorModule !== undefined) add(extractorModule);
  else if (__filename.endsWith('.ts')) {
    addDir(join(__dirname, '..', 'parse'), /\.ts$/);
    for (const n of ['extract.ts', 'pipeline.ts', 'facts.ts', 'worker.ts']) add(join(__dirname, n));
    addDir(join(__dirname, '..', '..', 'grammars', 'queries'), /\.scm$/);
  } else {
    add(join(__dirname, 'indexWorker.js'));
    addDir(join(__dirname, '..', 'grammars', 'queries'), /\.scm$/);
  }
  const fp = h.digest('hex');
  if (extractorModule === undefined) fingerprintMemo = fp;
  return fp;
}

/** The walk a WorkspaceIndex with these options makes, with the defaults filled in. */
export function walkKeyOf(opts: WorkspaceIndexOptions): StoreWalkKey {
  return {
    include: [...(opts.include ?? DEFAULT_INCLUDE)],
    exclude: [...(opts.exclude ?? DEFAULT_EXCLUDE)],
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    followSymlinks: opts.followSymlinks ?? DEFAULT_FOLLOW_SYMLINKS,
  };
}

export class WorkspaceIndex {
  readonly index = new MemoryCodeIndex();
  readonly root: string;
  report: OpenReport = {
    files: 0,
    fromCache: 0,
    rehashed: 0,
    extracted: 0,
    skipped: [],
    cache: 'off',
    ms: 0,
  };
  private readonly filter: PathFilter;
  private readonly maxFileBytes: number;
  private readonly pool: ExtractPool;
  private readonly cacheFile: string | undefined;
  private readonly storeFile: string | undefined;
  private dirty = false;
  private disposed = false;

  private constructor(
    root: string,
    private readonly opts: WorkspaceIndexOptions,
  ) {
    this.root = resolve(root);
    this.filter = new PathFilter(opts.include ?? DEFAULT_INCLUDE, opts.exclude ?? DEFAULT_EXCLUDE);
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const poolOpts: { size?: number; extractorModule?: string } = {};
    if (opts.workers !== undefined) poolOpts.size = opts.workers;
    if (opts.extractorModule !== undefined) poolOpts.extractorModule = opts.extractorModule;
    this.pool = new ExtractPool(poolOpts);
    this.cacheFile =
      opts.cacheDir && !opts.storeOnly ? cacheFileFor(opts.cacheDir, this.root) : undefined;
    this.storeFile =
      opts.cacheDir && (opts.store || opts.storeOnly)
        ? storeFileFor(opts.cacheDir, this.root)
        : undefined;
  }

  /** Indexes `root` (from the cache where valid) and resolves when the index is complete. */
  static async open(root: string, opts: WorkspaceIndexOptions = {}): Promise<WorkspaceIndex> {
    const ws = new WorkspaceIndex(root, opts);
    try {
      await ws.build();
    } catch (e) {
      ws.dispose();
      throw e;
    }
    return ws;
  }

  /**
   * An index of no files yet, without walking the tree: files come in through
   * addOrChangeFiles and setPacked (the overlay of a LayeredIndex). Never writes a cache.
   */
  static empty(root: string, opts: WorkspaceIndexOptions = {}): WorkspaceIndex {
    const ws = new WorkspaceIndex(root, { ...opts, cacheDir: null });
    ws.index.seal();
    return ws;
  }

  /** The store file this index writes, when it keeps one. */
  get storePath(): string | undefined {
    return this.storeFile;
  }

  private key() {
    return { root: this.root, fingerprint: extractorFingerprint(this.opts.extractorModule) };
  }

  /** The walk that finds this index's files, as the store records it. */
  walkKey(): StoreWalkKey {
    return walkKeyOf(this.opts);
  }

  private progress(phase: IndexProgress['phase'], done: number, total: number): void {
    this.opts.onProgress?.({ phase, done, total });
  }

  private async build(): Promise<void> {
    const t0 = performance.now();
    const signal = this.opts.signal;
    this.progress('scan', 0, 0);
    const walkOpts = {
      include: this.opts.include ?? DEFAULT_INCLUDE,
      exclude: this.opts.exclude ?? DEFAULT_EXCLUDE,
      maxFileBytes: this.maxFileBytes,
      followSymlinks: this.opts.followSymlinks ?? DEFAULT_FOLLOW_SYMLINKS,
      ...(signal ? { signal } : {}),
    };
    const [walked, cached] = await Promise.all([
      walkTree(this.root, walkOpts),
      this.cacheFile ? readCache(this.cacheFile, this.key()) : Promise.resolve(undefined),
    ]);
    signal?.throwIfAborted();
    const report: OpenReport = {
      files: walked.files.length,
      fromCache: 0,
      rehashed: 0,
      extracted: 0,
      skipped: walked.skipped,
      cache: 'off',
      ms: 0,
    };
    for (const s of walked.skipped) this.problem(s.path, s.reason, true);
    /** Cache entries by path, with their position in the cache's file list. */
    const byPath = new Map<string, { f: PackedFacts; i: number }>();
    const reuseFlags: boolean[] = [];
    if (cached?.ok) {
      cached.files.forEach((f, i) => {
        byPath.set(f.path, { f, i });
        reuseFlags.push(false);
      });
      report.cacheBytes = cached.bytes;
    } else if (cached && cached.reason !== 'no cache yet') {
      report.cacheRejected = cached.reason;
      this.opts.log?.(`index cache discarded (${cached.reason}); rebuilding`);
    }
    const toExtract: WalkedFile[] = [];
    let sinceYield = performance.now();
    for (let i = 0; i < walked.files.length; i++) {
      const w = walked.files[i]!;
      const hit = byPath.get(w.path);
      const c = hit?.f;
      let reuse = false;
      // Facts of a failure (a parser fault, the time bound) are never reused: extracted again.
      if (!c || isFailed(c)) {
        // extracted below
      } else if (c.size === w.size && c.mtimeMs === w.mtimeMs) {
        reuse = true;
        report.fromCache++;
      } else if (c.size === w.size) {
        // Touched (checkout, `touch`) but maybe not changed: compare content hashes.
        const bytes = await fsp.readFile(join(this.root, w.path)).catch(() => undefined);
        if (bytes && contentHash(bytes) === c.hash) {
          c.mtimeMs = w.mtimeMs;
          reuse = true;
          report.rehashed++;
          this.dirty = true;
        }
      }
      if (reuse) reuseFlags[hit!.i] = true;
      else toExtract.push(w);
      if (performance.now() - sinceYield > 20) {
        // Keep the caller's thread responsive while merging a large cache.
        this.progress('cache', i, walked.files.length);
        await new Promise((r) => setImmediate(r));
        signal?.throwIfAborted();
        sinceYield = performance.now();
      }
    }
    // Without re-adding: the cache's strings, rows and postings become the index's.
    if (cached?.ok) await this.loadCache(cached, reuseFlags, signal);
    if (cached?.ok && byPath.size !== report.fromCache + report.rehashed) this.dirty = true;
    report.cache = !this.cacheFile
      ? 'off'
      : report.fromCache + report.rehashed === 0
        ? 'miss'
        : toExtract.length === 0
          ? 'hit'
          : 'partial';
    await this.extract(toExtract, signal);
    this.index.seal();
    report.extracted = toExtract.length;
    report.ms = performance.now() - t0;
    this.report = report;
    if (this.cacheFile && (this.dirty || !cached?.ok)) await this.saveCache();
    else if (this.storeFile && !this.storeHolds()) this.saveStore();
  }

  /** Whether the store on disk was written from this index (same tree, extractor, walk, files). */
  private storeHolds(): boolean {
    let store: StoreReader | undefined;
    try {
      store = StoreReader.open(this.storeFile!, this.key());
      if (!sameWalk(store.header.walk, this.walkKey())) return false;
      if (store.header.files !== this.index.files().length) return false;
      for (let i = 0; i < store.header.files; i++) {
        const f = store.file(i);
        const cur = this.index.fileInfo(f.path);
        if (!cur || cur.size !== f.size || cur.mtimeMs !== f.mtimeMs || cur.hash !== f.hash)
          return false;
      }
      return true;
    } catch (e) {
      if (e instanceof StoreError) return false;
      throw e;
    } finally {
      store?.close();
    }
  }

  /** Writes the query store from the index (atomically); failures are logged, not thrown. */
  private saveStore(): void {
    if (!this.storeFile || this.disposed) return;
    try {
      mkdirSync(dirname(this.storeFile), { recursive: true });
      writeStore(this.storeFile, { ...this.key(), walk: this.walkKey() }, this.index.packedFiles());
    } catch (e) {
      this.opts.log?.(`index store not written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Adopts the reused cache entries file by file, yielding the thread every ~20 ms. */
  private async loadCache(
    c: Extract<CacheRead, { ok: true }>,
    reuse: readonly boolean[],
    signal?: AbortSignal,
  ): Promise<void> {
    if (!this.index.beginLoad(c.strings, c.files.length, c.postings)) {
      this.index.loadPacked(c.files, c.strings, reuse, c.postings);
      return;
    }
    // beginLoad built the string table (~35 ms for net/): give the thread back before the files.
    await new Promise((r) => setImmediate(r));
    let since = performance.now();
    for (let i = 0; i < c.files.length; i++) {
      if (reuse[i]) this.index.loadFile(i, c.files[i]!);
      if (performance.now() - since > 20) {
        await new Promise((r) => setImmediate(r));
        since = performance.now();
      }
    }
    if (!this.index.endLoad(c.postings)) {
      // A damaged or crafted cache whose checksum holds: answers come from the checked rows.
      this.opts.log?.(
        'index cache: its postings do not match its rows; rebuilt them from the rows',
      );
      this.dirty = true;
    }
    signal?.throwIfAborted();
  }

  private async extract(files: WalkedFile[], signal?: AbortSignal): Promise<void> {
    if (files.length === 0) return;
    let done = 0;
    this.progress('extract', 0, files.length);
    await this.pool.run({
      root: this.root,
      files,
      maxFileBytes: this.maxFileBytes,
      ...(signal ? { signal } : {}),
      onFacts: (batch) => {
        const map = this.index.stringMap(batch.strings);
        for (const f of batch.files) {
          this.index.setPacked(f, batch.strings, map);
          for (const p of f.problems) this.problem(f.path, p);
        }
        done += batch.files.length;
        this.progress('extract', done, files.length);
      },
    });
    this.dirty = true;
  }

  /** A file's problem: to onProblem as (file, reason), else one line of the log. */
  private problem(file: string, reason: string, skipped = false): void {
    if (this.opts.onProblem) this.opts.onProblem(file, reason);
    else this.opts.log?.(`${skipped ? 'skipped ' : ''}${file}: ${reason}`);
  }

  /** Root-relative '/' path of an absolute or relative path. */
  rel(path: string): string {
    const r = isAbsolute(path) ? relative(this.root, path) : path;
    return r.split(sep).join('/');
  }

  /**
   * Facts of one file from elsewhere (an open document's text, from the document worker):
   * they replace the file's and are written with the next saveCache().
   */
  setPacked(facts: PackedFacts, strings: readonly string[]): void {
    this.index.setPacked(facts, strings);
    this.dirty = true;
  }

  /**
   * Drops deleted files, or every indexed file under a deleted folder. Cost: the removed
   * files' own facts, plus one pass over the file list when folders are given.
   */
  removeFiles(paths: readonly string[]): number {
    const files: string[] = [];
    const folders = new Set<string>();
    for (const p of paths) {
      const rel = this.rel(p).replace(/\/+$/, '');
      if (this.index.fileInfo(rel)) files.push(rel);
      else folders.add(rel);
    }
    if (folders.size > 0) {
      for (const f of this.index.files()) {
        if (folders.has('')) {
          files.push(f);
          continue;
        }
        for (let i = f.lastIndexOf('/'); i > 0; i = f.lastIndexOf('/', i - 1)) {
          if (folders.has(f.slice(0, i))) {
            files.push(f);
            break;
          }
        }
      }
    }
    const removed = this.index.removeFiles(files);
    if (removed > 0) this.dirty = true;
    return removed;
  }

  /**
   * Watcher events for created or changed files or folders: new and changed files are
   * re-extracted in the workers, vanished ones removed, unchanged ones (same size and mtime)
   * left alone.
   */
  async addOrChangeFiles(
    paths: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ extracted: number; removed: number }> {
    const toExtract: WalkedFile[] = [];
    const gone: string[] = [];
    for (const p of paths) {
      const rel = this.rel(p);
      const abs = join(this.root, rel);
      // The same rule as the walk: links followed per the setting, only regular files read.
      const k = await classifyPath(abs, this.opts.followSymlinks ?? DEFAULT_FOLLOW_SYMLINKS);
      if (k.kind === 'gone') gone.push(rel);
      else if (k.kind === 'skip') {
        if (this.index.fileInfo(rel)) gone.push(rel);
        if (this.filter.wanted(rel)) this.problem(rel, k.reason, true);
      } else if (k.kind === 'dir') {
        // The folder's own path and its files' paths are matched as in a walk of the whole
        // tree (one exclusion rule: PathFilter), not relative to the folder.
        if (rel !== '' && this.filter.excluded(rel)) continue;
        const sub = await walkTree(abs, {
          include: this.opts.include ?? DEFAULT_INCLUDE,
          exclude: this.opts.exclude ?? DEFAULT_EXCLUDE,
          maxFileBytes: this.maxFileBytes,
          followSymlinks: this.opts.followSymlinks ?? DEFAULT_FOLLOW_SYMLINKS,
          ...(rel !== '' ? { under: rel } : {}),
        });
        for (const s of sub.skipped) this.problem(`${rel}/${s.path}`, s.reason, true);
        for (const w of sub.files) {
          const full = rel === '' ? w.path : `${rel}/${w.path}`;
          if (this.filter.wanted(full)) toExtract.push({ ...w, path: full });
        }
      } else if (this.filter.wanted(rel)) {
        const st = k.stat;
        const cur = this.index.fileInfo(rel);
        if (st.size > this.maxFileBytes) {
          if (cur) gone.push(rel);
          this.problem(
            rel,
            `${st.size} bytes is over the limit of ${this.maxFileBytes} bytes`,
            true,
          );
        } else if (!cur || cur.size !== st.size || cur.mtimeMs !== st.mtimeMs) {
          toExtract.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs });
        }
      }
    }
    const removed = this.removeFiles(gone);
    const fresh = toExtract.filter((w) => {
      const cur = this.index.fileInfo(w.path);
      return !cur || cur.size !== w.size || cur.mtimeMs !== w.mtimeMs;
    });
    await this.extract(fresh, signal ?? this.opts.signal);
    return { extracted: fresh.length, removed };
  }

  /** Whether the index changed since the cache was last written. */
  get needsSave(): boolean {
    return this.dirty && this.cacheFile !== undefined;
  }

  /** Writes the cache now (atomically); a no-op without a cache folder. */
  async saveCache(): Promise<void> {
    if (!this.cacheFile || this.disposed) return;
    // Sealed a row kind at a time, then snapshot (packed() finds nothing left to seal) and
    // encoded in slices: the host's thread is given back every ~15 ms throughout.
    await runStepsAsync(this.index.sealSteps());
    const packed = this.index.packed();
    const files = packed.files;
    this.progress('save', 0, files.length);
    this.dirty = false;
    try {
      await writeCache(this.cacheFile, this.key(), packed);
      this.saveStore();
    } catch (e) {
      this.dirty = true;
      this.opts.log?.(`index cache not written: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.progress('save', files.length, files.length);
  }

  get cachePath(): string | undefined {
    return this.cacheFile;
  }

  dispose(): void {
    this.disposed = true;
    this.pool.dispose();
  }
}
