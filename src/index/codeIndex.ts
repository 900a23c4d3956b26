// The in-memory CodeIndex over merged FileFacts (see api.ts). Every global map is keyed by a
// name and then by file, so replacing or removing one file touches only that file's names:
// `setFile`/`removeFile` cost O(facts in the file), never a rebuild (a `git checkout` that
// deletes 10,000 files is 10,000 small removals).
//
// Edge resolution, in the terms of facts.ts:
//   direct      CallSite{kind:'direct'}            -> caller -> callee          via 'direct'
//   indirect    INDIRECT_CALL_n candidates         -> caller -> candidate       via 'INDIRECT_CALL'
//   ops         `x->ops->member(...)`              -> caller -> every fn assigned to `.member` in
//               OpsTables of that struct type (when the struct is unknown, the tables of the one
//               struct that has such a member)     via 'ops:<struct>.<member>'
// Example: net/ipv4/af_inet.c: inet_sendmsg calls `sk->sk_prot->sendmsg(...)`, and
// net/ipv4/tcp_ipv4.c: tcp_prot has `.sendmsg = tcp_sendmsg`, giving inet_sendmsg -> tcp_sendmsg
// via 'ops:proto.sendmsg'.
//
// Storage: each file is kept packed (packed.ts): its function definitions, call sites, field
// accesses and references are Int32Array rows whose names are ids into the index's one string
// table, and the postings of those rows by name are RowPostings (rowPostings.ts) keyed by
// string id. Only the nested facts (macros, structs, ops tables) are objects. Query results decode
// the rows they return; `facts(file)` decodes a file's rows on first access. For Linux 6.1 net/
// this is about a fifth of the heap the same facts take as objects (docs/reliability.md).
import type { CodeIndex, CallEdge, IndexStats, Located, SymbolHit } from './api';
import { runSteps } from './factsCodec';
import { RowPostings } from './rowPostings';
import { reach, Reach } from './visibility';
import type {
  CallSite,
  FieldAccess,
  FileFacts,
  FunctionDef,
  MacroDef,
  Span,
  StructDef,
} from './facts';
import {
  CALL,
  CALL_OPS,
  CALL_W,
  callAt,
  FIELD,
  FN,
  FN_STATIC,
  FN_W,
  functionAt,
  MACRO,
  MACRO_W,
  macroAt,
  fieldAccessAt,
  FIELD_W,
  internObjectParts,
  packFacts,
  refAt,
  remapRows,
  REF,
  REF_W,
  SPAN,
  spanAt,
  StringTable,
  type PackedFacts,
} from './packed';

/**
 * name -> postings: parallel arrays of the file and the item. Flat arrays rather than a map per
 * (name, file) pair: a tree like net/ has ~300k such pairs, and a map each costs both the
 * warm-start time and the memory budget.
 */
interface Postings<T> {
  files: string[];
  items: T[];
}
type ByName<T> = Map<string, Postings<T>>;

function addTo<T>(m: ByName<T>, name: string, file: string, item: T): void {
  const p = m.get(name);
  if (p) {
    p.files.push(file);
    p.items.push(item);
  } else m.set(name, { files: [file], items: [item] });
}

/** Drops the entries of `gone` files from the postings of each name in `names`. */
function removeFrom<T>(m: ByName<T>, names: Iterable<string>, gone: ReadonlySet<string>): void {
  for (const name of names) {
    const p = m.get(name);
    if (!p) continue;
    let k = 0;
    for (let i = 0; i < p.files.length; i++) {
      const f = p.files[i]!;
      if (gone.has(f)) continue;
      p.files[k] = f;
      p.items[k] = p.items[i]!;
      k++;
    }
    if (k === 0) m.delete(name);
    else {
      p.files.length = k;
      p.items.length = k;
    }
  }
}

function* eachIn<T>(m: ByName<T>, name: string): Generator<Located<T>> {
  const p = m.get(name);
  if (!p) return;
  for (let i = 0; i < p.files.length; i++) yield { file: p.files[i]!, item: p.items[i]! };
}

interface OpsSlot {
  struct: string;
  member: string;
  table: string;
}

/**
 * FileFacts over a packed file whose row lists decode on first access (then stay decoded on
 * this object, which the caller may drop). Enumerable own accessors, so JSON and deep
 * comparisons see plain lists.
 */
