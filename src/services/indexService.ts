// The extension host side of the workspace index, one engine per workspace folder. It only
// schedules and reports; the heavy work runs elsewhere:
// - the build runs in the engine's worker threads, with a cancellable VS Code progress
//   notification, and the cache in `ExtensionContext.storageUri`;
// - a FileSystemWatcher feeds a ChangeBatcher, so churn (a `git checkout`) becomes a few
//   batched refreshes of the changed files, never a full rebuild;
// - once typing pauses (sklens.index.reparseDelayMs) an open C document's text goes to the
//   document worker, which reparses it incrementally; the host only swaps in the new facts.
// Every handler runs through HostTimer, and an event-loop delay probe records the longest stall
// of the host thread while indexing and while editing (both shown by "Show Extension Host
// Timings" and logged when over sklens.diagnostics.slowTaskMs).
// Nothing from the workspace is executed or loaded as code: files are read as text.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { posix } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import { ReportOnce, type Config } from '../config';
import { ChangeBatcher, expandDeletedFolders, type ChangeBatch } from './changeBatcher';
import { KeyedDebouncer } from './debouncer';
import { DocumentWorkerClient } from './docWorkerClient';
import type { EngineFactory, IndexEngine } from './engine';
import type { SymbolHit } from '../index/api';
import { PathFilter } from '../index/pathFilter';
import { ProblemSummary, SUMMARY_TOP_FILES } from './problemSummary';
import type { HostTimer, Phase } from './hostTimer';
import type { IndexedFolder, IndexSource } from './indexSource';
import { coverageWarning, etaText, notReadyText, type IndexState } from './indexState';
import { isCDocument } from './selector';

export type { IndexState } from './indexState';

interface Folder {
  folder: vscode.WorkspaceFolder;
  engine: IndexEngine;
  state: IndexState;
  abort: AbortController;
  built: Promise<void>;
  /** The chain of watcher refreshes, one at a time. */
  refreshing: Promise<void>;
  /** Watcher changes seen while the build ran (its walk may have missed them): applied after. */
  missed: { changed: string[]; deleted: string[] };
  /** Problems of the last build (partial parses, skipped files), for Show Parse Problems. */
  problems: ProblemSummary;
  /**
   * While a cold build runs: the open editors' files and their folders are indexed, and
   * documents among them are answered from those files.
   */
  early: boolean;
}

/** Where the summary line sends a reader for the whole list. */
export const PARSE_PROBLEMS_HINT = `run "SKLens: ${COMMANDS.showParseProblems.title}" for the list`;

export interface IndexServiceDeps {
  log: vscode.LogOutputChannel;
  config: () => Config;
  timer: HostTimer;
  createEngine: EngineFactory;
  storageUri: vscode.Uri | undefined;
}

/** Longest stall of the host thread seen by an event-loop delay histogram, in ms. */
class LoopProbe {
  private h: IntervalHistogram | undefined;
  private stoppedMaxMs = 0;
  /** Longest stall so far, including a probe still running. */
  get maxMs(): number {
    const live = this.h ? this.h.max / 1e6 - 10 : 0;
    return Math.max(this.stoppedMaxMs, live);
  }
  start(): void {
    if (this.h) return;
    this.h = monitorEventLoopDelay({ resolution: 10 });
    this.h.enable();
  }
  /** The distribution of the last probe that ran: "p50 x ms, p95 y ms, max z ms (n samples)". */
  lastDistribution = '';
  stop(): number {
    if (!this.h) return this.maxMs;
    this.h.disable();
    // The histogram is in ns and includes the sampling resolution itself.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(1);
    this.lastDistribution =
      `p50 ${ms(this.h.percentile(50))} ms, p95 ${ms(this.h.percentile(95))} ms, ` +
      `max ${ms(this.h.max)} ms (${this.h.count} samples of 10 ms)`;
    this.stoppedMaxMs = Math.max(this.stoppedMaxMs, this.h.max / 1e6 - 10);
    this.h = undefined;
    return this.stoppedMaxMs;
  }
}

