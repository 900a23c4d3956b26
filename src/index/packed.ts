// The packed form of one file's facts: the bulk kinds (function definitions, call sites, field
// accesses, plain identifier references; ~670k records for net/) live in fixed-width Int32Array
// rows whose strings are ids into a string table, while the few nested kinds (macros, structs
// with their fields, ops tables) stay objects. The index keeps every file in this form, index workers
// and the document worker post it (the arrays are transferred, not cloned) and the cache codec
// reads and writes it, so the bulk facts are never a million small objects on the host.
//
// Row layouts (every span is line, col, endLine - line, endCol; a null string is -1):
//   function     name, flags (1 static, 2 inline), kind (FN_KINDS), macro or -1, span, nameSpan
//   call         caller, callee, kind (0 direct, 1 indirect, 2 ops), a, b, span
//                 indirect: a = pointer; ops: a = struct or -1, b = member; else -1
//   field access function, struct, field, access (0 read, 1 write), span
//   ref          name, function, span
// FileFacts (facts.ts) stays the public shape: `unpackFacts` builds it for one file on demand.
import type {
  CallSite,
  FieldAccess,
  FileFacts,
  FunctionDef,
  FunctionKind,
  IdentRef,
  MacroDef,
  OpsTable,
  Span,
  StructDef,
} from './facts';

export const FN_W = 12;
export const CALL_W = 9;
export const FIELD_W = 8;
export const REF_W = 6;

/** The columns of each row kind that hold string ids (remapped between string tables). */
export const FN_STRING_COLS = [0, 3] as const;
export const CALL_STRING_COLS = [0, 1, 3, 4] as const;
export const FIELD_STRING_COLS = [0, 1, 2] as const;
export const REF_STRING_COLS = [0, 1] as const;

export interface PackedFacts {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  functions: Int32Array;
  macros: MacroDef[];
  structs: StructDef[];
  opsTables: OpsTable[];
  problems: string[];
  calls: Int32Array;
  fieldAccesses: Int32Array;
  refs: Int32Array;
}

/** Strings by id; `id` adds a string that is not there yet. */
export class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  idOrNull(s: string | null): number {
    return s === null ? -1 : this.id(s);
  }

  /** A table holding `strings` with their positions as ids (a duplicate keeps its first id). */
  static from(strings: readonly string[]): StringTable {
    const t = new StringTable();
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i]!;
      t.strings.push(s);
      if (!t.ids.has(s)) t.ids.set(s, i);
    }
    return t;
  }

  /** The id of a string already in the table, or undefined (never adds). */
  lookup(s: string): number | undefined {
    return this.ids.get(s);
  }

  /** The table's own copy of `s` (so equal names share one string). */
  intern(s: string): string {
    return this.strings[this.id(s)]!;
  }

  get size(): number {
    return this.strings.length;
  }
}

function putSpan(a: Int32Array, at: number, s: Span): void {
  a[at] = s.line;
  a[at + 1] = s.col;
  a[at + 2] = s.endLine - s.line;
  a[at + 3] = s.endCol;
}

export function spanAt(a: Int32Array, at: number): Span {
  const line = a[at]!;
  return { line, col: a[at + 1]!, endLine: line + a[at + 2]!, endCol: a[at + 3]! };
}

export const FN_KINDS: readonly FunctionKind[] = ['function', 'syscall', 'bpf_call'];

/**
 * Packs one file's facts against `t`. The object parts are shared with `f` (their strings
 * are replaced by the table's copies when `internObjects` is set).
 */
