// The on-disk index store: one file per indexed tree, queried in place (read with positional
// reads of the pages a query needs), never decoded whole. Written by writer.ts, read by
// reader.ts; docs/index-store.md explains the choice of format against SQLite, with figures.
//
// File layout (little-endian):
//   0   'SKLNSTOR'              magic (8 bytes)
//   8   u32 STORE_VERSION       a file of another version is rejected, never read further
//  12   u32 page size           PAGE_BYTES
//  16   u64 data bytes          length of the data area
//  24   u32 header bytes        JSON header (StoreHeader), after the data area
//  28   u32 pages               entries of the page checksum table, after the header
//  32   u32 crc32 of the header
//  36   u32 crc32 of the page checksum table
//  40   u32 crc32 of bytes 0..40
//  44   zeros up to PREFIX_BYTES
//  64   data area: the sections (StoreHeader.sections), back to back, cut into pages of
//       PAGE_BYTES, each with its crc32 in the page table: a page is checked when first read
//   …   header JSON, page checksum table (u32 per page)
// Opening reads the prefix and the trailer (header + page table: 4 bytes per 4 KiB page).
//
// Sections of the data area:
//   strBytes    every string, UTF-8, back to back
//   strOffsets  u32 per string id + 1: where each string starts in strBytes
//   strHash     2^hashBits slots of (u32 FNV-1a hash, u32 id + 1), open addressing, linear
//               probing; an empty slot is 0, 0
//   records     one record per string id, for the rows that name it (see below)
//   recOffsets  u32 per string id + 1: where each record starts in records
//   fileMeta    JSON {path, size, mtimeMs, hash, problems, counts} per file, back to back
//   fileOffsets u32 per file + 1: where each file's JSON starts in fileMeta
//
// A record is varint kind mask (bit k = posting kind k present), a varint byte length per kind
// present, then the kinds' entries in kind order. The entries of one kind are in file order,
// then row order (the index's postings order), each starting with the varint difference of
// its file id from the previous entry's. Nullable string ids are written as id + 1 (0: null).
//   CALLEE   direct and INDIRECT_CALL sites by callee: caller+1, kind (0|1), [pointer], span
//   OPSCALL  `->member(` sites by member: caller+1, struct+1, span
//   CALLER   every call site by its enclosing function: callee, kind, [pointer | struct+1,
//            member], span
//   FUNC     definitions by name: flags, kind, macro+1, span, name span (inner)
//   FIELD    field accesses by field: function+1, struct+1, access, span
//   REF      plain identifier references by name: function+1, span
//   MACRO    macro definitions by name: span, name span (inner), params (0: object-like, else
//            count + 1, then their string ids), value (varint byte length, UTF-8)
//   STRUCT   struct definitions by tag: kind (0 struct, 1 union), span, name span (inner),
//            field count, then per field: name, type, span (inner)
//   OPSFN    ops table slots by the function assigned: struct, member, table
//   OPSSLOT  ops table slots by member: struct, fn, table
//   MEMBER   struct fields by field name: struct, span (for symbol search)
//   OPSTABLE ops tables by variable name: struct, span (for symbol search)
// A span is line, col, endLine - line, endCol; an inner span (inside the entry's span) has
// its line as an offset from the entry's first line.
import * as zlib from 'node:zlib';

export const STORE_MAGIC = 'SKLNSTOR';
/** Bump on any change of the layout above. */
export const STORE_VERSION = 4;
export const PREFIX_BYTES = 64;
export const PAGE_BYTES = 4096;

export const K_CALLEE = 0;
export const K_OPSCALL = 1;
export const K_CALLER = 2;
export const K_FUNC = 3;
export const K_FIELD = 4;
export const K_REF = 5;
export const K_MACRO = 6;
export const K_STRUCT = 7;
export const K_OPSFN = 8;
export const K_OPSSLOT = 9;
export const K_MEMBER = 10;
export const K_OPSTABLE = 11;
export const KINDS = 12;

export const SECTIONS = [
  'strBytes',
  'strOffsets',
  'strHash',
  'records',
  'recOffsets',
  'fileMeta',
  'fileOffsets',
] as const;
export type SectionName = (typeof SECTIONS)[number];

/** The walk options a store's file set was found with: another set means another file set. */
export interface StoreWalkKey {
  include: readonly string[];
  exclude: readonly string[];
  maxFileBytes: number;
  followSymlinks: boolean;
}

export interface StoreHeader {
  root: string;
  fingerprint: string;
  /** How the tree was walked (absent in stores written without one: tests, benches). */
  walk?: StoreWalkKey;
  strings: number;
  files: number;
  hashBits: number;
  stats: { files: number; functions: number; calls: number; fieldAccesses: number };
  /** Byte offset in the data area and length of each section. */
  sections: Record<SectionName, [number, number]>;
}

/** A store that cannot be used: the reason is one line for a user. */
export class StoreError extends Error {
  override name = 'StoreError';
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32js(b: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Node's native CRC-32 (zlib.crc32, Node 20.15 and later), used only if it gives the same
 * checksums as the table above: every page of a store is checked with it when first read.
 */
const nativeCrc32 = (() => {
  const f = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (typeof f !== 'function') return undefined;
  const probe = new TextEncoder().encode('SKLens store page check 0123456789');
  return f(probe) >>> 0 === crc32js(probe, 0, probe.length) ? f : undefined;
})();

/** CRC-32 (IEEE) of `b[start, end)`. */
export function crc32(b: Uint8Array, start = 0, end = b.length): number {
  if (nativeCrc32) {
    const view = start === 0 && end === b.length ? b : b.subarray(start, end);
    return nativeCrc32(view) >>> 0;
  }
  return crc32js(b, start, end);
}

/** 32-bit FNV-1a of a string's UTF-16 code units (the hash of the strHash section). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