export class IndexService implements IndexSource, vscode.Disposable {
  private readonly folders = new Map<string, Folder>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly reparse: KeyedDebouncer<string>;
  private filter: PathFilter;
  private readonly batcher: ChangeBatcher;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Longest host-thread stall while indexing and during edits (event-loop delay probes). */
  readonly stalls = { indexing: new LoopProbe(), edit: new LoopProbe() };
  private editProbeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Documents whose facts came from their text (reparsed after an edit). */
  private readonly fromText = new Set<string>();
  /** The problems last logged per open document. */
  private readonly lastProblems = new Map<string, string>();
  /** Parses open documents incrementally in a worker thread. */
  private readonly docs = new DocumentWorkerClient();
  /** Refused settings already reported, so each is shown once, not at every change. */
  private readonly settingProblems = new ReportOnce();

  constructor(private readonly deps: IndexServiceDeps) {
    const cfg = deps.config();
    this.reportSettings(cfg);
    this.filter = new PathFilter(cfg.indexInclude, cfg.indexExclude);
    this.reparse = new KeyedDebouncer<string>(cfg.reparseDelayMs);
    this.batcher = new ChangeBatcher({
      delayMs: 300,
      maxPaths: 4096,
      isSource: (p) => this.filter.wanted(this.relOfKey(p)),
      flush: (b) => this.timed('watch', 'watcher batch', () => this.applyBatch(b)),
    });
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders((e) =>
        this.timed('indexing', 'workspace folders changed', () => {
          for (const f of e.removed) this.closeFolder(f);
          for (const f of e.added) this.openFolder(f);
        }),
      ),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)),
      vscode.workspace.onDidOpenTextDocument((d) =>
        this.timed('edit', 'document open', () => this.indexOpened(d)),
      ),
      vscode.workspace.onDidCloseTextDocument((d) =>
        this.timed('edit', 'document close', () => this.onClose(d)),
      ),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => this.onFs('create', u)),
      watcher.onDidChange((u) => this.onFs('change', u)),
      watcher.onDidDelete((u) => this.onFs('delete', u)),
    );
  }

  start(): void {
    for (const f of vscode.workspace.workspaceFolders ?? []) this.openFolder(f);
  }

  /** Settings changed: new include/exclude or limits rebuild; the reparse delay applies at once. */
  configure(rebuild: boolean): void {
    const cfg = this.deps.config();
    this.reparse.setDelay(cfg.reparseDelayMs);
    this.reportSettings(cfg);
    this.filter = new PathFilter(cfg.indexInclude, cfg.indexExclude);
    if (rebuild) this.rebuild();
  }

  /**
   * A refused setting (a glob that does not compile) is used as its default; say so once in the
   * output channel and a notification, and again only if it is fixed and then broken anew.
   */
  private reportSettings(cfg: Config): void {
    for (const line of this.settingProblems.fresh(cfg.problems)) {
      this.deps.log.warn(line);
      void vscode.window.showWarningMessage(`SKLens: ${line}.`);
    }
  }

  rebuild(): void {
    for (const f of [...this.folders.values()]) {
      this.closeFolder(f.folder);
      this.openFolder(f.folder);
    }
  }

  /** Every folder's indexing problems, most first, as plain text (Show Parse Problems). */
  problemDetails(): string {
    const parts = [...this.folders.values()].map((f) => f.problems.details(f.folder.name));
    return parts.length > 0 ? parts.join('\n') : 'No folder is indexed.\n';
  }

  states(): { folder: string; state: IndexState }[] {
    return [...this.folders.values()].map((f) => ({ folder: f.folder.name, state: f.state }));
  }

  /** The index and relative path for a document Uri, if it is in an indexed folder. */
  resolve(uri: vscode.Uri): IndexedFolder | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const f = folder && this.folders.get(folder.uri.toString());
    if (!f) return undefined;
    const root = f.folder.uri;
    const file = posix.relative(root.path, uri.path);
    // Before the tree is done, a document indexed first answers from those early files.
    if (f.state.kind !== 'ready' && !(f.early && f.engine.index.facts(file))) return undefined;
    return {
      index: f.engine.index,
      file,
      toUri: (file) => vscode.Uri.joinPath(root, ...file.split('/')),
    };
  }

  /**
   * Why the index of a document's folder cannot answer yet ("SKLens is still indexing linux
   * (1,200 of 55,418 files)"); undefined when it is ready or the document is not in a folder.
   */
  notReady(uri: vscode.Uri): string | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const f = folder && this.folders.get(folder.uri.toString());
    return f ? notReadyText(f.folder.name, f.state) : undefined;
  }

  /** Whether a folder's index is still being built. */
  building(): boolean {
    return [...this.folders.values()].some(
      (f) => f.state.kind === 'starting' || f.state.kind === 'indexing',
    );
  }

  /** Every ready folder's index (workspace symbols). */
  all(): IndexedFolder[] {
    const out: IndexedFolder[] = [];
    for (const f of this.folders.values()) {
      if (f.state.kind !== 'ready') continue;
      const root = f.folder.uri;
      out.push({
        index: f.engine.index,
        file: '',
        toUri: (file) => vscode.Uri.joinPath(root, ...file.split('/')),
      });
    }
    return out;
  }

  /**
   * Ctrl+T over every ready folder, best first per folder: a folder answered from its store
   * scans the store's names in a worker, so a query over all of Linux does not stall the host.
   * Undefined when a newer search replaced this one.
   */
  async searchSymbols(
    query: string,
    limit: number,
  ): Promise<{ folder: IndexedFolder; hits: SymbolHit[] }[] | undefined> {
    const out: { folder: IndexedFolder; hits: SymbolHit[] }[] = [];
    for (const f of this.folders.values()) {
      if (f.state.kind !== 'ready') continue;
      const root = f.folder.uri;
      const folder: IndexedFolder = {
        index: f.engine.index,
        file: '',
        toUri: (file) => vscode.Uri.joinPath(root, ...file.split('/')),
      };
      let hits: SymbolHit[] | undefined;
      try {
        hits = f.engine.searchSymbols
          ? await f.engine.searchSymbols(query, limit)
          : f.engine.index.searchSymbols(query, limit);
      } catch (e) {
        this.deps.log.warn(
          `symbol search worker failed (${e instanceof Error ? e.message : String(e)}); ` +
            'searching on the extension host from now on',
        );
        hits = f.engine.index.searchSymbols(query, limit);
      }
      if (hits === undefined) return undefined;
      out.push({ folder, hits });
    }
    return out;
  }

  /** Makes the facts of `doc` current: sends its pending reparse now and waits for it. */
  async fresh(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    this.reparse.flush(key);
    await this.docs.idle(key);
  }

  /** Resolves when every folder has finished its current build. */
  async whenBuilt(): Promise<void> {
    await Promise.all([...this.folders.values()].map((f) => f.built));
  }

  private timed<T>(phase: Phase, name: string, fn: () => T): T {
    return this.deps.timer.run(phase, name, fn);
  }

  private setState(f: Folder, s: IndexState): void {
    f.state = s;
    this.changed.fire();
  }

  /** After a refresh or an edit: the counts of a ready folder follow its index. */
  private updated(f: Folder): void {
    if (f.state.kind === 'ready') f.state = { ...f.state, stats: f.engine.index.stats() };
    this.changed.fire();
  }

  private openFolder(folder: vscode.WorkspaceFolder): void {
    if (folder.uri.scheme !== 'file') return; // virtual workspaces are not supported
    const cacheDir = this.deps.storageUri
      ? vscode.Uri.joinPath(this.deps.storageUri, 'index').fsPath
      : undefined;
    const engine = this.deps.createEngine(folder.uri.fsPath, cacheDir);
    const f: Folder = {
      folder,
      engine,
      state: { kind: 'starting' },
      abort: new AbortController(),
      built: Promise.resolve(),
      refreshing: Promise.resolve(),
      missed: { changed: [], deleted: [] },
      problems: new ProblemSummary(),
      early: false,
    };
    this.folders.set(folder.uri.toString(), f);
    f.built = this.build(f, cacheDir);
  }

  private closeFolder(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    const f = this.folders.get(key);
    if (!f) return;
    f.abort.abort();
    f.engine.dispose();
    this.folders.delete(key);
    this.changed.fire();
  }

  private async build(f: Folder, cacheDir: string | undefined): Promise<void> {
    const cfg = this.deps.config();
    const log = this.deps.log;
    const started = performance.now();
    if (cacheDir) await vscode.workspace.fs.createDirectory(vscode.Uri.file(cacheDir));
    this.stalls.indexing.start();
    let lastReport = 0;
    /** Files indexed ahead of the tree so far (onEarly), for the status bar's tooltip. */
    let earlyFiles = 0;
    /** When the extract phase began, for the notification's time left. */
    let extractFrom: { at: number; done: number } | undefined;
    const problems = (f.problems = new ProblemSummary());
    const run = async (
      progress: vscode.Progress<{ message?: string; increment?: number }>,
      token?: vscode.CancellationToken,
    ) => {
      token?.onCancellationRequested(() => f.abort.abort());
      let lastPct = 0;
      // The index keeps reporting through this callback for later watcher refreshes and cache
      // saves; those must not put the folder back into the 'indexing' state.
      let buildDone = false;
      try {
        const r = await f.engine.build({
          include: cfg.indexInclude,
          exclude: cfg.indexExclude,
          maxFileSizeBytes: cfg.maxFileSizeBytes,
          followSymlinks: cfg.followSymlinks,
          workerThreads: cfg.workerThreads,
          signal: f.abort.signal,
          // Collected, not logged one by one: a kernel tree has hundreds of partial parses.
          onProblem: (file, reason) => problems.add(file, reason),
          priority: this.openFilesOf(f),
          onEarly: (files) =>
            this.timed('indexing', 'early files', () => {
              if (buildDone || f.abort.signal.aborted) return;
              f.early = true;
              earlyFiles = files;
              if (f.state.kind === 'indexing') f.state = { ...f.state, early: files };
              log.info(
                `${f.folder.name}: ${files} files indexed ahead of the tree (open editors, then ` +
                  `their folders) ${(performance.now() - started).toFixed(0)} ms after the ` +
                  `build began; they answer while the rest is indexed`,
              );
              this.changed.fire();
            }),
          onProgress: (p) =>
            this.timed('indexing', 'progress', () => {
              if (buildDone) return;
              const now = performance.now();
              // Status bar and notification at most ten times a second.
              if (now - lastReport < 100 && p.done !== p.total) return;
              lastReport = now;
              this.setState(f, {
                kind: 'indexing',
                ...p,
                ...(earlyFiles > 0 ? { early: earlyFiles } : {}),
              });
              const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
              if (p.phase === 'extract' && extractFrom === undefined)
                extractFrom = { at: now, done: p.done };
              const eta =
                p.phase === 'extract' && extractFrom
                  ? etaText(p.done - extractFrom.done, p.total - p.done, now - extractFrom.at)
                  : undefined;
              progress.report({
                message:
                  p.phase === 'scan'
                    ? 'looking for C files'
                    : `${p.phase} ${p.done}/${p.total} files${eta ? `, ${eta}` : ''}`,
                increment: p.phase === 'extract' && pct > lastPct ? pct - lastPct : 0,
              });
              if (p.phase === 'extract') lastPct = pct;
            }),
        });
        buildDone = true;
        f.early = false;
        const { catchUp, fromStore, ...ready } = r;
        this.setState(f, { kind: 'ready', ...ready });
        this.timed('indexing', 'start document worker', () => this.docs.warm());
        // From a store, only open documents have per-file facts (outline, the function at
        // the cursor): they are indexed from their text first.
        // A cold build also ends in the store (the engine switched to it), so this asks the
        // engine, not the build result.
        if (f.engine.fromStore) for (const d of vscode.workspace.textDocuments) this.indexOpened(d);
        const missed = f.missed;
        f.missed = { changed: [], deleted: [] };
        if (missed.changed.length + missed.deleted.length > 0) {
          this.refresh(f, missed.changed, missed.deleted);
        }
        if (catchUp) this.catchUp(f, catchUp);
        // A few problems are logged as they are (file: reason), many as one summary line.
        if (problems.count <= SUMMARY_TOP_FILES) {
          for (const [file, reason] of problems.entries()) log.warn(`${file}: ${reason}`);
        } else log.warn(problems.summaryLine(f.folder.name, PARSE_PROBLEMS_HINT)!);
        log.info(
          `indexed ${f.folder.name}: ${r.stats.files} files (${r.cachedFiles} from ` +
            `${fromStore ? 'the index store' : 'cache'}, ` +
            `${r.parsedFiles} parsed), ${r.stats.functions} functions, ${r.stats.calls} calls, ` +
            `${r.stats.fieldAccesses} field accesses in ${r.ms.toFixed(0)} ms`,
        );
        const warning = coverageWarning(f.folder.name, r.stats.files, r.skipped);
        if (warning) {
          log.warn(warning);
          void vscode.window.showWarningMessage(warning, 'Show Output').then((choice) => {
            if (choice) log.show(true);
          });
        }
      } catch (e) {
        buildDone = true;
        if (f.abort.signal.aborted) {
          log.info(`indexing ${f.folder.name} cancelled`);
          this.setState(f, { kind: 'error', message: 'indexing cancelled' });
        } else {
          const message = e instanceof Error ? e.message : String(e);
          log.error(`indexing ${f.folder.name} failed: ${message}`);
          this.setState(f, { kind: 'error', message });
        }
      } finally {
        const stall = this.stalls.indexing.stop();
        log.info(`longest extension-host stall while indexing: ${stall.toFixed(1)} ms`);
      }
    };
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `SKLens: indexing ${f.folder.name}`,
        cancellable: true,
      },
      run,
    );
  }

  /**
   * After opening a store: the walk finds what changed on disk since it was written, and those
   * files are refreshed into the overlay while the store already answers.
   */
  private catchUp(f: Folder, find: () => Promise<{ changed: string[]; deleted: string[] }>): void {
    const t0 = performance.now();
    void find().then(
      (d) => {
        if (f.abort.signal.aborted) return;
        this.deps.log.info(
          `${f.folder.name}: ${d.changed.length} files changed or new and ${d.deleted.length} ` +
            `deleted since the index store was written (walk ${(performance.now() - t0).toFixed(0)} ms)`,
        );
        if (d.changed.length + d.deleted.length > 0) this.refresh(f, d.changed, d.deleted);
      },
      (err: unknown) => {
        if (!f.abort.signal.aborted)
          this.deps.log.error(
            `checking ${f.folder.name} against its index store failed: ${String(err)}`,
          );
      },
    );
  }

  /** The relative paths of the folder's open C documents, visible editors first. */
  private openFilesOf(f: Folder): string[] {
    const out = new Set<string>();
    const docs = [
      ...vscode.window.visibleTextEditors.map((e) => e.document),
      ...vscode.workspace.textDocuments,
    ];
    for (const d of docs) {
      if (d.uri.scheme !== 'file' || !isCDocument(d.languageId, d.uri.path)) continue;
      if (vscode.workspace.getWorkspaceFolder(d.uri)?.uri.toString() !== f.folder.uri.toString())
        continue;
      const rel = posix.relative(f.folder.uri.path, d.uri.path);
      if (this.filter.wanted(rel)) out.add(rel);
    }
    return [...out];
  }

  /** An open C document of a store-backed folder: indexed from its text now (no delay). */
  private indexOpened(doc: vscode.TextDocument): void {
    const building = this.buildingFolderOf(doc);
    if (building?.engine.indexEarly) {
      // A cold build: this file and its folder go ahead of the rest of the tree.
      const rel = posix.relative(building.folder.uri.path, doc.uri.path);
      if (this.filter.wanted(rel)) building.engine.indexEarly([rel]);
      return;
    }
    const f = this.folderOf(doc);
    if (!f || !f.engine.fromStore) return;
    const rel = posix.relative(f.folder.uri.path, doc.uri.path);
    if (!this.filter.wanted(rel) || f.engine.index.facts(rel)) return;
    this.sendText(f, doc, rel);
    this.reparse.flush(doc.uri.toString());
  }

  // ------------------------------------------------------------------ file watcher

  private relOfKey(key: string): string {
    const uri = vscode.Uri.parse(key);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? posix.relative(folder.uri.path, uri.path) : key;
  }

  private onFs(kind: 'create' | 'change' | 'delete', uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    this.timed('watch', `watcher ${kind}`, () => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder || !this.folders.has(folder.uri.toString())) return;
      const rel = posix.relative(folder.uri.path, uri.path);
      if (rel === '' || this.filter.excluded(rel)) return;
      this.batcher.add(kind, uri.toString());
    });
  }

  private applyBatch(b: ChangeBatch): void {
    const byFolder = new Map<Folder, { changed: string[]; deleted: string[] }>();
    const add = (key: string, which: 'changed' | 'deleted') => {
      const uri = vscode.Uri.parse(key);
      const wf = vscode.workspace.getWorkspaceFolder(uri);
      const f = wf && this.folders.get(wf.uri.toString());
      if (!f) return;
      let e = byFolder.get(f);
      if (!e) byFolder.set(f, (e = { changed: [], deleted: [] }));
      e[which].push(posix.relative(f.folder.uri.path, uri.path));
    };
    for (const k of b.changed) add(k, 'changed');
    for (const k of b.createdOther) add(k, 'changed');
    for (const k of b.deleted) add(k, 'deleted');
    for (const [f, e] of byFolder) {
      if (f.state.kind !== 'ready') {
        // The build's walk may already be past these paths: replay them once it is done.
        f.missed.changed.push(...e.changed);
        f.missed.deleted.push(...e.deleted);
        continue;
      }
      this.refresh(f, e.changed, e.deleted);
    }
  }

  /**
   * Re-reads changed files and drops deleted ones. Refreshes of one folder run one after the
   * other (the worker pool takes one job at a time; a checkout arrives as several batches).
   */
  private refresh(
    f: Folder,
    changedPaths: readonly string[],
    deletedPaths: readonly string[],
  ): void {
    f.refreshing = f.refreshing.then(async () => {
      if (f.abort.signal.aborted) return;
      // Open documents with unsaved changes are indexed from their text, not from the disk.
      const open = new Set(
        vscode.workspace.textDocuments
          .filter((d) => d.isDirty)
          .map((d) => posix.relative(f.folder.uri.path, d.uri.path)),
      );
      const deleted = this.timed('watch', 'expand deletes', () =>
        expandDeletedFolders(deletedPaths, f.engine.index.files()),
      );
      const changed = changedPaths.filter((p) => !open.has(p));
      if (changed.length === 0 && deleted.length === 0) return;
      const fresh = new ProblemSummary();
      try {
        const r = await f.engine.refreshFiles(changed, deleted, {
          maxFileSizeBytes: this.deps.config().maxFileSizeBytes,
          signal: f.abort.signal,
          onProblem: (file, reason) => fresh.add(file, reason),
        });
        // The refreshed files' problems replace their old ones in the folder's list; a few are
        // logged as they are, many as one summary line.
        f.problems.forget([...changed, ...deleted]);
        f.problems.merge(fresh);
        const few = fresh.count <= SUMMARY_TOP_FILES;
        if (few)
          for (const [file, reason] of fresh.entries()) this.deps.log.warn(`${file}: ${reason}`);
        else this.deps.log.warn(fresh.summaryLine(f.folder.name, PARSE_PROBLEMS_HINT)!);
        this.deps.log.info(
          `${f.folder.name}: ${r.updated} files reindexed, ${r.removed} removed after file changes`,
        );
        this.updated(f);
        this.scheduleSave();
      } catch (err) {
        if (!f.abort.signal.aborted) {
          this.deps.log.error(`refreshing ${f.folder.name} failed: ${String(err)}`);
        }
      }
    });
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      for (const f of this.folders.values()) {
        if (f.state.kind === 'ready') void f.engine.saveCache();
      }
    }, 10_000);
  }

  // ------------------------------------------------------------------ open documents

  private folderOf(doc: vscode.TextDocument): Folder | undefined {
    if (!isCDocument(doc.languageId, doc.uri.path) || doc.uri.scheme !== 'file') return undefined;
    const wf = vscode.workspace.getWorkspaceFolder(doc.uri);
    const f = wf && this.folders.get(wf.uri.toString());
    return f && f.state.kind === 'ready' ? f : undefined;
  }

  /** The folder of a C document on disk whose index is still being built. */
  private buildingFolderOf(doc: vscode.TextDocument): Folder | undefined {
    if (!isCDocument(doc.languageId, doc.uri.path) || doc.uri.scheme !== 'file') return undefined;
    const wf = vscode.workspace.getWorkspaceFolder(doc.uri);
    const f = wf && this.folders.get(wf.uri.toString());
    return f && (f.state.kind === 'starting' || f.state.kind === 'indexing') ? f : undefined;
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    this.timed('edit', 'document change', () => this.scheduleReparse(e));
  }

  private scheduleReparse(e: vscode.TextDocumentChangeEvent): void {
    const f = this.folderOf(e.document);
    if (!f) return;
    const rel = posix.relative(f.folder.uri.path, e.document.uri.path);
    if (!this.filter.wanted(rel)) return;
    const doc = e.document;
    this.stalls.edit.start();
    if (this.editProbeTimer) clearTimeout(this.editProbeTimer);
    // The edit probe covers a storm and stops after two quiet seconds.
    this.editProbeTimer = setTimeout(() => {
      const ms = this.stalls.edit.stop();
      this.deps.log.info(
        `longest extension-host stall during edits: ${ms.toFixed(1)} ms; ` +
          `this storm's event-loop delays: ${this.stalls.edit.lastDistribution}`,
      );
    }, 2000);
    this.sendText(f, doc, rel);
  }

  /** Schedules `doc`'s text for the document worker; its facts replace the file's. */
  private sendText(f: Folder, doc: vscode.TextDocument, rel: string): void {
    const key = doc.uri.toString();
    this.reparse.schedule(key, () =>
      this.timed('edit', `send ${rel}`, () => {
        if (doc.isClosed) return;
        const cfg = this.deps.config();
        void this.docs
          .update(key, doc.getText(), { maxBytes: cfg.maxFileSizeBytes, timeoutMs: 5000 })
          .then(
            (u) => {
              if (!u || doc.isClosed || !this.folders.has(f.folder.uri.toString())) return;
              this.timed('edit', `index ${rel}`, () => {
                u.facts.path = rel;
                f.engine.setPackedFacts(u.facts, u.strings);
                this.fromText.add(key);
                // Half-typed code is a parse problem on most keystrokes: log a document's
                // problems only when they change, not on every reparse.
                const problems = u.facts.problems.join('\n');
                if (problems !== (this.lastProblems.get(key) ?? '')) {
                  this.lastProblems.set(key, problems);
                  for (const p of u.facts.problems) this.deps.log.info(`${rel} (unsaved): ${p}`);
                }
              });
              this.updated(f);
              this.scheduleSave();
            },
            (err: unknown) => this.deps.log.error(`reparsing ${rel} failed: ${String(err)}`),
          );
      }),
    );
  }

  private onClose(doc: vscode.TextDocument): void {
    const f = this.folderOf(doc);
    if (!f) return;
    const rel = posix.relative(f.folder.uri.path, doc.uri.path);
    const key = doc.uri.toString();
    this.reparse.cancel(key);
    this.docs.close(key);
    this.lastProblems.delete(key);
    if (!this.fromText.delete(key)) return;
    // Its facts came from the editor's text: back to what is on disk (closed without saving).
    this.refresh(f, [rel], []);
  }

  dispose(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    if (this.editProbeTimer) clearTimeout(this.editProbeTimer);
    this.batcher.dispose();
    this.reparse.dispose();
    this.docs.dispose();
    for (const f of this.folders.values()) {
      f.abort.abort();
      f.engine.dispose();
    }
    this.folders.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
