// A length-preserving pre-pass that neutralises kernel (and passt) idioms before tree-sitter
// sees the text. Every change replaces characters one for one (never a newline), so byte
// offsets, lines and UTF-16 columns of the output are those of the file on disk.
//
// It is one linear scan over the text: comments, strings and character literals are skipped,
// preprocessor lines are read for their conditional structure, and each identifier is looked
// up in the kernel macro table (src/parse/kernelMacros.ts, shared with the extractor). Rewrites:
//   - annotation words (`__init`, `__rcu`, `noinline`, `INDIRECT_CALLABLE_SCOPE`...) -> spaces
//   - annotation calls (`__releases(x)`, `__aligned(8)`, `__attribute__((...))`) -> spaces
//   - `EXPORT_SYMBOL*(x);`, `MODULE_*(...);` statements -> spaces
//   - loop-head macros (`list_for_each_entry(pos, head, member) {`) -> `while (pos, head, member) {`
//   - `SYSCALL_DEFINEn(name, t, a, ...)` / `BPF_CALL_n(...)` -> `MACRO(name)(t  a, ...)`, a
//     function declarator tree-sitter accepts (include/linux/syscalls.h, include/linux/filter.h)
//   - `DEFINE_PER_CPU(type, name)` -> `type name` declarations (include/linux/percpu-defs.h)
//   - `struct_group(name, members...)` -> the members inline (include/linux/stddef.h)
//   - a `struct`/`union` keyword inside `container_of(p, struct x, m)` and friends -> spaces
//   - `#if 0` bodies, and the `#else` branches of a conditional whose branches each open or
//     close a brace (only the first branch is kept, as a compiler with the option set would see)

import { macroIndex, type PrePassRow } from './kernelMacros';

/** What the pre-pass did, for diagnostics and tests. */
export interface PreprocessResult {
  text: string;
  /** Number of rewrites applied (0 means `text` is the input itself). */
  edits: number;
}

/** Work counters of one preprocess() call, for tests that bound its cost. */
export interface PreprocessStats {
  /** Characters (or skipped comments and literals) stepped over by the parenthesis matcher. */
  parenScan: number;
}

/**
 * A `(` whose `{` or `}` (directly inside) comes further than this after it is taken as
 * unbalanced: macro arguments are short, and a broken `(` must not swallow the rest.
 */
const MAX_BRACE_FREE_ARGS = 4000;
/** closeOf[] value of a `(` that the text ends before closing. */
const NO_CLOSE = -1;

// Character codes.
const NL = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const HASH = 35;
const SLASH = 47;
const STAR = 42;
const BSL = 92;
const DQ = 34;
const SQ = 39;
const LP = 40;
const RP = 41;
const LB = 123;
const RB = 125;
const SEMI = 59;
const COMMA = 44;
const COLON = 58;

/** Identifier characters: [A-Za-z0-9_$]. */
const IDENT = new Uint8Array(128);
for (let c = 48; c <= 57; c++) IDENT[c] = 2;
for (let c = 65; c <= 90; c++) IDENT[c] = 1;
for (let c = 97; c <= 122; c++) IDENT[c] = 1;
IDENT[95] = 1;
IDENT[36] = 1;

function isIdentStart(c: number): boolean {
  return c < 128 && IDENT[c] === 1;
}
function isIdent(c: number): boolean {
  return c < 128 && IDENT[c] !== 0;
}

const KEYWORDS = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
  'do',
  'else',
  'case',
  'goto',
  'typeof',
  '__typeof__',
  '_Generic',
  'asm',
  'defined',
  '_Static_assert',
  '__builtin_expect',
  'alignof',
  '_Alignof',
  '__alignof__',
]);

