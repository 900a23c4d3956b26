// The include/exclude globs of the workspace walk, the file watcher and the CLI: one compiler and
// one rule for excluded folders. Globs come from settings a workspace can set, so they are
// validated (one-line GlobError) and matched by simulating a small automaton over the path —
// never turned into a RegExp, whose backtracking made `**/` repeated a dozen times run for
// minutes on a deep path. Matching costs at most (automaton states × path length) steps.
//
// Syntax: `**` any number of whole segments (also none), `*` and `?` within a segment, `{a,b}`
// alternatives (nestable), `[abc]`, `[a-z]`, `[!x]` classes within a segment. A glob without a
// '/' matches the base name in any folder (like .gitignore), so `*.c` is `**/*.c`. A trailing
// `/**` also matches the folder itself, which lets a walker prune it.

export class GlobError extends Error {}

/** Longer globs are refused: no setting needs them, and they bound the matcher's work. */
export const MAX_GLOB_CHARS = 1000;
/** Brace alternatives of one glob, after expanding every group. */
export const MAX_GLOB_ALTERNATIVES = 64;

/** Steps taken by every matcher (one per automaton state visited): for tests of linearity. */
export const globSteps = { count: 0 };

type Node =
  | { kind: 'char'; test: (c: number) => boolean; out: number }
  | { kind: 'split'; a: number; b: number }
  | { kind: 'match' };

const SLASH = 0x2f;
const notSlash = (c: number): boolean => c !== SLASH;
const anyChar = (): boolean => true;

function fail(glob: string, why: string): never {
  const shown = glob.length > 80 ? `${glob.slice(0, 77)}...` : glob;
  throw new GlobError(`invalid glob '${shown}': ${why}`);
}

/** Index of the `}` closing the `{` at `open`, or -1. */
function closingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits a group's body at its top-level commas. */
function alternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out;
}

/** Every brace-free spelling of `s`; more than MAX_GLOB_ALTERNATIVES is an error. */
function expandBraces(s: string, glob: string): string[] {
  const open = s.indexOf('{');
  if (open < 0) return [s];
  const close = closingBrace(s, open);
  if (close < 0) fail(glob, "a '{' is never closed");
  const prefix = s.slice(0, open);
  const rest = expandBraces(s.slice(close + 1), glob);
  const out: string[] = [];
  for (const alt of alternatives(s.slice(open + 1, close))) {
    for (const a of expandBraces(alt, glob)) {
      for (const r of rest) {
        out.push(prefix + a + r);
        if (out.length > MAX_GLOB_ALTERNATIVES)
          fail(glob, `more than ${MAX_GLOB_ALTERNATIVES} brace alternatives`);
      }
    }
  }
  return out;
}

/** A `[...]` class starting at `open`: its test and the index of its `]`. */
function parseClass(
  s: string,
  open: number,
  glob: string,
): { test: (c: number) => boolean; end: number } {
  let i = open + 1;
  const negate = s[i] === '!' || s[i] === '^';
  if (negate) i++;
  const end = s.indexOf(']', i);
  if (end < 0) fail(glob, "a '[' is never closed");
  if (end === i) fail(glob, "an empty '[]' class");
  const ranges: [number, number][] = [];
  for (let k = i; k < end; k++) {
    const lo = s.charCodeAt(k);
    if (s[k + 1] === '-' && k + 2 < end) {
      const hi = s.charCodeAt(k + 2);
      if (hi < lo) fail(glob, `the range '${s.slice(k, k + 3)}' is reversed`);
      ranges.push([lo, hi]);
      k += 2;
    } else ranges.push([lo, lo]);
  }
  const inSet = (c: number): boolean => ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return { test: (c) => c !== SLASH && inSet(c) !== negate, end };
}

/** A compiled glob: `test(path)` over a root-relative '/' path. */
export class Glob {
  private readonly nodes: Node[] = [];
  private readonly starts: number[] = [];
  /** Per-node mark of the last step that added it, so a state set holds each node once. */
  private readonly mark: Int32Array;
  private stamp = 0;

  constructor(readonly source: string) {
    if (typeof source !== 'string') fail(String(source), 'not a string');
    let g = source.trim().replace(/\\/g, '/');
    if (g === '') fail(source, 'empty');
    if (g.length > MAX_GLOB_CHARS) fail(source, `longer than ${MAX_GLOB_CHARS} characters`);
    if (g.startsWith('./')) g = g.slice(2);
    if (!g.includes('/')) g = `**/${g}`;
    for (const alt of expandBraces(g, source)) this.starts.push(this.compile(alt, source));
    this.mark = new Int32Array(this.nodes.length);
  }

  /** Size of the automaton: one test visits at most about 2 × states × path length states. */
  get states(): number {
    return this.nodes.length;
  }

  private add(n: Node): number {
    this.nodes.push(n);
    return this.nodes.length - 1;
  }

