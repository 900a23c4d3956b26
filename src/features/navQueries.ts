// The logic behind SKLens's navigation providers, as pure functions over the CodeIndex
// interface (src/index/api.ts) and plain positions. No `vscode` import: the provider files turn
// these results into VS Code objects through src/features/adapters.ts, and the unit tests call
// these functions directly with a small in-memory index.
import type { CallEdge, CodeIndex, Located } from '../index/api';
import type { FieldAccess, FileFacts, FunctionDef, Span } from '../index/facts';
import { visibleFrom } from '../index/visibility';

/** A position in a workspace file: path relative to its root, 0-based line and UTF-16 column. */
export interface FilePos {
  file: string;
  line: number;
  col: number;
}

export interface FileSpan {
  file: string;
  span: Span;
}

/** The identifier under the cursor and what the text around it says about it. */
export interface WordAt {
  word: string;
  startCol: number;
  endCol: number;
  /** Preceded by `->` or `.`: a struct member (`sk->sk_wmem_queued`, `.sendmsg = `). */
  member: boolean;
  /** Preceded by `struct` / `union`: a tag name. */
  tag: boolean;
}

const IDENT = /[A-Za-z0-9_]+/g;

/** The C identifier touching column `col` of `lineText`, or undefined. */
export function wordAt(lineText: string, col: number): WordAt | undefined {
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(lineText); m; m = IDENT.exec(lineText)) {
    const start = m.index;
    const end = start + m[0].length;
    if (col < start) break;
    if (col > end) continue;
    // A number (`0x10`, `1UL`) is not an identifier.
    if (/^[0-9]/.test(m[0])) return undefined;
    const before = lineText.slice(0, start).trimEnd();
    return {
      word: m[0],
      startCol: start,
      endCol: end,
      member: before.endsWith('->') || (before.endsWith('.') && !before.endsWith('..')),
      tag: /\b(struct|union)$/.test(before),
    };
  }
  return undefined;
}

export function contains(span: Span, line: number, col: number): boolean {
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && col < span.col) return false;
  if (line === span.endLine && col > span.endCol) return false;
  return true;
}

/** Whether `span` shares at least one character with columns [startCol, endCol) of `line`. */
export function overlaps(span: Span, line: number, startCol: number, endCol: number): boolean {
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && endCol <= span.col) return false;
  if (line === span.endLine && startCol >= span.endCol) return false;
  return true;
}

function byFileThenPos(a: FileSpan, b: FileSpan): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.span.line - b.span.line ||
    a.span.col - b.span.col
  );
}

/** Whether `def` can be what a name in `file` means (src/index/visibility.ts). */
function visible(def: Located<FunctionDef>, file: string): boolean {
  return visibleFrom(def.file, def.item.isStatic, file);
}

/** The definitions of `name` a use in `file` can mean; a static one in `file` shadows the rest. */
function definitionsSeenFrom(index: CodeIndex, name: string, file: string): Located<FunctionDef>[] {
  const defs = index.functionDefs(name).filter((d) => visible(d, file));
  const local = defs.filter((d) => d.item.isStatic && d.file === file);
  return local.length > 0 ? local : defs;
}

/**
 * The struct field under the cursor: a field access the index recorded at this position (which
 * carries the struct resolved from declarations), or a field declaration inside a struct body.
 */
export function fieldAt(
  index: CodeIndex,
  pos: FilePos,
  word: WordAt,
): { field: string; struct: string | null } | undefined {
  const acc = index
    .fieldAccessesIn(pos.file, word.word)
    .find((a) => overlaps(a.span, pos.line, word.startCol, word.endCol));
  if (acc) return { field: acc.field, struct: acc.struct };
  const facts = index.facts(pos.file);
  if (facts) {
    for (const s of facts.structs) {
      if (!contains(s.span, pos.line, pos.col)) continue;
      const f = s.fields.find((x) => x.name === word.word && contains(x.span, pos.line, pos.col));
      if (f) return { field: f.name, struct: s.name };
    }
    // An ops-table initialiser names members: `.sendmsg = tcp_sendmsg`.
    for (const t of facts.opsTables) {
      const m = t.members.find(
        (x) => x.member === word.word && contains(x.span, pos.line, pos.col),
      );
      if (m && word.member) return { field: m.member, struct: t.struct };
    }
  }
  return word.member ? { field: word.word, struct: null } : undefined;
}

