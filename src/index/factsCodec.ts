// A compact binary encoding of packed facts (packed.ts) for the persistent cache: a string table
// (one JSON array in the cache file) and one Int32Array of every number and string id. The
// string table starts as the index's own, so the packed rows (function and macro definitions,
// calls, field accesses, refs) are written as they are kept in memory and decoding them is a
// view of the buffer plus a check of their string ids; the nested facts (structs, ops tables)
// are written field by field and decoded into objects; the index's sealed postings follow the
// files.
//
// The nested facts' layout follows facts.ts field by field. Fields added to facts.ts later are
// not carried by this codec: test/unit/factsCodec.test.ts round-trips the extractor's output on
// every fixture and fails until the codec (and CODEC_VERSION) learn the new field.
import type { FileFacts, OpsTable, Span, StructDef } from './facts';
import {
  CALL_W,
  checkRows,
  FN_W,
  FIELD_W,
  MACRO_W,
  packFacts,
  REF_W,
  StringTable,
  unpackFacts,
  type PackedFacts,
} from './packed';

/**
 * Bump on any change of the layout below. 2: calls, field accesses and refs as packed.ts rows;
 * 3: function definitions as rows too; 4: the index's string table kept (row ids written as
 * they are) and its postings stored after the files; 5: macro definitions as rows, and their
 * postings.
 */
export const CODEC_VERSION = 5;

/**
 * The writer's string table starts as the rows' table (so row string ids are written as they
 * are, with one copy per file); strings of the object parts that are not in it are appended.
 *
 * The ints go to a sink in chunks as they fill, or nowhere: encoding is two passes over the
 * same code, one that only counts the ints and collects the appended strings (the file's
 * header and string table come before the ints), and one that writes. So a cache can be
 * streamed to disk a chunk at a time, never as one copy of the whole index in memory, and the
 * in-memory encoding is one allocation of the exact size.
 */
class Writer {
  /** Ints written so far, over all chunks. */
  n = 0;
  /** The table: the base, then the appended strings (complete after the counting pass). */
  readonly strings: string[];
  /** Ids of the strings appended after the base. */
  readonly added: Map<string, number>;
  private readonly baseLength: number;
  /** The current chunk (writing pass), allocated on the first int after a flush. */
  private buf: Int32Array | undefined;
  private k = 0;
  /**
   * `lookup` finds a string's id in `base` (the index passes its table's map); without it a map
   * of the base is built on the first string written. A writing pass (`sink`) gets the counting
   * pass's table as `base` and its appended strings as `added`, and appends none itself.
   */
  constructor(
    private readonly base: readonly string[],
    private lookup: ((s: string) => number | undefined) | undefined,
    private readonly sink?: {
      chunkInts: number;
      emit(chunk: Int32Array): void;
      added: ReadonlyMap<string, number>;
    },
  ) {
    this.added = new Map(sink?.added);
    this.baseLength = base.length - this.added.size;
    this.strings = sink ? [] : [...base];
  }

