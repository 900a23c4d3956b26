// Writes the on-disk index store (format.ts) from packed facts: what the index workers post
// and what MemoryCodeIndex.packed() returns (rows whose string ids index `strings`). The file
// is written as a temp file streamed page by page, then renamed over the target, so a reader
// never sees a half-written store. Memory: the postings by key (three ints per row) and one
// record at a time; the output is never held whole.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Span } from '../facts';
import {
  CALL_W,
  FIELD_W,
  FN_W,
  MACRO,
  MACRO_W,
  macroParams,
  REF_W,
  spanAt,
  type PackedFacts,
} from '../packed';
import {
  crc32,
  fnv1a,
  K_CALLEE,
  K_CALLER,
  K_FIELD,
  K_FUNC,
  K_MACRO,
  K_OPSCALL,
  K_OPSFN,
  K_OPSSLOT,
  K_OPSTABLE,
  K_MEMBER,
  K_REF,
  K_STRUCT,
  KINDS,
  PAGE_BYTES,
  PREFIX_BYTES,
  STORE_MAGIC,
  STORE_VERSION,
  type SectionName,
  type StoreHeader,
  type StoreWalkKey,
} from './format';

export interface StoreInput {
  files: readonly PackedFacts[];
  strings: readonly string[];
  /** The id of a string in `strings` (the index's map), so the writer need not build one. */
  lookup?: (s: string) => number | undefined;
}

/**
 * The input's string table, extended with the object parts' strings a worker batch may lack:
 * it looks strings up in the input's own map when it has one, and copies nothing of it.
 */
class StoreTable {
  private readonly added: string[] = [];
  private readonly addedIds = new Map<string, number>();
  private readonly base: readonly string[];
  private readonly baseLookup: (s: string) => number | undefined;
  constructor(input: StoreInput) {
    this.base = input.strings;
    if (input.lookup) this.baseLookup = input.lookup;
    else {
      const ids = new Map<string, number>();
      input.strings.forEach((s, i) => ids.has(s) || ids.set(s, i));
      this.baseLookup = (s) => ids.get(s);
    }
  }
  get size(): number {
    return this.base.length + this.added.length;
  }
  string(id: number): string {
    return id < this.base.length ? this.base[id]! : this.added[id - this.base.length]!;
  }
  /** The first id of `s` (a table may hold a string twice: the first id answers). */
  lookup(s: string): number | undefined {
    const b = this.baseLookup(s);
    return b !== undefined && b < this.base.length ? b : this.addedIds.get(s);
  }
  id(s: string): number {
    let id = this.lookup(s);
    if (id === undefined) {
      id = this.size;
      this.added.push(s);
      this.addedIds.set(s, id);
    }
    return id;
  }
}

export interface StoreKey {
  root: string;
  fingerprint: string;
  walk?: StoreWalkKey;
}

const ENC = new TextEncoder();