/** Field declarations named `field` (in `struct` when known). */
export function fieldDefinitions(
  index: CodeIndex,
  field: string,
  struct: string | null,
): FileSpan[] {
  const out: FileSpan[] = [];
  if (struct) {
    for (const s of index.structDefs(struct)) {
      for (const f of s.item.fields) if (f.name === field) out.push({ file: s.file, span: f.span });
    }
    if (out.length > 0) return out.sort(byFileThenPos);
  }
  for (const hit of index.searchSymbols(field, 10_000)) {
    if (hit.kind === 'field' && hit.name === field) out.push({ file: hit.file, span: hit.span });
  }
  return out.sort(byFileThenPos);
}

/** Go to Definition: functions, macros, struct tags and struct fields. */
export function findDefinitions(index: CodeIndex, pos: FilePos, word: WordAt): FileSpan[] {
  if (word.member) {
    const f = fieldAt(index, pos, word);
    return f ? fieldDefinitions(index, f.field, f.struct) : [];
  }
  if (word.tag) {
    return index
      .structDefs(word.word)
      .map((s) => ({ file: s.file, span: s.item.nameSpan }))
      .sort(byFileThenPos);
  }
  const out: FileSpan[] = definitionsSeenFrom(index, word.word, pos.file).map((d) => ({
    file: d.file,
    span: d.item.nameSpan,
  }));
  for (const m of index.macroDefs(word.word)) out.push({ file: m.file, span: m.item.nameSpan });
  if (out.length === 0) {
    for (const s of index.structDefs(word.word)) out.push({ file: s.file, span: s.item.nameSpan });
  }
  if (out.length === 0) {
    const f = fieldAt(index, pos, word);
    if (f) return fieldDefinitions(index, f.field, f.struct);
  }
  return out.sort(byFileThenPos);
}

export interface Reference extends FileSpan {
  kind: 'call' | 'ref' | 'read' | 'write' | 'definition';
}

/**
 * Find References. On a struct member: every read and write of that field (narrowed to the
 * struct when the index resolved it) plus its declarations. Elsewhere: the index's references
 * for the identifier, minus field accesses that merely share the name.
 */
export function findReferences(
  index: CodeIndex,
  pos: FilePos,
  word: WordAt,
  includeDeclaration: boolean,
): Reference[] {
  const field = word.member ? fieldAt(index, pos, word) : undefined;
  const fieldDecl = !field && !word.member ? fieldAt(index, pos, word) : undefined;
  const f = field ?? fieldDecl;
  let out: Reference[];
  if (f) {
    out = fieldAccesses(index, f.field, f.struct ?? undefined).map((a) => ({
      file: a.file,
      span: a.item.span,
      kind: a.item.access,
    }));
    if (includeDeclaration) {
      for (const d of fieldDefinitions(index, f.field, f.struct)) {
        out.push({ ...d, kind: 'definition' });
      }
    }
  } else {
    out = index
      .references(word.word)
      .filter((r) => r.kind !== 'read' && r.kind !== 'write')
      .filter((r) => includeDeclaration || r.kind !== 'definition')
      .map((r) => ({ file: r.file, span: r.span, kind: r.kind }));
  }
  return dedupe(out).sort(byFileThenPos);
}

