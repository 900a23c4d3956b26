// The index the extension answers from once a tree has a store: the on-disk store
// (src/index/store), queried in place, under a small in-memory MemoryCodeIndex of the files
// that differ from it (changed on disk since the store was written, open documents indexed
// from their text) and a set of the store's files that are gone. Opening costs the store's
// header; memory grows with the overlay, not with the tree.
//
// A base file that the overlay holds, or that is gone, is skipped in every store answer, and
// the overlay's answers are added. Cross-file resolution (which definition a call reaches,
// which ops tables a `->member(` call resolves to) is done by each layer over its own files:
// an edge from a store file to a function defined only in an overlay file has no calleeFile
// until the store is rewritten. Answers that need every file's rows (the outline of a file,
// the function at a position) come from the overlay: open documents are put there first.
import type { CallEdge, CodeIndex, IndexStats, Located, SymbolHit } from './api';
import { kindRank, MemoryCodeIndex, matchScore, referencesOf, type Reference } from './codeIndex';
import type { FieldAccess, FileFacts, FunctionDef, MacroDef, Span, StructDef } from './facts';
import { K_FUNC, K_MACRO, K_MEMBER, K_OPSTABLE, K_STRUCT } from './store/format';
import type { StoreReader } from './store/reader';

export class LayeredIndex implements CodeIndex {
  /** Store files that no longer exist (or are no longer indexed). */
  private readonly gone = new Set<string>();

  constructor(
    readonly store: StoreReader,
    readonly overlay: MemoryCodeIndex = new MemoryCodeIndex(),
  ) {}

  /** Whether the store's rows of `file` still stand (not replaced by the overlay, not gone). */
  private live(file: string): boolean {
    return !this.gone.has(file) && this.overlay.fileInfo(file) === undefined;
  }

  private keep<T extends { file: string }>(xs: T[]): T[] {
    return xs.filter((x) => this.live(x.file));
  }

  /**
   * Marks store files as gone (deleted, or now skipped); overlay files of these paths stay. A
   * path that is not a store file is a folder: every store file below it is gone (a deleted
   * folder, a `git checkout` that removes a directory).
   */
  forget(paths: Iterable<string>): void {
    const folders: string[] = [];
    for (const raw of paths) {
      const p = raw.replace(/\/+$/, '');
      if (this.storeId(p) !== undefined) this.gone.add(p);
      else folders.push(p === '' ? '' : p + '/');
    }
    if (folders.length === 0) return;
    for (const f of this.storeIds!.keys())
      if (folders.some((d) => f.startsWith(d))) this.gone.add(f);
  }

  /** Whether a store file is gone. */
  isGone(file: string): boolean {
    return this.gone.has(file);
  }

  /** The store files that are gone, sorted (what a delta records). */
  goneFiles(): string[] {
    return [...this.gone].sort();
  }

  /** The store files that are gone are exactly `paths` now (the search worker's view). */
  setGone(paths: Iterable<string>): void {
    this.gone.clear();
    this.forget(paths);
  }

  /** A file indexed again (created anew after a delete): no longer gone. */
  revive(path: string): void {
    this.gone.delete(path);
  }

  /** The store's file ids by path, read once when first needed (the header gives the count). */
  private storeIds: Map<string, number> | undefined;

  /**
   * Reads the store's file table into the path map in slices, yielding between them, so the
   * first edit or watcher event after open does not decode 55k entries on the host at once.
   * The catch-up walk calls it; storeId() still fills the map itself if it is first.
   */
  async loadStorePaths(slice = 4096): Promise<void> {
    if (this.storeIds) return;
    const ids = new Map<string, number>();
    for (let i = 0; i < this.store.header.files; i++) {
      ids.set(this.store.file(i).path, i);
      if ((i + 1) % slice === 0) await new Promise((ok) => setImmediate(ok));
      if (this.storeIds) return; // filled meanwhile by storeId()
    }
    this.storeIds = ids;
  }

  private storeId(path: string): number | undefined {
    if (!this.storeIds) {
      this.storeIds = new Map();
      for (let i = 0; i < this.store.header.files; i++)
        this.storeIds.set(this.store.file(i).path, i);
    }
    return this.storeIds.get(path);
  }

