// A compact binary encoding of FileFacts[] for the persistent cache: every string goes once into
// a string table (one JSON array), every number and string index into one Int32Array. Decoding
// is a linear walk that builds the objects, with no per-fact JSON parsing; strings come back
// shared (one copy of `sk_wmem_queued` however many accesses name it), which also keeps the
// index lean.
//
// The layout follows facts.ts field by field. Fields added to facts.ts later are not carried
// by this codec: test/unit/factsCodec.test.ts round-trips the extractor's output on every
// fixture and fails until the codec (and CODEC_VERSION) learn the new field.
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

/** Bump on any change of the layout below. */
export const CODEC_VERSION = 1;

const FN_KINDS: FunctionKind[] = ['function', 'syscall', 'bpf_call'];

class Writer {
  ints = new Int32Array(1 << 16);
  n = 0;
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

  int(v: number): void {
    if (this.n === this.ints.length) {
      const bigger = new Int32Array(this.ints.length * 2);
      bigger.set(this.ints);
      this.ints = bigger;
    }
    this.ints[this.n++] = v;
  }
  str(s: string): void {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    this.int(id);
  }
  strOrNull(s: string | null): void {
    if (s === null) this.int(-1);
    else this.str(s);
  }
  span(s: Span): void {
    this.int(s.line);
    this.int(s.col);
    this.int(s.endLine - s.line);
    this.int(s.endCol);
  }
}

class Reader {
  i = 0;
  constructor(
    private readonly ints: Int32Array,
    private readonly strings: string[],
  ) {}
  int(): number {
    if (this.i >= this.ints.length) throw new Error('facts codec: read past the end');
    return this.ints[this.i++]!;
  }
  str(): string {
    const s = this.strings[this.int()];
    if (s === undefined) throw new Error('facts codec: bad string index');
    return s;
  }
  strOrNull(): string | null {
    const id = this.int();
    if (id === -1) return null;
    const s = this.strings[id];
    if (s === undefined) throw new Error('facts codec: bad string index');
    return s;
  }
  span(): Span {
    const line = this.int();
    const col = this.int();
    const endLine = line + this.int();
    const endCol = this.int();
    return { line, col, endLine, endCol };
  }
  count(): number {
    const n = this.int();
    if (n < 0 || n > this.ints.length - this.i + 1) throw new Error('facts codec: bad count');
    return n;
  }
}

function writeFile(w: Writer, f: FileFacts): void {
  w.str(f.path);
  w.int(f.functions.length);
  for (const d of f.functions) {
    w.str(d.name);
    w.span(d.span);
    w.span(d.nameSpan);
    w.int((d.isStatic ? 1 : 0) | (d.isInline ? 2 : 0) | (d.macro !== undefined ? 4 : 0));
    w.int(FN_KINDS.indexOf(d.kind));
    if (d.macro !== undefined) w.str(d.macro);
  }
  w.int(f.macros.length);
  for (const m of f.macros) {
    w.str(m.name);
    w.span(m.span);
    w.span(m.nameSpan);
    if (m.params === undefined) w.int(-1);
    else {
      w.int(m.params.length);
      for (const p of m.params) w.str(p);
    }
    w.str(m.value);
  }
  w.int(f.structs.length);
  for (const s of f.structs) {
    w.str(s.name);
    w.int(s.kind === 'union' ? 1 : 0);
    w.span(s.span);
    w.span(s.nameSpan);
    w.int(s.fields.length);
    for (const fd of s.fields) {
      w.str(fd.name);
      w.str(fd.type);
      w.span(fd.span);
    }
  }
  w.int(f.calls.length);
  for (const c of f.calls) {
    w.strOrNull(c.caller);
    w.str(c.callee);
    const v = c.via;
    if (v.kind === 'direct') w.int(0);
    else if (v.kind === 'indirect') {
      w.int(1);
      w.str(v.pointer);
    } else {
      w.int(2);
      w.strOrNull(v.struct);
      w.str(v.member);
    }
    w.span(c.span);
  }
  w.int(f.fieldAccesses.length);
  for (const a of f.fieldAccesses) {
    w.strOrNull(a.function);
    w.strOrNull(a.struct);
    w.str(a.field);
    w.int(a.access === 'write' ? 1 : 0);
    w.span(a.span);
  }
  w.int(f.opsTables.length);
  for (const t of f.opsTables) {
    w.str(t.struct);
    w.str(t.name);
    w.span(t.span);
    w.int(t.members.length);
    for (const m of t.members) {
      w.str(m.member);
      w.str(m.fn);
      w.span(m.span);
    }
  }
  w.int(f.refs.length);
  for (const r of f.refs) {
    w.str(r.name);
    w.span(r.span);
    w.strOrNull(r.function);
  }
  w.int(f.problems.length);
  for (const p of f.problems) w.str(p);
}

