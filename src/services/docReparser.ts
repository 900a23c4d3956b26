// Incremental reparse of open documents: one tree per document, kept between edits, reparsed
// from the changed region only, then the same fact collection as the indexer
// (src/index/extract.ts `collect`). No vscode import.
//
// Why the edit is computed by diffing the pre-processed texts instead of replaying VS Code's
// change events: the kernel-macro pre-pass (src/parse/preprocess.ts) is length-preserving but
// not local (typing `)` can change what it blanks further on, an `#else` branch can appear),
// and tree-sitter reuses every old node outside the declared edit. The common prefix and
// suffix of the old and new pre-processed texts bound every change, whatever its cause, in one
// linear scan (well under a millisecond for tcp.c), so the reused nodes are always right.
import { createHash } from 'node:crypto';
import { Edit, type Parser, type Tree } from 'web-tree-sitter';
import { collect } from '../index/extract';
import { emptyFacts, type FileFacts } from '../index/facts';
import { preprocess } from '../parse/preprocess';
import { parseBounded } from '../parse/treeSitter';

export interface Point {
  row: number;
  column: number;
}

export interface TextDiff {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

/** Row and UTF-16 column of `index` in `text`, counting from a known point before it. */
function pointAt(
  text: string,
  index: number,
  from: Point = { row: 0, column: 0 },
  fromIndex = 0,
): Point {
  let row = from.row;
  let lineStart = fromIndex - from.column;
  for (let i = text.indexOf('\n', fromIndex); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** The single edit turning `a` into `b` (common prefix and suffix removed), or null if equal. */
export function diffTexts(a: string, b: string): TextDiff | null {
  if (a === b) return null;
  const n = Math.min(a.length, b.length);
  let p = 0;
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < n - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  // Never split a surrogate pair: tree-sitter sees UTF-16 code units in pairs.
  if (p > 0 && isHighSurrogate(a.charCodeAt(p - 1))) p--;
  const start = pointAt(a, p);
  return {
    startIndex: p,
    oldEndIndex: a.length - s,
    newEndIndex: b.length - s,
    startPosition: start,
    oldEndPosition: pointAt(a, a.length - s, start, p),
    newEndPosition: pointAt(b, b.length - s, start, p),
  };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

interface Entry {
  pre: string;
  tree: Tree;
}

export interface ReparseOptions {
  maxBytes: number;
  timeoutMs: number;
}

export interface ReparseResult {
  facts: FileFacts;
  /** Whether an old tree was reused (incremental parse). */
  incremental: boolean;
  parseMs: number;
}

export class DocumentReparser {
  private readonly trees = new Map<string, Entry>();

  constructor(
    private readonly parser: Parser,
    /** Trees kept at most (least recently used are deleted first). */
    private readonly capacity = 32,
  ) {}

  get size(): number {
    return this.trees.size;
  }

  /** Facts of `path` from the editor's `text`, reparsing incrementally from the last version. */
  update(path: string, text: string, opts: ReparseOptions): ReparseResult {
    const facts = emptyFacts(path, text.length, 0, '');
    if (text.length > opts.maxBytes) {
      this.close(path);
      facts.problems.push(`skipped: ${text.length} bytes exceeds the ${opts.maxBytes}-byte limit`);
      return { facts, incremental: false, parseMs: 0 };
    }
    if (text.indexOf('\0') >= 0) {
      this.close(path);
      facts.problems.push('skipped: binary file (NUL bytes)');
      return { facts, incremental: false, parseMs: 0 };
    }
    facts.hash = createHash('sha1').update(text).digest('hex');
    const pre = preprocess(text).text;
    const old = this.trees.get(path);
    this.trees.delete(path); // re-inserted below as the most recent
    let incremental = false;
    let tree: Tree | null;
    let parseMs = 0;
    if (old && old.pre === pre) {
      tree = old.tree;
    } else {
      const diff = old ? diffTexts(old.pre, pre) : null;
      if (old && diff) {
        old.tree.edit(new Edit(diff));
        incremental = true;
      }
      const outcome = parseBounded(this.parser, pre, old?.tree ?? null, opts.timeoutMs);
      parseMs = outcome.ms;
      old?.tree.delete();
      tree = outcome.tree;
      if (tree === null) {
        facts.problems.push(
          `skipped: parse abandoned after ${Math.round(outcome.ms)} ms (time limit ${opts.timeoutMs} ms)`,
        );
        return { facts, incremental, parseMs };
      }
    }
    try {
      collect(facts, text, tree.rootNode, this.parser);
    } catch (err) {
      facts.problems.push(`extraction failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.trees.set(path, { pre, tree });
    while (this.trees.size > this.capacity) {
      const [oldest, e] = this.trees.entries().next().value as [string, Entry];
      e.tree.delete();
      this.trees.delete(oldest);
    }
    return { facts, incremental, parseMs };
  }

  close(path: string): void {
    const e = this.trees.get(path);
    if (!e) return;
    e.tree.delete();
    this.trees.delete(path);
  }

  dispose(): void {
    for (const e of this.trees.values()) e.tree.delete();
    this.trees.clear();
  }
}
