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
import type { CodeIndex, CallEdge, IndexStats, Located, SymbolHit } from './api';
import type {
  CallSite,
  FieldAccess,
  FileFacts,
  FunctionDef,
  MacroDef,
  Span,
  StructDef,
} from './facts';

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
 * One string per distinct value across the whole index: facts arrive from worker threads and
 * from the cache as separate copies of the same names (`sk`, `sock`, `skb`...).
 */
class Interner {
  private readonly table = new Map<string, string>();
  s(v: string): string {
    const hit = this.table.get(v);
    if (hit !== undefined) return hit;
    this.table.set(v, v);
    return v;
  }
  n(v: string | null): string | null {
    return v === null ? null : this.s(v);
  }
}

const DIRECT = Object.freeze({ kind: 'direct' as const });

function internFacts(f: FileFacts, i: Interner): void {
  f.path = i.s(f.path);
  for (const d of f.functions) d.name = i.s(d.name);
  for (const m of f.macros) m.name = i.s(m.name);
  for (const s of f.structs) {
    s.name = i.s(s.name);
    for (const fd of s.fields) {
      fd.name = i.s(fd.name);
      fd.type = i.s(fd.type);
    }
  }
  for (const c of f.calls) {
    c.caller = i.n(c.caller);
    c.callee = i.s(c.callee);
    const v = c.via;
    if (v.kind === 'direct') c.via = DIRECT;
    else if (v.kind === 'indirect') v.pointer = i.s(v.pointer);
    else {
      v.struct = i.n(v.struct);
      v.member = i.s(v.member);
    }
  }
  for (const a of f.fieldAccesses) {
    a.function = i.n(a.function);
    a.struct = i.n(a.struct);
    a.field = i.s(a.field);
  }
  for (const t of f.opsTables) {
    t.struct = i.s(t.struct);
    t.name = i.s(t.name);
    for (const m of t.members) {
      m.member = i.s(m.member);
      m.fn = i.s(m.fn);
    }
  }
  for (const r of f.refs) {
    r.name = i.s(r.name);
    r.function = i.n(r.function);
  }
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

export class MemoryCodeIndex implements CodeIndex {
  private readonly byFile = new Map<string, FileFacts>();
  private readonly intern = new Interner();
  private readonly funcs: ByName<FunctionDef> = new Map();
  private readonly macros: ByName<MacroDef> = new Map();
  private readonly structs: ByName<StructDef> = new Map();
  /** Direct and INDIRECT_CALL sites by callee name; ops sites by member name. */
  private readonly callsByCallee: ByName<CallSite> = new Map();
  private readonly opsCallsByMember: ByName<CallSite> = new Map();
  /** Every call site (all kinds) by enclosing function. */
  private readonly callsByCaller: ByName<CallSite> = new Map();
  private readonly fields: ByName<FieldAccess> = new Map();
  /** `struct.member` -> table entries assigning a function to it. */
  private readonly opsBySlot: ByName<{ fn: string; table: string }> = new Map();
  /** fn -> the ops slots it is assigned to. */
  private readonly opsByFn: ByName<OpsSlot> = new Map();
  /** member -> struct -> number of table entries (to resolve `->member(` with an unknown struct). */
  private readonly memberStructs = new Map<string, Map<string, number>>();
  /** Functions of each file sorted by start, for functionAt. */
  private readonly sortedFuncs = new Map<string, FunctionDef[]>();
  private counts: IndexStats = { files: 0, functions: 0, calls: 0, fieldAccesses: 0 };
  private symbols: SymbolEntry[] | undefined;

  constructor(facts: Iterable<FileFacts> = [], shared = false) {
    for (const f of facts) this.setFile(f, shared);
  }

  /**
   * Adds or replaces one file's facts (the previous facts of that path are dropped first).
   * `shared` says the strings are already shared (facts decoded from the cache's string
   * table), so the interning pass can be skipped.
   */
  setFile(f: FileFacts, shared = false): void {
    if (this.byFile.has(f.path)) this.removeFile(f.path);
    if (!shared) internFacts(f, this.intern);
    const file = f.path;
    this.byFile.set(file, f);
    for (const d of f.functions) addTo(this.funcs, d.name, file, d);
    for (const m of f.macros) addTo(this.macros, m.name, file, m);
    for (const s of f.structs) addTo(this.structs, s.name, file, s);
    for (const c of f.calls) {
      if (c.via.kind === 'ops') addTo(this.opsCallsByMember, c.via.member, file, c);
      else addTo(this.callsByCallee, c.callee, file, c);
      if (c.caller !== null) addTo(this.callsByCaller, c.caller, file, c);
    }
    for (const a of f.fieldAccesses) addTo(this.fields, a.field, file, a);
    for (const t of f.opsTables) {
      for (const m of t.members) {
        addTo(this.opsBySlot, `${t.struct}.${m.member}`, file, { fn: m.fn, table: t.name });
        addTo(this.opsByFn, m.fn, file, { struct: t.struct, member: m.member, table: t.name });
        let structs = this.memberStructs.get(m.member);
        if (!structs) this.memberStructs.set(m.member, (structs = new Map()));
        structs.set(t.struct, (structs.get(t.struct) ?? 0) + 1);
      }
    }
    this.sortedFuncs.set(
      file,
      [...f.functions].sort((a, b) => a.span.line - b.span.line || a.span.col - b.span.col),
    );
    this.counts.files++;
    this.counts.functions += f.functions.length;
    this.counts.calls += f.calls.length;
    this.counts.fieldAccesses += f.fieldAccesses.length;
    this.symbols = undefined;
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
    const names = {
      funcs: new Set<string>(),
      macros: new Set<string>(),
      structs: new Set<string>(),
      opsCalls: new Set<string>(),
      callees: new Set<string>(),
      callers: new Set<string>(),
      fields: new Set<string>(),
      slots: new Set<string>(),
      fns: new Set<string>(),
    };
    for (const path of paths) {
      const f = this.byFile.get(path);
      if (!f || gone.has(path)) continue;
      gone.add(path);
      this.byFile.delete(path);
      for (const d of f.functions) names.funcs.add(d.name);
      for (const m of f.macros) names.macros.add(m.name);
      for (const s of f.structs) names.structs.add(s.name);
      for (const c of f.calls) {
        if (c.via.kind === 'ops') names.opsCalls.add(c.via.member);
        else names.callees.add(c.callee);
        if (c.caller !== null) names.callers.add(c.caller);
      }
      for (const a of f.fieldAccesses) names.fields.add(a.field);
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
      this.sortedFuncs.delete(path);
      this.counts.files--;
      this.counts.functions -= f.functions.length;
      this.counts.calls -= f.calls.length;
      this.counts.fieldAccesses -= f.fieldAccesses.length;
    }
    if (gone.size === 0) return 0;
    removeFrom(this.funcs, names.funcs, gone);
    removeFrom(this.macros, names.macros, gone);
    removeFrom(this.structs, names.structs, gone);
    removeFrom(this.opsCallsByMember, names.opsCalls, gone);
    removeFrom(this.callsByCallee, names.callees, gone);
    removeFrom(this.callsByCaller, names.callers, gone);
    removeFrom(this.fields, names.fields, gone);
    removeFrom(this.opsBySlot, names.slots, gone);
    removeFrom(this.opsByFn, names.fns, gone);
    this.symbols = undefined;
    return gone.size;
  }

  stats(): IndexStats {
    return { ...this.counts };
  }

  files(): string[] {
    return [...this.byFile.keys()].sort();
  }

  facts(file: string): FileFacts | undefined {
    return this.byFile.get(file);
  }

  functionDefs(name: string): Located<FunctionDef>[] {
    return [...eachIn(this.funcs, name)];
  }

  *allFunctions(): Iterable<Located<FunctionDef>> {
    for (const [file, f] of this.byFile) for (const item of f.functions) yield { file, item };
  }

  macroDefs(name: string): Located<MacroDef>[] {
    return [...eachIn(this.macros, name)];
  }

  structDefs(name: string): Located<StructDef>[] {
    return [...eachIn(this.structs, name)];
  }

  functionAt(file: string, line: number, col: number): Located<FunctionDef> | undefined {
    const fs = this.sortedFuncs.get(file);
    if (!fs) return undefined;
    // Last function starting at or before the position; definitions do not nest in C.
    let lo = 0;
    let hi = fs.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spanBefore(fs[mid]!.span, line, col)) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const d = fs[best]!;
    return spanAfter(d.span, line, col) ? { file, item: d } : undefined;
  }

  /**
   * The definition a call from `fromFile` reaches: a definition in the caller's own file first
   * (static functions of the same name live in many files, e.g. `*_init`), then a non-static
   * one, then a static one in a header (a static inline helper). A non-static definition wins
   * over a header's static inline of the same name: that pair is the kernel's config stub
   * (`#ifdef CONFIG_DEBUG_FS ... #else static inline void lowpan_debugfs_init(void) {}`,
   * net/6lowpan/6lowpan_i.h), and the real function is the one worth showing.
   */
  resolveDefinition(name: string, fromFile: string): Located<FunctionDef> | undefined {
    const p = this.funcs.get(name);
    if (!p) return undefined;
    let header: Located<FunctionDef> | undefined;
    let global: Located<FunctionDef> | undefined;
    for (let i = 0; i < p.files.length; i++) {
      const file = p.files[i]!;
      const d = p.items[i]!;
      if (file === fromFile) return { file, item: d };
      if (!header && file.endsWith('.h')) header = { file, item: d };
      else if (!global && !d.isStatic) global = { file, item: d };
    }
    return global ?? header;
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
    for (const { file, item: c } of eachIn(this.callsByCallee, fn)) {
      if (c.caller !== null && reaches(file)) out.push(this.edge(c, file, fn, viaLabel(c)));
    }
    // Ops: every slot fn fills, then every `->member(` call that resolves to that struct.
    const seen = new Set<string>();
    for (const { item: slot } of eachIn(this.opsByFn, fn)) {
      const key = `${slot.struct}.${slot.member}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const { file, item: c } of eachIn(this.opsCallsByMember, slot.member)) {
        if (c.caller === null || this.opsStructFor(c) !== slot.struct) continue;
        out.push(this.edge(c, file, fn, `ops:${key}`));
      }
    }
    return out.sort(byPosition);
  }

  /** Outgoing edges of `fn`; with `defFile`, only the body of the definition in that file. */
  calleesOf(fn: string, defFile?: string): CallEdge[] {
    const out: CallEdge[] = [];
    for (const { file, item: c } of eachIn(this.callsByCaller, fn)) {
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
    for (const loc of eachIn(this.callsByCaller, fn)) {
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
    for (const loc of eachIn(this.fields, field)) {
      if (struct === undefined || loc.item.struct === null || loc.item.struct === struct) {
        out.push(loc);
      }
    }
    return out;
  }

  references(
    name: string,
  ): { file: string; span: Span; kind: 'call' | 'ref' | 'read' | 'write' | 'definition' }[] {
    type Ref = ReturnType<CodeIndex['references']>[number];
    const out: Ref[] = [];
    for (const { file, item } of eachIn(this.funcs, name)) {
      out.push({ file, span: item.nameSpan, kind: 'definition' });
    }
    for (const { file, item } of eachIn(this.macros, name)) {
      out.push({ file, span: item.nameSpan, kind: 'definition' });
    }
    for (const { file, item } of eachIn(this.structs, name)) {
      out.push({ file, span: item.nameSpan, kind: 'definition' });
    }
    for (const { file, item } of eachIn(this.callsByCallee, name)) {
      out.push({ file, span: item.span, kind: 'call' });
    }
    for (const { file, item } of eachIn(this.fields, name)) {
      out.push({ file, span: item.span, kind: item.access });
    }
    // Plain identifier references are not indexed by name (they are the bulk of the facts):
    // one pass over the files is cheap next to what a References request already costs.
    for (const [file, f] of this.byFile) {
      for (const r of f.refs) if (r.name === name) out.push({ file, span: r.span, kind: 'ref' });
    }
    return out.sort(byPosition);
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
    for (const [file, f] of this.byFile) {
      for (const d of f.functions) add(d.name, 'function', file, d.nameSpan);
      for (const m of f.macros) add(m.name, 'macro', file, m.nameSpan);
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

function kindRank(k: SymbolHit['kind']): number {
  return ['function', 'struct', 'macro', 'opsTable', 'field'].indexOf(k);
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