interface CondFrame {
  /** Brace depth when the conditional opened. */
  startDepth: number;
  /** Start of the current branch's directive line. */
  branchLine: number;
  /** Brace delta of the first branch (-999 until the first branch ends). */
  firstDelta: number;
  /** Whether any later branch (or the first) moved the brace depth. */
  unbalanced: boolean;
  /** Start of the first `#else`/`#elif` line, or -1. */
  elseLine: number;
  /** Inside an `#if 0` branch being blanked: start of its body, else -1. */
  if0Body: number;
  /** An `#if 0` conditional: its live branches are never blanked for brace balance. */
  wasIf0: boolean;
  /** The first branch starts with `else` (`#if X` / `else if (...) {...}` / `#endif`). */
  elseFirst: boolean;
  /** Start and end of the opening directive line. */
  ifLine: number;
  ifEnd: number;
}

/**
 * Rewrites kernel idioms so that tree-sitter-c parses them, keeping the length and every
 * newline of `src`. Returns the input string itself when nothing needed rewriting.
 */
export function preprocess(src: string, stats?: PreprocessStats): PreprocessResult {
  const n = src.length;
  const macros = macroIndex();
  let out: Uint16Array | null = null;
  let edits = 0;

  const ensureOut = (): Uint16Array => {
    if (out === null) {
      out = new Uint16Array(n);
      for (let k = 0; k < n; k++) out[k] = src.charCodeAt(k);
    }
    return out;
  };
  /** Blank [from, to) except newlines. */
  const blank = (from: number, to: number): void => {
    const o = ensureOut();
    for (let k = from; k < to; k++) {
      const c = o[k];
      if (c !== NL && c !== CR) o[k] = SP;
    }
    edits++;
  };
  const put = (at: number, s: string): void => {
    const o = ensureOut();
    for (let k = 0; k < s.length; k++) o[at + k] = s.charCodeAt(k);
    edits++;
  };

  /** Skips a comment, string or char literal starting at i; returns the index after it, or i. */
  const skipNonCode = (i: number): number => {
    const c = src.charCodeAt(i);
    if (c === SLASH) {
      const d = src.charCodeAt(i + 1);
      if (d === STAR) {
        const e = src.indexOf('*/', i + 2);
        return e < 0 ? n : e + 2;
      }
      if (d === SLASH) {
        let k = i + 2;
        // A line comment continues over a backslash-newline.
        for (;;) {
          const e = src.indexOf('\n', k);
          if (e < 0) return n;
          let b = e - 1;
          if (b >= 0 && src.charCodeAt(b) === CR) b--;
          if (b >= k && src.charCodeAt(b) === BSL) {
            k = e + 1;
            continue;
          }
          return e;
        }
      }
      return i;
    }
    if (c === DQ || c === SQ) {
      let k = i + 1;
      while (k < n) {
        const d = src.charCodeAt(k);
        if (d === BSL) {
          k += 2;
          continue;
        }
        if (d === c) return k + 1;
        if (d === NL) return k; // unterminated: stop at the line end
        k++;
      }
      return n;
    }
    return i;
  };

  /** Index of the next code character at or after i (skipping whitespace and comments). */
  const nextCode = (i: number, limit = n): number => {
    while (i < limit) {
      const c = src.charCodeAt(i);
      if (c === SP || c === TAB || c === NL || c === CR || c === 12 || c === 11) {
        i++;
        continue;
      }
      if (c === BSL && (src.charCodeAt(i + 1) === NL || src.charCodeAt(i + 1) === CR)) {
        i++;
        continue;
      }
      if (c === SLASH) {
        const e = skipNonCode(i);
        if (e !== i) {
          i = e;
          continue;
        }
      }
      return i;
    }
    return limit;
  };

  /** Whether the code at `at` can begin a statement (the body of a loop-head macro). */
  const isStatementStart = (at: number): boolean => {
    const c = src.charCodeAt(at);
    if (isIdentStart(c) || c === LP || c === STAR || c === LB) return true;
    return (c === 43 || c === 45) && src.charCodeAt(at + 1) === c; // ++x, --x
  };

  /**
   * Given `(` at i, returns the index of the matching `)` and fills `commas` with the top-level
   * comma positions, or returns -1 when unbalanced (or when a `{`/`}` directly inside comes
   * more than MAX_BRACE_FREE_ARGS characters after the `(`, to keep a broken file from
   * swallowing the rest).
   *
   * The scan from a given `(` depends on its position only, so every `(` it passes is
   * memoised (its `)`, or NO_CLOSE when the text ends first) and later scans jump over the
   * parentheses seen before: over a file, each character is scanned by the matcher O(1) times
   * (`'f(a;\n'` repeated used to rescan the rest of the file at every line).
   */
  const commas: number[] = [];
  /** `)` + 1 of the `(` at an index; 0 when not known yet; NO_CLOSE when there is none. */
  let closeOf: Int32Array | null = null;
  /** 1 when a `{`/`}` directly inside the `(` at an index is beyond MAX_BRACE_FREE_ARGS. */
  let braceFar: Uint8Array | null = null;
  const open: number[] = [];
  const matchParen = (i: number): number => {
    commas.length = 0;
    if (closeOf === null || braceFar === null) {
      closeOf = new Int32Array(n);
      braceFar = new Uint8Array(n);
    }
    if (closeOf[i] === 0) scanParens(i, closeOf, braceFar);
    const close = closeOf[i] - 1;
    if (close < 0 || braceFar[i] !== 0) return -1;
    // The top-level commas, jumping over the (now memoised) inner parentheses.
    let k = i + 1;
    while (k < close) {
      const c = src.charCodeAt(k);
      if (stats) stats.parenScan++;
      if (c === SLASH || c === DQ || c === SQ) {
        const e = skipNonCode(k);
        if (e !== k) {
          k = e;
          continue;
        }
      }
      if (c === LP) k = closeOf[k];
      else {
        if (c === COMMA) commas.push(k);
        k++;
      }
    }
    return close;
  };
  /** Scans from the `(` at i to its `)`, memoising every `(` on the way. */
  const scanParens = (i: number, closes: Int32Array, far: Uint8Array): void => {
    open.length = 0;
    open.push(i);
    let k = i + 1;
    if (stats) stats.parenScan++;
    while (k < n) {
      const c = src.charCodeAt(k);
      if (stats) stats.parenScan++;
      if (c === SLASH || c === DQ || c === SQ) {
        const e = skipNonCode(k);
        if (e !== k) {
          k = e;
          continue;
        }
      }
      if (c === LP) {
        const known = closes[k];
        if (known === NO_CLOSE) break;
        if (known > 0) k = known;
        else {
          open.push(k);
          k++;
        }
        continue;
      }
      if (c === RP) {
        closes[open.pop()!] = k + 1;
        if (open.length === 0) return;
      } else if (c === LB || c === RB) {
        const top = open[open.length - 1];
        if (k - top > MAX_BRACE_FREE_ARGS) far[top] = 1;
      }
      k++;
    }
    for (const o of open) closes[o] = NO_CLOSE;
  };

  let depth = 0; // brace depth of code (outside directives)
  const conds: CondFrame[] = [];
  let if0Depth = 0; // > 0 while inside a blanked #if 0 branch
  let lastSig = SEMI; // last significant code character
  let lastWord = ''; // last identifier when it was the last significant token
  let atLineStart = true;
  let i = 0;

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === NL) {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === SP || c === TAB || c === CR || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (atLineStart && c === HASH) {
      i = directive(i);
      continue;
    }
    atLineStart = false;
    if (if0Depth > 0) {
      // Inside an `#if 0` body: only directives matter; skip the rest of the line.
      const e = src.indexOf('\n', i);
      i = e < 0 ? n : e;
      continue;
    }
    if (c === SLASH || c === DQ || c === SQ) {
      const e = skipNonCode(i);
      if (e !== i) {
        if (c !== SLASH) {
          lastSig = c;
          lastWord = '';
        }
        i = e;
        continue;
      }
    }
    if (isIdentStart(c)) {
      let e = i + 1;
      while (e < n && isIdent(src.charCodeAt(e))) e++;
      const prevIdentChar = i > 0 && isIdent(src.charCodeAt(i - 1));
      if (prevIdentChar) {
        i = e;
        continue;
      }
      const word = src.slice(i, e);
      const act = macros.prePass.get(word);
      if (act !== undefined) {
        const handled = applyAction(act, word, i, e);
        if (handled >= 0) {
          i = handled;
          continue;
        }
      } else if (depth === 0 && (lastSig === SEMI || lastSig === RB)) {
        const r = unterminatedInvocation(e);
        if (r >= 0) {
          i = r;
          continue;
        }
      } else if (
        depth > 0 &&
        (lastSig === SEMI ||
          lastSig === LB ||
          lastSig === RB ||
          lastSig === RP ||
          lastSig === COLON ||
          lastWord === 'else' ||
          lastWord === 'do') &&
        e - i >= 2 &&
        !KEYWORDS.has(word)
      ) {
        // A macro used as a block head: `list_for_each_entry(pos, head, member) {`,
        // `tcp_skb_tsorted_save(skb) {`, `for_nexthops(fi) {`. A call followed by `{` (or, for
        // loop-shaped names, by a statement) is not C; `while (a, b, c) {` is, with the same
        // shape (`if` when the name is too short to hold `while`).
        const p = nextCode(e);
        if (p < n && src.charCodeAt(p) === LP) {
          const close = matchParen(p);
          if (close > 0) {
            const after = nextCode(close + 1);
            const next = after < n ? src.charCodeAt(after) : SEMI;
            if (next === LB || (next !== SEMI && macros.isLoop(word) && isStatementStart(after))) {
              const kw = e - i >= 5 ? 'while' : 'if';
              put(i, kw);
              blank(i + kw.length, e);
              lastSig = RP;
              lastWord = '';
              i = p + 1;
              continue;
            }
          }
        }
      }
      lastSig = 0;
      lastWord = word;
      i = e;
      continue;
    }
    if (c === LB) depth++;
    else if (c === RB) depth--;
    lastSig = c;
    lastWord = '';
    i++;
  }

  if (out === null) return { text: src, edits: 0 };
  return { text: new TextDecoder('utf-16le').decode(out), edits };

  /** Applies an identifier action at [s, e); returns where to resume, or -1 when not applicable. */
  function applyAction(act: PrePassRow, word: string, s: number, e: number): number {
    switch (act.kind) {
      case 'annotation':
        blank(s, e);
        return e;
      case 'annotationCall':
      case 'statement': {
        const p = nextCode(e);
        if (p >= n || src.charCodeAt(p) !== LP) {
          if (act.kind === 'annotationCall') {
            blank(s, e);
            return e;
          }
          return -1;
        }
        const close = matchParen(p);
        if (close < 0) return -1;
        let end = close + 1;
        if (act.kind === 'statement') {
          const semi = nextCode(end);
          if (semi < n && src.charCodeAt(semi) === SEMI) end = semi + 1;
          else if (depth > 0) return -1; // a call in code, not a top-level statement
        }
        blank(s, end);
        return end;
      }
      case 'definer': {
        // SYSCALL_DEFINE3(name, t1, a1, t2, a2) -> SYSCALL_DEFINE3(name)(t1  a1, t2  a2)
        if (depth !== 0) return -1;
        const p = nextCode(e);
        if (p >= n || src.charCodeAt(p) !== LP) return -1;
        const close = matchParen(p);
        if (close < 0) return -1;
        const cs = commas.slice();
        if (cs.length === 0) {
          lastSig = RP;
          return close + 1;
        }
        const first = cs[0];
        const sp = src.charCodeAt(first + 1);
        if (sp !== SP && sp !== TAB) {
          // No room for `)(`: keep only the name.
          blank(first, close);
          lastSig = RP;
          return close + 1;
        }
        put(first, ')(');
        for (let k = 1; k < cs.length; k += 2) put(cs[k], ' ');
        // Resume inside the parameters so annotations there (`__user`) are still blanked.
        lastSig = LP;
        lastWord = '';
        return first + 2;
      }
      case 'perCpu': {
        // DEFINE_PER_CPU(type, name) -> type name
        const p = nextCode(e);
        if (p >= n || src.charCodeAt(p) !== LP) return -1;
        const close = matchParen(p);
        if (close < 0 || commas.length !== 1) return -1;
        blank(s, p + 1);
        put(commas[0], ' ');
        put(close, ' ');
        lastSig = LP;
        return p + 1;
      }
      case 'structGroup': {
        // struct_group(name, members...) -> members...
        const skip = act.skipArgs;
        const p = nextCode(e);
        if (p >= n || src.charCodeAt(p) !== LP) return -1;
        const close = matchParen(p);
        if (close < 0 || commas.length <= skip) return -1;
        blank(s, commas[skip] + 1);
        let end = close + 1;
        const semi = nextCode(end);
        if (semi < n && src.charCodeAt(semi) === SEMI) end = semi + 1;
        blank(close, end);
        lastSig = SEMI;
        return commas[skip] + 1;
      }
      case 'typeArg': {
        // Blank the `struct`/`union` keywords among the arguments: `container_of(p, sock, m)`.
        const p = nextCode(e);
        if (p >= n || src.charCodeAt(p) !== LP) return -1;
        const close = matchParen(p);
        if (close < 0) return -1;
        for (let k = p + 1; k < close; k++) {
          const ch = src.charCodeAt(k);
          if (ch === SLASH || ch === DQ || ch === SQ) {
            const after = skipNonCode(k);
            if (after !== k) {
              k = after - 1;
              continue;
            }
          }
          if ((ch === 115 || ch === 117) && !isIdent(src.charCodeAt(k - 1))) {
            if (
              (src.startsWith('struct', k) && !isIdent(src.charCodeAt(k + 6))) ||
              (src.startsWith('union', k) && !isIdent(src.charCodeAt(k + 5)))
            ) {
              blank(k, k + (ch === 115 ? 6 : 5));
            }
          }
        }
        lastSig = 0;
        lastWord = word;
        return e;
      }
    }
    return -1;
  }

  /**
   * `logfn(err, LOG_ERR)` or `DEFINE_BPF_ITER_FUNC(tcp, ...)` alone at file scope, with no `;`:
   * a macro that expands to a whole definition. It becomes `logfn(err){}`, a definition named
   * by the macro (universal-ctags reports these under the macro's name too), instead of a
   * declarator that swallows the next definition. Returns where to resume, or -1.
   */
  function unterminatedInvocation(e: number): number {
    const p = nextCode(e);
    if (p >= n || src.charCodeAt(p) !== LP) return -1;
    const close = matchParen(p);
    if (close < 0 || commas.length === 0) return -1;
    const after = nextCode(close + 1);
    if (after < n) {
      const c = src.charCodeAt(after);
      if (!isIdentStart(c) && c !== HASH) return -1;
      // Only when the invocation ends its line. (Scanning [close, after) rather than searching
      // the rest of the text for a newline keeps this linear: `f(a;)))...` on one line.)
      let k = close;
      while (k < after && src.charCodeAt(k) !== NL) k++;
      if (k === after) return -1;
    }
    const comma = commas[0];
    if (close - comma < 2) return -1;
    blank(comma, close + 1);
    put(comma, '){}');
    lastSig = RB;
    lastWord = '';
    return close + 1;
  }

  /** Handles a preprocessor line starting at `#` (index h); returns the index of its end. */
  function directive(h: number): number {
    // Line end, honouring backslash continuations.
    let end = h;
    for (;;) {
      const e = src.indexOf('\n', end);
      if (e < 0) {
        end = n;
        break;
      }
      let b = e - 1;
      if (b >= 0 && src.charCodeAt(b) === CR) b--;
      if (b >= h && src.charCodeAt(b) === BSL) {
        end = e + 1;
        continue;
      }
      end = e;
      break;
    }
    let k = h + 1;
    while (k < end && (src.charCodeAt(k) === SP || src.charCodeAt(k) === TAB)) k++;
    let w = k;
    while (w < end && isIdent(src.charCodeAt(w))) w++;
    const name = src.slice(k, w);
    // Block comments opened on a directive line may run past it.
    let scan = w;
    while (scan < end) {
      const ch = src.charCodeAt(scan);
      if (ch === SLASH || ch === DQ || ch === SQ) {
        const e2 = skipNonCode(scan);
        if (e2 !== scan) {
          if (e2 > end) end = e2;
          scan = e2;
          continue;
        }
      }
      scan++;
    }
    const lineStart = src.lastIndexOf('\n', h) + 1;
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        const isIf0 = name === 'if' && /^\s*0\s*(?:\/[*/].*)?$/.test(src.slice(w, end));
        const frame: CondFrame = {
          startDepth: depth,
          branchLine: lineStart,
          firstDelta: -999,
          unbalanced: false,
          elseLine: -1,
          if0Body: -1,
          wasIf0: false,
          elseFirst: false,
          ifLine: lineStart,
          ifEnd: end,
        };
        if (depth > 0 && if0Depth === 0 && !isIf0) {
          const t = nextCode(end);
          frame.elseFirst = src.startsWith('else', t) && !isIdent(src.charCodeAt(t + 4));
        }
        conds.push(frame);
        if (if0Depth > 0) if0Depth++;
        else if (isIf0) {
          frame.if0Body = end;
          frame.wasIf0 = true;
          if0Depth = 1;
        }
        break;
      }
      case 'elif':
      case 'else': {
        const f = conds[conds.length - 1];
        if (f === undefined) break;
        if (if0Depth > 1) break;
        if (if0Depth === 1 && f.if0Body >= 0) {
          blank(f.if0Body, lineStart);
          f.if0Body = -1;
          if0Depth = 0;
          depth = f.startDepth;
          break;
        }
        if (f.wasIf0) break;
        const delta = depth - f.startDepth;
        if (f.firstDelta === -999) {
          f.firstDelta = delta;
          f.elseLine = lineStart;
        }
        if (delta !== 0) f.unbalanced = true;
        // Each branch starts from the depth before the conditional.
        depth = f.startDepth;
        break;
      }
      case 'endif': {
        const f = conds.pop();
        if (f === undefined) break;
        if (if0Depth > 1) {
          if0Depth--;
          break;
        }
        if (if0Depth === 1 && f.if0Body >= 0) {
          blank(f.if0Body, lineStart);
          if0Depth = 0;
          depth = f.startDepth;
          break;
        }
        const delta = depth - f.startDepth;
        if (f.elseFirst) {
          // An `else` continuing an `if` outside the conditional: tree-sitter cannot attach
          // it, so the conditional's directives go (and any alternative branch with them).
          blank(f.ifLine, f.ifEnd);
          blank(f.elseLine >= 0 ? f.elseLine : lineStart, end);
          if (f.firstDelta !== -999) depth = f.startDepth + f.firstDelta;
          break;
        }
        if (f.wasIf0) break;
        if (f.firstDelta === -999) {
          // One branch that opens or closes a brace: tree-sitter cannot close a block across
          // `#endif`, so the directives go and the code reads as with the option set.
          if (delta !== 0) {
            blank(f.ifLine, f.ifEnd);
            blank(lineStart, end);
          }
          break;
        }
        if (delta !== 0) f.unbalanced = true;
        if (f.unbalanced) {
          // Keep the first branch only, without its directives: the other branches would
          // open or close the same braces a second time.
          blank(f.ifLine, f.ifEnd);
          blank(f.elseLine, end);
          depth = f.startDepth + f.firstDelta;
        }
        break;
      }
      default:
        break;
    }
    atLineStart = false;
    if (depth === 0) lastSig = SEMI;
    return end;
  }
}
