// The one way from a file's content to its facts, used by the index workers (and so the CLI),
// the open-document worker, the scripts and the tests:
//
//   bytes or text ─► guardContent: size limit (UTF-8 bytes, as on disk), binary check (a NUL
//                    anywhere), content hash (sha1 of the UTF-8 bytes), UTF-8 decode
//                 ─► pre-pass + parse + collect (src/parse/preprocess, tree-sitter, extract.ts),
//                    the three together bounded in time
//
// A file whose facts could not be produced (the bound, a parser error) gets a `failure()`
// problem (facts.ts), which the cache never reuses. After an error the parser is thrown away
// and the file is tried once more on a fresh one. A trap of the wasm runtime itself
// (WebAssembly.RuntimeError: "memory access out of bounds", ...) leaves the whole instance
// corrupt, and web-tree-sitter cannot load a second one in the same thread: the pipeline then
// refuses all further work (`faulted`), and its thread must be replaced (the index worker exits,
// and the pool retries the file once in a fresh worker).
import { createHash } from 'node:crypto';
import { preprocess } from '../parse/preprocess';
import { TreeCache } from '../parse/treeCache';
import {
  createParser,
  newParser,
  ParseAbandoned,
  parseBounded,
  type Parser,
} from '../parse/treeSitter';
import { collect, CollectMemos } from './extract';
import { emptyFacts, failure, type FileFacts } from './facts';
import { DEFAULT_MAX_FILE_BYTES } from './defaults';

/** Default bound on pre-pass + parse + extract of one file, ms. */
export const DEFAULT_BOUND_MS = 10_000;

export interface FileLimits {
  /** Content larger than this many bytes (UTF-8, as on disk) is skipped. Default 2 MiB. */
  maxBytes?: number;
  /** Bound on pre-pass + parse + extract together, ms. Default DEFAULT_BOUND_MS. */
  timeoutMs?: number;
  /** The file's mtime, recorded in its facts (0 for editor text). */
  mtimeMs?: number;
}

/** A stand-in for pre-pass + parse + collect (tests: the line-language extractor). */
export type Extractor = (path: string, text: string) => FileFacts;

export interface PipelineOptions {
  /** Open documents whose trees and collect memos are kept. Default 32. */
  documents?: number;
  /** Clock in ms (default performance.now); tests drive the bound with their own. */
  now?: () => number;
  /** Replaces tree-sitter and extract.ts (tests only). */
  extractor?: Extractor;
}

export interface DocumentResult {
  facts: FileFacts;
  /** Whether the document's previous tree was reused (incremental parse). */
  incremental: boolean;
  parseMs: number;
  /** Top-level nodes whose facts were reused from the previous text, and those walked again. */
  reusedNodes: number;
  walkedNodes: number;
}

/** The content hash of the cache and of FileFacts.hash: sha1 (hex) of the bytes on disk. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/**
 * The checks every file's content passes before it is parsed. Returns the facts shell (path,
 * size in bytes, mtime, hash, problems) and the text to parse, or no text when the content is
 * skipped (the reason is in the shell's problems).
 */
