// `sklens graph`, `sklens memdoc` and `sklens check-doc`: the call-graph neighbourhood, the
// generated TCP memory map and the stale-claim checker over an indexed tree. Each takes an
// IndexLoader so the tests can run them on a fake index.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CodeIndex } from '../index/api';
import { defaultCacheDir } from '../index/cache';
import { WorkspaceIndex } from '../index/workspaceIndex';
import { callGraph, type Direction } from '../graph/callGraph';
import { checkDocument } from '../graph/claims';
import { exportGraph, GRAPH_FORMATS, type GraphFormat } from '../graph/export';
import { memdoc } from '../graph/memdoc';
import { parseDecimalInt, UsageError, type CliCommand, type CliIo } from './command';

export interface LoadOptions {
  /** Persistent cache folder, or null for no cache. */
  cacheDir: string | null;
}

/** Builds (or loads from cache) the index of a tree. `done` releases it (worker threads). */
export type IndexLoader = (
  root: string,
  io: CliIo,
  opts: LoadOptions,
) => Promise<{ index: CodeIndex; done: () => void }>;

/** The real loader: the workspace index with its persistent cache (src/index/workspaceIndex.ts). */
export const workspaceLoader: IndexLoader = async (root, io, opts) => {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`root '${root}' is not a folder`);
  const ws = await WorkspaceIndex.open(root, {
    cacheDir: opts.cacheDir,
    store: true,
    log: (l) => io.err(`${l}\n`),
  });
  return { index: ws.index, done: () => ws.dispose() };
};

const cacheOptions = {
  'no-cache': { type: 'boolean', default: false },
  'cache-dir': { type: 'string' },
} as const;

function loadOptions(
  values: { 'no-cache'?: boolean; 'cache-dir'?: string },
  io: CliIo,
): LoadOptions {
  if (values['no-cache']) return { cacheDir: null };
  return {
    cacheDir:
      values['cache-dir'] !== undefined ? resolve(io.cwd, values['cache-dir']) : defaultCacheDir(),
  };
}

async function withIndex<T>(
  load: IndexLoader,
  root: string,
  io: CliIo,
  opts: LoadOptions,
  fn: (index: CodeIndex) => T,
): Promise<T> {
  const { index, done } = await load(root, io, opts);
  try {
    return fn(index);
  } finally {
    done();
  }
}

function rootOf(arg: string | undefined, io: CliIo): string {
  if (!arg) throw new UsageError('missing <root>');
  return resolve(io.cwd, arg);
}

export function graphCommand(load: IndexLoader): CliCommand {
  return {
    name: 'graph',
    usage:
      'sklens graph <root> <function> [--depth N] [--dir in|out|both] [--memory-only] [--max-nodes N] [--format dot|json|mermaid] [--no-cache] [--cache-dir DIR]',
    summary: 'callers/callees of a function to depth N, with indirect and ops-table edges',
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          depth: { type: 'string', default: '2' },
          dir: { type: 'string', default: 'both' },
          'memory-only': { type: 'boolean', default: false },
          'max-nodes': { type: 'string', default: '500' },
          format: { type: 'string', default: 'dot' },
          ...cacheOptions,
        },
      });
      const [rootArg, fn, ...extra] = positionals;
      const root = rootOf(rootArg, io);
      if (!fn) throw new UsageError('missing <function>');
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
      const depth = parseDecimalInt('--depth', values.depth, 0, 10);
      const maxNodes = parseDecimalInt('--max-nodes', values['max-nodes'], 1, 2 ** 31 - 1);
      if (!['in', 'out', 'both'].includes(values.dir))
        throw new UsageError('--dir must be in, out or both');
      if (!(GRAPH_FORMATS as readonly string[]).includes(values.format)) {
        throw new UsageError(`--format must be one of ${GRAPH_FORMATS.join(', ')}`);
      }
      const g = await withIndex(load, root, io, loadOptions(values, io), (index) =>
        callGraph(index, fn, {
          depth,
          direction: values.dir as Direction,
          memoryOnly: values['memory-only'],
          maxNodes,
        }),
      );
      for (const note of [...g.notes, ...(g.truncated ? [g.truncated.note] : [])])
        io.err(`sklens graph: ${note}\n`);
      io.out(exportGraph(g, values.format as GraphFormat));
      return g.nodes.length === 1 && g.notes.length > 0 ? 1 : 0;
    },
  };
}

export function memdocCommand(load: IndexLoader): CliCommand {
  return {
    name: 'memdoc',
    usage: 'sklens memdoc <root> [--link-base PREFIX] [--no-cache] [--cache-dir DIR]',
    summary:
      'print a Markdown map of the TCP memory code of a tree (sysctls, callers, entry points)',
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { 'link-base': { type: 'string', default: '' }, ...cacheOptions },
      });
      const root = rootOf(positionals[0], io);
      if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
      const text = await withIndex(load, root, io, loadOptions(values, io), (index) =>
        memdoc(index, { title: basename(root), linkBase: values['link-base'] }),
      );
      io.out(text + '\n');
      return 0;
    },
  };
}

export function checkDocCommand(load: IndexLoader): CliCommand {
  return {
    name: 'check-doc',
    usage: 'sklens check-doc <root> <file> [--json] [--no-cache] [--cache-dir DIR]',
    summary: 'check call-graph claims in a text/Markdown document against the tree',
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, ...cacheOptions },
      });
      const root = rootOf(positionals[0], io);
      const file = positionals[1];
      if (!file) throw new UsageError('missing <file>');
      let text: string;
      try {
        text = await readFile(resolve(io.cwd, file), 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const results = await withIndex(load, root, io, loadOptions(values, io), (index) =>
        checkDocument(index, text),
      );
      if (values.json) {
        const rows = results.map(
          ({ text, kind, subject, object, status, actual, successor, evidence, line }) => ({
            text,
            kind,
            subject,
            object,
            status,
            actual,
            successor,
            evidence,
            line: line + 1,
          }),
        );
        io.out(JSON.stringify(rows, null, 2) + '\n');
      } else {
        for (const r of results) {
          const extra =
            r.status === 'holds'
              ? ''
              : r.status === 'renamed'
                ? ` → ${r.successor}: ${r.actual.join(', ') || '(none)'}`
                : r.status === 'changed'
                  ? ` → actual: ${r.actual.join(', ') || '(none)'}`
                  : '';
          io.out(`${file}:${r.line + 1}: ${r.status.padEnd(7)} ${r.text}${extra}\n`);
        }
        const count = (s: string) => results.filter((r) => r.status === s).length;
        io.out(
          `${results.length} claims: ${count('holds')} hold, ${count('changed')} changed, ${count('renamed')} renamed, ${count('gone')} gone\n`,
        );
      }
      return 0;
    },
  };
}