  /** Hands the filled part of the current chunk to the sink. */
  flush(): void {
    if (!this.buf || this.k === 0) return;
    this.sink!.emit(this.k === this.buf.length ? this.buf : this.buf.subarray(0, this.k));
    this.buf = undefined;
    this.k = 0;
  }
  private room(): Int32Array {
    if (this.buf && this.k === this.buf.length) this.flush();
    return (this.buf ??= new Int32Array(Math.max(16, this.sink!.chunkInts)));
  }
  int(v: number): void {
    if (this.sink) this.room()[this.k++] = v;
    this.n++;
  }
  private put(a: Int32Array): void {
    if (this.sink) {
      for (let at = 0; at < a.length;) {
        const buf = this.room();
        const m = Math.min(a.length - at, buf.length - this.k);
        buf.set(a.subarray(at, at + m), this.k);
        this.k += m;
        at += m;
      }
    }
    this.n += a.length;
  }
  strId(s: string): number {
    if (this.lookup === undefined) {
      const ids = new Map<string, number>();
      for (let i = 0; i < this.baseLength; i++)
        if (!ids.has(this.base[i]!)) ids.set(this.base[i]!, i);
      this.lookup = (x) => ids.get(x);
    }
    const inBase = this.lookup(s);
    if (inBase !== undefined && inBase < this.baseLength) return inBase;
    let id = this.added.get(s);
    if (id === undefined) {
      if (this.sink) throw new Error('facts codec: a string the counting pass did not see');
      id = this.strings.length;
      this.strings.push(s);
      this.added.set(s, id);
    }
    return id;
  }
  str(s: string): void {
    this.int(this.strId(s));
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
  /** Row count, then the rows as they are (their string ids index the base table). */
  rows(a: Int32Array, width: number): void {
    this.int(a.length / width);
    this.put(a);
  }
  /** A length-prefixed Int32Array. */
  array(a: Int32Array): void {
    this.int(a.length);
    this.put(a);
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
  /** Rows as a view of the decoded buffer (no copy: the buffer holds nothing else). */
  rows(width: number): Int32Array {
    const n = this.count() * width;
    if (this.i + n > this.ints.length) throw new Error('facts codec: read past the end');
    const out = this.ints.subarray(this.i, this.i + n);
    this.i += n;
    return out;
  }
  array(): Int32Array {
    return this.rows(1);
  }
  get done(): boolean {
    return this.i >= this.ints.length;
  }
}

function writeFile(w: Writer, f: PackedFacts): void {
  w.str(f.path);
  w.rows(f.functions, FN_W);
  w.rows(f.macros, MACRO_W);
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
  w.rows(f.calls, CALL_W);
  w.rows(f.fieldAccesses, FIELD_W);
  w.rows(f.refs, REF_W);
  w.int(f.problems.length);
  for (const p of f.problems) w.str(p);
}

function readFile(r: Reader, meta: FileMeta): PackedFacts {
  const path = r.str();
  if (path !== meta.path) throw new Error('facts codec: file order mismatch');
  const functions = r.rows(FN_W);
  const macros = r.rows(MACRO_W);
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
  const calls = r.rows(CALL_W);
  const fieldAccesses = r.rows(FIELD_W);
  const refs = r.rows(REF_W);
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
    opsTables,
    problems,
    calls,
    fieldAccesses,
    refs,
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

/**
 * Postings of one row kind in compressed sparse rows (rowPostings.ts): pairs of (index of the
 * file in the encoded list, row) for each key (a string id), keys 0..offsets.length - 2.
 */
export interface SealedPostings {
  offsets: Int32Array;
  entries: Int32Array;
}

/**
 * Encodes packed files whose row string ids index `strings` (the index's table, which becomes
 * the start of the encoded one, so ids are kept), optionally with the index's postings.
 */
export function encodePacked(
  files: Iterable<PackedFacts>,
  strings: readonly string[],
  postings?: readonly SealedPostings[],
  lookup?: (s: string) => number | undefined,
): EncodedFacts {
  return runSteps(encodePackedSteps(files, strings, postings, lookup));
}

/** What the counting pass learns: everything that comes before the ints. */
export interface PackedPlan {
  metas: FileMeta[];
  /** The complete table: the base, then the object parts' strings it lacked. */
  strings: string[];
  /** The number of ints the writing pass emits. */
  ints: number;
  readonly files: readonly PackedFacts[];
  readonly postings: readonly SealedPostings[] | undefined;
  readonly lookup: ((s: string) => number | undefined) | undefined;
  readonly added: ReadonlyMap<string, number>;
}

/** Every file, then the postings, through `w`: the one loop of both passes (a step per file). */
function* writeAll(
  w: Writer,
  files: readonly PackedFacts[],
  postings?: readonly SealedPostings[],
): Generator<void, void> {
  for (const f of files) {
    writeFile(w, f);
    yield;
  }
  w.int(postings?.length ?? 0);
  for (const p of postings ?? []) {
    w.array(p.offsets);
    w.array(p.entries);
  }
}

/** The counting pass, as steps (one per file). */
export function* planPackedSteps(
  files: Iterable<PackedFacts>,
  strings: readonly string[],
  postings?: readonly SealedPostings[],
  lookup?: (s: string) => number | undefined,
): Generator<void, PackedPlan> {
  const list = [...files];
  const w = new Writer(strings, lookup);
  yield* writeAll(w, list, postings);
  const metas = list.map((f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs, hash: f.hash }));
  return {
    metas,
    strings: w.strings,
    ints: w.n,
    files: list,
    postings,
    lookup,
    added: w.added,
  };
}

/**
 * The writing pass of a plan, as steps: yields each chunk of at most `chunkInts` ints as it
 * fills (the caller owns it), and `undefined` between files so a caller can pause.
 */
export function* emitPackedSteps(
  plan: PackedPlan,
  chunkInts: number,
): Generator<Int32Array | undefined, void> {
  const ready: Int32Array[] = [];
  const w = new Writer(plan.strings, plan.lookup, {
    chunkInts,
    emit: (c) => ready.push(c),
    added: plan.added,
  });
  const steps = writeAll(w, plan.files, plan.postings);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) w.flush();
    while (ready.length > 0) yield ready.shift()!;
    if (r.done) break;
    yield undefined;
  }
  if (w.n !== plan.ints) throw new Error(`facts codec: wrote ${w.n} ints, planned ${plan.ints}`);
}