function dedupe<T extends FileSpan>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = `${x.file}:${x.span.line}:${x.span.col}:${x.span.endLine}:${x.span.endCol}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Reads and writes of a field, writes first, then by file and line (the Find Field Accesses list). */
export function fieldAccesses(
  index: CodeIndex,
  field: string,
  struct?: string,
): Located<FieldAccess>[] {
  return index
    .fieldAccesses(field, struct)
    .filter((a) => a.item.field === field)
    .sort(
      (a, b) =>
        (a.item.access === b.item.access ? 0 : a.item.access === 'write' ? -1 : 1) ||
        byFileThenPos({ file: a.file, span: a.item.span }, { file: b.file, span: b.item.span }),
    );
}

// ---------------------------------------------------------------- document symbols (Outline)

export type OutlineKind = 'function' | 'struct' | 'union' | 'field' | 'macro' | 'opsTable';

export interface OutlineNode {
  name: string;
  kind: OutlineKind;
  detail: string;
  span: Span;
  nameSpan: Span;
  children: OutlineNode[];
}

/** The Outline of one file: functions, structs/unions with their fields, macros, ops tables. */
export function outline(facts: FileFacts): OutlineNode[] {
  const nodes: OutlineNode[] = [];
  for (const f of facts.functions) {
    const flags = [f.isStatic ? 'static' : '', f.isInline ? 'inline' : '', kindNote(f.kind)];
    nodes.push({
      name: f.name,
      kind: 'function',
      detail: flags.filter(Boolean).join(' '),
      span: f.span,
      nameSpan: clampInside(f.nameSpan, f.span),
      children: [],
    });
  }
  for (const s of facts.structs) {
    nodes.push({
      name: s.name,
      kind: s.kind,
      detail: `${s.kind}, ${s.fields.length} field${s.fields.length === 1 ? '' : 's'}`,
      span: s.span,
      nameSpan: clampInside(s.nameSpan, s.span),
      children: s.fields.map((fd) => ({
        name: fd.name,
        kind: 'field' as const,
        detail: fd.type,
        span: fd.span,
        nameSpan: fd.span,
        children: [],
      })),
    });
  }
  for (const m of facts.macros) {
    nodes.push({
      name: m.name,
      kind: 'macro',
      detail: m.params ? `(${m.params.join(', ')})` : m.value.slice(0, 60),
      span: m.span,
      nameSpan: clampInside(m.nameSpan, m.span),
      children: [],
    });
  }
  for (const t of facts.opsTables) {
    nodes.push({
      name: t.name,
      kind: 'opsTable',
      detail: `struct ${t.struct}`,
      span: t.span,
      nameSpan: t.span,
      children: t.members.map((m) => ({
        name: `.${m.member}`,
        kind: 'field' as const,
        detail: m.fn,
        span: m.span,
        nameSpan: m.span,
        children: [],
      })),
    });
  }
  return nodes.sort((a, b) => a.span.line - b.span.line || a.span.col - b.span.col);
}

function kindNote(k: FunctionDef['kind']): string {
  return k === 'syscall' ? 'SYSCALL_DEFINE' : k === 'bpf_call' ? 'BPF_CALL' : '';
}

/** VS Code rejects a DocumentSymbol whose selectionRange is not inside its range. */
function clampInside(inner: Span, outer: Span): Span {
  const before = inner.line < outer.line || (inner.line === outer.line && inner.col < outer.col);
  const after =
    inner.endLine > outer.endLine ||
    (inner.endLine === outer.endLine && inner.endCol > outer.endCol);
  return before || after ? { ...outer } : inner;
}

// ---------------------------------------------------------------- call hierarchy

/** A function as a call hierarchy node. `defined: false` = called but not defined in the index. */
export interface FnRef {
  name: string;
  file: string;
  span: Span;
  nameSpan: Span;
  detail: string;
  defined: boolean;
  isStatic: boolean;
}

export interface CallGroup {
  fn: FnRef;
  /** `direct`, `INDIRECT_CALL` or `ops:<struct|table>.<member>`. */
  via: string;
  /** Call sites, in the caller's file. */
  ranges: Span[];
}

/** Item detail: where it is, and for indirect edges how the call gets there. */
export function viaDetail(via: string): string {
  return via === 'direct' ? '' : `via ${via}`;
}

function fnRef(d: Located<FunctionDef>): FnRef {
  return {
    name: d.item.name,
    file: d.file,
    span: d.item.span,
    nameSpan: clampInside(d.item.nameSpan, d.item.span),
    detail: `${d.item.isStatic ? 'static ' : ''}${d.file}`,
    defined: true,
    isStatic: d.item.isStatic,
  };
}

/** The functions the cursor names (a call or a definition name), else the enclosing function. */
export function prepareCallHierarchy(
  index: CodeIndex,
  pos: FilePos,
  word: WordAt | undefined,
): FnRef[] {
  if (word && !word.member) {
    const chosen = definitionsSeenFrom(index, word.word, pos.file);
    if (chosen.length > 0) return chosen.map(fnRef);
  }
  const enclosing = index.functionAt(pos.file, pos.line, pos.col);
  return enclosing ? [fnRef(enclosing)] : [];
}

/** Find the indexed definition a call hierarchy item stands for (items come back from VS Code). */
export function resolveFnRef(
  index: CodeIndex,
  name: string,
  file: string,
  line: number,
): FnRef | undefined {
  const defs = index.functionDefs(name);
  const d =
    defs.find((x) => x.file === file && x.item.span.line === line) ??
    defs.find((x) => x.file === file);
  return d ? fnRef(d) : undefined;
}

/** The definition an edge's callee resolves to (the index resolves it from the call site's file). */
function calleeRef(index: CodeIndex, edge: CallEdge): FnRef {
  const defs = index.functionDefs(edge.callee);
  const d =
    (edge.calleeFile !== undefined ? defs.find((x) => x.file === edge.calleeFile) : undefined) ??
    defs.find((x) => x.item.isStatic && x.file === edge.file) ??
    defs.find((x) => visible(x, edge.file));
  if (d) return fnRef(d);
  return {
    name: edge.callee,
    file: edge.file,
    span: edge.span,
    nameSpan: edge.span,
    detail: 'not defined in the workspace',
    defined: false,
    isStatic: false,
  };
}

function groupEdges(edges: CallEdge[], ref: (e: CallEdge) => FnRef): CallGroup[] {
  const groups = new Map<string, CallGroup>();
  for (const e of edges) {
    const fn = ref(e);
    const key = `${fn.file}\0${fn.name}\0${fn.span.line}\0${e.via}`;
    let g = groups.get(key);
    if (!g) {
      g = { fn, via: e.via, ranges: [] };
      groups.set(key, g);
    }
    g.ranges.push(e.span);
  }
  const out = [...groups.values()];
  for (const g of out) g.ranges.sort((a, b) => a.line - b.line || a.col - b.col);
  return out.sort(
    (a, b) =>
      (a.fn.name < b.fn.name ? -1 : a.fn.name > b.fn.name ? 1 : 0) ||
      (a.fn.file < b.fn.file ? -1 : a.fn.file > b.fn.file ? 1 : 0) ||
      (a.via < b.via ? -1 : a.via > b.via ? 1 : 0),
  );
}

/** Outgoing calls of `target`: edges from call sites inside its body, grouped by callee and via. */
export function outgoingCalls(index: CodeIndex, target: FnRef): CallGroup[] {
  if (!target.defined) return [];
  // Same-named definitions in one file (`#ifdef` variants) are told apart by the body's span.
  const edges = index
    .calleesOf(target.name, target.file)
    .filter((e) => e.file === target.file && contains(target.span, e.span.line, e.span.col));
  return groupEdges(edges, (e) => calleeRef(index, e));
}

