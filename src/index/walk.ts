// Finds the C files of a tree: include/exclude globs over root-relative '/' paths, excluded
// directories pruned without being read, files over the size limit reported as skipped with
// a reason. Symlinked folders and files are followed (as VS Code's search.followSymlinks
// does) unless told otherwise; a link back into a folder already walked (kernel trees have
// loops through build links) is skipped by its real path. Only regular files are ever
// listed: FIFOs, sockets and devices are skipped with a reason, also behind a link.
import { promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_EXCLUDE,
  DEFAULT_FOLLOW_SYMLINKS,
  DEFAULT_INCLUDE,
  DEFAULT_MAX_FILE_BYTES,
} from './defaults';
import { PathFilter } from './pathFilter';

export interface WalkedFile {
  /** Relative to the root, '/' separators. */
  path: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: { path: string; reason: string }[];
}

export interface WalkOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  maxFileBytes?: number;
  /** Follow symlinked folders and files (default true). */
  followSymlinks?: boolean;
  signal?: AbortSignal;
  /**
   * The root-relative folder `root` is, when the walk covers only part of a tree (a folder the
   * watcher saw created): the globs then see the same paths as in a walk of the whole tree.
   * Returned paths stay relative to `root`.
   */
  under?: string;
}

/** What a path on disk is, for indexing: a folder to walk, a file to read, or neither. */
export type EntryKind =
  | { kind: 'dir'; real: string }
  | { kind: 'file'; stat: Stats }
  | { kind: 'skip'; reason: string }
  | { kind: 'gone' };

function typeName(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Classifies one path the way the walk does, so that the walk and the file watcher agree:
 * a symlink is followed only with `followSymlinks`, and only folders and regular files count.
 */
export async function classifyPath(abs: string, followSymlinks: boolean): Promise<EntryKind> {
  let st: Stats;
  try {
    st = await fsp.lstat(abs);
  } catch {
    return { kind: 'gone' };
  }
  let viaLink = false;
  if (st.isSymbolicLink()) {
    if (!followSymlinks)
      return { kind: 'skip', reason: 'a symlink (sklens.index.followSymlinks is off)' };
    viaLink = true;
    try {
      st = await fsp.stat(abs);
    } catch (e) {
      return { kind: 'skip', reason: `a broken symlink (${(e as NodeJS.ErrnoException).code})` };
    }
  }
  if (st.isDirectory()) {
    const real = await fsp.realpath(abs).catch(() => abs);
    return { kind: 'dir', real };
  }
  if (st.isFile()) return { kind: 'file', stat: st };
  return { kind: 'skip', reason: `${viaLink ? 'a symlink to ' : ''}${typeName(st)}, not read` };
}

/** Lists the wanted files under root, sorted by path; all I/O is asynchronous. */
export async function walkTree(root: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const filter = new PathFilter(opts.include ?? DEFAULT_INCLUDE, opts.exclude ?? DEFAULT_EXCLUDE);
  const inTree = opts.under ? (p: string) => `${opts.under}/${p}` : (p: string) => p;
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const follow = opts.followSymlinks ?? DEFAULT_FOLLOW_SYMLINKS;
  const files: WalkedFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const candidates: string[] = [];
  /** Real paths of the folders walked (or queued), and the relative path each was seen as. */
  const seen = new Map<string, string>();
  const rootReal = await fsp.realpath(root);
  seen.set(rootReal, '');
  const dirs: { rel: string; real: string }[] = [{ rel: '', real: rootReal }];
  while (dirs.length > 0) {
    opts.signal?.throwIfAborted();
    const { rel, real } = dirs.pop()!;
    let entries;
    try {
      entries = await fsp.readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel === '') throw e;
      skipped.push({
        path: rel,
        reason: `unreadable folder (${(e as NodeJS.ErrnoException).code})`,
      });
      continue;
    }
    const links: string[] = [];
    for (const d of entries) {
      const p = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (filter.prunes(inTree(p))) continue;
        // A plain folder's real path is its parent's plus its name: no system call needed.
        const r = `${real}/${d.name}`;
        const first = seen.get(r);
        if (first === undefined) {
          seen.set(r, p);
          dirs.push({ rel: p, real: r });
        } else skipped.push({ path: p, reason: `already indexed through the symlink ${first}` });
      } else if (d.isFile()) {
        if (filter.wantedInWalk(inTree(p))) candidates.push(p);
      } else if (d.isSymbolicLink()) {
        if (follow) links.push(p);
      } else if (filter.wantedInWalk(inTree(p))) {
        // FIFOs, sockets and devices named like C files: never opened.
        const st = await fsp.lstat(join(root, p)).catch(() => undefined);
        skipped.push({ path: p, reason: st ? `${typeName(st)}, not read` : 'vanished' });
      }
    }
    for (const p of links) {
      if (filter.prunes(inTree(p))) continue;
      const k = await classifyPath(join(root, p), true);
      if (k.kind === 'dir') {
        const first = seen.get(k.real);
        if (first !== undefined) {
          skipped.push({
            path: p,
            reason:
              first === '' || p.startsWith(`${first}/`)
                ? `a symlink loop (back to ${first === '' ? 'the root' : first})`
                : `a symlink to a folder already indexed as ${first}`,
          });
          continue;
        }
        seen.set(k.real, p);
        dirs.push({ rel: p, real: k.real });
      } else if (!filter.wantedInWalk(inTree(p))) continue;
      else if (k.kind === 'file') candidates.push(p);
      else if (k.kind === 'skip') skipped.push({ path: p, reason: k.reason });
    }
  }
  // Stat in parallel batches: the libuv pool does the work, the caller's thread stays free.
  for (let i = 0; i < candidates.length; i += 128) {
    opts.signal?.throwIfAborted();
    const batch = candidates.slice(i, i + 128);
    const stats = await Promise.all(
      batch.map((p) => fsp.stat(join(root, p)).catch((e: NodeJS.ErrnoException) => e)),
    );
    for (let k = 0; k < batch.length; k++) {
      const p = batch[k]!;
      const st = stats[k]!;
      if (st instanceof Error) skipped.push({ path: p, reason: `cannot stat (${st.code})` });
      else if (!st.isFile()) skipped.push({ path: p, reason: `${typeName(st)}, not read` });
      else if (st.size > maxBytes) {
        skipped.push({
          path: p,
          reason: `${st.size} bytes is over the limit of ${maxBytes} bytes`,
        });
      } else files.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}