function lazyFacts(p: PackedFacts, strings: readonly string[]): FileFacts {
  const out = {
    path: p.path,
    size: p.size,
    mtimeMs: p.mtimeMs,
    hash: p.hash,
    structs: p.structs,
    opsTables: p.opsTables,
    problems: p.problems,
  } as unknown as FileFacts;
  const lazy = <T>(
    key: 'functions' | 'macros' | 'calls' | 'fieldAccesses' | 'refs',
    make: () => T[],
  ) => {
    let v: T[] | undefined;
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => (v ??= make()),
      set: (x: T[]) => (v = x),
    });
  };
  lazy('functions', () => rows(p.functions, FN_W, (i) => functionAt(p.functions, i, strings)));
  lazy('macros', () => rows(p.macros, MACRO_W, (i) => macroAt(p.macros, i, strings)));
  lazy('calls', () => rows(p.calls, CALL_W, (i) => callAt(p.calls, i, strings)));
  lazy('fieldAccesses', () =>
    rows(p.fieldAccesses, FIELD_W, (i) => fieldAccessAt(p.fieldAccesses, i, strings)),
  );
  lazy('refs', () => rows(p.refs, REF_W, (i) => refAt(p.refs, i, strings)));
  return out;
}

function rows<T>(a: Int32Array, width: number, at: (row: number) => T): T[] {
  const out: T[] = new Array(a.length / width);
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}

function viaLabel(c: CallSite): string {
  return c.via.kind === 'direct' ? 'direct' : c.via.kind === 'indirect' ? 'INDIRECT_CALL' : '';
}

function spanBefore(a: Span, line: number, col: number): boolean {
  return a.line < line || (a.line === line && a.col <= col);
}
function spanAfter(a: Span, line: number, col: number): boolean {
  return a.endLine > line || (a.endLine === line && a.endCol >= col);
}

interface SymbolEntry {
  name: string;
  lower: string;
  kind: SymbolHit['kind'];
  file: string;
  span: Span;
  container?: string;
}

interface Entry {
  id: number;
  p: PackedFacts;
  /** Function rows sorted by start, for functionAt (made on first use). */
  sorted: Int32Array | undefined;
  /** Whether its row postings were folded into the sealed base (RowPostings). */
  sealed: boolean;
}

/** A cold build seals the row postings each time this many are pending (see rowPostings.ts). */
const SEAL_PENDING_PAIRS = 1 << 17;

export class MemoryCodeIndex implements CodeIndex {
  private readonly byPath = new Map<string, Entry>();
  /** Entries by file id; ids are never reused (removed files leave a hole). */
  private readonly byId: (Entry | undefined)[] = [];
  private readonly alive = (id: number): boolean => this.byId[id] !== undefined;
  /** Every string of the rows (and the shared copy of every name in the objects). */
  private strings = new StringTable();
  /** Function definitions by name id. */
  private readonly funcs = new RowPostings(this.alive);
  /** Macro definitions by name id. */
  private readonly macroRows = new RowPostings(this.alive);
  private readonly structs: ByName<StructDef> = new Map();
  /** Direct and INDIRECT_CALL sites by callee id; ops sites by member id. */
  private readonly callsByCallee = new RowPostings(this.alive);
  private readonly opsCallsByMember = new RowPostings(this.alive);
  /** Every call site (all kinds) by enclosing function id. */
  private readonly callsByCaller = new RowPostings(this.alive);
  private readonly fields = new RowPostings(this.alive);
  private readonly rowPostings = [
    this.funcs,
    this.callsByCallee,
    this.opsCallsByMember,
    this.callsByCaller,
    this.fields,
    this.macroRows,
  ];
  /** `struct.member` -> table entries assigning a function to it. */
  private readonly opsBySlot: ByName<{ fn: string; table: string }> = new Map();
  /** fn -> the ops slots it is assigned to. */
  private readonly opsByFn: ByName<OpsSlot> = new Map();
  /** member -> struct -> number of table entries (to resolve `->member(` with an unknown struct). */
  private readonly memberStructs = new Map<string, Map<string, number>>();
  private counts: IndexStats = { files: 0, functions: 0, calls: 0, fieldAccesses: 0 };
  private symbols: SymbolEntry[] | undefined;

  constructor(facts: Iterable<FileFacts> = []) {
    for (const f of facts) this.setFile(f);
  }

  /** Adds or replaces one file's facts (the previous facts of that path are dropped first). */
  setFile(f: FileFacts): void {
    this.add(packFacts(f, this.strings, true));
  }

  /**
   * Adds or replaces one packed file whose row string ids index `strings` (a worker's batch or
   * the cache's table); `map` from `stringMap(strings)` may be passed when a batch has many
   * files. The rows are rewritten in place to the index's ids.
   */
  setPacked(p: PackedFacts, strings: readonly string[], map = this.stringMap(strings)): void {
    remapRows(p, map);
    internObjectParts(p, this.strings);
    this.add(p);
  }

  /** The index's ids of `strings` (adding the new ones): the map setPacked applies. */
  stringMap(strings: readonly string[]): Int32Array {
    const map = new Int32Array(strings.length);
    for (let i = 0; i < strings.length; i++) map[i] = this.strings.id(strings[i]!);
    return map;
  }

