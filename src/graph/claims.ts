// Checks prose claims about the call graph ("tcp_grow_window is called only from
// tcp_event_data_recv", "sk_stream_alloc_skb is called by tcp_fragment and tcp_mtu_probe",
// "tcp_sendmsg calls tcp_push") against an indexed tree. Old documentation of the TCP memory
// code is full of them and many no longer hold. Each claim is classified:
//   holds    the tree agrees;
//   changed  the subject exists but its callers/callees differ (`actual` has the real set);
//   renamed  the subject is gone but a likely successor exists (name similarity plus shared
//            callers/callees), e.g. sk_stream_alloc_skb -> tcp_stream_alloc_skb;
//   gone     neither the subject nor a successor is in the tree.
import type { CallEdge, CodeIndex } from '../index/api';

export type ClaimKind = 'called_by' | 'only_called_by' | 'calls';
export type ClaimStatus = 'holds' | 'changed' | 'renamed' | 'gone';

/** A claim found in a document. Offsets are into the whole text; `line` is 0-based. */
export interface ExtractedClaim {
  text: string;
  kind: ClaimKind;
  subject: string;
  object: string[];
  line: number;
  start: number;
  end: number;
}

export interface CheckedClaim {
  text: string;
  kind: ClaimKind;
  subject: string;
  object: string[];
  status: ClaimStatus;
  /** The real caller set (called_by kinds) or callee set (calls) of the subject, or of its successor. */
  actual: string[];
  successor: string | null;
  /** `file:line` (1-based) of the call sites behind `actual`, at most 12. */
  evidence: string[];
  /** Where the claim is in the document (0-based line, offsets into the text). */
  line: number;
  start: number;
  end: number;
}

// A function name in prose: a C identifier with an underscore or followed by `()`, optionally
// in backticks. Plain words ("and", "socket") never qualify.
const ID = String.raw`(?!(?:and|or|as)\b)\`?([A-Za-z_][A-Za-z0-9_]*)\b(?:\(\))?\`?`;
const SEP = String.raw`(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|as well as)\s+)`;
// A list item after the first must not start the next clause ("..., and X calls Y").
const NOT_CLAUSE = String.raw`(?!\s+(?:calls|is|are|uses|use|gets|get)\b)`;
// Later list items must look like function names (a `_` or `()`), so "..., and only for" ends the list.
const FN_AHEAD = String.raw`(?=\`?[A-Za-z0-9]*_|\`?[A-Za-z_][A-Za-z0-9_]*\(\))`;
const LIST = String.raw`(${ID}(?:${SEP}${FN_AHEAD}${ID}${NOT_CLAUSE})*)`;
const SUBJECT_LIST = String.raw`(${ID}(?:${SEP}${ID})*)`;
const IS = String.raw`(?:is|are|gets|get)`;
const ONLY = String.raw`(?:only|solely|exclusively|just)`;

interface Pattern {
  re: RegExp;
  /** A word every match contains: a sentence without it is not scanned. */
  keyword: RegExp;
  build(m: RegExpExecArray): { kind: ClaimKind; subjectText: string; listText: string } | undefined;
}

const PATTERNS: Pattern[] = [
  {
    // X is (only) called|used|invoked (only) by|from (only) A, B and C
    re: new RegExp(
      String.raw`${ID}(?:\s*,)?\s+${IS}\s+(?:(${ONLY})\s+)?(?:ever\s+)?(?:called|used|invoked)\s+(?:(${ONLY})\s+)?(?:by|from)\s+(?:(${ONLY})\s+)?(?:the\s+)?${LIST}`,
      'g',
    ),
    keyword: /\b(?:called|used|invoked)\b/,
    build: (m) => ({
      kind: m[2] || m[3] || m[4] ? 'only_called_by' : 'called_by',
      subjectText: m[1]!,
      listText: m[5]!,
    }),
  },
  {
    // A and B use X / A uses X
    re: new RegExp(String.raw`${SUBJECT_LIST}\s+(?:also\s+)?(?:uses|use)\s+${ID}`, 'g'),
    keyword: /\buses?\b/,
    build: (m) => ({ kind: 'called_by', subjectText: m[m.length - 1]!, listText: m[1]! }),
  },
  {
    // X calls A and B / X (then|also) calls A
    re: new RegExp(
      String.raw`${ID}\s+(?:(?:then|also|in turn|directly|later)\s+)?calls\s+${LIST}`,
      'g',
    ),
    keyword: /\bcalls\b/,
    build: (m) => ({ kind: 'calls', subjectText: m[1]!, listText: m[2]! }),
  },
];

function isFunctionName(raw: string, name: string): boolean {
  return name.includes('_') || raw.endsWith('()');
}

