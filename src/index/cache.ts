// The persistent index cache: one file per indexed tree in a cache directory (the extension's
// storageUri, or ~/.cache/sklens for the CLI), holding every file's facts plus the size, mtime
// and content hash that decide whether each entry is still valid.
//
// File layout (little-endian):
//   0  'SKLENSIX'            magic (8 bytes)
//   8  u32 FORMAT_VERSION    a file of another version is discarded, never read further
//  12  u32 header bytes      JSON: {codec, root, fingerprint, files: FileMeta[]}
//  16  u32 strings bytes     JSON array: the string table of factsCodec
//  20  u32 ints bytes        Int32Array of factsCodec
//  24  sha1 (20 bytes)       of everything from offset 48 to the end
//  44  u32 0
//  48  header, strings, ints (each padded to 4 bytes)
// A truncated, corrupted or foreign file fails the length or checksum test and is rejected.
//
// Writes are atomic: a temp file of a name unique to this process is written in full, then
// renamed over the cache file. Two processes indexing the same tree each rename a complete
// file (the last one wins), and a process killed mid-write leaves only a stray temp file,
// which later writers sweep up.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CODEC_VERSION,
  decodePackedSteps,
  emitPackedSteps,
  planPackedSteps,
  runSteps,
  runStepsAsync,
  type FileMeta,
  type SealedPostings,
} from './factsCodec';
import type { PackedFacts } from './packed';

export const FORMAT_VERSION = 1;
const MAGIC = Buffer.from('SKLENSIX', 'latin1');
const PREFIX_BYTES = 48;
/** Temp files older than this are leftovers of a killed writer. */
const STALE_TEMP_MS = 10 * 60 * 1000;

export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'sklens');
}

/** The cache file of one tree: named after the tree's directory and a hash of its full path. */
export function cacheFileFor(cacheDir: string, root: string): string {
  const abs = resolve(root);
  const h = createHash('sha1').update(abs).digest('hex').slice(0, 16);
  const name = basename(abs).replace(/[^A-Za-z0-9._-]/g, '_') || 'root';
  return join(cacheDir, `${name}-${h}.sklens-index`);
}

export interface CacheKey {
  root: string;
  /** Identifies the extractor that produced the facts; a different one invalidates everything. */
  fingerprint: string;
  /** Written in the header as it is and returned by a read (a delta's base and deletions). */
  meta?: Record<string, unknown>;
}

/**
 * Packed facts (factsCodec.ts) whose row string ids index `strings`, with the index's postings
 * by file position in `files` when it has them sealed.
 */
export interface PackedSet {
  files: readonly PackedFacts[];
  strings: readonly string[];
  postings?: readonly SealedPostings[];
  /** The id of a string in `strings` (the index's map), so the writer need not build one. */
  lookup?: (s: string) => number | undefined;
}

export type CacheRead =
  | {
      ok: true;
      files: PackedFacts[];
      strings: string[];
      postings: SealedPostings[] | undefined;
      bytes: number;
      meta?: Record<string, unknown>;
    }
  | { ok: false; reason: string };

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Ints per chunk of the rows the writer streams to disk (4 MiB). */
const CHUNK_INTS = 1 << 20;

/**
 * The cache file's body (from offset PREFIX_BYTES) as pieces in file order, yielded as they are
 * made (`undefined` marks a point where the caller may pause), then the prefix, with the
 * checksum, as the result. The rows are made a chunk at a time (factsCodec's counting pass
 * first, since the header and string table come before them), so a writer that writes each
 * piece as it comes never holds a second copy of the index.
 */
function* encodeCacheSteps(key: CacheKey, set: PackedSet): Generator<Buffer | undefined, Buffer> {
  const planning = planPackedSteps(set.files, set.strings, set.postings, set.lookup);
  let planned = planning.next();
  for (; !planned.done; planned = planning.next()) yield undefined;
  const plan = planned.value;
  const header = Buffer.from(
    JSON.stringify({
      codec: CODEC_VERSION,
      root: resolve(key.root),
      fingerprint: key.fingerprint,
      ...(key.meta ? { meta: key.meta } : {}),
      files: plan.metas,
    }),
    'utf8',
  );
  const strings = Buffer.from(JSON.stringify(plan.strings), 'utf8');
  const sum = createHash('sha1');
  const pad = (b: Buffer) => Buffer.alloc(pad4(b.length) - b.length);
  for (const b of [header, pad(header), strings, pad(strings)]) {
    sum.update(b);
    yield b;
  }
  let ints = 0;
  for (const c of emitPackedSteps(plan, CHUNK_INTS)) {
    if (!c) {
      yield undefined;
      continue;
    }
    const b = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    sum.update(b);
    ints += b.length;
    yield b;
  }
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(FORMAT_VERSION, 8);
  prefix.writeUInt32LE(header.length, 12);
  prefix.writeUInt32LE(strings.length, 16);
  prefix.writeUInt32LE(ints, 20);
  sum.digest().copy(prefix, 24);
  return prefix;
}

export function encodeCache(key: CacheKey, set: PackedSet): Buffer {
  const body: Buffer[] = [];
  const g = encodeCacheSteps(key, set);
  let r = g.next();
  for (; !r.done; r = g.next()) if (r.value) body.push(r.value);
  return Buffer.concat([r.value, ...body]);
}

export function decodeCache(buf: Buffer, key: CacheKey): CacheRead {
  return runSteps(decodeCacheSteps(buf, key));
}