  /** Builds the automaton of one brace-free spelling, from its end back; returns its start. */
  private compile(s: string, glob: string): number {
    // Tokens first, so each one can be linked to the start of the next.
    type Tok =
      | { t: 'char'; test: (c: number) => boolean }
      | { t: 'star' } // within a segment
      | { t: 'segments' } // `**/`: zero or more whole segments
      | { t: 'rest' } // `**` at the end: anything
      | { t: 'folderOrBelow' }; // trailing `/**`: nothing, or '/' and anything
    const toks: Tok[] = [];
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '*') {
        let j = i;
        while (s[j + 1] === '*') j++;
        const atStart = i === 0 || s[i - 1] === '/';
        const atEnd = j + 1 === s.length || s[j + 1] === '/';
        if (j > i && atStart && atEnd) {
          if (j + 1 === s.length) {
            // `x/**` also matches `x`; a lone `**` matches anything.
            if (i > 0 && toks.at(-1)?.t === 'char' && s[i - 1] === '/') {
              toks.pop();
              toks.push({ t: 'folderOrBelow' });
            } else toks.push({ t: 'rest' });
          } else {
            if (toks.at(-1)?.t !== 'segments') toks.push({ t: 'segments' });
            j++; // the '/'
          }
        } else if (toks.at(-1)?.t !== 'star') toks.push({ t: 'star' });
        i = j;
      } else if (c === '?') toks.push({ t: 'char', test: notSlash });
      else if (c === '[') {
        const cls = parseClass(s, i, glob);
        toks.push({ t: 'char', test: cls.test });
        i = cls.end;
      } else {
        const code = s.charCodeAt(i);
        toks.push({ t: 'char', test: (x) => x === code });
      }
    }
    let next = this.add({ kind: 'match' });
    for (let k = toks.length - 1; k >= 0; k--) {
      const tok = toks[k]!;
      switch (tok.t) {
        case 'char':
          next = this.add({ kind: 'char', test: tok.test, out: next });
          break;
        case 'star':
        case 'rest': {
          const loop = this.add({ kind: 'split', a: -1, b: next });
          const eat = this.add({
            kind: 'char',
            test: tok.t === 'star' ? notSlash : anyChar,
            out: loop,
          });
          (this.nodes[loop] as { a: number }).a = eat;
          next = loop;
          break;
        }
        case 'segments': {
          // (?:[^/]*/)* as states: loop → (eat a non-'/' and stay in the segment | '/' → loop).
          const loop = this.add({ kind: 'split', a: -1, b: next });
          const inSeg = this.add({ kind: 'split', a: -1, b: -1 });
          const eat = this.add({ kind: 'char', test: notSlash, out: inSeg });
          const end = this.add({ kind: 'char', test: (c) => c === SLASH, out: loop });
          Object.assign(this.nodes[inSeg]!, { a: eat, b: end });
          (this.nodes[loop] as { a: number }).a = inSeg;
          next = loop;
          break;
        }
        case 'folderOrBelow': {
          const anyLoop = this.add({ kind: 'split', a: -1, b: next });
          const eat = this.add({ kind: 'char', test: anyChar, out: anyLoop });
          (this.nodes[anyLoop] as { a: number }).a = eat;
          const slash = this.add({ kind: 'char', test: (c) => c === SLASH, out: anyLoop });
          next = this.add({ kind: 'split', a: slash, b: next });
          break;
        }
      }
    }
    return next;
  }

  /** Adds `n` and the states it reaches without reading a character. */
  private close(n: number, into: number[]): void {
    const stack = [n];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (this.mark[s] === this.stamp) continue;
      this.mark[s] = this.stamp;
      globSteps.count++;
      const node = this.nodes[s]!;
      if (node.kind === 'split') stack.push(node.b, node.a);
      else into.push(s);
    }
  }

  /** Whether the whole of `path` matches. */
  test(path: string): boolean {
    this.stamp++;
    let cur: number[] = [];
    for (const s of this.starts) this.close(s, cur);
    for (let i = 0; i < path.length && cur.length > 0; i++) {
      const c = path.charCodeAt(i);
      this.stamp++;
      const next: number[] = [];
      for (const s of cur) {
        globSteps.count++;
        const node = this.nodes[s]!;
        if (node.kind === 'char' && node.test(c)) this.close(node.out, next);
      }
      cur = next;
    }
    return cur.some((s) => this.nodes[s]!.kind === 'match');
  }
}

/** Compiles a glob; throws a GlobError with a one-line reason when it is malformed. */
export function compileGlob(glob: string): Glob {
  return new Glob(glob);
}

/** The reason `glob` is malformed, or undefined when it compiles. */
export function globProblem(glob: unknown): string | undefined {
  if (typeof glob !== 'string') return `invalid glob ${JSON.stringify(glob)}: not a string`;
  try {
    compileGlob(glob);
    return undefined;
  } catch (e) {
    if (e instanceof GlobError) return e.message;
    throw e;
  }
}

/**
 * Which root-relative paths are indexed. The one rule for folders: a path is excluded when an
 * exclude glob matches it or any folder above it (a folder glob `x/**` matches `x` itself), so
 * the walk, which prunes an excluded folder unread, and the watcher, which sees single paths,
 * decide every file alike.
 */
export class PathFilter {
  private readonly include: Glob[];
  private readonly exclude: Glob[];

  /** Throws a GlobError naming the first malformed glob. */
  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(compileGlob);
    this.exclude = exclude.map(compileGlob);
  }

  /** An exclude glob matches `rel` itself (its folders not looked at). */
  private excludesItself(rel: string): boolean {
    return this.exclude.some((g) => g.test(rel));
  }

  /** Whether `rel` (a file or a folder) is excluded, by itself or by a folder above it. */
  excluded(rel: string): boolean {
    if (this.excludesItself(rel)) return true;
    for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
      if (this.excludesItself(rel.slice(0, i))) return true;
    }
    return false;
  }

  /** Whether the file at `rel` is indexed. */
  wanted(rel: string): boolean {
    return this.include.some((g) => g.test(rel)) && !this.excluded(rel);
  }

  /**
   * For a walker that never enters an excluded folder: whether to prune the folder `rel`, whose
   * parent it entered. The same answer as `excluded(rel)` there, without re-testing the parents.
   */
  prunes(rel: string): boolean {
    return this.excludesItself(rel);
  }

  /** For such a walker: whether the file `rel` in a folder it entered is indexed. */
  wantedInWalk(rel: string): boolean {
    return this.include.some((g) => g.test(rel)) && !this.excludesItself(rel);
  }
}
