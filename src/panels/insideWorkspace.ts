// Whether a file a webview asks the host to open is inside the workspace. The webview is not
// trusted to name files: a graph node's `file` comes back from the webview, so the host
// resolves it against the indexed folder, follows every symbolic link (realpath) and opens it
// only when the real path lies inside the real path of a workspace folder. No vscode import,
// so the check is tested on real folders and links.
import { promises as fsp } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type InsideResult = { ok: true; path: string } | { ok: false; reason: string };

/** Whether `real` is `root` or below it (both already real paths). */
function within(root: string, real: string): boolean {
  const rel = relative(root, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Resolves `file` (relative to `base`, the indexed folder) and checks its real path against
 * the real paths of `roots` (the workspace folders). `path` is the resolved, unlinked path to
 * open; `reason` is one line for the log.
 */
export async function insideWorkspace(
  file: string,
  base: string,
  roots: readonly string[],
): Promise<InsideResult> {
  const target = resolve(base, file);
  let real: string;
  try {
    real = await fsp.realpath(target);
  } catch (e) {
    return { ok: false, reason: `cannot resolve ${file} (${(e as NodeJS.ErrnoException).code})` };
  }
  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = await fsp.realpath(root);
    } catch {
      continue;
    }
    if (within(realRoot, real)) return { ok: true, path: target };
  }
  return { ok: false, reason: `${file} resolves to ${real}, outside the workspace folders` };
}
