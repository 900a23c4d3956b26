// Incremental reparse of open documents, for the document worker: the PARSE tree cache
// (src/parse/treeCache.ts) keeps one tree per document and reparses it from the changed region
// only (it diffs the pre-processed texts, so non-local changes of the kernel-macro pre-pass are
// covered); then the same fact collection as the indexer (src/index/extract.ts `collect`).
// No vscode import.
import { createHash } from 'node:crypto';
import { collect, CollectMemos } from '../index/extract';
import { emptyFacts } from '../index/facts';
import type { FileFacts } from '../index/facts';
import { TreeCache } from '../parse/treeCache';
import type { Parser } from '../parse/treeSitter';

export interface ReparseOptions {
  maxBytes: number;
  timeoutMs: number;
}

export interface ReparseResult {
  facts: FileFacts;
  /** Whether an old tree was reused (incremental parse). */
  incremental: boolean;
  parseMs: number;
  /** Top-level nodes whose facts were reused from the previous text, and those walked again. */
  reusedNodes: number;
  walkedNodes: number;
}

export class DocumentReparser {
  private readonly trees: TreeCache;
  private readonly versions = new Map<string, number>();
  /** Per document, the previous collect's top-level nodes (only edited ones are walked again). */
  private readonly memos: CollectMemos;
  private readonly timeoutMs: number;

  constructor(
    private readonly parser: Parser,
    /** Trees kept at most (least recently used are deleted first). */
    capacity = 32,
    timeoutMs = 5000,
  ) {
    this.timeoutMs = timeoutMs;
    this.memos = new CollectMemos(capacity);
    this.trees = new TreeCache(parser, { maxEntries: capacity, timeoutMs });
  }

  get size(): number {
    return this.trees.size;
  }

  /** Facts of `path` from the editor's `text`, reparsing incrementally from the last text. */
  update(path: string, text: string, opts: ReparseOptions): ReparseResult {
    const facts = emptyFacts(path, text.length, 0, '');
    if (text.length > opts.maxBytes) {
      this.close(path);
      facts.problems.push(`skipped: ${text.length} bytes exceeds the ${opts.maxBytes}-byte limit`);
      return { facts, incremental: false, parseMs: 0, reusedNodes: 0, walkedNodes: 0 };
    }
    if (text.indexOf('\0') >= 0) {
      this.close(path);
      facts.problems.push('skipped: binary file (NUL bytes)');
      return { facts, incremental: false, parseMs: 0, reusedNodes: 0, walkedNodes: 0 };
    }
    facts.hash = createHash('sha1').update(text).digest('hex');
    const prev = this.versions.get(path);
    const version = (prev ?? 0) + 1;
    this.versions.set(path, version);
    const incremental = prev !== undefined && this.trees.get(path, prev) !== undefined;
    const t0 = performance.now();
    const tree = this.trees.update(path, version, text);
    const parseMs = performance.now() - t0;
    if (tree === null) {
      this.versions.delete(path);
      facts.problems.push(
        `skipped: parse abandoned after ${Math.round(parseMs)} ms (time limit ${this.timeoutMs} ms)`,
      );
      return { facts, incremental, parseMs, reusedNodes: 0, walkedNodes: 0 };
    }
    const memo = this.memos.get(path);
    try {
      collect(facts, text, tree.rootNode, this.parser, memo);
    } catch (err) {
      facts.problems.push(`extraction failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { facts, incremental, parseMs, reusedNodes: memo.reused, walkedNodes: memo.walked };
  }

  close(path: string): void {
    this.trees.delete(path);
    this.versions.delete(path);
    this.memos.delete(path);
  }

  dispose(): void {
    this.trees.dispose();
    this.versions.clear();
    this.memos.clear();
  }
}