/** encodePacked as steps: it yields after each file, so a caller can give the thread back. */
export function* encodePackedSteps(
  files: Iterable<PackedFacts>,
  strings: readonly string[],
  postings?: readonly SealedPostings[],
  lookup?: (s: string) => number | undefined,
): Generator<void, EncodedFacts> {
  const plan = yield* planPackedSteps(files, strings, postings, lookup);
  // One chunk of the exact size: the in-memory encoding is one allocation.
  let ints: Int32Array = new Int32Array(0);
  for (const c of emitPackedSteps(plan, plan.ints)) {
    if (c) ints = c;
    else yield;
  }
  if (ints.length !== plan.ints) throw new Error('facts codec: short encoding');
  return { metas: plan.metas, strings: plan.strings, ints };
}

/** Encodes plain facts (tests, tools): packs them against a fresh table first. */
export function encodeFacts(files: readonly FileFacts[]): EncodedFacts {
  const t = new StringTable();
  const packed = files.map((f) => packFacts(f, t));
  return encodePacked(packed, t.strings);
}

/**
 * Decodes into packed files whose row string ids index `e.strings`, and the postings when the
 * writer stored them. Throws on any inconsistency (the caller treats that as a corrupt cache).
 */
export function decodePacked(e: EncodedFacts): {
  files: PackedFacts[];
  postings: SealedPostings[] | undefined;
} {
  return runSteps(decodePackedSteps(e));
}

/** Runs a step generator to its end (the synchronous form of a coder that can pause). */
export function runSteps<T>(g: Generator<void, T>): T {
  let r = g.next();
  while (!r.done) r = g.next();
  return r.value;
}

/**
 * Runs a step generator to its end, giving the thread back (setImmediate) whenever `sliceMs`
 * passed since the last pause: how the extension host's thread runs the cache coders.
 */
export async function runStepsAsync<T>(g: Generator<void, T>, sliceMs = 15): Promise<T> {
  let since = performance.now();
  let r = g.next();
  while (!r.done) {
    if (performance.now() - since > sliceMs) {
      await new Promise((ok) => setImmediate(ok));
      since = performance.now();
    }
    r = g.next();
  }
  return r.value;
}

/** decodePacked as steps: it yields after each file, so a caller can give the thread back. */
export function* decodePackedSteps(
  e: EncodedFacts,
): Generator<void, { files: PackedFacts[]; postings: SealedPostings[] | undefined }> {
  const r = new Reader(e.ints, e.strings);
  const files: PackedFacts[] = new Array(e.metas.length);
  for (let i = 0; i < e.metas.length; i++) {
    const p = readFile(r, e.metas[i]!);
    checkRows(p, e.strings.length);
    files[i] = p;
    yield;
  }
  const kinds = r.count();
  let postings: SealedPostings[] | undefined;
  if (kinds > 0) {
    postings = [];
    for (let k = 0; k < kinds; k++) {
      const offsets = r.array();
      const entries = r.array();
      checkPostings(offsets, entries, e.strings.length, files.length);
      postings.push({ offsets, entries });
    }
  }
  if (r.i !== e.ints.length) throw new Error('facts codec: trailing data');
  return { files, postings };
}

function checkPostings(offsets: Int32Array, entries: Int32Array, keys: number, files: number) {
  if (offsets.length < 1 || offsets.length > keys + 1 || offsets[0] !== 0) {
    throw new Error('facts codec: bad postings offsets');
  }
  for (let k = 1; k < offsets.length; k++) {
    if (offsets[k]! < offsets[k - 1]! || (offsets[k]! & 1) !== 0) {
      throw new Error('facts codec: bad postings offsets');
    }
  }
  if (offsets[offsets.length - 1] !== entries.length) throw new Error('facts codec: bad postings');
  for (let i = 0; i < entries.length; i += 2) {
    if (entries[i]! < 0 || entries[i]! >= files || entries[i + 1]! < 0) {
      throw new Error('facts codec: bad postings entry');
    }
  }
}

/** Decodes into plain facts (tests, tools). */
export function decodeFacts(e: EncodedFacts): FileFacts[] {
  return decodePacked(e).files.map((p) => unpackFacts(p, e.strings));
}