function namesIn(listText: string): { names: string[]; raw: string[] } {
  const re = new RegExp(ID, 'g');
  const names: string[] = [];
  const raw: string[] = [];
  for (let m = re.exec(listText); m; m = re.exec(listText)) {
    if (/^(and|or|as|well)$/.test(m[1]!)) continue;
    names.push(m[1]!);
    raw.push(m[0]);
  }
  return { names, raw };
}

/**
 * Longest sentence the claim patterns see. Their global scans backtrack over a name list at
 * every start position, so one scan costs up to the square of its input: a paragraph without
 * a full stop (a 2 MB list of names) would be quadratic. Longer sentences are cut into pieces
 * of at most this many characters at a space; a claim across a cut is not found. Real claims
 * are a line or two.
 */
export const MAX_SENTENCE_CHARS = 2000;

/** Work done by extractClaims, in abstract steps (characters scanned, search steps, and the
 * square of every pattern scan's input as the bound of its backtracking), for tests that prove
 * extraction linear without timing it. */
export interface ClaimWork {
  steps: number;
}

/** Sentences (or list items) with their offsets: split at . ; ! ? followed by space, and at blank lines / bullets. */
function sentences(text: string, work: ClaimWork): { s: string; start: number }[] {
  const out: { s: string; start: number }[] = [];
  let start = 0;
  let lineStart = 0;
  const piece = (from: number, to: number): void => {
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const s = raw.trim();
    if (s) out.push({ s, start: from + lead });
  };
  const push = (end: number): void => {
    // Cut an over-long sentence at the last space of each window (or hard, without one).
    let from = start;
    while (end - from > MAX_SENTENCE_CHARS) {
      const sp = text.lastIndexOf(' ', from + MAX_SENTENCE_CHARS);
      const cut = sp > from ? sp + 1 : from + MAX_SENTENCE_CHARS;
      work.steps += cut - from;
      piece(from, cut);
      from = cut;
    }
    piece(from, end);
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    work.steps++;
    const c = text[i]!;
    if (
      (c === '.' || c === ';' || c === '!' || c === '?') &&
      (i + 1 === text.length || /\s/.test(text[i + 1]!))
    ) {
      push(i + 1);
    } else if (c === '\n') {
      const rest = text.slice(i + 1, i + 200);
      // The start of this line is tracked as we go: searching back for it at every newline
      // would rescan a long line once per line break after it.
      const heading = /^\s*(#|=)/.test(text.slice(lineStart, Math.min(i, lineStart + 200)));
      lineStart = i + 1;
      if (heading) {
        push(i + 1);
        continue;
      }
      if (/^\s*\n/.test(rest) || /^\s*([-*+]|\d+\.)\s/.test(rest) || /^\s*(#|=)/.test(rest))
        push(i + 1);
    }
  }
  push(text.length);
  return out;
}

/** Removes parenthetical remarks "(which ...)" but keeps empty call parens "()". Same length. */
function blankParentheticals(s: string): string {
  return s.replace(/\((?!\))[^()]*\)/g, (m) => ' '.repeat(m.length));
}

/** Offsets of the starts of lines, built once; `lineAt` is a binary search. */
export class LineStarts {
  private readonly starts: number[] = [0];

  constructor(text: string, work: ClaimWork = { steps: 0 }) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    work.steps += text.length;
  }

  /** 0-based line of `offset`. */
  lineAt(offset: number, work: ClaimWork = { steps: 0 }): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      work.steps++;
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

export function extractClaims(text: string, work: ClaimWork = { steps: 0 }): ExtractedClaim[] {
  const out: ExtractedClaim[] = [];
  const lines = new LineStarts(text, work);
  for (const { s, start } of sentences(text, work)) {
    // Same length as `s`, so match offsets are offsets into the sentence.
    const flat = blankParentheticals(s).replace(/\s/g, ' ');
    const seen = new Set<string>();
    for (const p of PATTERNS) {
      if (!p.keyword.test(flat)) continue;
      work.steps += flat.length * flat.length;
      p.re.lastIndex = 0;
      for (let m = p.re.exec(flat); m; m = p.re.exec(flat)) {
        const b = p.build(m);
        if (!b) continue;
        const subject = b.subjectText;
        const { names, raw } = namesIn(b.listText);
        const object = names.filter((n, i) => isFunctionName(raw[i]!, n) && n !== subject);
        if (!isFunctionName(flat.includes(`${subject}()`) ? `${subject}()` : subject, subject))
          continue;
        if (object.length === 0) continue;
        const key = `${b.kind}/${subject}/${object.join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const from = start + m.index;
        out.push({
          text: s.slice(m.index, m.index + m[0].length).replace(/\s+/g, ' '),
          kind: b.kind,
          subject,
          object,
          line: lines.lineAt(from, work),
          start: from,
          end: from + m[0].length,
        });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

// ---- classification ----

/** One call edge as the checker needs it: the function at the other end and `file:line`. */
export interface ClaimEdge {
  other: string;
  loc: string;
}

/**
 * What the checker asks of the call graph. The CLI answers from the index directly
 * (indexGraph); the extension's claim worker from answers the host prefetched in chunks.
 */
export interface ClaimGraph {
  exists(fn: string): boolean;
  relation(fn: string, kind: ClaimKind): { names: string[]; edges: ClaimEdge[] };
  functionNames(): Iterable<string>;
}

/** The relation of `fn` as the checker uses it: distinct other ends (sorted) and the edges. */
export function relationOf(
  index: CodeIndex,
  fn: string,
  kind: ClaimKind,
): { names: string[]; edges: ClaimEdge[] } {
  const raw: CallEdge[] = kind === 'calls' ? index.calleesOf(fn) : index.callersOf(fn);
  const edges = raw.map((e) => ({
    other: kind === 'calls' ? e.callee : e.caller,
    loc: `${e.file}:${e.span.line + 1}`,
  }));
  const names = [...new Set(edges.map((e) => e.other))].filter((n) => n && n !== fn).sort();
  return { names, edges };
}

export function existsIn(index: CodeIndex, fn: string): boolean {
  return index.functionDefs(fn).length > 0 || index.callersOf(fn).length > 0;
}

/** The checker's view of an index, answered directly (the CLI, tests). */
export function indexGraph(index: CodeIndex): ClaimGraph {
  return {
    exists: (fn) => existsIn(index, fn),
    relation: (fn, kind) => relationOf(index, fn, kind),
    functionNames: function* () {
      for (const { item } of index.allFunctions()) yield item.name;
    },
  };
}

function evidenceOf(edges: ClaimEdge[], keep: (e: ClaimEdge) => boolean): string[] {
  return [...new Set(edges.filter(keep).map((e) => e.loc))]
    .sort((a, b) => {
      const [fa, la] = splitLoc(a);
      const [fb, lb] = splitLoc(b);
      return fa < fb ? -1 : fa > fb ? 1 : la - lb;
    })
    .slice(0, 12);
}

function splitLoc(loc: string): [string, number] {
  const i = loc.lastIndexOf(':');
  return [loc.slice(0, i), Number(loc.slice(i + 1))];
}

function tokens(name: string): string[] {
  return name.split('_').filter(Boolean);
}

/** Token-set similarity in [0, 1]: shared `_`-separated words over the union. */
export function nameSimilarity(a: string, b: string): number {
  const ta = new Set(tokens(a));
  const tb = new Set(tokens(b));
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared || 1);
}

/** Words that can make a name a successor candidate: longer than 2, not the `tcp`/`sock` prefix. */
function candidateWords(name: string): string[] {
  return tokens(name).filter((t) => t.length > 2 && t !== 'tcp' && t !== 'sock');
}

/**
 * The defined function names by candidate word, built once per document: looking up a gone
 * name's words replaces a walk over every function of the tree for every gone claim (50,000
 * claims against net/'s ~40,000 functions would be 2·10^9 steps).
 */
export class SuccessorCandidates {
  private readonly byWord = new Map<string, string[]>();

  constructor(functionNames: Iterable<string>, work: ClaimWork = { steps: 0 }) {
    const seen = new Set<string>();
    for (const name of functionNames) {
      work.steps++;
      if (seen.has(name)) continue;
      seen.add(name);
      for (const t of new Set(candidateWords(name))) {
        let list = this.byWord.get(t);
        if (!list) this.byWord.set(t, (list = []));
        list.push(name);
      }
    }
  }

  /** Names sharing at least one candidate word with `gone`, each once. */
  of(gone: string, work: ClaimWork = { steps: 0 }): string[] {
    const out = new Set<string>();
    for (const t of new Set(candidateWords(gone))) {
      for (const n of this.byWord.get(t) ?? []) {
        work.steps++;
        out.add(n);
      }
    }
    return [...out];
  }
}

/**
 * The names findSuccessor weighs for `gone`: sharing a word that is not just the prefix, and
 * at least half the words (similarity >= 0.5). Their relations are all it asks of the graph.
 */
export function successorNames(
  gone: string,
  candidates: SuccessorCandidates,
  work: ClaimWork = { steps: 0 },
): string[] {
  return candidates.of(gone, work).filter((n) => n !== gone && nameSimilarity(gone, n) >= 0.5);
}

/**
 * The most likely successor of a function no longer in the tree: a defined function whose
 * name shares at least half its words with the old one, preferring those that share callers
 * (called_by claims) or callees (calls claims) with the claim. Without shared relations only a
 * near-identical name (similarity >= 0.6) counts.
 */
export function findSuccessor(
  graph: ClaimGraph,
  gone: string,
  kind: ClaimKind,
  object: string[],
  candidates: SuccessorCandidates = new SuccessorCandidates(graph.functionNames()),
  work: ClaimWork = { steps: 0 },
): string | null {
  let best: { name: string; score: number } | null = null;
  for (const name of successorNames(gone, candidates, work)) {
    const sim = nameSimilarity(gone, name);
    const rel = graph.relation(name, kind).names;
    const shared = object.filter((o) => rel.includes(o)).length;
    if (shared === 0 && sim < 0.6) continue;
    const score = sim + shared / Math.max(1, object.length);
    if (!best || score > best.score || (score === best.score && name < best.name))
      best = { name, score };
  }
  return best?.name ?? null;
}

export function checkClaim(
  graph: ClaimGraph,
  c: ExtractedClaim,
  candidates?: () => SuccessorCandidates,
  work: ClaimWork = { steps: 0 },
): CheckedClaim {
  const base = {
    text: c.text,
    kind: c.kind,
    subject: c.subject,
    object: c.object,
    line: c.line,
    start: c.start,
    end: c.end,
  };
  const other = (e: ClaimEdge): string => e.other;
  if (!graph.exists(c.subject)) {
    const successor = findSuccessor(
      graph,
      c.subject,
      c.kind,
      c.object,
      candidates?.() ?? new SuccessorCandidates(graph.functionNames(), work),
      work,
    );
    if (!successor) return { ...base, status: 'gone', actual: [], successor: null, evidence: [] };
    const rel = graph.relation(successor, c.kind);
    return {
      ...base,
      status: 'renamed',
      actual: rel.names,
      successor,
      evidence: evidenceOf(rel.edges, (e) => other(e) !== successor),
    };
  }
  const rel = graph.relation(c.subject, c.kind);
  const actual = new Set(rel.names);
  const allListed = c.object.every((o) => actual.has(o));
  const holds =
    c.kind === 'only_called_by' ? allListed && actual.size === new Set(c.object).size : allListed;
  return {
    ...base,
    status: holds ? 'holds' : 'changed',
    actual: rel.names,
    successor: null,
    evidence: evidenceOf(
      rel.edges,
      (e) => other(e) !== c.subject && (holds ? c.object.includes(other(e)) : true),
    ),
  };
}

export function checkDocument(
  index: CodeIndex,
  text: string,
  work: ClaimWork = { steps: 0 },
): CheckedClaim[] {
  return checkClaims(indexGraph(index), extractClaims(text, work), work);
}

/** Classifies extracted claims against a graph. */
export function checkClaims(
  graph: ClaimGraph,
  claims: ExtractedClaim[],
  work: ClaimWork = { steps: 0 },
): CheckedClaim[] {
  // Built on the first gone subject, then shared by every claim of the document.
  let cands: SuccessorCandidates | undefined;
  const candidates = () => (cands ??= new SuccessorCandidates(graph.functionNames(), work));
  return claims.map((c) => checkClaim(graph, c, candidates, work));
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A sentence that states what the tree says, for the quick fix; null when the claim holds. */
export function rewriteClaim(c: CheckedClaim): string | null {
  const subject = c.successor ?? c.subject;
  switch (c.status) {
    case 'holds':
      return null;
    case 'gone':
      return `${c.subject} no longer exists in this tree.`;
    case 'renamed':
    case 'changed': {
      const was = c.status === 'renamed' ? ` (formerly ${c.subject})` : '';
      if (c.actual.length === 0) {
        return c.kind === 'calls'
          ? `${subject}${was} calls no function in this tree.`
          : `${subject}${was} has no caller in this tree.`;
      }
      if (c.kind === 'calls') {
        const kept = c.object.filter((o) => c.actual.includes(o));
        const lost = c.object.filter((o) => !c.actual.includes(o));
        if (kept.length === 0) return `${subject}${was} no longer calls ${joinNames(lost)}.`;
        return `${subject}${was} calls ${joinNames(kept)}${lost.length ? ` (no longer ${joinNames(lost)})` : ''}.`;
      }
      if (c.actual.length === 1) return `${subject}${was} is called only from ${c.actual[0]}.`;
      return `${subject}${was} is called by ${joinNames(c.actual)}.`;
    }
  }
}
