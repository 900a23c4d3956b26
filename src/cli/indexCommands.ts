// `sklens index|defs|callers|callees|fields <root> ...`: the workspace index from the command
// line. Each command indexes the root (reusing ~/.cache/sklens, or --cache-dir, unless
// --no-cache), answers, and prints text or, with --json, one JSON document. Paths are relative
// to the root and lines 1-based.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallEdge } from '../index/api';
import { defaultCacheDir } from '../index/cache';
import { globProblem } from '../index/pathFilter';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../index/workspaceIndex';
import { answerFromStore, type QueryAnswer } from './storeQueries';
import { CliFailure, parseDecimalInt, UsageError, type CliCommand, type CliIo } from './command';

const commonOptions = {
  json: { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  workers: { type: 'string' },
  'no-follow-symlinks': { type: 'boolean' },
} as const;

/** A command line of `sklens index|defs|callers|callees|fields`, checked but not yet acted on. */
export interface QueryArgs {
  root: string;
  rest: string[];
  json: boolean;
  values: Record<string, unknown>;
  /** The index's options: the walk, the workers, the cache folder (null: no cache). */
  options: WorkspaceIndexOptions & { cacheDir: string | null };
  /** `--check`: compare the whole tree with the store before answering from it. */
  check: boolean;
}

interface Parsed {
  ws: WorkspaceIndex;
  /** Files the walk or the extractor left out (binary, UTF-16, too large, unreadable). */
  skipped: { path: string; reason: string }[];
  /** Why the cache or the store could not be written, once per failed write. */
  cacheErrors: string[];
}

// A file the extractor left out keeps one problem saying why (src/index/pipeline.ts,
// worker.ts): `skipped: <why>` or `unreadable: <code>`. Read from the index, not
// the log, so a warm start from the cache lists them too.
const LEFT_OUT = /^(skipped|unreadable): (.*)$/;
const CACHE_NOT_WRITTEN = /^index (?:cache|store) not written: (.*)$/;

function parseQuery(
  argv: string[],
  io: CliIo,
  wantRest: string[],
  extra: Record<string, { type: 'string' | 'boolean' }> = {},
): QueryArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...commonOptions, ...extra },
  });
  const [rootArg, ...rest] = positionals;
  if (!rootArg) throw new UsageError('missing <root> (the folder to index)');
  if (rest.length < wantRest.length) throw new UsageError(`missing <${wantRest[rest.length]}>`);
  if (rest.length > wantRest.length)
    throw new UsageError(`unexpected argument '${rest[wantRest.length]}'`);
  const root = resolve(io.cwd, rootArg);
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`root '${rootArg}' does not exist`);
  }
  if (!isDir) throw new UsageError(`root '${rootArg}' is not a folder`);
  const cacheDir = values['no-cache']
    ? null
    : values['cache-dir'] !== undefined
      ? resolve(io.cwd, values['cache-dir'])
      : defaultCacheDir();
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = parseDecimalInt('--workers', values.workers, 1, 64);
  }
  for (const [flag, globs] of [
    ['--include', values.include],
    ['--exclude', values.exclude],
  ] as const) {
    for (const g of globs ?? []) {
      const why = globProblem(g);
      if (why) throw new UsageError(`${flag}: ${why}`);
    }
  }
  const options: QueryArgs['options'] = {
    cacheDir,
    store: true,
    ...(workers !== undefined ? { workers } : {}),
    ...(values['no-follow-symlinks'] ? { followSymlinks: false } : {}),
    ...(values.include ? { include: values.include } : {}),
    ...(values.exclude ? { exclude: values.exclude } : {}),
  };
  return {
    root,
    rest,
    json: !!values.json,
    values,
    options,
    check: (values as Record<string, unknown>).check === true,
  };
}

/** Indexes the tree (from the cache where valid), rewriting the cache and the store. */
async function openIndex(q: QueryArgs, io: CliIo): Promise<Parsed> {
  // Files that could not be indexed (a parser fault, the time bound; not partial parses): a
  // broken install fails every file, and must say so rather than report 0 functions.
  const failed: string[] = [];
  const cacheErrors: string[] = [];
  const ws = await WorkspaceIndex.open(q.root, {
    ...q.options,
    log: (line) => {
      if (/^[^:]+: not indexed: /.test(line)) failed.push(line);
      const c = CACHE_NOT_WRITTEN.exec(line);
      if (c) cacheErrors.push(c[1]!);
    },
  });
  if (failed.length > 0) {
    io.err(
      `sklens: ${failed.length} of ${ws.report.extracted} parsed files could not be indexed; ` +
        `first: ${failed[0]}\n`,
    );
    // Every file failed (a broken install), not only the one parsed beside cached ones.
    if (failed.length === ws.report.extracted && ws.report.fromCache + ws.report.rehashed === 0) {
      ws.dispose();
      throw new CliFailure(`no file could be indexed (${failed[0]!.replace(/^[^:]*: /, '')})`);
    }
  }
  const skipped = [...ws.report.skipped];
  for (const file of ws.index.files()) {
    for (const p of ws.index.facts(file)?.problems ?? []) {
      const m = LEFT_OUT.exec(p);
      if (m)
        skipped.push({ path: file, reason: m[1] === 'skipped' ? m[2]! : `unreadable (${m[2]})` });
    }
  }
  return { ws, skipped, cacheErrors };
}

