// Parse trees of open documents, keyed by uri and version (as vscode-anycode's tree cache):
// a new version is parsed incrementally from the previous tree, evicted and replaced trees are
// delete()d (they live in the wasm heap, not the JS one), and the cache holds a bounded number
// of documents.
//
// Trees are trees of the pre-processed text (src/parse/preprocess.ts). The pre-pass keeps
// lengths, so a document edit is also an edit of the pre-processed text; but a rewrite can
// change far from the edit (typing a `{` can change which `#else` branch is blanked). So the
// edit given to tree-sitter is the difference between the old and the new pre-processed text
// (common prefix and suffix), which always covers the caller's edits.
import { preprocess } from './preprocess';
import { Edit, parseBounded, type Parser, type Tree } from './treeSitter';

export interface Point {
  row: number;
  /** UTF-16 code units (web-tree-sitter parses JS strings as UTF-16). */
  column: number;
}

/** A document change, as tree-sitter's Edit (indices and columns in UTF-16 code units). */
export interface TextEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

interface Entry {
  version: number;
  /** The pre-processed text the tree was parsed from. */
  pre: string;
  tree: Tree;
}

export interface TreeCacheOptions {
  /** Documents kept; the least recently used tree is deleted beyond this. Default 32. */
  maxEntries?: number;
  /** Parse time bound per document, ms. Default 2000. */
  timeoutMs?: number;
}

/** Row and UTF-16 column of `index` in `text`. */
export function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k >= 0 && k < index; k = text.indexOf('\n', k + 1)) {
    row++;
    lineStart = k + 1;
  }
  return { row, column: index - lineStart };
}

/**
 * The single edit turning `oldText` into `newText`: their common prefix and suffix are kept.
 * Null when they are equal.
 */
export function diffEdit(oldText: string, newText: string): TextEdit | null {
  if (oldText === newText) return null;
  const max = Math.min(oldText.length, newText.length);
  // Whole blocks first (a string comparison runs natively, far faster than a charCodeAt loop on
  // a 100 KB file), then the last block character by character.
  const B = 512;
  let pre = 0;
  while (pre + B <= max && oldText.slice(pre, pre + B) === newText.slice(pre, pre + B)) pre += B;
  while (pre < max && oldText.charCodeAt(pre) === newText.charCodeAt(pre)) pre++;
  let suf = 0;
  const room = max - pre;
  while (
    suf + B <= room &&
    oldText.slice(oldText.length - suf - B, oldText.length - suf) ===
      newText.slice(newText.length - suf - B, newText.length - suf)
  ) {
    suf += B;
  }
  while (
    suf < room &&
    oldText.charCodeAt(oldText.length - 1 - suf) === newText.charCodeAt(newText.length - 1 - suf)
  ) {
    suf++;
  }
  const oldEnd = oldText.length - suf;
  const newEnd = newText.length - suf;
  const start = pointAt(oldText, pre);
  return {
    startIndex: pre,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: start,
    oldEndPosition: pointFrom(oldText, pre, start, oldEnd),
    newEndPosition: pointFrom(newText, pre, start, newEnd),
  };
}

/** The point of `index`, counting lines from `from` (whose point is `at`) onwards. */
function pointFrom(text: string, from: number, at: Point, index: number): Point {
  let row = at.row;
  let lineStart = from - at.column;
  for (let k = text.indexOf('\n', from); k >= 0 && k < index; k = text.indexOf('\n', k + 1)) {
    row++;
    lineStart = k + 1;
  }
  return { row, column: index - lineStart };
}

export class TreeCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly timeoutMs: number;
  /** Problems of the last parse (timeouts), for the output channel. */
  lastProblem: string | undefined;

  constructor(
    private readonly parser: Parser,
    opts: TreeCacheOptions = {},
  ) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? 32);
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The tree of `uri` at exactly `version`, if cached. */
  get(uri: string, version: number): Tree | undefined {
    const e = this.entries.get(uri);
    if (e === undefined || e.version !== version) return undefined;
    this.touch(uri, e);
    return e.tree;
  }

  /**
   * The tree of `uri` at `version` with content `text`: cached if that version is known, else
   * parsed incrementally from the cached tree of an older version (when there is one), else
   * parsed afresh. `_edits` are the document's changes since the cached version; the edit
   * applied to the tree is derived from the texts themselves (see the header). Returns null
   * when the parse exceeded its time bound (`timeoutMs`, default the cache's).
   */
  update(
    uri: string,
    version: number,
    text: string,
    _edits?: readonly TextEdit[],
    timeoutMs = this.timeoutMs,
  ): Tree | null {
    const old = this.entries.get(uri);
    if (old !== undefined && old.version === version) {
      this.touch(uri, old);
      return old.tree;
    }
    const pre = preprocess(text).text;
    let base: Tree | null = null;
    if (old !== undefined) {
      const edit = diffEdit(old.pre, pre);
      if (edit === null) {
        old.version = version;
        this.touch(uri, old);
        return old.tree;
      }
      old.tree.edit(new Edit(edit));
      base = old.tree;
    }
    const { tree, timedOut, ms } = parseBounded(this.parser, pre, base, timeoutMs);
    if (old !== undefined) {
      old.tree.delete();
      this.entries.delete(uri);
    }
    if (tree === null) {
      this.lastProblem = timedOut
        ? `${uri}: parse abandoned after ${Math.round(ms)} ms (limit ${timeoutMs} ms)`
        : `${uri}: parse failed`;
      return null;
    }
    this.entries.set(uri, { version, pre, tree });
    this.evict();
    return tree;
  }

  /** Forgets a document (closed or deleted) and frees its tree. */
  delete(uri: string): void {
    const e = this.entries.get(uri);
    if (e !== undefined) {
      e.tree.delete();
      this.entries.delete(uri);
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) e.tree.delete();
    this.entries.clear();
  }

  private touch(uri: string, e: Entry): void {
    this.entries.delete(uri);
    this.entries.set(uri, e);
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }
}