export function packFacts(f: FileFacts, t: StringTable, internObjects = false): PackedFacts {
  const functions = new Int32Array(f.functions.length * FN_W);
  for (let i = 0, at = 0; i < f.functions.length; i++, at += FN_W) {
    const d = f.functions[i]!;
    functions[at] = t.id(d.name);
    functions[at + 1] = (d.isStatic ? 1 : 0) | (d.isInline ? 2 : 0);
    functions[at + 2] = FN_KINDS.indexOf(d.kind);
    functions[at + 3] = d.macro === undefined ? -1 : t.id(d.macro);
    putSpan(functions, at + 4, d.span);
    putSpan(functions, at + 8, d.nameSpan);
  }
  const calls = new Int32Array(f.calls.length * CALL_W);
  for (let i = 0, at = 0; i < f.calls.length; i++, at += CALL_W) {
    const c = f.calls[i]!;
    calls[at] = t.idOrNull(c.caller);
    calls[at + 1] = t.id(c.callee);
    const v = c.via;
    if (v.kind === 'direct') {
      calls[at + 2] = 0;
      calls[at + 3] = -1;
      calls[at + 4] = -1;
    } else if (v.kind === 'indirect') {
      calls[at + 2] = 1;
      calls[at + 3] = t.id(v.pointer);
      calls[at + 4] = -1;
    } else {
      calls[at + 2] = 2;
      calls[at + 3] = t.idOrNull(v.struct);
      calls[at + 4] = t.id(v.member);
    }
    putSpan(calls, at + 5, c.span);
  }
  const fields = new Int32Array(f.fieldAccesses.length * FIELD_W);
  for (let i = 0, at = 0; i < f.fieldAccesses.length; i++, at += FIELD_W) {
    const a = f.fieldAccesses[i]!;
    fields[at] = t.idOrNull(a.function);
    fields[at + 1] = t.idOrNull(a.struct);
    fields[at + 2] = t.id(a.field);
    fields[at + 3] = a.access === 'write' ? 1 : 0;
    putSpan(fields, at + 4, a.span);
  }
  const refs = new Int32Array(f.refs.length * REF_W);
  for (let i = 0, at = 0; i < f.refs.length; i++, at += REF_W) {
    const r = f.refs[i]!;
    refs[at] = t.id(r.name);
    refs[at + 1] = t.idOrNull(r.function);
    putSpan(refs, at + 2, r.span);
  }
  const p: PackedFacts = {
    path: f.path,
    size: f.size,
    mtimeMs: f.mtimeMs,
    hash: f.hash,
    functions,
    macros: f.macros,
    structs: f.structs,
    opsTables: f.opsTables,
    problems: f.problems,
    calls,
    fieldAccesses: fields,
    refs,
  };
  if (internObjects) internObjectParts(p, t);
  return p;
}

/** Replaces the strings of the object parts by the table's copies. */
export function internObjectParts(p: PackedFacts, t: StringTable): void {
  p.path = t.intern(p.path);
  for (const m of p.macros) m.name = t.intern(m.name);
  for (const s of p.structs) {
    s.name = t.intern(s.name);
    for (const fd of s.fields) {
      fd.name = t.intern(fd.name);
      fd.type = t.intern(fd.type);
    }
  }
  for (const o of p.opsTables) {
    o.struct = t.intern(o.struct);
    o.name = t.intern(o.name);
    for (const m of o.members) {
      m.member = t.intern(m.member);
      m.fn = t.intern(m.fn);
    }
  }
}

/**
 * Rewrites the string ids of `p`'s rows through `map` (old id -> new id), in place: from a
 * worker's or the cache's table to the index's.
 */
export function remapRows(p: PackedFacts, map: Int32Array): void {
  remapColumns(p.functions, FN_W, FN_STRING_COLS, map);
  remapColumns(p.calls, CALL_W, CALL_STRING_COLS, map);
  remapColumns(p.fieldAccesses, FIELD_W, FIELD_STRING_COLS, map);
  remapColumns(p.refs, REF_W, REF_STRING_COLS, map);
}

function remapColumns(
  a: Int32Array,
  width: number,
  cols: readonly number[],
  map: Int32Array,
): void {
  for (let at = 0; at < a.length; at += width) {
    for (const c of cols) {
      const v = a[at + c]!;
      if (v === -1) continue;
      const m = map[v];
      if (m === undefined || v < 0) throw new Error(`packed facts: bad string id ${v}`);
      a[at + c] = m;
    }
  }
}

/**
 * Checks that `p`'s rows are well formed: whole rows, string ids below `strings`, the
 * non-null columns set, kinds and access codes known (a corrupt input otherwise).
 */
export function checkRows(p: PackedFacts, strings: number): void {
  const check = (a: Int32Array, width: number, cols: readonly number[], required: number[]) => {
    if (a.length % width !== 0) throw new Error('packed facts: ragged rows');
    for (let at = 0; at < a.length; at += width) {
      for (const c of cols) {
        const v = a[at + c]!;
        if (v < -1 || v >= strings) throw new Error(`packed facts: bad string id ${v}`);
      }
      for (const c of required) {
        if (a[at + c] === -1) throw new Error('packed facts: missing name');
      }
    }
  };
  check(p.functions, FN_W, FN_STRING_COLS, [0]);
  for (let at = 0; at < p.functions.length; at += FN_W) {
    if (FN_KINDS[p.functions[at + 2]!] === undefined) throw new Error('packed facts: bad kind');
  }
  check(p.calls, CALL_W, CALL_STRING_COLS, [1]);
  for (let at = 0; at < p.calls.length; at += CALL_W) {
    const kind = p.calls[at + 2];
    if (kind !== 0 && kind !== 1 && kind !== 2) throw new Error('packed facts: bad call kind');
    if ((kind === 1 && p.calls[at + 3] === -1) || (kind === 2 && p.calls[at + 4] === -1)) {
      throw new Error('packed facts: missing name');
    }
  }
  check(p.fieldAccesses, FIELD_W, FIELD_STRING_COLS, [2]);
  for (let at = 0; at < p.fieldAccesses.length; at += FIELD_W) {
    const acc = p.fieldAccesses[at + 3];
    if (acc !== 0 && acc !== 1) throw new Error('packed facts: bad access code');
  }
  check(p.refs, REF_W, REF_STRING_COLS, [0]);
}

