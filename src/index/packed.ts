// The packed form of one file's facts: the bulk kinds (function definitions, macro
// definitions, call sites, field accesses, plain identifier references; ~670k records for net/,
// 2M macro definitions alone in the whole kernel) live in fixed-width Int32Array rows whose
// strings are ids into a string table, while the few nested kinds (structs with their fields,
// ops tables) stay objects. The index keeps every file in this form, index workers
// and the document worker post it (the arrays are transferred, not cloned) and the cache codec
// reads and writes it, so the bulk facts are never a million small objects on the host.
//
// Row layouts: the column names below (FN, MACRO, CALL, FIELD, REF and SPAN); a null string is -1.
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

/** Columns of a span inside a row: line, col, endLine - line, endCol. */
export const SPAN = { line: 0, col: 1, lines: 2, endCol: 3 } as const;
const SPAN_W = 4;

/** Columns of a function row. */
export const FN = {
  name: 0,
  /** FN_STATIC | FN_INLINE. */
  flags: 1,
  /** Index into FN_KINDS. */
  kind: 2,
  /** The defining macro's name, or -1. */
  macro: 3,
  span: 4,
  nameSpan: 4 + SPAN_W,
} as const;
export const FN_W = FN.nameSpan + SPAN_W;
export const FN_STATIC = 1;
export const FN_INLINE = 2;

/** Columns of a macro-definition row. */
export const MACRO = {
  name: 0,
  /**
   * A function-like macro's parameter names joined by ',' (which no parameter name holds; ''
   * for `M()`), or -1 for an object-like macro.
   */
  params: 1,
  /** The replacement text (trimmed, at most 200 characters: facts.ts). */
  value: 2,
  span: 3,
  nameSpan: 3 + SPAN_W,
} as const;
export const MACRO_W = MACRO.nameSpan + SPAN_W;

/** Columns of a call row. */
export const CALL = {
  /** The calling function, or -1 at file scope. */
  caller: 0,
  callee: 1,
  /** CALL_DIRECT, CALL_INDIRECT or CALL_OPS. */
  kind: 2,
  /** indirect: the pointer expression; ops: the struct, or -1; direct: -1. */
  a: 3,
  /** ops: the member; else -1. */
  b: 4,
  span: 5,
} as const;
export const CALL_W = CALL.span + SPAN_W;
export const CALL_DIRECT = 0;
export const CALL_INDIRECT = 1;
export const CALL_OPS = 2;

/** Columns of a field-access row. */
export const FIELD = {
  function: 0,
  struct: 1,
  field: 2,
  /** ACCESS_READ or ACCESS_WRITE. */
  access: 3,
  span: 4,
} as const;
export const FIELD_W = FIELD.span + SPAN_W;
export const ACCESS_READ = 0;
export const ACCESS_WRITE = 1;

/** Columns of an identifier-reference row. */
export const REF = { name: 0, function: 1, span: 2 } as const;
export const REF_W = REF.span + SPAN_W;

/** The columns of each row kind that hold string ids (remapped between string tables). */
export const FN_STRING_COLS = [FN.name, FN.macro] as const;
export const MACRO_STRING_COLS = [MACRO.name, MACRO.params, MACRO.value] as const;
export const CALL_STRING_COLS = [CALL.caller, CALL.callee, CALL.a, CALL.b] as const;
export const FIELD_STRING_COLS = [FIELD.function, FIELD.struct, FIELD.field] as const;
export const REF_STRING_COLS = [REF.name, REF.function] as const;

export interface PackedFacts {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  functions: Int32Array;
  macros: Int32Array;
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
  a[at + SPAN.line] = s.line;
  a[at + SPAN.col] = s.col;
  a[at + SPAN.lines] = s.endLine - s.line;
  a[at + SPAN.endCol] = s.endCol;
}