  private add(p: PackedFacts): void {
    const file = p.path;
    if (this.byPath.has(file)) this.removeFiles([file]);
    const id = this.byId.length;
    const fr = p.functions;
    const e: Entry = { id, p, sorted: undefined, sealed: false };
    this.byPath.set(file, e);
    this.byId[id] = e;
    for (let row = 0, at = 0; at < fr.length; row++, at += FN_W) {
      this.funcs.add(fr[at + FN.name]!, id, row);
    }
    this.addRows(e);
    if (this.rowPostings.some((r) => r.pendingPairs >= SEAL_PENDING_PAIRS)) this.seal();
  }

  /**
   * Loads a decoded cache into this empty index without remapping anything: the cache's string
   * table becomes the index's, file i gets id i, and the cache's postings (when stored and
   * complete) become the sealed base, so nothing is re-added. Files with `reuse[i]` false are
   * left out (their ids are dead; their postings are skipped until the next seal). On a
   * non-empty index it falls back to adding the reused files one by one. The same steps one
   * file at a time: beginLoad, loadFile, endLoad (the workspace index yields between files).
   */
  loadPacked(
    files: readonly PackedFacts[],
    strings: readonly string[],
    reuse: readonly boolean[],
    postings?: readonly { offsets: Int32Array; entries: Int32Array }[],
  ): void {
    if (!this.beginLoad(strings, files.length, postings)) {
      const map = this.stringMap(strings);
      files.forEach((p, i) => reuse[i] && this.setPacked(p, strings, map));
      return;
    }
    files.forEach((p, i) => reuse[i] && this.loadFile(i, p));
    this.endLoad(postings);
  }

  private loading: { usable: boolean } | undefined;

  /** Starts a load (see loadPacked); false when the index is not empty (add files instead). */
  beginLoad(
    strings: readonly string[],
    fileCount: number,
    postings?: readonly { offsets: Int32Array; entries: Int32Array }[],
  ): boolean {
    if (this.byId.length > 0 || this.strings.size > 0 || this.loading) return false;
    this.strings = StringTable.from(strings);
    this.byId.length = fileCount;
    this.loading = {
      usable: postings !== undefined && postings.length === this.rowPostings.length,
    };
    return true;
  }

  /** Adopts file `i` of the cache being loaded (its rows index the cache's string table). */
  loadFile(i: number, p: PackedFacts): void {
    const usable = this.loading?.usable;
    if (usable === undefined) throw new Error('loadFile outside beginLoad/endLoad');
    if (this.byPath.has(p.path) || i >= this.byId.length) return;
    const e: Entry = { id: i, p, sorted: undefined, sealed: usable };
    this.byPath.set(p.path, e);
    this.byId[i] = e;
    if (!usable) {
      const fr = p.functions;
      for (let row = 0, at = 0; at < fr.length; row++, at += FN_W) {
        this.funcs.add(fr[at + FN.name]!, i, row);
      }
    }
    this.addRows(e, usable);
  }

  /**
   * Ends a load: the cache's postings become the sealed base (or the added rows are sealed).
   * Postings that do not match the loaded rows (a crafted or damaged cache whose checksum still
   * holds: an entry past a file's rows, or under another name than its row's) are not adopted:
   * the postings are rebuilt from the rows, which were checked when decoded. Returns false then.
   */
  endLoad(postings?: readonly { offsets: Int32Array; entries: Int32Array }[]): boolean {
    const usable = this.loading?.usable;
    this.loading = undefined;
    if (usable && postings) {
      if (postings.every((b, k) => this.postingsMatchRows(k, b.offsets, b.entries))) {
        postings.forEach((b, k) => this.rowPostings[k]!.adopt(b.offsets, b.entries));
        return true;
      }
      for (const e of this.byId) if (e) this.postRows(e);
      this.seal();
      return false;
    }
    this.seal();
    return true;
  }

  /** Whether every entry of row-postings kind `k` names a row of a loaded file under its key. */
  private postingsMatchRows(k: number, offsets: Int32Array, entries: Int32Array): boolean {
    const rowsOf = (p: PackedFacts): [Int32Array, number, number] =>
      k === 0
        ? [p.functions, FN_W, FN.name]
        : k === 1
          ? [p.calls, CALL_W, CALL.callee]
          : k === 2
            ? [p.calls, CALL_W, CALL.b]
            : k === 3
              ? [p.calls, CALL_W, CALL.caller]
              : k === 4
                ? [p.fieldAccesses, FIELD_W, FIELD.field]
                : [p.macros, MACRO_W, MACRO.name];
    for (let key = 0; key + 1 < offsets.length; key++) {
      for (let i = offsets[key]!; i < offsets[key + 1]!; i += 2) {
        const e = this.byId[entries[i]!];
        if (!e) continue; // a file not reused from the cache: its postings are skipped
        const [rows, w, col] = rowsOf(e.p);
        const at = entries[i + 1]! * w;
        if (at + w > rows.length || rows[at + col] !== key) return false;
        if (k === 1 && rows[at + CALL.kind] === CALL_OPS) return false;
        if (k === 2 && rows[at + CALL.kind] !== CALL_OPS) return false;
      }
    }
    return true;
  }