const DIRECT = Object.freeze({ kind: 'direct' as const });

function str(strings: readonly string[], id: number): string {
  const s = strings[id];
  if (s === undefined) throw new Error(`packed facts: bad string id ${id}`);
  return s;
}
function strOrNull(strings: readonly string[], id: number): string | null {
  return id === -1 ? null : str(strings, id);
}

export function functionAt(a: Int32Array, row: number, strings: readonly string[]): FunctionDef {
  const at = row * FN_W;
  const flags = a[at + 1]!;
  const d: FunctionDef = {
    name: str(strings, a[at]!),
    span: spanAt(a, at + 4),
    nameSpan: spanAt(a, at + 8),
    isStatic: (flags & 1) !== 0,
    isInline: (flags & 2) !== 0,
    kind: FN_KINDS[a[at + 2]!] ?? 'function',
  };
  const macro = a[at + 3]!;
  if (macro !== -1) d.macro = str(strings, macro);
  return d;
}

export function callAt(a: Int32Array, row: number, strings: readonly string[]): CallSite {
  const at = row * CALL_W;
  const kind = a[at + 2];
  const via: CallSite['via'] =
    kind === 0
      ? DIRECT
      : kind === 1
        ? { kind: 'indirect', pointer: str(strings, a[at + 3]!) }
        : { kind: 'ops', struct: strOrNull(strings, a[at + 3]!), member: str(strings, a[at + 4]!) };
  return {
    caller: strOrNull(strings, a[at]!),
    callee: str(strings, a[at + 1]!),
    via,
    span: spanAt(a, at + 5),
  };
}

export function fieldAccessAt(a: Int32Array, row: number, strings: readonly string[]): FieldAccess {
  const at = row * FIELD_W;
  return {
    function: strOrNull(strings, a[at]!),
    struct: strOrNull(strings, a[at + 1]!),
    field: str(strings, a[at + 2]!),
    access: a[at + 3] === 1 ? 'write' : 'read',
    span: spanAt(a, at + 4),
  };
}

export function refAt(a: Int32Array, row: number, strings: readonly string[]): IdentRef {
  const at = row * REF_W;
  return {
    name: str(strings, a[at]!),
    span: spanAt(a, at + 2),
    function: strOrNull(strings, a[at + 1]!),
  };
}

/** The FileFacts of one packed file (the object parts are shared, the rows decoded). */
export function unpackFacts(p: PackedFacts, strings: readonly string[]): FileFacts {
  const functions: FunctionDef[] = new Array(p.functions.length / FN_W);
  for (let i = 0; i < functions.length; i++) functions[i] = functionAt(p.functions, i, strings);
  const calls: CallSite[] = new Array(p.calls.length / CALL_W);
  for (let i = 0; i < calls.length; i++) calls[i] = callAt(p.calls, i, strings);
  const fieldAccesses: FieldAccess[] = new Array(p.fieldAccesses.length / FIELD_W);
  for (let i = 0; i < fieldAccesses.length; i++) {
    fieldAccesses[i] = fieldAccessAt(p.fieldAccesses, i, strings);
  }
  const refs: IdentRef[] = new Array(p.refs.length / REF_W);
  for (let i = 0; i < refs.length; i++) refs[i] = refAt(p.refs, i, strings);
  return {
    path: p.path,
    size: p.size,
    mtimeMs: p.mtimeMs,
    hash: p.hash,
    functions,
    macros: p.macros,
    structs: p.structs,
    calls,
    fieldAccesses,
    opsTables: p.opsTables,
    refs,
    problems: p.problems,
  };
}

/**
 * A batch of packed files with their own string table, as posted between threads: the rows'
 * buffers are listed in `transfer` so postMessage moves them instead of copying.
 */
export interface PackedBatch {
  strings: string[];
  files: PackedFacts[];
}

export function packBatch(facts: readonly FileFacts[]): {
  batch: PackedBatch;
  transfer: ArrayBuffer[];
} {
  const t = new StringTable();
  const files = facts.map((f) => packFacts(f, t));
  const transfer: ArrayBuffer[] = [];
  for (const p of files) {
    for (const a of [p.functions, p.calls, p.fieldAccesses, p.refs]) {
      if (a.byteLength > 0) transfer.push(a.buffer as ArrayBuffer);
    }
  }
  return { batch: { strings: t.strings, files }, transfer };
}
