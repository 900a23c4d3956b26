// The on-disk index store (src/index/store) of a tree, beside its cache: where it lives,
// whether it was built from the same walk, and whether what it says of a file still holds on
// disk. The CLI answers queries from it in place (src/cli/storeQueries.ts) and falls back to
// the workspace index, which rewrites it, when it does not hold.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheFileFor } from './cache';
import type { StoreWalkKey } from './store/format';
import type { StoredFile, StoreReader } from './store/reader';
import { walkTree } from './walk';

/** The store's file for `root`, beside its cache file in `cacheDir`. */
export function storeFileFor(cacheDir: string, root: string): string {
  return cacheFileFor(cacheDir, root).replace(/\.sklens-index$/, '.sklens-store');
}

/** Whether two walks find the same files (same globs, size limit and link rule). */
export function sameWalk(a: StoreWalkKey | undefined, b: StoreWalkKey): boolean {
  if (!a) return false;
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    same(a.include, b.include) &&
    same(a.exclude, b.exclude) &&
    a.maxFileBytes === b.maxFileBytes &&
    a.followSymlinks === b.followSymlinks
  );
}

/** Of `files` (as a store recorded them), those whose size or mtime now differ, or are gone. */
export function changedOnDisk(root: string, files: readonly StoredFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    try {
      const st = statSync(join(root, f.path));
      if (!st.isFile() || st.size !== f.size || st.mtimeMs !== f.mtimeMs) out.push(f.path);
    } catch {
      out.push(f.path);
    }
  }
  return out;
}

/**
 * The whole tree against the store: walks it as it was walked and compares every file.
 * Proportional to the tree (the `--check` of the query commands).
 */
export async function treeChanges(
  root: string,
  store: StoreReader,
  walk: StoreWalkKey,
): Promise<{ changed: string[]; added: string[]; removed: string[] }> {
  const walked = await walkTree(root, walk);
  const stored = new Map<string, StoredFile>();
  for (let i = 0; i < store.header.files; i++) {
    const f = store.file(i);
    stored.set(f.path, f);
  }
  const changed: string[] = [];
  const added: string[] = [];
  for (const w of walked.files) {
    const f = stored.get(w.path);
    if (!f) added.push(w.path);
    else if (f.size !== w.size || f.mtimeMs !== w.mtimeMs) changed.push(w.path);
    stored.delete(w.path);
  }
  return { changed, added, removed: [...stored.keys()] };
}
