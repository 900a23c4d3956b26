// Loads web-tree-sitter 0.27 and the tree-sitter-c grammar from `<repo>/grammars` (copied there
// by esbuild.mjs), compiles each query of grammars/queries/*.scm once, and parses with a time
// bound through the progress callback (the 0.27 replacement of setTimeoutMicros).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Edit, Language, Parser, Query, type Tree } from 'web-tree-sitter';

export { Edit };

export type { Tree, Node, Query, Parser, Language } from 'web-tree-sitter';

/**
 * `<repo>/grammars` (the queries, and the wasm files once esbuild.mjs copied them): found by
 * walking up from this module, which is `src/parse/` under tsx and `dist/` in the bundles.
 * `SKLENS_GRAMMARS` overrides it.
 */
export function grammarsDir(): string {
  const env = process.env.SKLENS_GRAMMARS;
  if (env !== undefined && env !== '') return env;
  let dir = __dirname;
  for (let k = 0; k < 6; k++) {
    const cand = join(dir, 'grammars');
    if (existsSync(join(cand, 'queries', 'facts.scm'))) return cand;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`no grammars/queries/facts.scm in a folder above ${__dirname}`);
}

/**
 * A wasm file from grammars/, or from its npm package when the build has not copied it yet
 * (unit tests run from a fresh clone without `npm run build`).
 */
function wasmPath(dir: string, file: string, pkgPath: string): string {
  const local = join(dir, file);
  if (existsSync(local)) return local;
  try {
    return require.resolve(pkgPath);
  } catch {
    return local;
  }
}

let loading: Promise<Language> | undefined;
let language: Language | undefined;

/** Initialises web-tree-sitter and loads the C grammar once per process (or worker). */
export function loadC(dir = grammarsDir()): Promise<Language> {
  if (loading === undefined) {
    loading = (async () => {
      const runtime = wasmPath(dir, 'web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
      await Parser.init({ locateFile: () => runtime });
      const grammar = wasmPath(dir, 'tree-sitter-c.wasm', 'tree-sitter-c/tree-sitter-c.wasm');
      const lang = await Language.load(readFileSync(grammar));
      language = lang;
      return lang;
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

/** A parser for C; `loadC()` must have resolved (this awaits it). */
export async function createParser(): Promise<Parser> {
  const lang = await loadC();
  const p = new Parser();
  p.setLanguage(lang);
  return p;
}

/** A fresh parser for C, synchronously: loadC() must have resolved in this thread. */
export function newParser(): Parser {
  if (language === undefined) throw new Error('newParser: the C grammar is not loaded yet');
  const p = new Parser();
  p.setLanguage(language);
  return p;
}

const queries = new Map<string, Query>();

/** The compiled query `grammars/queries/<name>.scm`, compiled once per language. */
export function getQuery(lang: Language, name: string): Query {
  let q = queries.get(name);
  if (q === undefined) {
    const src = readFileSync(join(grammarsDir(), 'queries', `${name}.scm`), 'utf8');
    q = new Query(lang, src);
    queries.set(name, q);
  }
  return q;
}

/** The language loaded by loadC(), if any. */
export function loadedLanguage(): Language | undefined {
  return language;
}

export interface ParseOutcome {
  tree: Tree | null;
  /** Set when the parse was abandoned. */
  timedOut: boolean;
  ms: number;
}

/**
 * Thrown from inside a parse that went on past its deadline although asked to stop (tree-sitter
 * does not check for cancellation everywhere in its error recovery: `a(;` repeated 10,000 times
 * runs for tens of seconds after the request). Unwinding the wasm stack like this leaves the
 * runtime in an unknown state: the thread's parser runtime must not be used again.
 */
export class ParseAbandoned extends Error {}

/**
 * Parses `text` (incrementally from `oldTree` when given, which must already be edited),
 * abandoning after `timeoutMs` of wall time. The parser is reset after an abandoned parse so
 * that the next one starts afresh. A parse that ignores the request to stop for another
 * `graceMs` is unwound with ParseAbandoned.
 */
export function parseBounded(
  parser: Parser,
  text: string,
  oldTree: Tree | null = null,
  timeoutMs = 5000,
  graceMs = 250,
): ParseOutcome {
  const t0 = performance.now();
  const deadline = t0 + timeoutMs;
  let timedOut = false;
  let tree: Tree | null;
  try {
    tree = parse();
  } catch (e) {
    // Cancelling can itself trap the runtime ("memory access out of bounds"): still a time-out.
    if (timedOut && !(e instanceof ParseAbandoned)) {
      throw new ParseAbandoned(
        `parse stopped at its bound with: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    throw e;
  }
  if (tree === null) {
    parser.reset();
    timedOut = true;
  }
  return { tree, timedOut, ms: performance.now() - t0 };

  function parse(): Tree | null {
    return parser.parse(text, oldTree, {
      // Returning true cancels the parse (web-tree-sitter ParseOptions.progressCallback).
      progressCallback: (() => {
        const now = performance.now();
        if (now > deadline) {
          if (timedOut && now > deadline + graceMs) {
            throw new ParseAbandoned(
              `parse did not stop ${Math.round(now - deadline)} ms past its bound`,
            );
          }
          timedOut = true;
          return true;
        }
        return false;
      }) as () => void,
    });
  }
}
