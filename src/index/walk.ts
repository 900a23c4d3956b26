// Finds the C files of a tree: include/exclude globs over root-relative '/' paths, excluded
// directories pruned without being read, symlinks not followed (kernel trees have loops
// through build links), files over the size limit reported as skipped with a reason.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_INCLUDE = ['**/*.c', '**/*.h'];
/** Never C sources a user wants indexed: VCS and tool folders, and the kernel's docs. */
export const DEFAULT_EXCLUDE = [
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/node_modules/**',
  '**/.cache/**',
  '**/.vscode-test/**',
  'Documentation/**',
];
/** Larger files are skipped: generated tables, amalgamations. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

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
  signal?: AbortSignal;
}

/** Lists the wanted files under root, sorted by path; all I/O is asynchronous. */
export async function walkTree(root: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const filter = new PathFilter(opts.include ?? DEFAULT_INCLUDE, opts.exclude ?? DEFAULT_EXCLUDE);
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const files: WalkedFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const candidates: string[] = [];
  const dirs = [''];
  while (dirs.length > 0) {
    opts.signal?.throwIfAborted();
    const rel = dirs.pop()!;
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
    for (const d of entries) {
      const p = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (!filter.excludedDir(p)) dirs.push(p);
      } else if (d.isFile() && filter.wanted(p)) candidates.push(p);
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
