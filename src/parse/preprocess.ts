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
  /** Characters read for `struct`/`union` keywords in type-argument macros (typeArg rows). */
  typeArgScan?: number;
}

/**
 * A `(` whose `{` or `}` (directly inside) comes further than this after it is taken as
 * unbalanced: macro arguments are short, and a broken `(` must not swallow the rest.
 */
const MAX_BRACE_FREE_ARGS = 4000;
/** closeOf[] value of a `(` that the text ends before closing. */
const NO_CLOSE = -1;

/** Character codes the scanner looks at. */
const NL = 10; // \n
const CR = 13; // \r
const SP = 32; // ' '
const TAB = 9; // \t
const VT = 11; // \v
const FF = 12; // \f
const HASH = 35; // #
const DOLLAR = 36; // $
const PLUS = 43; // +
const MINUS = 45; // -
const SLASH = 47; // /
const STAR = 42; // *
const BSL = 92; // \\
const DQ = 34; // "
const SQ = 39; // '
const LP = 40; // (
const RP = 41; // )
const LB = 123; // {
const RB = 125; // }
const SEMI = 59; // ;
const COMMA = 44; // ,
const COLON = 58; // :
const UNDERSCORE = 95; // _
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const UPPER_A = 65;
const UPPER_Z = 90;
const LOWER_A = 97;
const LOWER_Z = 122;
const LOWER_S = 115; // s, as in `struct`
const LOWER_U = 117; // u, as in `union`
/** lastSig before any significant character: none (not a character code). */
const NO_SIG = 0;

/** Identifier characters: [A-Za-z0-9_$]; IDENT_START for those that can begin one. */
const IDENT_START = 1;
const IDENT_PART = 2;
const IDENT = new Uint8Array(128);
for (let c = DIGIT_0; c <= DIGIT_9; c++) IDENT[c] = IDENT_PART;
for (let c = UPPER_A; c <= UPPER_Z; c++) IDENT[c] = IDENT_START;
for (let c = LOWER_A; c <= LOWER_Z; c++) IDENT[c] = IDENT_START;
IDENT[UNDERSCORE] = IDENT_START;
IDENT[DOLLAR] = IDENT_START;

function isIdentStart(c: number): boolean {
  return c < 128 && IDENT[c] === IDENT_START;
}
function isIdent(c: number): boolean {
  return c < 128 && IDENT[c] !== 0;
}

/** Horizontal and vertical whitespace other than the newline. */
function isBlank(c: number): boolean {
  return c === SP || c === TAB || c === CR || c === FF || c === VT;
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
  /** Brace delta of the first branch, once it has ended (null until then). */
  firstDelta: number | null;
  /** Whether any later branch (or the first) moved the brace depth. */
  unbalanced: boolean;
  /** Start of the first `#else`/`#elif` line, once there is one. */
  elseLine: number | null;
  /** Inside an `#if 0` branch being blanked: start of its body. */
  if0Body: number | null;
  /** An `#if 0` conditional: its live branches are never blanked for brace balance. */
  wasIf0: boolean;
  /** The first branch starts with `else` (`#if X` / `else if (...) {...}` / `#endif`). */
  elseFirst: boolean;
  /** Start and end of the opening directive line. */
  ifLine: number;
  ifEnd: number;
}

/** A rewrite did not apply here (the text is read as it is). */
const NOT_APPLIED = -1;
/** matchParen: no matching `)`. */
const NO_MATCH = -1;

/**
 * Rewrites kernel idioms so that tree-sitter-c parses them, keeping the length and every
 * newline of `src`. Returns the input string itself when nothing needed rewriting.
 * `stats`, when given, counts the scanner's work (see PreprocessStats).
 */
export function preprocess(src: string, stats?: PreprocessStats): PreprocessResult {
  return new PrePass(src, stats).run();
}

/** One run of the pre-pass over `src`: the scanner's state and its steps. */
class PrePass {
  private readonly n: number;
  private readonly macros = macroIndex();
  private out: Uint16Array | null = null;
  private edits = 0;

  /** Brace depth of code (outside directives). */
  private depth = 0;
  private readonly conds: CondFrame[] = [];
  /** > 0 while inside a blanked `#if 0` branch (its nesting). */
  private if0Depth = 0;
  /** Last significant code character, or NO_SIG after an identifier. */
  private lastSig = SEMI;
  /** Last identifier when it was the last significant token. */
  private lastWord = '';
  private atLineStart = true;