/**
 * Incoming calls of `target`, grouped by calling function and via. The index keeps only the
 * calls that reach this definition: a static function is called directly from its own file
 * only, while ops-table calls reach it from anywhere.
 */
export function incomingCalls(index: CodeIndex, target: FnRef): CallGroup[] {
  if (!target.defined) return [];
  return groupEdges(index.callersOf(target.name, target.file), (e) => callerRef(index, e));
}

function callerRef(index: CodeIndex, edge: CallEdge): FnRef {
  const enclosing = index.functionAt(edge.file, edge.span.line, edge.span.col);
  if (enclosing && enclosing.item.name === edge.caller) return fnRef(enclosing);
  const d = index.functionDefs(edge.caller).find((x) => x.file === edge.file);
  if (d) return fnRef(d);
  return {
    name: edge.caller || '(file scope)',
    file: edge.file,
    span: edge.span,
    nameSpan: edge.span,
    detail: edge.file,
    defined: false,
    isStatic: false,
  };
}

/** `field`, `struct.field` or `struct::field` typed by the user. */
export function parseFieldQuery(
  text: string,
): { field: string; struct: string | null } | undefined {
  const m = /^\s*(?:(?:struct\s+)?([A-Za-z_]\w*)\s*(?:\.|::|->)\s*)?([A-Za-z_]\w*)\s*$/.exec(text);
  return m ? { struct: m[1] ?? null, field: m[2]! } : undefined;
}