/**
 * Runs a query command: from the tree's store in place when it holds for the files the answer
 * reads (src/cli/storeQueries.ts), else from the workspace index, which rewrites the store.
 */
async function runQuery(
  argv: string[],
  io: CliIo,
  wantRest: string[],
  answer: QueryAnswer,
  extra: Record<string, { type: 'string' | 'boolean' }> = {},
): Promise<number> {
  const q = parseQuery(argv, io, wantRest, { check: { type: 'boolean' }, ...extra });
  const fromStore = await answerFromStore(q, io, answer);
  if (fromStore !== undefined) {
    io.out(fromStore);
    return 0;
  }
  const { ws } = await openIndex(q, io);
  try {
    io.out(answer(ws.index, q));
    return 0;
  } finally {
    ws.dispose();
  }
}

const COMMON_USAGE =
  '[--json] [--no-cache] [--cache-dir DIR] [--include GLOB]... [--exclude GLOB]... ' +
  '[--workers N] [--no-follow-symlinks]';

export const indexCommand: CliCommand = {
  name: 'index',
  usage: `sklens index <root> ${COMMON_USAGE}`,
  summary: 'index the C files of a tree; print files, functions, calls, field accesses, ms',
  async run(argv, io) {
    const t0 = performance.now();
    const q = parseQuery(argv, io, []);
    const json = q.json;
    const { ws, skipped, cacheErrors } = await openIndex(q, io);
    try {
      const s = ws.index.stats();
      const ms = Math.round(performance.now() - t0);
      const r = ws.report;
      if (json) {
        // The lists only when non-empty: the plain shape stays {files, functions, ...}.
        io.out(
          JSON.stringify({
            ...s,
            ms,
            ...(skipped.length ? { skipped } : {}),
            ...(cacheErrors.length ? { cacheErrors } : {}),
          }) + '\n',
        );
        return 0;
      }
      io.out(
        `${s.files} files, ${s.functions} functions, ${s.calls} calls, ${s.fieldAccesses} field accesses in ${ms} ms\n` +
          `cache: ${r.cache}${r.cacheRejected ? ` (discarded: ${r.cacheRejected})` : ''}; ` +
          `${r.fromCache + r.rehashed} from cache, ${r.extracted} parsed, ${skipped.length} skipped\n`,
      );
      for (const sk of skipped) io.out(`  skipped ${sk.path}: ${sk.reason}\n`);
      for (const e of cacheErrors) io.err(`sklens index: cache not written: ${e}\n`);
      return 0;
    } finally {
      ws.dispose();
    }
  },
};

const QUERY_USAGE = `${COMMON_USAGE} [--check]`;

export const defsCommand: CliCommand = {
  name: 'defs',
  usage: `sklens defs <root> ${QUERY_USAGE}`,
  summary: 'list every function definition: name, file, line',
  run: (argv, io) =>
    runQuery(argv, io, [], (src, q) => {
      const defs = [...src.allFunctions()]
        .map((d) => ({ name: d.item.name, file: d.file, line: d.item.nameSpan.line + 1 }))
        .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
      if (q.json) return JSON.stringify(defs) + '\n';
      return defs.map((d) => `${d.file}:${d.line} ${d.name}\n`).join('');
    }),
};

function edgeCommand(direction: 'callers' | 'callees'): CliCommand {
  return {
    name: direction,
    usage: `sklens ${direction} <root> <function> ${QUERY_USAGE}`,
    summary:
      direction === 'callers'
        ? 'who calls a function (direct, INDIRECT_CALL, ops tables), at which call site'
        : 'what a function calls (direct, INDIRECT_CALL, ops tables), at which call site',
    run: (argv, io) =>
      runQuery(argv, io, ['function'], (src, q) => {
        const fn = q.rest[0]!;
        const edges: CallEdge[] = direction === 'callers' ? src.callersOf(fn) : src.calleesOf(fn);
        if (edges.length === 0 && src.functionDefs(fn).length === 0) {
          throw new UsageError(`unknown function '${fn}': no definition and no calls in ${q.root}`);
        }
        const rows = edges.map((e) => ({
          name: direction === 'callers' ? e.caller : e.callee,
          file: e.file,
          line: e.span.line + 1,
          via: e.via,
        }));
        if (q.json) return JSON.stringify(rows) + '\n';
        return rows.map((r) => `${r.file}:${r.line} ${r.name} [${r.via}]\n`).join('');
      }),
  };
}

export const callersCommand = edgeCommand('callers');
export const calleesCommand = edgeCommand('callees');

export const fieldsCommand: CliCommand = {
  name: 'fields',
  usage: `sklens fields <root> <field> [--struct TAG] ${QUERY_USAGE}`,
  summary: 'reads and writes of a struct field, by function',
  run: (argv, io) =>
    runQuery(
      argv,
      io,
      ['field'],
      (src, q) => {
        const struct = q.values.struct as string | undefined;
        const rows = src
          .fieldAccesses(q.rest[0]!, struct)
          .map((a) => ({
            access: a.item.access,
            function: a.item.function,
            file: a.file,
            line: a.item.span.line + 1,
            ...(a.item.struct !== null ? { struct: a.item.struct } : {}),
          }))
          .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
        if (q.json) return JSON.stringify(rows) + '\n';
        return rows
          .map((r) => `${r.file}:${r.line} ${r.access.padEnd(5)} ${r.function ?? '(file scope)'}\n`)
          .join('');
      },
      { struct: { type: 'string' } },
    ),
};