/** A growable byte buffer with varint writes. */
class Bytes {
  buf = new Uint8Array(4096);
  n = 0;
  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    bigger.set(this.buf.subarray(0, this.n));
    this.buf = bigger;
  }
  /** An unsigned integer below 2^32, 7 bits a byte. */
  uv(v: number): void {
    if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) {
      throw new Error(`index store: cannot write ${v}`);
    }
    this.reserve(5);
    while (v >= 0x80) {
      this.buf[this.n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.n++] = v;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  u32(v: number): void {
    this.reserve(4);
    new DataView(this.buf.buffer).setUint32(this.n, v, true);
    this.n += 4;
  }
  span(a: Int32Array, at: number): void {
    this.uv(a[at]!);
    this.uv(a[at + 1]!);
    this.uv(a[at + 2]!);
    this.uv(a[at + 3]!);
  }
  spanOf(s: Span): void {
    this.uv(s.line);
    this.uv(s.col);
    this.uv(s.endLine - s.line);
    this.uv(s.endCol);
  }
  /** A span inside `outer`: its line as an offset from outer's first line. */
  innerSpan(s: Span, outer: Span): void {
    this.uv(s.line - outer.line);
    this.uv(s.col);
    this.uv(s.endLine - s.line);
    this.uv(s.endCol);
  }
  /** Length-prefixed UTF-8. */
  text(s: string): void {
    const b = ENC.encode(s);
    this.uv(b.length);
    this.bytes(b);
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/** The data area, written page by page with each page's crc32. */
class PagedOut {
  private page = new Uint8Array(PAGE_BYTES);
  private fill = 0;
  readonly crcs: number[] = [];
  length = 0;
  constructor(private readonly fd: number) {}

  write(b: Uint8Array): void {
    let at = 0;
    while (at < b.length) {
      const k = Math.min(PAGE_BYTES - this.fill, b.length - at);
      this.page.set(b.subarray(at, at + k), this.fill);
      this.fill += k;
      at += k;
      this.length += k;
      if (this.fill === PAGE_BYTES) this.flush();
    }
  }

  flush(): void {
    if (this.fill === 0) return;
    this.crcs.push(crc32(this.page, 0, this.fill));
    const pos = PREFIX_BYTES + (this.crcs.length - 1) * PAGE_BYTES;
    writeAll(this.fd, this.page.subarray(0, this.fill), pos);
    this.fill = 0;
  }
}

function writeAll(fd: number, b: Uint8Array, pos: number): void {
  let done = 0;
  while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
}

/** Posting lists by key for one kind: CSR over (file, a, b) triples. */
class Postings {
  readonly counts: Int32Array;
  offsets: Int32Array | undefined;
  entries: Int32Array | undefined;
  private at: Int32Array | undefined;
  constructor(keys: number) {
    this.counts = new Int32Array(keys + 1);
  }
  count(key: number): void {
    this.counts[key + 1]!++;
  }
  /** After counting: the slots. */
  layout(): void {
    const o = this.counts;
    for (let k = 1; k < o.length; k++) o[k]! += o[k - 1]!;
    this.offsets = o;
    this.entries = new Int32Array(o[o.length - 1]! * 3);
    this.at = o.slice(0, o.length - 1);
  }
  put(key: number, file: number, a: number, b: number): void {
    const w = this.at![key]!++ * 3;
    const e = this.entries!;
    e[w] = file;
    e[w + 1] = a;
    e[w + 2] = b;
  }
}

/**
 * Writes `input` as a store at `file` (atomically: temp file, then rename). Returns the
 * file's size in bytes.
 */
export function writeStore(file: string, key: StoreKey, input: StoreInput): number {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const size = writeTo(fd, key, input);
    closeSync(fd);
    renameSync(tmp, file);
    return size;
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The batch's string table, plus the object parts' strings a worker batch may lack. */
function completeTable(input: StoreInput): StoreTable {
  const table = new StoreTable(input);
  for (const p of input.files) {
    // A macro row names its parameters as one joined string; the store lists them one by one.
    for (let at = 0; at < p.macros.length; at += MACRO_W) {
      const params = p.macros[at + MACRO.params]!;
      if (params !== -1) for (const a of macroParams(table.string(params))) table.id(a);
    }
    for (const s of p.structs) {
      table.id(s.name);
      for (const f of s.fields) {
        table.id(f.name);
        table.id(f.type);
      }
    }
    for (const t of p.opsTables) {
      table.id(t.struct);
      table.id(t.name);
      for (const m of t.members) {
        table.id(m.member);
        table.id(m.fn);
      }
    }
  }
  return table;
}

/** Every row kind's postings by string id: two passes over the same loops, count then place. */
function buildPostings(files: StoreInput['files'], table: StoreTable): Postings[] {
  const n = table.size;
  const post: Postings[] = Array.from({ length: KINDS }, () => new Postings(n));
  const pass = (emit: (kind: number, key: number, file: number, a: number, b: number) => void) => {
    files.forEach((p, fi) => {
      const fr = p.functions;
      for (let row = 0, at = 0; at < fr.length; row++, at += FN_W)
        emit(K_FUNC, fr[at]!, fi, row, 0);
      const calls = p.calls;
      for (let row = 0, at = 0; at < calls.length; row++, at += CALL_W) {
        if (calls[at + 2] === 2) emit(K_OPSCALL, calls[at + 4]!, fi, row, 0);
        else emit(K_CALLEE, calls[at + 1]!, fi, row, 0);
        if (calls[at] !== -1) emit(K_CALLER, calls[at]!, fi, row, 0);
      }
      const fa = p.fieldAccesses;
      for (let row = 0, at = 0; at < fa.length; row++, at += FIELD_W) {
        emit(K_FIELD, fa[at + 2]!, fi, row, 0);
      }
      const refs = p.refs;
      for (let row = 0, at = 0; at < refs.length; row++, at += REF_W) {
        emit(K_REF, refs[at]!, fi, row, 0);
      }
      const mr = p.macros;
      for (let row = 0, at = 0; at < mr.length; row++, at += MACRO_W)
        emit(K_MACRO, mr[at + MACRO.name]!, fi, row, 0);
      p.structs.forEach((s, i) => {
        emit(K_STRUCT, table.id(s.name), fi, i, 0);
        s.fields.forEach((f, j) => emit(K_MEMBER, table.id(f.name), fi, i, j));
      });
      p.opsTables.forEach((t, ti) => {
        emit(K_OPSTABLE, table.id(t.name), fi, ti, 0);
        t.members.forEach((m, mi) => {
          emit(K_OPSFN, table.id(m.fn), fi, ti, mi);
          emit(K_OPSSLOT, table.id(m.member), fi, ti, mi);
        });
      });
    });
  };
  pass((kind, k) => {
    if (k < 0 || k >= n) throw new Error(`index store: bad string id ${k}`);
    post[kind]!.count(k);
  });
  for (const p of post) p.layout();
  pass((kind, k, fi, a, b) => post[kind]!.put(k, fi, a, b));
  return post;
}

function writeTo(fd: number, key: StoreKey, input: StoreInput): number {
  const { files } = input;
  const table = completeTable(input);
  const n = table.size;
  const post = buildPostings(files, table);
  const stats = { files: files.length, functions: 0, calls: 0, fieldAccesses: 0 };
  for (const p of files) {
    stats.functions += p.functions.length / FN_W;
    stats.calls += p.calls.length / CALL_W;
    stats.fieldAccesses += p.fieldAccesses.length / FIELD_W;
  }

  const out = new PagedOut(fd);
  const sections = {} as Record<SectionName, [number, number]>;
  const section = (name: SectionName, write: () => void) => {
    const start = out.length;
    write();
    sections[name] = [start, out.length - start];
  };
  const enc = new TextEncoder();
  const u32s = (a: Uint32Array) => out.write(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

  // Strings, their offsets, and the hash table from a string to its id.
  const strOffsets = new Uint32Array(n + 1);
  section('strBytes', () => {
    const start = out.length;
    for (let i = 0; i < n; i++) {
      strOffsets[i] = out.length - start;
      out.write(enc.encode(table.string(i)));
    }
    strOffsets[n] = out.length - start;
  });
  section('strOffsets', () => u32s(strOffsets));
  let hashBits = 4;
  while (1 << hashBits < n * 2) hashBits++;
  section('strHash', () => {
    const mask = (1 << hashBits) - 1;
    const slots = new Uint32Array(2 << hashBits);
    for (let id = 0; id < n; id++) {
      const s = table.string(id);
      if (table.lookup(s) !== id) continue; // a duplicate: the first id answers
      const h = fnv1a(s);
      let i = h & mask;
      while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = h;
      slots[2 * i + 1] = id + 1;
    }
    u32s(slots);
  });

  // One record per string id.
  const recOffsets = new Uint32Array(n + 1);
  const kinds: Bytes[] = Array.from({ length: KINDS }, () => new Bytes());
  const rec = new Bytes();
  section('records', () => {
    const start = out.length;
    for (let id = 0; id < n; id++) {
      recOffsets[id] = out.length - start;
      let mask = 0;
      for (let k = 0; k < KINDS; k++) {
        const o = post[k]!.offsets!;
        if (o[id] === o[id + 1]) continue;
        mask |= 1 << k;
        const b = kinds[k]!;
        b.n = 0;
        encodeKind(k, post[k]!.entries!, o[id]!, o[id + 1]!, files, table, b);
      }
      if (mask === 0) continue;
      rec.n = 0;
      rec.uv(mask);
      for (let k = 0; k < KINDS; k++) if (mask & (1 << k)) rec.uv(kinds[k]!.n);
      for (let k = 0; k < KINDS; k++) if (mask & (1 << k)) rec.bytes(kinds[k]!.view());
      if (out.length - start + rec.n > 0xffffffff) throw new Error('index store: over 4 GiB');
      out.write(rec.view());
    }
    recOffsets[n] = out.length - start;
  });
  section('recOffsets', () => u32s(recOffsets));

  const fileOffsets = new Uint32Array(files.length + 1);
  section('fileMeta', () => {
    const start = out.length;
    files.forEach((p, i) => {
      fileOffsets[i] = out.length - start;
      const { path, size, mtimeMs, hash, problems } = p;
      // Its counts, so an index over the store can take a shadowed file's rows out of the
      // tree's totals without reading them.
      const counts = [
        p.functions.length / FN_W,
        p.calls.length / CALL_W,
        p.fieldAccesses.length / FIELD_W,
      ];
      out.write(enc.encode(JSON.stringify({ path, size, mtimeMs, hash, problems, counts })));
    });
    fileOffsets[files.length] = out.length - start;
  });
  section('fileOffsets', () => u32s(fileOffsets));
  out.flush();

  const header: StoreHeader = {
    root: resolve(key.root),
    fingerprint: key.fingerprint,
    ...(key.walk ? { walk: key.walk } : {}),
    strings: n,
    files: files.length,
    hashBits,
    stats,
    sections,
  };
  const headerBytes = enc.encode(JSON.stringify(header));
  const crcs = new Uint8Array(new Uint32Array(out.crcs).buffer);
  const trailerAt = PREFIX_BYTES + out.length;
  writeAll(fd, headerBytes, trailerAt);
  writeAll(fd, crcs, trailerAt + headerBytes.length);
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(STORE_MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(STORE_VERSION, 8);
  prefix.writeUInt32LE(PAGE_BYTES, 12);
  prefix.writeBigUInt64LE(BigInt(out.length), 16);
  prefix.writeUInt32LE(headerBytes.length, 24);
  prefix.writeUInt32LE(out.crcs.length, 28);
  prefix.writeUInt32LE(crc32(headerBytes), 32);
  prefix.writeUInt32LE(crc32(crcs), 36);
  prefix.writeUInt32LE(crc32(prefix, 0, 40), 40);
  writeAll(fd, prefix, 0);
  return trailerAt + headerBytes.length + crcs.length;
}

/** The entries `[from, to)` of kind `k` (triples: file, row or index, sub-index). */
function encodeKind(
  k: number,
  e: Int32Array,
  from: number,
  to: number,
  files: readonly PackedFacts[],
  table: StoreTable,
  b: Bytes,
): void {
  let prevFile = 0;
  for (let i = from * 3; i < to * 3; i += 3) {
    const fi = e[i]!;
    const row = e[i + 1]!;
    b.uv(fi - prevFile);
    prevFile = fi;
    const p = files[fi]!;
    switch (k) {
      case K_CALLEE: {
        const c = p.calls;
        const at = row * CALL_W;
        b.uv(c[at]! + 1);
        b.uv(c[at + 2]!);
        if (c[at + 2] === 1) b.uv(c[at + 3]!);
        b.span(c, at + 5);
        break;
      }
      case K_OPSCALL: {
        const c = p.calls;
        const at = row * CALL_W;
        b.uv(c[at]! + 1);
        b.uv(c[at + 3]! + 1);
        b.span(c, at + 5);
        break;
      }
      case K_CALLER: {
        const c = p.calls;
        const at = row * CALL_W;
        b.uv(c[at + 1]!);
        const kind = c[at + 2]!;
        b.uv(kind);
        if (kind === 1) b.uv(c[at + 3]!);
        else if (kind === 2) {
          b.uv(c[at + 3]! + 1);
          b.uv(c[at + 4]!);
        }
        b.span(c, at + 5);
        break;
      }
      case K_FUNC: {
        const f = p.functions;
        const at = row * FN_W;
        b.uv(f[at + 1]!);
        b.uv(f[at + 2]!);
        b.uv(f[at + 3]! + 1);
        b.span(f, at + 4);
        b.uv(f[at + 8]! - f[at + 4]!);
        b.uv(f[at + 9]!);
        b.uv(f[at + 10]!);
        b.uv(f[at + 11]!);
        break;
      }
      case K_FIELD: {
        const f = p.fieldAccesses;
        const at = row * FIELD_W;
        b.uv(f[at]! + 1);
        b.uv(f[at + 1]! + 1);
        b.uv(f[at + 3]!);
        b.span(f, at + 4);
        break;
      }
      case K_REF: {
        const r = p.refs;
        const at = row * REF_W;
        b.uv(r[at + 1]! + 1);
        b.span(r, at + 2);
        break;
      }
      case K_MACRO: {
        const mr = p.macros;
        const at = row * MACRO_W;
        const span = spanAt(mr, at + MACRO.span);
        b.spanOf(span);
        b.innerSpan(spanAt(mr, at + MACRO.nameSpan), span);
        const joined = mr[at + MACRO.params]!;
        const params = joined === -1 ? undefined : macroParams(table.string(joined));
        b.uv(params === undefined ? 0 : params.length + 1);
        for (const a of params ?? []) b.uv(table.id(a));
        b.text(table.string(mr[at + MACRO.value]!));
        break;
      }
      case K_STRUCT: {
        const st = p.structs[row]!;
        b.uv(st.kind === 'union' ? 1 : 0);
        b.spanOf(st.span);
        b.innerSpan(st.nameSpan, st.span);
        b.uv(st.fields.length);
        for (const f of st.fields) {
          b.uv(table.id(f.name));
          b.uv(table.id(f.type));
          b.innerSpan(f.span, st.span);
        }
        break;
      }
      case K_OPSFN: {
        const t = p.opsTables[row]!;
        const m = t.members[e[i + 2]!]!;
        b.uv(table.id(t.struct));
        b.uv(table.id(m.member));
        b.uv(table.id(t.name));
        break;
      }
      case K_OPSSLOT: {
        const t = p.opsTables[row]!;
        const m = t.members[e[i + 2]!]!;
        b.uv(table.id(t.struct));
        b.uv(table.id(m.fn));
        b.uv(table.id(t.name));
        break;
      }
      case K_MEMBER: {
        const st = p.structs[row]!;
        b.uv(table.id(st.name));
        b.spanOf(st.fields[e[i + 2]!]!.span);
        break;
      }
      case K_OPSTABLE: {
        const t = p.opsTables[row]!;
        b.uv(table.id(t.struct));
        b.spanOf(t.span);
        break;
      }
    }
  }
}