  /** Posts a loaded file's rows by name (when the cache's postings could not be adopted). */
  private postRows(e: Entry): void {
    const { id, p } = e;
    const fr = p.functions;
    for (let row = 0, at = 0; at < fr.length; row++, at += FN_W) {
      this.funcs.add(fr[at + FN.name]!, id, row);
    }
    this.postCallAndFieldRows(e);
    e.sealed = false;
  }

  /**
   * Posts an entry's call sites (by callee, ops member and caller), field accesses and macro
   * definitions.
   */
  private postCallAndFieldRows(e: Entry): void {
    const { id, p } = e;
    const mr = p.macros;
    for (let row = 0, at = 0; at < mr.length; row++, at += MACRO_W) {
      this.macroRows.add(mr[at + MACRO.name]!, id, row);
    }
    const calls = p.calls;
    const fa = p.fieldAccesses;
    for (let row = 0, at = 0; at < calls.length; row++, at += CALL_W) {
      if (calls[at + CALL.kind] === CALL_OPS) {
        this.opsCallsByMember.add(calls[at + CALL.b]!, id, row);
      } else this.callsByCallee.add(calls[at + CALL.callee]!, id, row);
      const caller = calls[at + CALL.caller]!;
      if (caller !== -1) this.callsByCaller.add(caller, id, row);
    }
    for (let row = 0, at = 0; at < fa.length; row++, at += FIELD_W) {
      this.fields.add(fa[at + FIELD.field]!, id, row);
    }
  }

  /** Indexes one entry's object parts, and its rows unless `rowsKnown` (adopted postings). */
  private addRows(e: Entry, rowsKnown = false): void {
    const { p } = e;
    const file = p.path;
    for (const s of p.structs) addTo(this.structs, s.name, file, s);
    if (!rowsKnown) this.postCallAndFieldRows(e);
    for (const t of p.opsTables) {
      for (const m of t.members) {
        addTo(this.opsBySlot, `${t.struct}.${m.member}`, file, { fn: m.fn, table: t.name });
        addTo(this.opsByFn, m.fn, file, { struct: t.struct, member: m.member, table: t.name });
        let structs = this.memberStructs.get(m.member);
        if (!structs) this.memberStructs.set(m.member, (structs = new Map()));
        structs.set(t.struct, (structs.get(t.struct) ?? 0) + 1);
      }
    }
    this.counts.files++;
    this.counts.functions += p.functions.length / FN_W;
    this.counts.calls += p.calls.length / CALL_W;
    this.counts.fieldAccesses += p.fieldAccesses.length / FIELD_W;
    this.symbols = undefined;
  }

  /**
   * Folds pending row postings into the compact base and drops those of removed files. Runs by
   * itself as a cold build goes; the workspace index also calls it when a build ends.
   */
  seal(): void {
    runSteps(this.sealSteps());
  }

  /**
   * seal() as steps, one row kind each, for a caller that gives the thread back between them
   * (the cache writer). Files added meanwhile may have postings left in a delta, so only the
   * files present at the start are marked sealed (a removed sealed file's postings are skipped
   * as dead; an unsealed one's are removed from the deltas).
   */
  *sealSteps(): Generator<void, void> {
    const present = this.byId.filter((e): e is Entry => e !== undefined);
    for (const r of this.rowPostings) {
      r.seal(this.strings.size);
      yield;
    }
    for (const e of present) e.sealed = true;
  }

  /** Drops one file's facts; a path that is not indexed is ignored. */
  removeFile(path: string): boolean {
    return this.removeFiles([path]) === 1;
  }

