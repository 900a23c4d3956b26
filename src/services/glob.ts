// Include/exclude globs of the `sklens.index.*` settings, matched against workspace-relative
// paths ('/' separators), for the file watcher; the same compiler as the workspace walk, so a
// file the watcher reports is indexed exactly when the walk would index it. No vscode import.

// One glob compiler for the walker and the watcher: src/index/walk.ts.
import { globToRegExp } from '../index/walk';

export { globToRegExp };

/** Decides whether a workspace-relative path is indexed under the include/exclude settings. */
export class PathFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
  }

  /** Whether the file at `rel` is indexed. */
  matches(rel: string): boolean {
    return this.include.some((r) => r.test(rel)) && !this.excluded(rel);
  }

  /** Whether `rel` (a file or a folder) is excluded. A folder glob `x/**` excludes `x` too. */
  excluded(rel: string): boolean {
    return this.exclude.some((r) => r.test(rel) || r.test(`${rel}/`));
  }
}
