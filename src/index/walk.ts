// Finds the C files of a tree: include/exclude globs over root-relative '/' paths, excluded
// directories pruned without being read, symlinks not followed (kernel trees have loops
// through build links), files over the size limit reported as skipped with a reason.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { PathFilter } from './pathFilter';

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
  /**
   * The root-relative folder `root` is, when the walk covers only part of a tree (a folder the
   * watcher saw created): the globs then see the same paths as in a walk of the whole tree.
   * Returned paths stay relative to `root`.
   */
  under?: string;
}

/** Lists the wanted files under root, sorted by path; all I/O is asynchronous. */
export async function walkTree(root: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const filter = new PathFilter(opts.include ?? DEFAULT_INCLUDE, opts.exclude ?? DEFAULT_EXCLUDE);
  const inTree = opts.under ? (p: string) => `${opts.under}/${p}` : (p: string) => p;
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
        if (!filter.prunes(inTree(p))) dirs.push(p);
      } else if (d.isFile() && filter.wantedInWalk(inTree(p))) candidates.push(p);
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