export function spanAt(a: Int32Array, at: number): Span {
  const line = a[at + SPAN.line]!;
  return {
    line,
    col: a[at + SPAN.col]!,
    endLine: line + a[at + SPAN.lines]!,
    endCol: a[at + SPAN.endCol]!,
  };
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
    functions[at + FN.name] = t.id(d.name);
    functions[at + FN.flags] = (d.isStatic ? FN_STATIC : 0) | (d.isInline ? FN_INLINE : 0);
    functions[at + FN.kind] = FN_KINDS.indexOf(d.kind);
    functions[at + FN.macro] = d.macro === undefined ? -1 : t.id(d.macro);
    putSpan(functions, at + FN.span, d.span);
    putSpan(functions, at + FN.nameSpan, d.nameSpan);
  }
  const macros = new Int32Array(f.macros.length * MACRO_W);
  for (let i = 0, at = 0; i < f.macros.length; i++, at += MACRO_W) {
    const m = f.macros[i]!;
    macros[at + MACRO.name] = t.id(m.name);
    macros[at + MACRO.params] = m.params === undefined ? -1 : t.id(m.params.join(','));
    macros[at + MACRO.value] = t.id(m.value);
    putSpan(macros, at + MACRO.span, m.span);
    putSpan(macros, at + MACRO.nameSpan, m.nameSpan);
  }
  const calls = new Int32Array(f.calls.length * CALL_W);
  for (let i = 0, at = 0; i < f.calls.length; i++, at += CALL_W) {
    const c = f.calls[i]!;
    calls[at + CALL.caller] = t.idOrNull(c.caller);
    calls[at + CALL.callee] = t.id(c.callee);
    const v = c.via;
    if (v.kind === 'direct') {
      calls[at + CALL.kind] = CALL_DIRECT;
      calls[at + CALL.a] = -1;
      calls[at + CALL.b] = -1;
    } else if (v.kind === 'indirect') {
      calls[at + CALL.kind] = CALL_INDIRECT;
      calls[at + CALL.a] = t.id(v.pointer);
      calls[at + CALL.b] = -1;
    } else {
      calls[at + CALL.kind] = CALL_OPS;
      calls[at + CALL.a] = t.idOrNull(v.struct);
      calls[at + CALL.b] = t.id(v.member);
    }
    putSpan(calls, at + CALL.span, c.span);
  }
  const fields = new Int32Array(f.fieldAccesses.length * FIELD_W);
  for (let i = 0, at = 0; i < f.fieldAccesses.length; i++, at += FIELD_W) {
    const a = f.fieldAccesses[i]!;
    fields[at + FIELD.function] = t.idOrNull(a.function);
    fields[at + FIELD.struct] = t.idOrNull(a.struct);
    fields[at + FIELD.field] = t.id(a.field);
    fields[at + FIELD.access] = a.access === 'write' ? ACCESS_WRITE : ACCESS_READ;
    putSpan(fields, at + FIELD.span, a.span);
  }
  const refs = new Int32Array(f.refs.length * REF_W);
  for (let i = 0, at = 0; i < f.refs.length; i++, at += REF_W) {
    const r = f.refs[i]!;
    refs[at + REF.name] = t.id(r.name);
    refs[at + REF.function] = t.idOrNull(r.function);
    putSpan(refs, at + REF.span, r.span);
  }
  const p: PackedFacts = {
    path: f.path,
    size: f.size,
    mtimeMs: f.mtimeMs,
    hash: f.hash,
    functions,
    macros,
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
  remapColumns(p.macros, MACRO_W, MACRO_STRING_COLS, map);
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
  check(p.functions, FN_W, FN_STRING_COLS, [FN.name]);
  for (let at = 0; at < p.functions.length; at += FN_W) {
    if (FN_KINDS[p.functions[at + FN.kind]!] === undefined)
      throw new Error('packed facts: bad kind');
  }
  check(p.macros, MACRO_W, MACRO_STRING_COLS, [MACRO.name, MACRO.value]);
  check(p.calls, CALL_W, CALL_STRING_COLS, [CALL.callee]);
  for (let at = 0; at < p.calls.length; at += CALL_W) {
    const kind = p.calls[at + CALL.kind];
    if (kind !== CALL_DIRECT && kind !== CALL_INDIRECT && kind !== CALL_OPS) {
      throw new Error('packed facts: bad call kind');
    }
    if (
      (kind === CALL_INDIRECT && p.calls[at + CALL.a] === -1) ||
      (kind === CALL_OPS && p.calls[at + CALL.b] === -1)
    ) {
      throw new Error('packed facts: missing name');
    }
  }
  check(p.fieldAccesses, FIELD_W, FIELD_STRING_COLS, [FIELD.field]);
  for (let at = 0; at < p.fieldAccesses.length; at += FIELD_W) {
    const acc = p.fieldAccesses[at + FIELD.access];
    if (acc !== ACCESS_READ && acc !== ACCESS_WRITE)
      throw new Error('packed facts: bad access code');
  }
  check(p.refs, REF_W, REF_STRING_COLS, [REF.name]);
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
  const flags = a[at + FN.flags]!;
  const d: FunctionDef = {
    name: str(strings, a[at + FN.name]!),
    span: spanAt(a, at + FN.span),
    nameSpan: spanAt(a, at + FN.nameSpan),
    isStatic: (flags & FN_STATIC) !== 0,
    isInline: (flags & FN_INLINE) !== 0,
    kind: FN_KINDS[a[at + FN.kind]!] ?? 'function',
  };
  const macro = a[at + FN.macro]!;
  if (macro !== -1) d.macro = str(strings, macro);
  return d;
}