/**
 * decodeCache that gives the thread back every `sliceMs` (the extension host's thread must not
 * be held for the ~150 ms a tree like net/ takes to check and decode).
 */
export function decodeCacheAsync(buf: Buffer, key: CacheKey, sliceMs = 15): Promise<CacheRead> {
  return runStepsAsync(decodeCacheSteps(buf, key), sliceMs);
}

/** The checks and decoding of decodeCache, pausing (yield) between bounded pieces of work. */
function* decodeCacheSteps(buf: Buffer, key: CacheKey): Generator<void, CacheRead> {
  if (buf.length < PREFIX_BYTES || !buf.subarray(0, 8).equals(MAGIC)) {
    return { ok: false, reason: 'not an SKLens index cache' };
  }
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION) {
    return { ok: false, reason: `cache format ${version}, expected ${FORMAT_VERSION}` };
  }
  const hLen = buf.readUInt32LE(12);
  const sLen = buf.readUInt32LE(16);
  const iLen = buf.readUInt32LE(20);
  const expected = PREFIX_BYTES + pad4(hLen) + pad4(sLen) + iLen;
  if (buf.length !== expected || iLen % 4 !== 0) {
    return { ok: false, reason: `cache is ${buf.length} bytes, its header says ${expected}` };
  }
  const hash = createHash('sha1');
  for (let at = PREFIX_BYTES; at < buf.length; at += 4 << 20) {
    hash.update(buf.subarray(at, Math.min(buf.length, at + (4 << 20))));
    yield;
  }
  const sum = hash.digest();
  if (!sum.equals(buf.subarray(24, 44))) return { ok: false, reason: 'cache checksum mismatch' };
  try {
    let at = PREFIX_BYTES;
    const header = JSON.parse(buf.toString('utf8', at, at + hLen)) as {
      codec: number;
      root: string;
      fingerprint: string;
      meta?: Record<string, unknown>;
      files: FileMeta[];
    };
    at += pad4(hLen);
    yield;
    if (header.codec !== CODEC_VERSION) {
      return { ok: false, reason: `facts codec ${header.codec}, expected ${CODEC_VERSION}` };
    }
    if (header.root !== resolve(key.root)) {
      return { ok: false, reason: `cache is for ${header.root}` };
    }
    if (header.fingerprint !== key.fingerprint) {
      return { ok: false, reason: 'cache was written by another extractor version' };
    }
    const strings = JSON.parse(buf.toString('utf8', at, at + sLen)) as unknown;
    if (!Array.isArray(strings) || !strings.every((x) => typeof x === 'string')) {
      throw new Error('string table is not a list of strings');
    }
    at += pad4(sLen);
    yield;
    // Copy into an aligned buffer: a Buffer from the pool may sit at any byte offset.
    const ints = new Int32Array(iLen / 4);
    Buffer.from(ints.buffer).set(buf.subarray(at, at + iLen));
    yield;
    const { files, postings } = yield* decodePackedSteps({ metas: header.files, strings, ints });
    return {
      ok: true,
      files,
      strings,
      postings,
      bytes: buf.length,
      ...(header.meta && typeof header.meta === 'object' ? { meta: header.meta } : {}),
    };
  } catch (e) {
    return { ok: false, reason: `cache unreadable: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export async function readCache(file: string, key: CacheKey): Promise<CacheRead> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'no cache yet' : `cannot read cache: ${code}` };
  }
  return decodeCacheAsync(buf, key);
}

/**
 * Fault injection for test/integration/cache.test.ts: with SKLENS_CACHE_WRITE_DELAY_MS set,
 * the temp file is written in 64 KiB chunks with that pause between them, so a test can
 * `kill -9` the writer mid-write.
 */
function writeDelayMs(): number {
  const v = Number(process.env.SKLENS_CACHE_WRITE_DELAY_MS ?? '0');
  return Number.isFinite(v) && v > 0 ? v : 0;
}

export async function writeCache(file: string, key: CacheKey, set: PackedSet): Promise<number> {
  await fsp.mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const delay = writeDelayMs();
  let bytes = PREFIX_BYTES;
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      const put = async (b: Buffer, pos: number) => {
        // With fault injection, 64 KiB at a time with a pause between (see writeDelayMs).
        const step = delay > 0 ? 65536 : b.length;
        for (let at = 0; at < b.length;) {
          const { bytesWritten } = await fh.write(b, at, Math.min(step, b.length - at), pos + at);
          if (bytesWritten <= 0) throw new Error(`short write at ${pos + at}`);
          at += bytesWritten;
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        }
      };
      // The body as it is made, then the prefix with its checksum: one chunk in memory at a time.
      const g = encodeCacheSteps(key, set);
      let since = performance.now();
      let r = g.next();
      for (; !r.done; r = g.next()) {
        if (r.value) {
          await put(r.value, bytes);
          bytes += r.value.length;
          since = performance.now();
        } else if (performance.now() - since > 15) {
          // Give the caller's thread back (the extension host's) between files.
          await new Promise((ok) => setImmediate(ok));
          since = performance.now();
        }
      }
      await put(r.value, 0);
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await sweepStaleTemps(file);
  return bytes;
}

async function sweepStaleTemps(file: string): Promise<void> {
  const dir = dirname(file);
  const prefix = basename(file) + '.';
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    try {
      const st = await fsp.stat(join(dir, n));
      if (now - st.mtimeMs > STALE_TEMP_MS) await fsp.rm(join(dir, n), { force: true });
    } catch {
      // Another process swept it first.
    }
  }
}