  /**
   * The tree's totals without listing it: the store's, less the rows of its files that are
   * gone or shadowed by the overlay (each file entry carries its counts), plus the overlay's.
   * Runs after every reparse of an edited document, so it costs the overlay and the gone
   * files, not the store.
   */
  stats(): IndexStats {
    const s = { ...this.store.stats() };
    const shadowed = new Set<number>();
    for (const p of [...this.gone, ...this.overlay.files()]) {
      const id = this.storeId(p);
      if (id !== undefined) shadowed.add(id);
    }
    for (const id of shadowed) {
      const [fns, calls, fields] = this.store.file(id).counts;
      s.files--;
      s.functions -= fns;
      s.calls -= calls;
      s.fieldAccesses -= fields;
    }
    const o = this.overlay.stats();
    return {
      files: s.files + o.files,
      functions: s.functions + o.functions,
      calls: s.calls + o.calls,
      fieldAccesses: s.fieldAccesses + o.fieldAccesses,
    };
  }

  files(): string[] {
    const out = new Set(this.store.files().filter((f) => !this.gone.has(f)));
    for (const f of this.overlay.files()) out.add(f);
    return [...out].sort();
  }

  facts(file: string): FileFacts | undefined {
    return this.overlay.facts(file);
  }

  functionDefs(name: string): Located<FunctionDef>[] {
    return [...this.keep(this.store.functionDefs(name)), ...this.overlay.functionDefs(name)];
  }

  *allFunctions(): Iterable<Located<FunctionDef>> {
    for (const d of this.store.allFunctions()) if (this.live(d.file)) yield d;
    yield* this.overlay.allFunctions();
  }

  macroDefs(name: string): Located<MacroDef>[] {
    return [...this.keep(this.store.macroDefs(name)), ...this.overlay.macroDefs(name)];
  }

  structDefs(name: string): Located<StructDef>[] {
    return [...this.keep(this.store.structDefs(name)), ...this.overlay.structDefs(name)];
  }

  functionAt(file: string, line: number, col: number): Located<FunctionDef> | undefined {
    return this.overlay.functionAt(file, line, col);
  }

  callersOf(fn: string, defFile?: string): CallEdge[] {
    return [
      ...this.keep(this.store.callersOf(fn, defFile)),
      ...this.overlay.callersOf(fn, defFile),
    ].sort(byPosition);
  }

  calleesOf(fn: string, defFile?: string): CallEdge[] {
    return [
      ...this.keep(this.store.calleesOf(fn, defFile)),
      ...this.overlay.calleesOf(fn, defFile),
    ].sort(byPosition);
  }

  fieldAccesses(field: string, struct?: string): Located<FieldAccess>[] {
    return [
      ...this.keep(this.store.fieldAccesses(field, struct)),
      ...this.overlay.fieldAccesses(field, struct),
    ];
  }

  fieldAccessesIn(file: string, field: string): FieldAccess[] {
    if (this.overlay.fileInfo(file)) return this.overlay.fieldAccessesIn(file, field);
    if (this.gone.has(file)) return [];
    return this.store
      .fieldAccesses(field)
      .filter((a) => a.file === file)
      .map((a) => a.item);
  }

  references(name: string): Reference[] {
    const fromStore = referencesOf({
      defs: [
        this.store.functionDefs(name),
        this.store.macroDefs(name),
        this.store.structDefs(name),
      ],
      calls: this.store.callsTo(name),
      fields: this.store.fieldAccesses(name),
      refs: this.store.refsOf(name),
    });
    return [...this.keep(fromStore), ...this.overlay.references(name)].sort(byPosition);
  }