export function guardContent(
  path: string,
  content: Uint8Array | string,
  maxBytes: number,
  mtimeMs = 0,
): { facts: FileFacts; text: string | undefined } {
  const bytes =
    typeof content === 'string'
      ? Buffer.from(content, 'utf8')
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const facts = emptyFacts(path, bytes.length, mtimeMs, contentHash(bytes));
  if (bytes.length > maxBytes) {
    facts.problems.push(`skipped: ${bytes.length} bytes is over the limit of ${maxBytes} bytes`);
    return { facts, text: undefined };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    facts.problems.push(`skipped: binary file (a NUL byte at offset ${nul})`);
    return { facts, text: undefined };
  }
  if (typeof content === 'string') return { facts, text: content };
  try {
    return { facts, text: utf8Strict.decode(bytes) };
  } catch {
    facts.problems.push('invalid UTF-8: decoded with replacement characters');
    return { facts, text: utf8Lenient.decode(bytes) };
  }
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** WebAssembly.RuntimeError (the host tsconfig has no DOM lib, which declares it). */
const WasmRuntimeError = (
  globalThis as unknown as { WebAssembly: { RuntimeError: abstract new () => Error } }
).WebAssembly.RuntimeError;

/** A trap of the wasm runtime (out of bounds, unreachable...): the runtime is unusable after. */
const isWasmTrap = (e: unknown): boolean => e instanceof WasmRuntimeError;

/** An attempt's outcome: the parse's time, or the bound ran out inside the parse. */
type Attempt = number | 'timeout';

export class FactsPipeline {
  private parser: Parser | undefined;
  private trees: TreeCache | undefined;
  private readonly memos: CollectMemos;
  private readonly versions = new Map<string, number>();
  private readonly now: () => number;
  private fault: string | undefined;
  private faultRetry = false;
  /** Parsers thrown away after an error (tests, measurements). */
  replacedParsers = 0;

  /** `parser` is the pipeline's own from then on (it is replaced after an error). */
  constructor(
    parser: Parser | undefined,
    private readonly opts: PipelineOptions = {},
  ) {
    this.parser = parser;
    this.memos = new CollectMemos(opts.documents ?? 32);
    this.now = opts.now ?? (() => performance.now());
  }

  static async create(opts: PipelineOptions = {}): Promise<FactsPipeline> {
    return new FactsPipeline(opts.extractor ? undefined : await createParser(), opts);
  }

  /** Set once the wasm runtime of this thread trapped: every later file fails with this reason. */
  get faulted(): string | undefined {
    return this.fault;
  }

  /** Whether the file that faulted the runtime is worth a try on a fresh one (not a time-out). */
  get faultWorthRetry(): boolean {
    return this.faultRetry;
  }

  /** Open documents with a cached tree. */
  get size(): number {
    return this.trees?.size ?? 0;
  }

  /** Facts of one file's content (the bytes on disk, or a text), parsed afresh. */
  facts(path: string, content: Uint8Array | string, limits: FileLimits = {}): FileFacts {
    const t0 = this.now();
    const g = guardContent(
      path,
      content,
      limits.maxBytes ?? DEFAULT_MAX_FILE_BYTES,
      limits.mtimeMs,
    );
    if (g.text === undefined) return g.facts;
    const text = g.text;
    return this.bounded(g.facts, t0, limits, (f, deadline) => this.extractOnce(f, text, deadline))
      .facts;
  }

  /**
   * Facts of an open document from the editor's `text`, reparsed incrementally from the
   * document's previous tree (src/parse/treeCache.ts) and re-collecting only its edited
   * top-level nodes (extract.ts CollectMemo).
   */
  document(path: string, text: string, limits: FileLimits = {}): DocumentResult {
    const t0 = this.now();
    const g = guardContent(path, text, limits.maxBytes ?? DEFAULT_MAX_FILE_BYTES, limits.mtimeMs);
    const result = {
      facts: g.facts,
      incremental: false,
      parseMs: 0,
      reusedNodes: 0,
      walkedNodes: 0,
    };
    if (g.text === undefined) {
      this.close(path);
      return result;
    }
    const r = this.bounded(g.facts, t0, limits, (f, deadline) => {
      if (this.opts.extractor) return this.extractOnce(f, text, deadline);
      const trees = this.treeCache();
      const prev = this.versions.get(path);
      const version = (prev ?? 0) + 1;
      this.versions.set(path, version);
      result.incremental = prev !== undefined && trees.get(path, prev) !== undefined;
      const p0 = this.now();
      const tree = trees.update(path, version, text, undefined, Math.max(0, deadline - p0));
      result.parseMs = this.now() - p0;
      if (tree === null) return 'timeout';
      const memo = this.memos.get(path);
      collect(f, text, tree.rootNode, this.parser!, memo);
      result.reusedNodes = memo.reused;
      result.walkedNodes = memo.walked;
      return result.parseMs;
    });
    // A document whose facts failed starts from a fresh tree and memo next time.
    if (!r.ok) this.close(path);
    result.facts = r.facts;
    return result;
  }

  /** Forgets an open document (closed, or deleted): its tree is freed. */
  close(path: string): void {
    this.trees?.delete(path);
    this.versions.delete(path);
    this.memos.delete(path);
  }

  dispose(): void {
    this.trees?.dispose();
    this.trees = undefined;
    this.versions.clear();
    this.memos.clear();
  }

  private treeCache(): TreeCache {
    return (this.trees ??= new TreeCache(this.parser!, {
      maxEntries: this.opts.documents ?? 32,
    }));
  }

  /** Pre-pass, parse and collect of `text` into `f`, the parse bounded by `deadline`. */
  private extractOnce(f: FileFacts, text: string, deadline: number): Attempt {
    if (this.opts.extractor) {
      const got = this.opts.extractor(f.path, text);
      f.functions = got.functions;
      f.macros = got.macros;
      f.structs = got.structs;
      f.calls = got.calls;
      f.fieldAccesses = got.fieldAccesses;
      f.opsTables = got.opsTables;
      f.refs = got.refs;
      f.problems.push(...got.problems);
      return 0;
    }
    const parser = this.parser!;
    const pre = preprocess(text);
    const left = deadline - this.now();
    if (left <= 0) return 'timeout';
    const outcome = parseBounded(parser, pre.text, null, left);
    if (outcome.tree === null) return 'timeout';
    try {
      collect(f, text, outcome.tree.rootNode, parser);
    } finally {
      outcome.tree.delete();
    }
    return outcome.ms;
  }

  /**
   * Runs `attempt` on a copy of `shell` under the time bound; after an error, once more on a
   * fresh parser. The facts are the attempt's only if it finished within the bound.
   */
  private bounded(
    shell: FileFacts,
    t0: number,
    limits: FileLimits,
    attempt: (f: FileFacts, deadline: number) => Attempt,
  ): { facts: FileFacts; ok: boolean } {
    const bound = limits.timeoutMs ?? DEFAULT_BOUND_MS;
    const fail = (reason: string) => {
      const f = emptyFacts(shell.path, shell.size, shell.mtimeMs, shell.hash);
      f.problems.push(...shell.problems, failure(reason));
      return { facts: f, ok: false };
    };
    if (this.fault !== undefined) {
      return fail(`the parser runtime of this thread failed on an earlier file (${this.fault})`);
    }
    const deadline = t0 + bound;
    let lastError = '';
    for (let k = 0; k < 2; k++) {
      const f = emptyFacts(shell.path, shell.size, shell.mtimeMs, shell.hash);
      f.problems.push(...shell.problems);
      try {
        const r = attempt(f, deadline);
        const ms = Math.round(this.now() - t0);
        if (r === 'timeout' || ms > bound) {
          return fail(`over the ${bound} ms bound for pre-pass + parse + extract (${ms} ms)`);
        }
        return { facts: f, ok: true };
      } catch (e) {
        lastError = message(e);
        if (e instanceof ParseAbandoned) {
          this.fault = lastError;
          this.faultRetry = false;
          return fail(`over the ${bound} ms bound for pre-pass + parse + extract (${lastError})`);
        }
        if (isWasmTrap(e)) {
          this.fault = lastError;
          this.faultRetry = true;
          return fail(`the parser's wasm runtime failed (${lastError})`);
        }
        this.replaceParser();
      }
    }
    return fail(`extraction failed, on a fresh parser too: ${lastError}`);
  }

  /** Throws the parser (and every tree and memo made with it) away for a new one. */
  private replaceParser(): void {
    this.replacedParsers++;
    this.trees?.dispose();
    this.trees = undefined;
    this.versions.clear();
    this.memos.clear();
    if (this.parser === undefined) return;
    try {
      this.parser.delete();
    } catch {
      // A parser left broken by the error may not even delete cleanly: it is dropped anyway.
    }
    this.parser = newParser();
  }
}

const borrowed = new WeakMap<Parser, FactsPipeline>();

/**
 * FactsPipeline.facts with a caller's parser (tests and scripts that already hold one): the
 * same entry point, one pipeline per parser.
 */
export function extractFacts(
  path: string,
  content: Uint8Array | string,
  parser: Parser,
  limits: FileLimits = {},
): FileFacts {
  let p = borrowed.get(parser);
  if (p === undefined) borrowed.set(parser, (p = new FactsPipeline(parser)));
  return p.facts(path, content, limits);
}