const DIRECT = Object.freeze({ kind: 'direct' as const });

function readFile(r: Reader, meta: FileMeta): FileFacts {
  const path = r.str();
  if (path !== meta.path) throw new Error('facts codec: file order mismatch');
  const functions: FunctionDef[] = new Array(r.count());
  for (let i = 0; i < functions.length; i++) {
    const name = r.str();
    const span = r.span();
    const nameSpan = r.span();
    const flags = r.int();
    const kind = FN_KINDS[r.int()];
    if (kind === undefined) throw new Error('facts codec: bad function kind');
    const d: FunctionDef = {
      name,
      span,
      nameSpan,
      isStatic: !!(flags & 1),
      isInline: !!(flags & 2),
      kind,
    };
    if (flags & 4) d.macro = r.str();
    functions[i] = d;
  }
  const macros: MacroDef[] = new Array(r.count());
  for (let i = 0; i < macros.length; i++) {
    const name = r.str();
    const span = r.span();
    const nameSpan = r.span();
    const np = r.int();
    let params: string[] | undefined;
    if (np >= 0) {
      params = new Array(np);
      for (let j = 0; j < np; j++) params[j] = r.str();
    }
    const value = r.str();
    macros[i] = params ? { name, span, nameSpan, params, value } : { name, span, nameSpan, value };
  }
  const structs: StructDef[] = new Array(r.count());
  for (let i = 0; i < structs.length; i++) {
    const name = r.str();
    const kind = r.int() === 1 ? 'union' : 'struct';
    const span = r.span();
    const nameSpan = r.span();
    const fields = new Array(r.count());
    for (let j = 0; j < fields.length; j++) {
      const fname = r.str();
      const type = r.str();
      fields[j] = { name: fname, type, span: r.span() };
    }
    structs[i] = { name, kind, span, nameSpan, fields };
  }
  const calls: CallSite[] = new Array(r.count());
  for (let i = 0; i < calls.length; i++) {
    const caller = r.strOrNull();
    const callee = r.str();
    const k = r.int();
    let via: CallSite['via'];
    if (k === 0) via = DIRECT;
    else if (k === 1) via = { kind: 'indirect', pointer: r.str() };
    else if (k === 2) {
      const struct = r.strOrNull();
      via = { kind: 'ops', struct, member: r.str() };
    } else throw new Error('facts codec: bad call kind');
    calls[i] = { caller, callee, via, span: r.span() };
  }
  const fieldAccesses: FieldAccess[] = new Array(r.count());
  for (let i = 0; i < fieldAccesses.length; i++) {
    const fn = r.strOrNull();
    const struct = r.strOrNull();
    const field = r.str();
    const access = r.int() === 1 ? 'write' : 'read';
    fieldAccesses[i] = { function: fn, struct, field, access, span: r.span() };
  }
  const opsTables: OpsTable[] = new Array(r.count());
  for (let i = 0; i < opsTables.length; i++) {
    const struct = r.str();
    const name = r.str();
    const span = r.span();
    const members = new Array(r.count());
    for (let j = 0; j < members.length; j++) {
      const member = r.str();
      const fn = r.str();
      members[j] = { member, fn, span: r.span() };
    }
    opsTables[i] = { struct, name, span, members };
  }
  const refs: IdentRef[] = new Array(r.count());
  for (let i = 0; i < refs.length; i++) {
    const name = r.str();
    const span = r.span();
    refs[i] = { name, span, function: r.strOrNull() };
  }
  const problems: string[] = new Array(r.count());
  for (let i = 0; i < problems.length; i++) problems[i] = r.str();
  return {
    path,
    size: meta.size,
    mtimeMs: meta.mtimeMs,
    hash: meta.hash,
    functions,
    macros,
    structs,
    calls,
    fieldAccesses,
    opsTables,
    refs,
    problems,
  };
}

/** Per-file validation data, kept as JSON beside the packed facts. */
export interface FileMeta {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface EncodedFacts {
  metas: FileMeta[];
  strings: string[];
  ints: Int32Array;
}

export function encodeFacts(files: readonly FileFacts[]): EncodedFacts {
  const w = new Writer();
  const metas: FileMeta[] = [];
  for (const f of files) {
    metas.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs, hash: f.hash });
    writeFile(w, f);
  }
  return { metas, strings: w.strings, ints: w.ints.subarray(0, w.n) };
}

/** Throws on any inconsistency (the caller treats that as a corrupt cache). */
export function decodeFacts(e: EncodedFacts): FileFacts[] {
  const r = new Reader(e.ints, e.strings);
  const out: FileFacts[] = new Array(e.metas.length);
  for (let i = 0; i < e.metas.length; i++) out[i] = readFile(r, e.metas[i]!);
  if (r.i !== e.ints.length) throw new Error('facts codec: trailing data');
  return out;
}