  nameUses(name: string): { file: string; calls: Span[]; refs: Span[] }[] {
    const byFile = new Map<string, { file: string; calls: Span[]; refs: Span[] }>();
    const at = (file: string) => {
      let u = byFile.get(file);
      if (!u) byFile.set(file, (u = { file, calls: [], refs: [] }));
      return u;
    };
    for (const { file, item } of this.store.callsTo(name))
      if (this.live(file)) at(file).calls.push(item.span);
    for (const r of this.store.refsOf(name)) if (this.live(r.file)) at(r.file).refs.push(r.span);
    for (const u of this.overlay.nameUses(name)) byFile.set(u.file, u);
    const out = [...byFile.values()];
    for (const u of out) u.calls.sort((a, b) => a.line - b.line || a.col - b.col);
    return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  /**
   * Functions, macros and structs of the store whose names match (a scan of the store's name
   * bytes, not a table in memory), then the overlay's symbols of every kind, best first.
   */
  searchSymbols(query: string, limit: number): SymbolHit[] {
    return this.withOverlaySymbols(this.storeSymbols(query, limit), query, limit);
  }

  /**
   * The store's part of searchSymbols: its live files' symbols, best first (what the search
   * worker computes off the host's thread, src/index/store/searchWorker.ts).
   */
  storeSymbols(query: string, limit: number): SymbolHit[] {
    const q = query.trim();
    if (q === '' || limit <= 0) return [];
    const ql = q.toLowerCase();
    const score = (name: string) => matchScore(name, name.toLowerCase(), q, ql);
    const hits: SymbolHit[] = [];
    // A name's symbols in the store, those of live files only.
    const symbolsOf = (name: string, kinds: number): SymbolHit[] => {
      const out: SymbolHit[] = [];
      const add = (kind: SymbolHit['kind'], file: string, span: Span, container?: string) => {
        if (!this.live(file)) return;
        const hit: SymbolHit = { name, kind, file, span };
        if (container !== undefined) hit.container = container;
        out.push(hit);
      };
      if (kinds & (1 << K_FUNC))
        for (const d of this.store.functionDefs(name)) add('function', d.file, d.item.nameSpan);
      if (kinds & (1 << K_STRUCT))
        for (const d of this.store.structDefs(name)) add('struct', d.file, d.item.nameSpan);
      if (kinds & (1 << K_MACRO))
        for (const d of this.store.macroDefs(name)) add('macro', d.file, d.item.nameSpan);
      if (kinds & (1 << K_OPSTABLE))
        for (const d of this.store.opsTableDefs(name)) add('opsTable', d.file, d.item.span);
      if (kinds & (1 << K_MEMBER))
        for (const d of this.store.memberDefs(name))
          add('field', d.file, d.item.span, d.item.struct);
      return out;
    };
    const found = new Map<string, SymbolHit[]>();
    const keep = (name: string, kinds: number) => {
      const hs = symbolsOf(name, kinds);
      if (hs.length > 0) found.set(name, hs);
      return hs.length > 0;
    };
    for (const { name } of this.store.searchNames(q, limit, score, keep))
      hits.push(...(found.get(name) ?? []));
    return hits;
  }

  /** The store's hits (storeSymbols) with the overlay's, best first, at most `limit`. */
  withOverlaySymbols(fromStore: readonly SymbolHit[], query: string, limit: number): SymbolHit[] {
    const q = query.trim();
    if (q === '' || limit <= 0) return [];
    const ql = q.toLowerCase();
    const score = (name: string) => matchScore(name, name.toLowerCase(), q, ql);
    const hits: { hit: SymbolHit; score: number }[] = [];
    for (const hit of fromStore) hits.push({ hit, score: score(hit.name) });
    for (const hit of this.overlay.searchSymbols(q, limit))
      hits.push({ hit, score: score(hit.name) });
    hits.sort(
      (a, b) =>
        b.score - a.score ||
        a.hit.name.length - b.hit.name.length ||
        (a.hit.name < b.hit.name ? -1 : a.hit.name > b.hit.name ? 1 : 0) ||
        kindRank(a.hit.kind) - kindRank(b.hit.kind) ||
        (a.hit.file < b.hit.file ? -1 : a.hit.file > b.hit.file ? 1 : 0),
    );
    return hits.slice(0, limit).map((h) => h.hit);
  }

  close(): void {
    this.store.close();
  }
}

function byPosition(a: { file: string; span: Span }, b: { file: string; span: Span }): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.span.line - b.span.line ||
    a.span.col - b.span.col
  );
}
