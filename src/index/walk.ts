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

/**
 * A glob as a RegExp over a '/' path: `**` any number of segments (also none), `*` and `?`
 * within a segment, `{a,b}` alternatives, `[...]` classes. A pattern without a '/' matches the
 * base name in any folder (like .gitignore), so `*.c` is `**\/*.c`.
 */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/');
  if (g.startsWith('./')) g = g.slice(2);
  if (!g.includes('/')) g = `**/${g}`;
  let re = '';
  let inBraces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const atStart = i === 0 || g[i - 1] === '/';
        const atEnd = i + 2 === g.length || g[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === g.length) {
            re += '.*';
            i += 1;
          } else {
            // `**/`: zero or more whole segments.
            re += '(?:[^/]*/)*';
            i += 2;
          }
          continue;
        }
        re += '[^/]*';
        i += 1;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inBraces++;
      re += '(?:';
    } else if (c === '}' && inBraces > 0) {
      inBraces--;
      re += ')';
    } else if (c === ',' && inBraces > 0) re += '|';
    else if (c === '[') {
      const end = g.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re +=
          '[' +
          g
            .slice(i + 1, end)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\') +
          ']';
        i = end;
      }
    } else re += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
  }
  // A trailing `/**` also matches the folder itself, which lets the walker prune it.
  re = re.replace(/\/\.\*$/, '(?:/.*)?');
  return new RegExp(`^${re}$`);
}

export class PathFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];
  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
  }
  excludedDir(rel: string): boolean {
    return this.exclude.some((r) => r.test(rel));
  }
  wanted(rel: string): boolean {
    return this.include.some((r) => r.test(rel)) && !this.exclude.some((r) => r.test(rel));
  }
}

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
        if (filter.excludedDir(p)) continue;
        // A plain folder's real path is its parent's plus its name: no system call needed.
        const r = `${real}/${d.name}`;
        const first = seen.get(r);
        if (first === undefined) {
          seen.set(r, p);
          dirs.push({ rel: p, real: r });
        } else skipped.push({ path: p, reason: `already indexed through the symlink ${first}` });
      } else if (d.isFile()) {
        if (filter.wanted(p)) candidates.push(p);
      } else if (d.isSymbolicLink()) {
        if (follow) links.push(p);
      } else if (filter.wanted(p)) {
        // FIFOs, sockets and devices named like C files: never opened.
        const st = await fsp.lstat(join(root, p)).catch(() => undefined);
        skipped.push({ path: p, reason: st ? `${typeName(st)}, not read` : 'vanished' });
      }
    }
    for (const p of links) {
      if (filter.excludedDir(p)) continue;
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
      } else if (!filter.wanted(p)) continue;
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