  /** Top-level comma positions of the last successful matchParen. */
  private readonly commas: number[] = [];
  /** `)` + 1 of the `(` at an index; 0 when not known yet; NO_CLOSE when there is none. */
  private closeOf: Int32Array | null = null;
  /** 1 when a `{`/`}` directly inside the `(` at an index is beyond MAX_BRACE_FREE_ARGS. */
  private braceFar: Uint8Array | null = null;
  /** The `(`s open during scanParens. */
  private readonly open: number[] = [];
  /** The scanTypeArgs that last went through each position (0: none), and how many ran. */
  private typeScanOf: Int32Array | null = null;
  private typeScans = 0;
  /** Keywords that scan had found before each position. */
  private typeKeywordsBefore: Int32Array | null = null;

  constructor(
    private readonly src: string,
    private readonly stats?: PreprocessStats,
  ) {
    this.n = src.length;
  }

  run(): PreprocessResult {
    const { src, n } = this;
    let i = 0;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === NL) {
        this.atLineStart = true;
        i++;
      } else if (isBlank(c)) {
        i++;
      } else if (this.atLineStart && c === HASH) {
        i = this.directive(i);
      } else {
        this.atLineStart = false;
        i = this.code(i, c);
      }
    }
    if (this.out === null) return { text: src, edits: 0 };
    return { text: new TextDecoder('utf-16le').decode(this.out), edits: this.edits };
  }

  /** Reads the code character `c` at i (not blank, not a directive); returns where to go on. */
  private code(i: number, c: number): number {
    const src = this.src;
    if (this.if0Depth > 0) {
      // Inside an `#if 0` body: only directives matter; skip the rest of the line.
      const e = src.indexOf('\n', i);
      return e < 0 ? this.n : e;
    }
    if (c === SLASH || c === DQ || c === SQ) {
      const e = this.skipNonCode(i);
      if (e !== i) {
        if (c !== SLASH) {
          this.lastSig = c;
          this.lastWord = '';
        }
        return e;
      }
    }
    if (isIdentStart(c)) return this.identifier(i);
    if (c === LB) this.depth++;
    else if (c === RB) this.depth--;
    this.lastSig = c;
    this.lastWord = '';
    return i + 1;
  }

  /** Reads the identifier starting at i: a macro of the table, an invocation, a block head. */
  private identifier(i: number): number {
    const src = this.src;
    const n = this.n;
    let e = i + 1;
    while (e < n && isIdent(src.charCodeAt(e))) e++;
    if (i > 0 && isIdent(src.charCodeAt(i - 1))) return e;
    const word = src.slice(i, e);
    const act = this.macros.prePass.get(word);
    const { depth, lastSig } = this;
    if (act !== undefined) {
      const handled = this.applyAction(act, word, i, e);
      if (handled !== NOT_APPLIED) return handled;
    } else if (depth === 0 && (lastSig === SEMI || lastSig === RB)) {
      const r = this.unterminatedInvocation(e);
      if (r !== NOT_APPLIED) return r;
    } else if (
      depth > 0 &&
      (lastSig === SEMI ||
        lastSig === LB ||
        lastSig === RB ||
        lastSig === RP ||
        lastSig === COLON ||
        this.lastWord === 'else' ||
        this.lastWord === 'do') &&
      e - i >= 2 &&
      !KEYWORDS.has(word)
    ) {
      const r = this.blockHead(word, i, e);
      if (r !== NOT_APPLIED) return r;
    }
    this.lastSig = NO_SIG;
    this.lastWord = word;
    return e;
  }

  /**
   * A macro used as a block head: `list_for_each_entry(pos, head, member) {`,
   * `tcp_skb_tsorted_save(skb) {`, `for_nexthops(fi) {`. A call followed by `{` (or, for
   * loop-shaped names, by a statement) is not C; `while (a, b, c) {` is, with the same shape
   * (`if` when the name is too short to hold `while`). Returns where to resume, or NOT_APPLIED.
   */
  private blockHead(word: string, i: number, e: number): number {
    const { src, n } = this;
    const p = this.nextCode(e);
    if (p >= n || src.charCodeAt(p) !== LP) return NOT_APPLIED;
    const close = this.matchParen(p);
    if (close === NO_MATCH) return NOT_APPLIED;
    const after = this.nextCode(close + 1);
    const next = after < n ? src.charCodeAt(after) : SEMI;
    const isBlock =
      next === LB || (next !== SEMI && this.macros.isLoop(word) && this.isStatementStart(after));
    if (!isBlock) return NOT_APPLIED;
    const kw = e - i >= 5 ? 'while' : 'if';
    this.put(i, kw);
    this.blank(i + kw.length, e);
    this.lastSig = RP;
    this.lastWord = '';
    return p + 1;
  }

  private ensureOut(): Uint16Array {
    if (this.out === null) {
      const { src, n } = this;
      this.out = new Uint16Array(n);
      for (let k = 0; k < n; k++) this.out[k] = src.charCodeAt(k);
    }
    return this.out;
  }

  /** Blanks [from, to) except newlines. */
  private blank(from: number, to: number): void {
    const o = this.ensureOut();
    for (let k = from; k < to; k++) {
      const c = o[k];
      if (c !== NL && c !== CR) o[k] = SP;
    }
    this.edits++;
  }

  private put(at: number, s: string): void {
    const o = this.ensureOut();
    for (let k = 0; k < s.length; k++) o[at + k] = s.charCodeAt(k);
    this.edits++;
  }

  /** Skips a comment, string or char literal starting at i; returns the index after it, or i. */
  private skipNonCode(i: number): number {
    const { src, n } = this;
    const c = src.charCodeAt(i);
    if (c === SLASH) {
      const d = src.charCodeAt(i + 1);
      if (d === STAR) {
        const e = src.indexOf('*/', i + 2);
        return e < 0 ? n : e + 2;
      }
      if (d === SLASH) return this.lineCommentEnd(i + 2);
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
  }

  /** The newline ending a line comment whose text starts at k (it continues over `\`-newline). */
  private lineCommentEnd(k: number): number {
    const src = this.src;
    for (;;) {
      const e = src.indexOf('\n', k);
      if (e < 0) return this.n;
      let b = e - 1;
      if (b >= 0 && src.charCodeAt(b) === CR) b--;
      if (b >= k && src.charCodeAt(b) === BSL) {
        k = e + 1;
        continue;
      }
      return e;
    }
  }

  /** Index of the next code character at or after i (skipping whitespace and comments). */
  private nextCode(i: number): number {
    const { src, n } = this;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === NL || isBlank(c)) {
        i++;
        continue;
      }
      if (c === BSL && (src.charCodeAt(i + 1) === NL || src.charCodeAt(i + 1) === CR)) {
        i++;
        continue;
      }
      if (c === SLASH) {
        const e = this.skipNonCode(i);
        if (e !== i) {
          i = e;
          continue;
        }
      }
      return i;
    }
    return n;
  }

  /** Whether the code at `at` can begin a statement (the body of a loop-head macro). */
  private isStatementStart(at: number): boolean {
    const src = this.src;
    const c = src.charCodeAt(at);
    if (isIdentStart(c) || c === LP || c === STAR || c === LB) return true;
    return (c === PLUS || c === MINUS) && src.charCodeAt(at + 1) === c; // ++x, --x
  }

  /** The `(` at the next code character after e, or -1 when there is none. */
  private parenAfter(e: number): number {
    const p = this.nextCode(e);
    return p < this.n && this.src.charCodeAt(p) === LP ? p : -1;
  }

  /**
   * Given `(` at i, returns the index of the matching `)` and fills `commas` with the top-level
   * comma positions, or returns NO_MATCH when unbalanced (or when a `{`/`}` directly inside
   * comes more than MAX_BRACE_FREE_ARGS characters after the `(`, to keep a broken file from
   * swallowing the rest).
   *
   * The scan from a given `(` depends on its position only, so every `(` it passes is
   * memoised (its `)`, or NO_CLOSE when the text ends first) and later scans jump over the
   * parentheses seen before: over a file, each character is scanned by the matcher O(1) times
   * (`'f(a;\n'` repeated used to rescan the rest of the file at every line).
   */
  private matchParen(i: number): number {
    const commas = this.commas;
    commas.length = 0;
    const closes = (this.closeOf ??= new Int32Array(this.n));
    const far = (this.braceFar ??= new Uint8Array(this.n));
    if (closes[i] === 0) this.scanParens(i, closes, far);
    const close = closes[i] - 1;
    if (close < 0 || far[i] !== 0) return NO_MATCH;
    // The top-level commas, jumping over the (now memoised) inner parentheses.
    const src = this.src;
    const stats = this.stats;
    let k = i + 1;
    while (k < close) {
      const c = src.charCodeAt(k);
      if (stats) stats.parenScan++;
      if (c === SLASH || c === DQ || c === SQ) {
        const e = this.skipNonCode(k);
        if (e !== k) {
          k = e;
          continue;
        }
      }
      if (c === LP) k = closes[k];
      else {
        if (c === COMMA) commas.push(k);
        k++;
      }
    }
    return close;
  }

  /** Scans from the `(` at i to its `)`, memoising every `(` on the way. */
  private scanParens(i: number, closes: Int32Array, far: Uint8Array): void {
    const { src, n, open, stats } = this;
    open.length = 0;
    open.push(i);
    let k = i + 1;
    if (stats) stats.parenScan++;
    while (k < n) {
      const c = src.charCodeAt(k);
      if (stats) stats.parenScan++;
      if (c === SLASH || c === DQ || c === SQ) {
        const e = this.skipNonCode(k);
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
  }

  /**
   * Applies the table's pre-pass action of `word` at [s, e); returns where to resume, or
   * NOT_APPLIED.
   */
  private applyAction(act: PrePassRow, word: string, s: number, e: number): number {
    switch (act.kind) {
      case 'annotation':
        this.blank(s, e);
        return e;
      case 'annotationCall':
      case 'statement':
        return this.blankCall(act.kind === 'statement', s, e);
      case 'definer':
        return this.definer(e);
      case 'perCpu':
        return this.perCpu(s, e);
      case 'structGroup':
        return this.structGroup(act.skipArgs, s, e);
      case 'typeArg':
        return this.typeArg(word, e);
    }
    return NOT_APPLIED;
  }

  /**
   * `__releases(x)` (an annotation call: blanked, and the word alone without parentheses) or
   * `EXPORT_SYMBOL(x);` (a statement: blanked with its `;`, only outside code blocks when the
   * `;` is missing).
   */
  private blankCall(statement: boolean, s: number, e: number): number {
    const p = this.parenAfter(e);
    if (p < 0) {
      if (statement) return NOT_APPLIED;
      this.blank(s, e);
      return e;
    }
    const close = this.matchParen(p);
    if (close === NO_MATCH) return NOT_APPLIED;
    let end = close + 1;
    if (statement) {
      const semi = this.nextCode(end);
      if (semi < this.n && this.src.charCodeAt(semi) === SEMI) end = semi + 1;
      else if (this.depth > 0) return NOT_APPLIED; // a call in code, not a top-level statement
    }
    this.blank(s, end);
    return end;
  }

  /** SYSCALL_DEFINE3(name, t1, a1, t2, a2) -> SYSCALL_DEFINE3(name)(t1  a1, t2  a2). */
  private definer(e: number): number {
    if (this.depth !== 0) return NOT_APPLIED;
    const p = this.parenAfter(e);
    if (p < 0) return NOT_APPLIED;
    const close = this.matchParen(p);
    if (close === NO_MATCH) return NOT_APPLIED;
    const cs = this.commas.slice();
    if (cs.length === 0) {
      this.lastSig = RP;
      return close + 1;
    }
    const first = cs[0];
    const sp = this.src.charCodeAt(first + 1);
    if (sp !== SP && sp !== TAB) {
      // No room for `)(`: keep only the name.
      this.blank(first, close);
      this.lastSig = RP;
      return close + 1;
    }
    this.put(first, ')(');
    for (let k = 1; k < cs.length; k += 2) this.put(cs[k], ' ');
    // Resume inside the parameters so annotations there (`__user`) are still blanked.
    this.lastSig = LP;
    this.lastWord = '';
    return first + 2;
  }

  /** DEFINE_PER_CPU(type, name) -> type name. */
  private perCpu(s: number, e: number): number {
    const p = this.parenAfter(e);
    if (p < 0) return NOT_APPLIED;
    const close = this.matchParen(p);
    if (close === NO_MATCH || this.commas.length !== 1) return NOT_APPLIED;
    this.blank(s, p + 1);
    this.put(this.commas[0], ' ');
    this.put(close, ' ');
    this.lastSig = LP;
    return p + 1;
  }

  /** struct_group(name, members...) -> members... (after `skip` more leading arguments). */
  private structGroup(skip: number, s: number, e: number): number {
    const p = this.parenAfter(e);
    if (p < 0) return NOT_APPLIED;
    const close = this.matchParen(p);
    const commas = this.commas;
    if (close === NO_MATCH || commas.length <= skip) return NOT_APPLIED;
    this.blank(s, commas[skip] + 1);
    let end = close + 1;
    const semi = this.nextCode(end);
    if (semi < this.n && this.src.charCodeAt(semi) === SEMI) end = semi + 1;
    this.blank(close, end);
    this.lastSig = SEMI;
    return commas[skip] + 1;
  }

  /**
   * Blanks the `struct`/`union` keywords among the arguments: `container_of(p, sock, m)`. An
   * argument list inside one scanned before (`container_of(list_entry(p, struct x, m), ...)`)
   * is not scanned again: its keywords are already blank, and only counted.
   */
  private typeArg(word: string, e: number): number {
    const p = this.parenAfter(e);
    if (p < 0) return NOT_APPLIED;
    const close = this.matchParen(p);
    if (close === NO_MATCH) return NOT_APPLIED;
    const known = this.typeArgKeywordsKnown(p + 1, close);
    if (known !== null) this.edits += known;
    else this.scanTypeArgs(p + 1, close);
    this.lastSig = NO_SIG;
    this.lastWord = word;
    return e;
  }

  /**
   * The number of keywords in [from, to) when one earlier scanTypeArgs went through both
   * positions (the scan from a position depends on it alone, so it read that range as a scan
   * of it would), else null.
   */
  private typeArgKeywordsKnown(from: number, to: number): number | null {
    const ids = this.typeScanOf;
    const before = this.typeKeywordsBefore;
    if (ids === null || before === null) return null;
    const id = ids[from];
    if (id === 0 || ids[to] !== id) return null;
    return before[to] - before[from];
  }

  /** Scans [from, to) for `struct`/`union` keywords, blanking them and noting the positions. */
  private scanTypeArgs(from: number, to: number): void {
    const { src, stats } = this;
    const ids = (this.typeScanOf ??= new Int32Array(this.n + 1));
    const before = (this.typeKeywordsBefore ??= new Int32Array(this.n + 1));
    const id = ++this.typeScans;
    let found = 0;
    for (let k = from; k < to; k++) {
      ids[k] = id;
      before[k] = found;
      if (stats) stats.typeArgScan = (stats.typeArgScan ?? 0) + 1;
      const ch = src.charCodeAt(k);
      if (ch === SLASH || ch === DQ || ch === SQ) {
        const after = this.skipNonCode(k);
        if (after !== k) {
          k = after - 1;
          continue;
        }
      }
      if ((ch === LOWER_S || ch === LOWER_U) && !isIdent(src.charCodeAt(k - 1))) {
        if (
          (src.startsWith('struct', k) && !isIdent(src.charCodeAt(k + 6))) ||
          (src.startsWith('union', k) && !isIdent(src.charCodeAt(k + 5)))
        ) {
          this.blank(k, k + (ch === LOWER_S ? 6 : 5));
          found++;
        }
      }
    }
    ids[to] = id;
    before[to] = found;
  }

  /**
   * `logfn(err, LOG_ERR)` or `DEFINE_BPF_ITER_FUNC(tcp, ...)` alone at file scope, with no `;`:
   * a macro that expands to a whole definition. It becomes `logfn(err){}`, a definition named
   * by the macro (universal-ctags reports these under the macro's name too), instead of a
   * declarator that swallows the next definition. Returns where to resume, or NOT_APPLIED.
   */
  private unterminatedInvocation(e: number): number {
    const { src, n } = this;
    const p = this.parenAfter(e);
    if (p < 0) return NOT_APPLIED;
    const close = this.matchParen(p);
    if (close === NO_MATCH || this.commas.length === 0) return NOT_APPLIED;
    const after = this.nextCode(close + 1);
    if (after < n) {
      const c = src.charCodeAt(after);
      if (!isIdentStart(c) && c !== HASH) return NOT_APPLIED;
      // Only when the invocation ends its line. (Scanning [close, after) rather than searching
      // the rest of the text for a newline keeps this linear: `f(a;)))...` on one line.)
      let k = close;
      while (k < after && src.charCodeAt(k) !== NL) k++;
      if (k === after) return NOT_APPLIED;
    }
    const comma = this.commas[0];
    if (close - comma < 2) return NOT_APPLIED;
    this.blank(comma, close + 1);
    this.put(comma, '){}');
    this.lastSig = RB;
    this.lastWord = '';
    return close + 1;
  }

  /** Handles a preprocessor line starting at `#` (index h); returns the index of its end. */
  private directive(h: number): number {
    const src = this.src;
    let end = this.directiveEnd(h);
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
        const e2 = this.skipNonCode(scan);
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
      case 'ifndef':
        this.openConditional(
          name === 'if' && /^\s*0\s*(?:\/[*/].*)?$/.test(src.slice(w, end)),
          lineStart,
          end,
        );
        break;
      case 'elif':
      case 'else':
        this.nextBranch(lineStart);
        break;
      case 'endif':
        this.closeConditional(lineStart, end);
        break;
      default:
        break;
    }
    this.atLineStart = false;
    if (this.depth === 0) this.lastSig = SEMI;
    return end;
  }

  /** End of the directive line starting at h, honouring backslash continuations. */
  private directiveEnd(h: number): number {
    const src = this.src;
    let end = h;
    for (;;) {
      const e = src.indexOf('\n', end);
      if (e < 0) return this.n;
      let b = e - 1;
      if (b >= 0 && src.charCodeAt(b) === CR) b--;
      if (b >= h && src.charCodeAt(b) === BSL) {
        end = e + 1;
        continue;
      }
      return e;
    }
  }

  /** `#if`, `#ifdef`, `#ifndef` on the line [lineStart, end). */
  private openConditional(isIf0: boolean, lineStart: number, end: number): void {
    const frame: CondFrame = {
      startDepth: this.depth,
      firstDelta: null,
      unbalanced: false,
      elseLine: null,
      if0Body: null,
      wasIf0: false,
      elseFirst: false,
      ifLine: lineStart,
      ifEnd: end,
    };
    if (this.depth > 0 && this.if0Depth === 0 && !isIf0) {
      const t = this.nextCode(end);
      frame.elseFirst = this.src.startsWith('else', t) && !isIdent(this.src.charCodeAt(t + 4));
    }
    this.conds.push(frame);
    if (this.if0Depth > 0) this.if0Depth++;
    else if (isIf0) {
      frame.if0Body = end;
      frame.wasIf0 = true;
      this.if0Depth = 1;
    }
  }

  /** `#elif` / `#else` starting at lineStart. */
  private nextBranch(lineStart: number): void {
    const f = this.conds[this.conds.length - 1];
    if (f === undefined || this.if0Depth > 1) return;
    if (this.if0Depth === 1 && f.if0Body !== null) {
      this.blank(f.if0Body, lineStart);
      f.if0Body = null;
      this.if0Depth = 0;
      this.depth = f.startDepth;
      return;
    }
    if (f.wasIf0) return;
    const delta = this.depth - f.startDepth;
    if (f.firstDelta === null) {
      f.firstDelta = delta;
      f.elseLine = lineStart;
    }
    if (delta !== 0) f.unbalanced = true;
    // Each branch starts from the depth before the conditional.
    this.depth = f.startDepth;
  }

  /** `#endif` on the line [lineStart, end). */
  private closeConditional(lineStart: number, end: number): void {
    const f = this.conds.pop();
    if (f === undefined) return;
    if (this.if0Depth > 1) {
      this.if0Depth--;
      return;
    }
    if (this.if0Depth === 1 && f.if0Body !== null) {
      this.blank(f.if0Body, lineStart);
      this.if0Depth = 0;
      this.depth = f.startDepth;
      return;
    }
    const delta = this.depth - f.startDepth;
    if (f.elseFirst) {
      // An `else` continuing an `if` outside the conditional: tree-sitter cannot attach
      // it, so the conditional's directives go (and any alternative branch with them).
      this.blank(f.ifLine, f.ifEnd);
      this.blank(f.elseLine ?? lineStart, end);
      if (f.firstDelta !== null) this.depth = f.startDepth + f.firstDelta;
      return;
    }
    if (f.wasIf0) return;
    if (f.firstDelta === null) {
      // One branch that opens or closes a brace: tree-sitter cannot close a block across
      // `#endif`, so the directives go and the code reads as with the option set.
      if (delta !== 0) {
        this.blank(f.ifLine, f.ifEnd);
        this.blank(lineStart, end);
      }
      return;
    }
    if (delta !== 0) f.unbalanced = true;
    if (f.unbalanced) {
      // Keep the first branch only, without its directives: the other branches would
      // open or close the same braces a second time.
      this.blank(f.ifLine, f.ifEnd);
      this.blank(f.elseLine ?? lineStart, end);
      this.depth = f.startDepth + f.firstDelta;
    }
  }
}
