// Reads the on-disk index store (format.ts) in place: opening reads the 64-byte prefix and
// the trailer (header JSON and page checksums); a query looks its name up in the hash table,
// reads that name's record and decodes only the posting kinds it needs. Pages are read with
// positional reads, checked against their crc32 on first read, and kept in a bounded cache.
// Any damage (a page whose checksum fails, an entry that runs past its record, an id out of
// range) is a StoreError with a one-line reason, never a crash or a wrong answer.
//
// The answers equal MemoryCodeIndex's (codeIndex.ts) for the same facts: the same edge
// resolution (direct, INDIRECT_CALL, ops tables), the same order (test/unit/indexStore.test.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CallEdge, IndexStats, Located } from '../api';
import type {
  CallSite,
  FieldAccess,
  FunctionDef,
  FunctionKind,
  MacroDef,
  Span,
  StructDef,
} from '../facts';
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
  SECTIONS,
  STORE_MAGIC,
  STORE_VERSION,
  StoreError,
  type SectionName,
  type StoreHeader,
} from './format';

const FN_KINDS: readonly FunctionKind[] = ['function', 'syscall', 'bpf_call'];
const DIRECT = Object.freeze({ kind: 'direct' as const });

export interface StoredFile {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  problems: string[];
  /** The file's functions, calls and field accesses. */
  counts: [number, number, number];
}