  /**
   * Drops many files at once: each affected name's postings are compacted once, however many
   * of the removed files mention it (a `git checkout` deleting 10,000 files is one pass).
   */
  removeFiles(paths: Iterable<string>): number {
    const gone = new Set<string>();
    const goneIds = new Set<number>();
    const names = {
      structs: new Set<string>(),
      slots: new Set<string>(),
      fns: new Set<string>(),
    };
    /** Whether a removed file's rows are in the delta (added since the last seal). */
    let inDelta = false;
    for (const path of paths) {
      const e = this.byPath.get(path);
      if (!e || gone.has(path)) continue;
      const f = e.p;
      gone.add(path);
      goneIds.add(e.id);
      this.byPath.delete(path);
      this.byId[e.id] = undefined;
      for (const s of f.structs) names.structs.add(s.name);
      const calls = f.calls;
      const fa = f.fieldAccesses;
      if (e.sealed) {
        // Its base postings are skipped from now on (its id is dead) and counted for resealing.
        let ops = 0;
        let callers = 0;
        for (let at = 0; at < calls.length; at += CALL_W) {
          if (calls[at + CALL.kind] === CALL_OPS) ops++;
          if (calls[at + CALL.caller] !== -1) callers++;
        }
        this.opsCallsByMember.countDead(ops);
        this.callsByCallee.countDead(calls.length / CALL_W - ops);
        this.callsByCaller.countDead(callers);
        this.fields.countDead(fa.length / FIELD_W);
        this.funcs.countDead(f.functions.length / FN_W);
        this.macroRows.countDead(f.macros.length / MACRO_W);
      } else inDelta = true;
      for (const t of f.opsTables) {
        for (const m of t.members) {
          names.slots.add(`${t.struct}.${m.member}`);
          names.fns.add(m.fn);
          const structs = this.memberStructs.get(m.member);
          if (structs) {
            const n = (structs.get(t.struct) ?? 0) - 1;
            if (n > 0) structs.set(t.struct, n);
            else structs.delete(t.struct);
            if (structs.size === 0) this.memberStructs.delete(m.member);
          }
        }
      }
      this.counts.files--;
      this.counts.functions -= f.functions.length / FN_W;
      this.counts.calls -= calls.length / CALL_W;
      this.counts.fieldAccesses -= fa.length / FIELD_W;
    }
    if (gone.size === 0) return 0;
    removeFrom(this.structs, names.structs, gone);
    if (inDelta) for (const r of this.rowPostings) r.removeFromDelta(goneIds);
    removeFrom(this.opsBySlot, names.slots, gone);
    removeFrom(this.opsByFn, names.fns, gone);
    this.symbols = undefined;
    // After mass removals (a checkout of another tree) most of the base may be dead: rebuild.
    if (this.rowPostings.some((r) => r.deadPairs > 1024 && r.deadPairs * 2 > r.basePairs)) {
      this.seal();
    }
    return gone.size;
  }

  stats(): IndexStats {
    return { ...this.counts };
  }

  files(): string[] {
    return [...this.byPath.keys()].sort();
  }

  /** Whether `file` is indexed, and its size, mtime and hash, without decoding its facts. */
  fileInfo(file: string): { size: number; mtimeMs: number; hash: string } | undefined {
    return this.byPath.get(file)?.p;
  }

  /**
   * One file's facts. The bulk lists (calls, fieldAccesses, refs) are decoded from the packed
   * rows on first access, so asking for a file's functions costs nothing.
   */
  facts(file: string): FileFacts | undefined {
    const e = this.byPath.get(file);
    return e ? lazyFacts(e.p, this.strings.strings) : undefined;
  }

  /**
   * Every file in packed form with the string table its rows index and the postings by
   * position in `files` (for the cache writer). Seals first (dropping dead postings).
   */
  packed(): {
    files: PackedFacts[];
    strings: readonly string[];
    postings: { offsets: Int32Array; entries: Int32Array }[];
    lookup: (s: string) => number | undefined;
  } {
    const { files, rank, strings, lookup } = this.packedRows();
    const postings = this.rowPostings.map((r) => r.exportBase(rank));
    return { files, strings, postings, lookup };
  }

  /** packed() without the postings (a copy the store writer, which builds its own, need not make). */
  packedFiles(): {
    files: PackedFacts[];
    strings: readonly string[];
    lookup: (s: string) => number | undefined;
  } {
    const { files, strings, lookup } = this.packedRows();
    return { files, strings, lookup };
  }

  private packedRows() {
    this.seal();
    const files: PackedFacts[] = [];
    const rank = new Int32Array(this.byId.length).fill(-1);
    for (let id = 0; id < this.byId.length; id++) {
      const e = this.byId[id];
      if (!e) continue;
      rank[id] = files.length;
      files.push(e.p);
    }
    const table = this.strings;
    return { files, rank, strings: table.strings, lookup: (s: string) => table.lookup(s) };
  }

  /**
   * The rows posted under `name` in `m`, decoded with `decode` from the rows `rowsOf` picks in
   * each file: the one lookup shared by calls, field accesses and definitions.
   */
  private located<T>(
    m: RowPostings,
    name: string,
    rowsOf: (p: PackedFacts) => Int32Array,
    decode: (a: Int32Array, row: number, strings: readonly string[]) => T,
  ): Located<T>[] {
    const out: Located<T>[] = [];
    const key = this.strings.lookup(name);
    if (key === undefined) return out;
    const strings = this.strings.strings;
    m.forEach(key, (id, row) => {
      const p = this.byId[id]!.p;
      out.push({ file: p.path, item: decode(rowsOf(p), row, strings) });
    });
    return out;
  }

  private callsIn(m: RowPostings, name: string): Located<CallSite>[] {
    return this.located(m, name, (p) => p.calls, callAt);
  }

  private fieldsIn(name: string): Located<FieldAccess>[] {
    return this.located(this.fields, name, (p) => p.fieldAccesses, fieldAccessAt);
  }

  functionDefs(name: string): Located<FunctionDef>[] {
    return this.located(this.funcs, name, (p) => p.functions, functionAt);
  }

  *allFunctions(): Iterable<Located<FunctionDef>> {
    const strings = this.strings.strings;
    for (const [file, e] of this.byPath) {
      const fr = e.p.functions;
      for (let row = 0; row * FN_W < fr.length; row++) {
        yield { file, item: functionAt(fr, row, strings) };
      }
    }
  }

