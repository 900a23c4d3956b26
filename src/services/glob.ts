// Include/exclude globs of the `sklens.index.*` settings, matched against workspace-relative
// paths ('/' separators). Supports `**`, `*`, `?`, `{a,b}` and `[...]`, which is what VS Code's
// own glob settings use; compiled once per settings change. No vscode import (unit-tested).

/** Compiles one glob to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more whole directories; a trailing `**` matches everything.
        i += 2;
        if (glob[i] === '/') {
          i++;
          re += '(?:[^/]*/)*';
        } else re += '.*';
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
    i++;
  }
  return new RegExp(`^${re}$`);
}

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