/** Bytes of one record kind with a read position; every read is bounds-checked. */
class Cursor {
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}
  get done(): boolean {
    return this.pos >= this.end;
  }
  uv(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new StoreError('index store corrupt: entry past its record');
      const c = this.b[this.pos++]!;
      v += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) return v;
      shift += 7;
      if (shift > 28) throw new StoreError('index store corrupt: bad number');
    }
  }
  span(): Span {
    const line = this.uv();
    const col = this.uv();
    return { line, col, endLine: line + this.uv(), endCol: this.uv() };
  }
  /** A span inside `outer` (its line an offset from outer's first line). */
  innerSpan(outer: Span): Span {
    const line = outer.line + this.uv();
    const col = this.uv();
    return { line, col, endLine: line + this.uv(), endCol: this.uv() };
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new StoreError('index store corrupt: entry past its record');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

interface Def {
  file: number;
  path: string;
  isStatic: boolean;
  isHeader: boolean;
  item: FunctionDef;
}

interface OpsSlot {
  struct: string;
  member: string;
  table: string;
}

/** How many pages the cache keeps (32 MiB). */
const CACHE_PAGES = 8192;

export class StoreReader {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly strCache = new Map<number, string>();
  private readonly fileCache = new Map<number, StoredFile>();
  private readonly defCache = new Map<string, Def[]>();
  private readonly slotCache = new Map<string, Int32Array>();
  private readonly dec = new TextDecoder('utf-8', { fatal: true });
  /** Pages read from disk since open (a work counter for tests and benches). */
  pagesRead = 0;

  private constructor(
    private fd: number,
    readonly header: StoreHeader,
    private readonly dataBytes: number,
    private readonly crcs: Uint32Array,
    readonly path: string,
    /** Identifies this write of the store (its header and page checksums): a delta's base. */
    readonly id: string,
  ) {}

  /**
   * Opens a store: checks magic, version, sizes and the trailer's checksums, and `expect`
   * (the tree and extractor it must be for) when given. Throws StoreError with the reason.
   */
  static open(path: string, expect?: { root?: string; fingerprint?: string }): StoreReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new StoreError(
        code === 'ENOENT' ? `no index store at ${path}` : `cannot open ${path}: ${code}`,
      );
    }
    try {
      return StoreReader.check(fd, path, expect);
    } catch (e) {
      closeSync(fd);
      if (e instanceof StoreError) throw e;
      throw new StoreError(`index store unreadable: ${e instanceof Error ? e.message : e}`);
    }
  }

  private static check(
    fd: number,
    path: string,
    expect?: { root?: string; fingerprint?: string },
  ): StoreReader {
    const size = fstatSync(fd).size;
    const prefix = Buffer.alloc(PREFIX_BYTES);
    if (size < PREFIX_BYTES || readSync(fd, prefix, 0, PREFIX_BYTES, 0) !== PREFIX_BYTES) {
      throw new StoreError('not an SKLens index store (too short)');
    }
    if (prefix.toString('latin1', 0, 8) !== STORE_MAGIC) {
      throw new StoreError('not an SKLens index store');
    }
    const version = prefix.readUInt32LE(8);
    if (version !== STORE_VERSION) {
      throw new StoreError(`index store format ${version}, expected ${STORE_VERSION}`);
    }
    if (crc32(prefix, 0, 40) !== prefix.readUInt32LE(40)) {
      throw new StoreError('index store corrupt: prefix checksum mismatch');
    }
    const pageBytes = prefix.readUInt32LE(12);
    const dataBig = prefix.readBigUInt64LE(16);
    const headerBytes = prefix.readUInt32LE(24);
    const pageCount = prefix.readUInt32LE(28);
    const data = Number(dataBig);
    if (pageBytes !== PAGE_BYTES || pageCount !== Math.ceil(data / PAGE_BYTES)) {
      throw new StoreError('index store corrupt: bad page table');
    }
    const expected = PREFIX_BYTES + data + headerBytes + 4 * pageCount;
    if (size !== expected) {
      throw new StoreError(`index store is ${size} bytes, its prefix says ${expected}`);
    }
    const trailer = Buffer.alloc(headerBytes + 4 * pageCount);
    readFully(fd, trailer, PREFIX_BYTES + data);
    if (crc32(trailer, 0, headerBytes) !== prefix.readUInt32LE(32)) {
      throw new StoreError('index store corrupt: header checksum mismatch');
    }
    if (crc32(trailer, headerBytes, trailer.length) !== prefix.readUInt32LE(36)) {
      throw new StoreError('index store corrupt: page table checksum mismatch');
    }
    const header = JSON.parse(trailer.toString('utf8', 0, headerBytes)) as StoreHeader;
    for (const name of SECTIONS) {
      const s = header.sections?.[name];
      if (!Array.isArray(s) || !(s[0] >= 0 && s[1] >= 0 && s[0] + s[1] <= data)) {
        throw new StoreError(`index store corrupt: section ${name} out of bounds`);
      }
    }
    if (expect?.root !== undefined && header.root !== expect.root) {
      throw new StoreError(`index store is for ${header.root}`);
    }
    if (expect?.fingerprint !== undefined && header.fingerprint !== expect.fingerprint) {
      throw new StoreError('index store was written by another extractor version');
    }
    const crcs = new Uint32Array(pageCount);
    Buffer.from(crcs.buffer).set(trailer.subarray(headerBytes));
    const id = `${prefix.readUInt32LE(32).toString(16)}-${prefix.readUInt32LE(36).toString(16)}`;
    return new StoreReader(fd, header, data, crcs, path, id);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  // ---- pages and sections ----

  private page(i: number): Uint8Array {
    const hit = this.pages.get(i);
    if (hit) return hit;
    if (this.fd < 0) throw new StoreError('index store closed');
    const start = i * PAGE_BYTES;
    const len = Math.min(PAGE_BYTES, this.dataBytes - start);
    const b = new Uint8Array(len);
    readFully(this.fd, b, PREFIX_BYTES + start);
    this.pagesRead++;
    if (crc32(b) !== this.crcs[i]) {
      throw new StoreError(
        `index store corrupt: page ${i} (${this.sectionAt(start)}) checksum mismatch; rebuild the index`,
      );
    }
    if (this.pages.size >= CACHE_PAGES) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(i, b);
    return b;
  }

  private sectionAt(offset: number): string {
    for (const name of SECTIONS) {
      const [s, l] = this.header.sections[name];
      if (offset >= s && offset < s + l) return `section ${name}`;
    }
    return 'no section';
  }

  /** `len` bytes at `off` of the data area (a view of one page when they fit in one). */
  private bytes(off: number, len: number): Uint8Array {
    if (off < 0 || len < 0 || off + len > this.dataBytes) {
      throw new StoreError('index store corrupt: read out of bounds');
    }
    const first = Math.floor(off / PAGE_BYTES);
    const last = Math.floor((off + Math.max(len, 1) - 1) / PAGE_BYTES);
    if (first === last) {
      const p = this.page(first);
      const at = off - first * PAGE_BYTES;
      return p.subarray(at, at + len);
    }
    const out = new Uint8Array(len);
    let w = 0;
    for (let i = first; i <= last; i++) {
      const p = this.page(i);
      const from = i === first ? off - first * PAGE_BYTES : 0;
      const to = Math.min(p.length, off + len - i * PAGE_BYTES);
      out.set(p.subarray(from, to), w);
      w += to - from;
    }
    return out;
  }

  /** `len` bytes at `off` of a section. */
  private sec(name: SectionName, off: number, len: number): Uint8Array {
    const [s, l] = this.header.sections[name];
    if (off < 0 || off + len > l) {
      throw new StoreError(`index store corrupt: read past section ${name}`);
    }
    return this.bytes(s + off, len);
  }

  private u32(name: SectionName, index: number): number {
    const b = this.sec(name, index * 4, 4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  /** `[start, end)` of entry `i` of an offsets section. */
  private range(name: SectionName, i: number): [number, number] {
    const b = this.sec(name, i * 4, 8);
    const dv = new DataView(b.buffer, b.byteOffset, 8);
    const start = dv.getUint32(0, true);
    const end = dv.getUint32(4, true);
    if (end < start) throw new StoreError(`index store corrupt: bad offsets in ${name}`);
    return [start, end];
  }

  // ---- strings and files ----

  /** The string of an id. */
  str(id: number): string {
    const hit = this.strCache.get(id);
    if (hit !== undefined) return hit;
    if (!(id >= 0 && id < this.header.strings)) {
      throw new StoreError(`index store corrupt: string id ${id} out of range`);
    }
    const [s, e] = this.range('strOffsets', id);
    let v: string;
    try {
      v = this.dec.decode(this.sec('strBytes', s, e - s));
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('index store corrupt: a string is not UTF-8');
    }
    this.strCache.set(id, v);
    return v;
  }

  private strOrNull(idPlus1: number): string | null {
    return idPlus1 === 0 ? null : this.str(idPlus1 - 1);
  }

  /** The id of a string, or undefined when the store has none (reads the hash slots only). */
  lookup(s: string): number | undefined {
    const bits = this.header.hashBits;
    const mask = (1 << bits) - 1;
    const h = fnv1a(s);
    for (let i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
      const slotHash = this.u32('strHash', 2 * i);
      const id1 = this.u32('strHash', 2 * i + 1);
      if (id1 === 0) return undefined;
      if (slotHash === h && this.str(id1 - 1) === s) return id1 - 1;
    }
    return undefined;
  }

  file(id: number): StoredFile {
    const hit = this.fileCache.get(id);
    if (hit) return hit;
    if (!(id >= 0 && id < this.header.files)) {
      throw new StoreError(`index store corrupt: file id ${id} out of range`);
    }
    const [s, e] = this.range('fileOffsets', id);
    let f: StoredFile;
    try {
      f = JSON.parse(this.dec.decode(this.sec('fileMeta', s, e - s))) as StoredFile;
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('index store corrupt: bad file entry');
    }
    if (
      typeof f?.path !== 'string' ||
      !Array.isArray(f.counts) ||
      f.counts.length !== 3 ||
      !f.counts.every((c) => Number.isSafeInteger(c) && c >= 0)
    )
      throw new StoreError('index store corrupt: bad file entry');
    this.fileCache.set(id, f);
    return f;
  }

  stats(): IndexStats {
    return { ...this.header.stats };
  }

  files(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.header.files; i++) out.push(this.file(i).path);
    return out.sort();
  }

  // ---- records ----

  /** For each posting kind of `name`'s record: a cursor over its entries (absent kinds undefined). */
  private record(name: string, want: number): (Cursor | undefined)[] {
    const id = this.lookup(name);
    return id === undefined ? new Array(KINDS) : this.recordOf(id, want);
  }

  /** As record(), by string id. */
  private recordOf(id: number, want: number): (Cursor | undefined)[] {
    const out: (Cursor | undefined)[] = new Array(KINDS);
    const [s, e] = this.range('recOffsets', id);
    if (s === e) return out;
    // The mask and lengths first (at most 1 + 10 varints), then only the wanted kinds.
    const head = this.sec('records', s, Math.min(e - s, 55));
    const c = new Cursor(head, 0, head.length);
    const mask = c.uv();
    if (mask >= 1 << KINDS) throw new StoreError('index store corrupt: bad record');
    const lens: number[] = [];
    for (let k = 0; k < KINDS; k++) lens.push(mask & (1 << k) ? c.uv() : 0);
    let at = s + c.pos;
    for (let k = 0; k < KINDS; k++) {
      const len = lens[k]!;
      if (at + len > e) throw new StoreError('index store corrupt: record past its end');
      if (len > 0 && want & (1 << k)) out[k] = new Cursor(this.sec('records', at, len), 0, len);
      at += len;
    }
    return out;
  }

  /** Decodes every entry of one kind: `each(fileId, cursor)` reads the entry's fields. */
  private entries(cur: Cursor | undefined, each: (file: number, c: Cursor) => void): void {
    if (!cur) return;
    let file = 0;
    while (!cur.done) {
      file += cur.uv();
      each(file, cur);
    }
  }

  private text(c: Cursor): string {
    const n = c.uv();
    try {
      return this.dec.decode(c.bytes(n));
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('index store corrupt: a string is not UTF-8');
    }
  }

  private funcEntry(name: string, c: Cursor): FunctionDef {
    const flags = c.uv();
    const kind = c.uv();
    const macro = c.uv();
    const span = c.span();
    const nameSpan = c.innerSpan(span);
    const d: FunctionDef = {
      name,
      span,
      nameSpan,
      isStatic: (flags & 1) !== 0,
      isInline: (flags & 2) !== 0,
      kind: FN_KINDS[kind] ?? 'function',
    };
    if (macro !== 0) d.macro = this.str(macro - 1);
    return d;
  }

  /** Definitions of `name` with their file (memoised: edge resolution asks for them often). */
  private defs(name: string): Def[] {
    const hit = this.defCache.get(name);
    if (hit) return hit;
    const out: Def[] = [];
    this.entries(this.record(name, 1 << K_FUNC)[K_FUNC], (file, c) => {
      const item = this.funcEntry(name, c);
      const path = this.file(file).path;
      out.push({ file, path, isStatic: item.isStatic, isHeader: path.endsWith('.h'), item });
    });
    this.defCache.set(name, out);
    return out;
  }

  /**
   * Every function definition, by name id. Reads every record's head: proportional to the
   * tree, for the commands that list everything (`sklens defs`), never for a lookup.
   */
  *allFunctions(): Iterable<Located<FunctionDef>> {
    for (let id = 0; id < this.header.strings; id++) {
      const cur = this.recordOf(id, 1 << K_FUNC)[K_FUNC];
      if (!cur) continue;
      const name = this.str(id);
      const found: Located<FunctionDef>[] = [];
      this.entries(cur, (file, c) => {
        found.push({ file: this.file(file).path, item: this.funcEntry(name, c) });
      });
      yield* found;
    }
  }

  /**
   * The file entries the queries so far have read: the files their answers name, and those
   * consulted to resolve them. Checking these against the disk tells whether the answers
   * still hold for those files.
   */
  filesRead(): StoredFile[] {
    return [...this.fileCache.values()];
  }

  functionDefs(name: string): Located<FunctionDef>[] {
    return this.defs(name).map((d) => ({ file: d.path, item: { ...d.item } }));
  }

  macroDefs(name: string): Located<MacroDef>[] {
    const out: Located<MacroDef>[] = [];
    this.entries(this.record(name, 1 << K_MACRO)[K_MACRO], (file, c) => {
      const span = c.span();
      const nameSpan = c.innerSpan(span);
      const np = c.uv();
      const m: MacroDef = { name, span, nameSpan, value: '' };
      if (np > 0) {
        m.params = [];
        for (let i = 1; i < np; i++) m.params.push(this.str(c.uv()));
      }
      m.value = this.text(c);
      out.push({ file: this.file(file).path, item: m });
    });
    return out;
  }

  structDefs(name: string): Located<StructDef>[] {
    const out: Located<StructDef>[] = [];
    this.entries(this.record(name, 1 << K_STRUCT)[K_STRUCT], (file, c) => {
      const kind = c.uv() === 1 ? 'union' : 'struct';
      const span = c.span();
      const nameSpan = c.innerSpan(span);
      const fields: StructDef['fields'] = [];
      for (let i = c.uv(); i > 0; i--) {
        const fname = this.str(c.uv());
        const type = this.str(c.uv());
        fields.push({ name: fname, type, span: c.innerSpan(span) });
      }
      out.push({ file: this.file(file).path, item: { name, kind, span, nameSpan, fields } });
    });
    return out;
  }

  /** Struct fields named `name`, with their struct (symbol search). */
  memberDefs(name: string): Located<{ struct: string; span: Span }>[] {
    return this.structSpans(name, K_MEMBER);
  }

  /** Ops tables (`.member = fn` initialisers) named `name` (symbol search). */
  opsTableDefs(name: string): Located<{ struct: string; span: Span }>[] {
    return this.structSpans(name, K_OPSTABLE);
  }

  /** Entries of a kind written as (struct, span): MEMBER and OPSTABLE. */
  private structSpans(name: string, kind: number): Located<{ struct: string; span: Span }>[] {
    const out: Located<{ struct: string; span: Span }>[] = [];
    this.entries(this.record(name, 1 << kind)[kind], (file, c) => {
      const struct = this.str(c.uv());
      out.push({ file: this.file(file).path, item: { struct, span: c.span() } });
    });
    return out;
  }

  /** The ops tables that assign `fn` to a member. */
  opsSlotsOf(fn: string): Located<OpsSlot>[] {
    const out: Located<OpsSlot>[] = [];
    this.entries(this.record(fn, 1 << K_OPSFN)[K_OPSFN], (file, c) => {
      const struct = this.str(c.uv());
      const member = this.str(c.uv());
      const table = this.str(c.uv());
      out.push({ file: this.file(file).path, item: { struct, member, table } });
    });
    return out;
  }

  /**
   * Table entries of `member` as string ids (struct, fn), in file order; memoised. Ids, so
   * resolving an ops call decodes only the names it returns.
   */
  private slotsOfMember(member: string): Int32Array {
    const hit = this.slotCache.get(member);
    if (hit) return hit;
    const ids: number[] = [];
    this.entries(this.record(member, 1 << K_OPSSLOT)[K_OPSSLOT], (_file, c) => {
      ids.push(c.uv(), c.uv());
      c.uv(); // the table
    });
    const out = Int32Array.from(ids);
    this.slotCache.set(member, out);
    return out;
  }

  /** As MemoryCodeIndex.resolveDefinition: own file, then non-static, then a header's. */
  resolveDefinition(name: string, fromFile: string): Located<FunctionDef> | undefined {
    let own: Def | undefined;
    let header: Def | undefined;
    let global: Def | undefined;
    for (const d of this.defs(name)) {
      if (d.path === fromFile) {
        own = d;
        break;
      } else if (!header && d.isHeader) header = d;
      else if (!global && !d.isStatic) global = d;
    }
    const d = own ?? global ?? header;
    return d ? { file: d.path, item: { ...d.item } } : undefined;
  }

  /** The struct an ops call resolves against (its own, or the one struct that has the member). */
  private opsStruct(struct: string | null, member: string): string | undefined {
    if (struct !== null) return struct;
    const slots = this.slotsOfMember(member);
    if (slots.length === 0) return undefined;
    for (let i = 2; i < slots.length; i += 2) if (slots[i] !== slots[0]) return undefined;
    return this.str(slots[0]!);
  }

  private edge(c: CallSite, file: string, callee: string, via: string): CallEdge {
    const e: CallEdge = { caller: c.caller ?? '', callee, via, file, span: c.span };
    const def = this.resolveDefinition(callee, file);
    if (def) e.calleeFile = def.file;
    return e;
  }

  /** Direct and INDIRECT_CALL sites of `callee`. */
  callsTo(callee: string): Located<CallSite>[] {
    const out: Located<CallSite>[] = [];
    this.entries(this.record(callee, 1 << K_CALLEE)[K_CALLEE], (file, c) => {
      const caller = this.strOrNull(c.uv());
      const kind = c.uv();
      const via: CallSite['via'] =
        kind === 1 ? { kind: 'indirect', pointer: this.str(c.uv()) } : DIRECT;
      out.push({ file: this.file(file).path, item: { caller, callee, via, span: c.span() } });
    });
    return out;
  }

  private opsCallsTo(member: string): Located<CallSite>[] {
    const out: Located<CallSite>[] = [];
    this.entries(this.record(member, 1 << K_OPSCALL)[K_OPSCALL], (file, c) => {
      const caller = this.strOrNull(c.uv());
      const struct = this.strOrNull(c.uv());
      const span = c.span();
      const via: CallSite['via'] = { kind: 'ops', struct, member };
      out.push({ file: this.file(file).path, item: { caller, callee: member, via, span } });
    });
    return out;
  }

  private callsFrom(caller: string): Located<CallSite>[] {
    const out: Located<CallSite>[] = [];
    this.entries(this.record(caller, 1 << K_CALLER)[K_CALLER], (file, c) => {
      const callee = this.str(c.uv());
      const kind = c.uv();
      let via: CallSite['via'] = DIRECT;
      if (kind === 1) via = { kind: 'indirect', pointer: this.str(c.uv()) };
      else if (kind === 2) {
        const struct = this.strOrNull(c.uv());
        via = { kind: 'ops', struct, member: this.str(c.uv()) };
      } else if (kind !== 0) throw new StoreError('index store corrupt: bad call kind');
      out.push({ file: this.file(file).path, item: { caller, callee, via, span: c.span() } });
    });
    return out;
  }

  /** As MemoryCodeIndex.callersOf. */
  callersOf(fn: string, defFile?: string): CallEdge[] {
    const out: CallEdge[] = [];
    const reaches = (from: string): boolean =>
      defFile === undefined || this.resolveDefinition(fn, from)?.file === defFile;
    for (const { file, item: c } of this.callsTo(fn)) {
      if (c.caller !== null && reaches(file)) out.push(this.edge(c, file, fn, viaLabel(c)));
    }
    const seen = new Set<string>();
    for (const { item: slot } of this.opsSlotsOf(fn)) {
      const key = `${slot.struct}.${slot.member}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const { file, item: c } of this.opsCallsTo(slot.member)) {
        if (c.caller === null || c.via.kind !== 'ops') continue;
        if (this.opsStruct(c.via.struct, c.via.member) !== slot.struct) continue;
        out.push(this.edge(c, file, fn, `ops:${key}`));
      }
    }
    return out.sort(byPosition);
  }

  /** As MemoryCodeIndex.calleesOf. */
  calleesOf(fn: string, defFile?: string): CallEdge[] {
    const out: CallEdge[] = [];
    for (const { file, item: c } of this.callsFrom(fn)) {
      if (defFile !== undefined && file !== defFile) continue;
      if (c.via.kind !== 'ops') {
        out.push(this.edge(c, file, c.callee, viaLabel(c)));
        continue;
      }
      const struct = this.opsStruct(c.via.struct, c.via.member);
      if (struct === undefined) continue;
      const key = `${struct}.${c.via.member}`;
      const structId = this.lookup(struct);
      const slots = this.slotsOfMember(c.via.member);
      const seen = new Set<number>();
      for (let i = 0; i < slots.length; i += 2) {
        const fnId = slots[i + 1]!;
        if (slots[i] !== structId || seen.has(fnId)) continue;
        seen.add(fnId);
        out.push(this.edge(c, file, this.str(fnId), `ops:${key}`));
      }
    }
    return out.sort(byPosition);
  }

  /** As MemoryCodeIndex.fieldAccesses. */
  fieldAccesses(field: string, struct?: string): Located<FieldAccess>[] {
    const out: Located<FieldAccess>[] = [];
    this.entries(this.record(field, 1 << K_FIELD)[K_FIELD], (file, c) => {
      const fn = this.strOrNull(c.uv());
      const st = this.strOrNull(c.uv());
      const access = c.uv() === 1 ? 'write' : 'read';
      const span = c.span();
      if (struct === undefined || st === null || st === struct) {
        out.push({
          file: this.file(file).path,
          item: { function: fn, struct: st, field, access, span },
        });
      }
    });
    return out;
  }

  /** Plain (non-call) references of `name`, in file order. */
  refsOf(name: string): { file: string; span: Span; function: string | null }[] {
    const out: { file: string; span: Span; function: string | null }[] = [];
    this.entries(this.record(name, 1 << K_REF)[K_REF], (file, c) => {
      const fn = this.strOrNull(c.uv());
      out.push({ file: this.file(file).path, span: c.span(), function: fn });
    });
    return out;
  }

  /**
   * Names with a symbol (function, macro, struct, struct field, ops table) that match `query` as
   * MemoryCodeIndex.searchSymbols scores them, best first, at most `limit` names. One pass
   * over the string bytes with a byte-level subsequence filter; only names that pass it are
   * decoded, and only the best are looked up. `keep` can refuse a name (one whose symbols are
   * all in files an overlay replaced). Strings read here are not memoised.
   */
  searchNames(
    query: string,
    limit: number,
    score: (name: string) => number,
    keep: (name: string, kinds: number) => boolean = () => true,
  ): { name: string; kinds: number }[] {
    const q = query.trim().toLowerCase().replace(/_/g, '');
    if (limit <= 0 || query.trim() === '') return [];
    const want = Buffer.from(q, 'utf8');
    const [, strLen] = this.header.sections.strBytes;
    const n = this.header.strings;
    const CHUNK = 1 << 20;
    // The best `limit` names that are symbols (see symKinds), best first: a
    // bounded list, so a one-letter query over the kernel's strings holds `limit` names, and a
    // name's definition kinds are read only when it would enter the list.
    const best: { name: string; kinds: number; score: number }[] = [];
    const before = (x: { name: string; score: number }, y: { name: string; score: number }) =>
      x.score > y.score ||
      (x.score === y.score &&
        (x.name.length < y.name.length || (x.name.length === y.name.length && x.name < y.name)));
    const symKinds = [K_FUNC, K_MACRO, K_STRUCT, K_MEMBER, K_OPSTABLE];
    const defKinds = symKinds.reduce((m, k) => m | (1 << k), 0);
    // The query as matchScore compares it (lower case, underscores kept), for a bound on a
    // name's score from its bytes: once the list is full, a name that cannot beat its last
    // entry is not decoded.
    const ql = Buffer.from(query.trim().toLowerCase(), 'utf8');
    // Offsets are read 64k strings at a time, not one range() per string.
    const OFFS = 1 << 16;
    let offs: Uint8Array = new Uint8Array(0);
    let offsFrom = 0;
    const offAt = (i: number): number => {
      if (i < offsFrom || i >= offsFrom + offs.length / 4 - 1) {
        offsFrom = i;
        const count = Math.min(OFFS, n - i);
        offs = this.sec('strOffsets', i * 4, (count + 1) * 4);
      }
      const k = (i - offsFrom) * 4;
      return (offs[k]! | (offs[k + 1]! << 8) | (offs[k + 2]! << 16) | (offs[k + 3]! << 24)) >>> 0;
    };
    let id = 0;
    for (let off = 0; off < strLen && id < n;) {
      const len = Math.min(CHUNK, strLen - off);
      const bytes = this.sec('strBytes', off, len);
      // Strings wholly inside this chunk; the one that runs past it starts the next chunk.
      for (; id < n; id++) {
        const s = offAt(id);
        const e = offAt(id + 1);
        if (e < s) throw new StoreError('index store corrupt: bad offsets in strOffsets');
        if (e > off + len) break;
        const a = s - off;
        const b = e - off;
        let qi = 0;
        for (let i = a; i < b && qi < want.length; i++) {
          let c = bytes[i]!;
          if (c >= 65 && c <= 90) c += 32;
          if (c === want[qi]) qi++;
        }
        if (qi < want.length) continue;
        if (best.length >= limit) {
          const last = best[best.length - 1]!;
          const ub = scoreBound(bytes, a, b, ql);
          if (ub >= 0 && (ub < last.score || (ub === last.score && b - a > last.name.length)))
            continue;
        }
        let name: string;
        try {
          name = this.dec.decode(bytes.subarray(a, b));
        } catch {
          throw new StoreError('index store corrupt: a string is not UTF-8');
        }
        const cand = { name, kinds: 0, score: score(name) };
        if (cand.score <= 0) continue;
        if (best.length >= limit && !before(cand, best[best.length - 1]!)) continue;
        const cur = this.recordOf(id, defKinds);
        for (const k of symKinds) if (cur[k]) cand.kinds |= 1 << k;
        if (cand.kinds === 0 || !keep(name, cand.kinds)) continue;
        let at = best.length;
        while (at > 0 && before(cand, best[at - 1]!)) at--;
        best.splice(at, 0, cand);
        if (best.length > limit) best.pop();
      }
      if (id < n) {
        const s = offAt(id);
        if (s <= off) throw new StoreError('index store corrupt: a string longer than a chunk');
        off = s;
      } else break;
    }
    const out = best.map(({ name, kinds }) => ({ name, kinds }));
    return out;
  }
}

/**
 * The most matchScore (src/index/codeIndex.ts) can give the ASCII name in `bytes[a, b)` for the
 * lower-cased query `ql`: 1000 when it equals the query but for case, 850 when it starts with
 * it, 700 when it contains it, else 500 (a subsequence); -1 for a name that is not ASCII,
 * where lower-casing bytes says nothing.
 */
function scoreBound(bytes: Uint8Array, a: number, b: number, ql: Uint8Array): number {
  const low = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
  for (let i = a; i < b; i++) if (bytes[i]! >= 128) return -1;
  const n = b - a;
  const m = ql.length;
  if (m > n) return 500;
  let at = -1;
  for (let i = a; i + m <= b && at < 0; i++) {
    let j = 0;
    while (j < m && low(bytes[i + j]!) === ql[j]) j++;
    if (j === m) at = i - a;
  }
  if (at < 0) return 500;
  if (at > 0) return 700;
  return n === m ? 1000 : 850;
}

function readFully(fd: number, b: Uint8Array, pos: number): void {
  let done = 0;
  while (done < b.length) {
    const n = readSync(fd, b, done, b.length - done, pos + done);
    if (n === 0) throw new StoreError('index store truncated');
    done += n;
  }
}

function viaLabel(c: CallSite): string {
  return c.via.kind === 'direct' ? 'direct' : c.via.kind === 'indirect' ? 'INDIRECT_CALL' : '';
}

function byPosition(a: { file: string; span: Span }, b: { file: string; span: Span }): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.span.line - b.span.line ||
    a.span.col - b.span.col
  );
}