export function macroAt(a: Int32Array, row: number, strings: readonly string[]): MacroDef {
  const at = row * MACRO_W;
  const d: MacroDef = {
    name: str(strings, a[at + MACRO.name]!),
    span: spanAt(a, at + MACRO.span),
    nameSpan: spanAt(a, at + MACRO.nameSpan),
    value: str(strings, a[at + MACRO.value]!),
  };
  const params = a[at + MACRO.params]!;
  if (params !== -1) d.params = macroParams(str(strings, params));
  return d;
}

/** The parameter names of a macro row's joined `params` string. */
export function macroParams(joined: string): string[] {
  return joined === '' ? [] : joined.split(',');
}

/** The macro definitions of one packed file, decoded. */
export function macrosOf(p: PackedFacts, strings: readonly string[]): MacroDef[] {
  const out: MacroDef[] = new Array(p.macros.length / MACRO_W);
  for (let i = 0; i < out.length; i++) out[i] = macroAt(p.macros, i, strings);
  return out;
}

export function callAt(a: Int32Array, row: number, strings: readonly string[]): CallSite {
  const at = row * CALL_W;
  const kind = a[at + CALL.kind];
  const via: CallSite['via'] =
    kind === CALL_DIRECT
      ? DIRECT
      : kind === CALL_INDIRECT
        ? { kind: 'indirect', pointer: str(strings, a[at + CALL.a]!) }
        : {
            kind: 'ops',
            struct: strOrNull(strings, a[at + CALL.a]!),
            member: str(strings, a[at + CALL.b]!),
          };
  return {
    caller: strOrNull(strings, a[at + CALL.caller]!),
    callee: str(strings, a[at + CALL.callee]!),
    via,
    span: spanAt(a, at + CALL.span),
  };
}

export function fieldAccessAt(a: Int32Array, row: number, strings: readonly string[]): FieldAccess {
  const at = row * FIELD_W;
  return {
    function: strOrNull(strings, a[at + FIELD.function]!),
    struct: strOrNull(strings, a[at + FIELD.struct]!),
    field: str(strings, a[at + FIELD.field]!),
    access: a[at + FIELD.access] === ACCESS_WRITE ? 'write' : 'read',
    span: spanAt(a, at + FIELD.span),
  };
}

export function refAt(a: Int32Array, row: number, strings: readonly string[]): IdentRef {
  const at = row * REF_W;
  return {
    name: str(strings, a[at + REF.name]!),
    span: spanAt(a, at + REF.span),
    function: strOrNull(strings, a[at + REF.function]!),
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
    macros: macrosOf(p, strings),
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
    for (const a of [p.functions, p.macros, p.calls, p.fieldAccesses, p.refs]) {
      if (a.byteLength > 0) transfer.push(a.buffer as ArrayBuffer);
    }
  }
  return { batch: { strings: t.strings, files }, transfer };
}