  macroDefs(name: string): Located<MacroDef>[] {
    return this.located(this.macroRows, name, (p) => p.macros, macroAt);
  }

  structDefs(name: string): Located<StructDef>[] {
    return [...eachIn(this.structs, name)];
  }

  functionAt(file: string, line: number, col: number): Located<FunctionDef> | undefined {
    const e = this.byPath.get(file);
    if (!e) return undefined;
    const fr = e.p.functions;
    const fs = (e.sorted ??= Int32Array.from({ length: fr.length / FN_W }, (_, i) => i).sort(
      (a, b) =>
        fr[a * FN_W + FN.span + SPAN.line]! - fr[b * FN_W + FN.span + SPAN.line]! ||
        fr[a * FN_W + FN.span + SPAN.col]! - fr[b * FN_W + FN.span + SPAN.col]!,
    ));
    // Last function starting at or before the position; definitions do not nest in C.
    let lo = 0;
    let hi = fs.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spanBefore(spanAt(fr, fs[mid]! * FN_W + FN.span), line, col)) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const row = fs[best]!;
    if (!spanAfter(spanAt(fr, row * FN_W + FN.span), line, col)) return undefined;
    return { file, item: functionAt(fr, row, this.strings.strings) };
  }

  /**
   * The definition a call from `fromFile` reaches: the nearest visible one (visibility.ts), the
   * first indexed of equally near ones.
   */
  resolveDefinition(name: string, fromFile: string): Located<FunctionDef> | undefined {
    const key = this.strings.lookup(name);
    if (key === undefined) return undefined;
    // Decided on the rows (file and static flag); only the chosen one is decoded.
    let best: PackedFacts | undefined;
    let bestRow = 0;
    let bestReach: number = Reach.headerStatic + 1;
    this.funcs.forEach(key, (id, row) => {
      if (bestReach === Reach.ownFile) return;
      const p = this.byId[id]!.p;
      const r = reach(p.path, (p.functions[row * FN_W + FN.flags]! & FN_STATIC) !== 0, fromFile);
      if (r !== undefined && r < bestReach) {
        best = p;
        bestRow = row;
        bestReach = r;
      }
    });
    const p = best as PackedFacts | undefined;
    if (!p) return undefined;
    return { file: p.path, item: functionAt(p.functions, bestRow, this.strings.strings) };
  }

  /** Structs whose tables assign something to `member`, for an ops call with an unknown struct. */
  private opsStructFor(c: CallSite): string | undefined {
    if (c.via.kind !== 'ops') return undefined;
    if (c.via.struct !== null) return c.via.struct;
    const structs = this.memberStructs.get(c.via.member);
    if (structs && structs.size === 1) return structs.keys().next().value;
    return undefined;
  }

  private edge(c: CallSite, file: string, callee: string, via: string): CallEdge {
    const e: CallEdge = { caller: c.caller ?? '', callee, via, file, span: c.span };
    const def = this.resolveDefinition(callee, file);
    if (def) e.calleeFile = def.file;
    return e;
  }

  /**
   * Incoming edges of `fn`. With `defFile`, only edges that reach the definition in that file
   * (for a static function: calls from its own file; for others: calls from files that have no
   * definition of their own of that name).
   */
  callersOf(fn: string, defFile?: string): CallEdge[] {
    const out: CallEdge[] = [];
    const reaches = (from: string): boolean =>
      defFile === undefined || this.resolveDefinition(fn, from)?.file === defFile;
    for (const { file, item: c } of this.callsIn(this.callsByCallee, fn)) {
      if (c.caller !== null && reaches(file)) out.push(this.edge(c, file, fn, viaLabel(c)));
    }
    // Ops: every slot fn fills, then every `->member(` call that resolves to that struct.
    const seen = new Set<string>();
    for (const { item: slot } of eachIn(this.opsByFn, fn)) {
      const key = `${slot.struct}.${slot.member}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const { file, item: c } of this.callsIn(this.opsCallsByMember, slot.member)) {
        if (c.caller === null || this.opsStructFor(c) !== slot.struct) continue;
        out.push(this.edge(c, file, fn, `ops:${key}`));
      }
    }
    return out.sort(byPosition);
  }

  /** Outgoing edges of `fn`; with `defFile`, only the body of the definition in that file. */
  calleesOf(fn: string, defFile?: string): CallEdge[] {
    const out: CallEdge[] = [];
    for (const { file, item: c } of this.callsIn(this.callsByCaller, fn)) {
      if (defFile !== undefined && file !== defFile) continue;
      if (c.via.kind !== 'ops') {
        out.push(this.edge(c, file, c.callee, viaLabel(c)));
        continue;
      }
      const struct = this.opsStructFor(c);
      if (struct === undefined) continue;
      const key = `${struct}.${c.via.member}`;
      const seen = new Set<string>();
      for (const { item: slot } of eachIn(this.opsBySlot, key)) {
        if (seen.has(slot.fn)) continue;
        seen.add(slot.fn);
        out.push(this.edge(c, file, slot.fn, `ops:${key}`));
      }
    }
    return out.sort(byPosition);
  }

  /** Ops call sites of `fn` left unresolved (no table assigns the member, or several structs do). */
  unresolvedOpsCalls(fn: string): Located<CallSite>[] {
    const out: Located<CallSite>[] = [];
    for (const loc of this.callsIn(this.callsByCaller, fn)) {
      const c = loc.item;
      if (c.via.kind !== 'ops') continue;
      const struct = this.opsStructFor(c);
      if (struct === undefined || !this.opsBySlot.has(`${struct}.${c.via.member}`)) out.push(loc);
    }
    return out;
  }

  /** The ops tables that assign `fn` to a member (for hovers and the call hierarchy). */
  opsSlotsOf(fn: string): Located<OpsSlot>[] {
    return [...eachIn(this.opsByFn, fn)];
  }

  fieldAccesses(field: string, struct?: string): Located<FieldAccess>[] {
    const out: Located<FieldAccess>[] = [];
    for (const loc of this.fieldsIn(field)) {
      if (struct === undefined || loc.item.struct === null || loc.item.struct === struct) {
        out.push(loc);
      }
    }
    return out;
  }

  fieldAccessesIn(file: string, field: string): FieldAccess[] {
    const e = this.byPath.get(file);
    const id = this.strings.lookup(field);
    if (!e || id === undefined) return [];
    // One pass over the file's rows comparing the name id: only the matches are decoded.
    const out: FieldAccess[] = [];
    const fa = e.p.fieldAccesses;
    for (let row = 0, at = 0; at < fa.length; row++, at += FIELD_W) {
      if (fa[at + FIELD.field] === id) out.push(fieldAccessAt(fa, row, this.strings.strings));
    }
    return out;
  }

  references(name: string): Reference[] {
    // Plain identifier references are not indexed by name (they are the bulk of the facts):
    // one pass over the files is cheap next to what a References request already costs.
    const refs: { file: string; span: Span }[] = [];
    const id = this.strings.lookup(name);
    if (id !== undefined) {
      for (const [file, e] of this.byPath) {
        const rows = e.p.refs;
        for (let at = 0; at < rows.length; at += REF_W) {
          if (rows[at + REF.name] === id) refs.push({ file, span: spanAt(rows, at + REF.span) });
        }
      }
    }
    return referencesOf({
      defs: [this.functionDefs(name), this.macroDefs(name), eachIn(this.structs, name)],
      calls: this.callsIn(this.callsByCallee, name),
      fields: this.fieldsIn(name),
      refs,
    }).sort(byPosition);
  }

  nameUses(name: string): { file: string; calls: Span[]; refs: Span[] }[] {
    const id = this.strings.lookup(name);
    if (id === undefined) return [];
    const byFile = new Map<number, { file: string; calls: Span[]; refs: Span[] }>();
    const at = (fileId: number) => {
      let u = byFile.get(fileId);
      if (!u) byFile.set(fileId, (u = { file: this.byId[fileId]!.p.path, calls: [], refs: [] }));
      return u;
    };
    this.callsByCallee.forEach(id, (fileId, row) => {
      at(fileId).calls.push(spanAt(this.byId[fileId]!.p.calls, row * CALL_W + CALL.span));
    });
    for (const e of this.byId) {
      if (!e) continue;
      const refs = e.p.refs;
      for (let k = 0; k < refs.length; k += REF_W) {
        if (refs[k + REF.name] === id) at(e.id).refs.push(spanAt(refs, k + REF.span));
      }
    }
    const out = [...byFile.values()];
    for (const u of out) {
      u.calls.sort((a, b) => a.line - b.line || a.col - b.col);
    }
    return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  searchSymbols(query: string, limit: number): SymbolHit[] {
    const syms = this.symbolTable();
    const q = query.trim();
    if (q === '' || limit <= 0) return [];
    const ql = q.toLowerCase();
    const scored: { s: SymbolEntry; score: number }[] = [];
    for (const s of syms) {
      const score = matchScore(s.name, s.lower, q, ql);
      if (score > 0) scored.push({ s, score });
    }
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        a.s.name.length - b.s.name.length ||
        (a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0) ||
        kindRank(a.s.kind) - kindRank(b.s.kind) ||
        (a.s.file < b.s.file ? -1 : a.s.file > b.s.file ? 1 : 0),
    );
    return scored.slice(0, limit).map(({ s }) => {
      const hit: SymbolHit = { name: s.name, kind: s.kind, file: s.file, span: s.span };
      if (s.container !== undefined) hit.container = s.container;
      return hit;
    });
  }

  /** Built on the first search after a change, so edits do not pay for it. */
  private symbolTable(): SymbolEntry[] {
    if (this.symbols) return this.symbols;
    const out: SymbolEntry[] = [];
    const add = (name: string, kind: SymbolHit['kind'], file: string, span: Span, c?: string) => {
      const e: SymbolEntry = { name, lower: name.toLowerCase(), kind, file, span };
      if (c !== undefined) e.container = c;
      out.push(e);
    };
    for (const [file, { p: f }] of this.byPath) {
      const fr = f.functions;
      for (let at = 0; at < fr.length; at += FN_W) {
        add(
          this.strings.strings[fr[at + FN.name]!]!,
          'function',
          file,
          spanAt(fr, at + FN.nameSpan),
        );
      }
      const mr = f.macros;
      for (let at = 0; at < mr.length; at += MACRO_W) {
        add(
          this.strings.strings[mr[at + MACRO.name]!]!,
          'macro',
          file,
          spanAt(mr, at + MACRO.nameSpan),
        );
      }
      for (const s of f.structs) {
        add(s.name, 'struct', file, s.nameSpan);
        for (const fd of s.fields) add(fd.name, 'field', file, fd.span, s.name);
      }
      for (const t of f.opsTables) add(t.name, 'opsTable', file, t.span);
    }
    this.symbols = out;
    return out;
  }
}

/** The order of symbol kinds among equally good matches of one name. */
export function kindRank(k: SymbolHit['kind']): number {
  return ['function', 'struct', 'macro', 'opsTable', 'field'].indexOf(k);
}

/** One element of CodeIndex.references. */
export type Reference = ReturnType<CodeIndex['references']>[number];

/**
 * The references of a name from its parts, in one shape for every index: its definitions, its
 * call sites, its field accesses and its plain references (unsorted).
 */
export function referencesOf(p: {
  defs: Iterable<{ file: string; item: { nameSpan: Span } }>[];
  calls: Iterable<{ file: string; item: { span: Span } }>;
  fields: Iterable<{ file: string; item: FieldAccess }>;
  refs: Iterable<{ file: string; span: Span }>;
}): Reference[] {
  const out: Reference[] = [];
  for (const defs of p.defs)
    for (const { file, item } of defs) out.push({ file, span: item.nameSpan, kind: 'definition' });
  for (const { file, item } of p.calls) out.push({ file, span: item.span, kind: 'call' });
  for (const { file, item } of p.fields) out.push({ file, span: item.span, kind: item.access });
  for (const { file, span } of p.refs) out.push({ file, span, kind: 'ref' });
  return out;
}

function byPosition(a: { file: string; span: Span }, b: { file: string; span: Span }): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.span.line - b.span.line ||
    a.span.col - b.span.col
  );
}

/**
 * How well `name` matches `query`: exact 1000, prefix 800, substring 600 (more at a word
 * start), else a subsequence that favours word starts (after `_` or a lower-to-upper case
 * change) so `tsl` and `tcp_sm_l` find `tcp_sendmsg_locked` and `skMem` finds `sk_mem_charge`.
 * 0 means no match.
 */
export function matchScore(name: string, lower: string, query: string, ql: string): number {
  if (name === query) return 1000;
  if (lower === ql) return 950;
  if (lower.startsWith(ql)) return 800 + (name.startsWith(query) ? 50 : 0);
  const at = lower.indexOf(ql);
  if (at >= 0) return isWordStart(name, at) ? 700 : 600;
  // Subsequence, greedy with a preference for word starts.
  let score = 0;
  let qi = 0;
  let prevMatched = false;
  for (let i = 0; i < name.length && qi < ql.length; i++) {
    const qc = ql.charCodeAt(qi);
    if (qc === 95 /* _ */) {
      // An underscore in the query only asks for a new word: skip it.
      qi++;
      i--;
      continue;
    }
    if (lower.charCodeAt(i) !== qc) {
      prevMatched = false;
      continue;
    }
    const start = isWordStart(name, i);
    // Take a mid-word match only when the query char cannot start a later word.
    if (!start && !prevMatched && laterWordStartWith(name, lower, i + 1, qc)) continue;
    score += start ? 10 : prevMatched ? 5 : 1;
    prevMatched = true;
    qi++;
  }
  while (qi < ql.length && ql.charCodeAt(qi) === 95) qi++;
  if (qi < ql.length) return 0;
  return Math.max(1, Math.min(500, score * 10 - name.length));
}

function isWordStart(name: string, i: number): boolean {
  if (i === 0) return true;
  const p = name.charCodeAt(i - 1);
  const c = name.charCodeAt(i);
  if (p === 95 && c !== 95) return true;
  const pLower = p >= 97 && p <= 122;
  const cUpper = c >= 65 && c <= 90;
  return pLower && cUpper;
}

function laterWordStartWith(name: string, lower: string, from: number, qc: number): boolean {
  for (let j = from; j < name.length; j++) {
    if (lower.charCodeAt(j) === qc && isWordStart(name, j)) return true;
  }
  return false;
}
