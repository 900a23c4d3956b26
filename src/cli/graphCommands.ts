// `sklens graph`, `sklens memdoc` and `sklens check-doc`: the call-graph neighbourhood, the
// generated TCP memory map and the stale-claim checker over an indexed tree. Each takes an
// IndexLoader so the tests can run them on a fake index.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CodeIndex } from '../index/api';
import { callGraph, type Direction } from '../graph/callGraph';
import { checkDocument } from '../graph/claims';
import { exportGraph, GRAPH_FORMATS, type GraphFormat } from '../graph/export';
import { memdoc } from '../graph/memdoc';
import { UsageError, type CliCommand, type CliIo } from './command';

/** Builds (or loads from cache) the index of a tree; progress goes to io.err. */
export type IndexLoader = (root: string, io: CliIo) => Promise<CodeIndex>;

function rootOf(arg: string | undefined, io: CliIo): string {
  if (!arg) throw new UsageError('missing <root>');
  return resolve(io.cwd, arg);
}

export function graphCommand(load: IndexLoader): CliCommand {
  return {
    name: 'graph',
    usage:
      'sklens graph <root> <function> [--depth N] [--dir in|out|both] [--memory-only] [--max-nodes N] [--format dot|json|mermaid]',
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
        },
      });
      const [rootArg, fn, ...extra] = positionals;
      const root = rootOf(rootArg, io);
      if (!fn) throw new UsageError('missing <function>');
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
      const depth = Number(values.depth);
      if (!Number.isInteger(depth) || depth < 0 || depth > 10)
        throw new UsageError('--depth must be an integer 0..10');
      const maxNodes = Number(values['max-nodes']);
      if (!Number.isInteger(maxNodes) || maxNodes < 1)
        throw new UsageError('--max-nodes must be a positive integer');
      if (!['in', 'out', 'both'].includes(values.dir))
        throw new UsageError('--dir must be in, out or both');
      if (!(GRAPH_FORMATS as readonly string[]).includes(values.format)) {
        throw new UsageError(`--format must be one of ${GRAPH_FORMATS.join(', ')}`);
      }
      const index = await load(root, io);
      const g = callGraph(index, fn, {
        depth,
        direction: values.dir as Direction,
        memoryOnly: values['memory-only'],
        maxNodes,
      });
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
    usage: 'sklens memdoc <root> [--link-base PREFIX]',
    summary:
      'print a Markdown map of the TCP memory code of a tree (sysctls, callers, entry points)',
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { 'link-base': { type: 'string', default: '' } },
      });
      const root = rootOf(positionals[0], io);
      if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
      const index = await load(root, io);
      io.out(memdoc(index, { title: basename(root), linkBase: values['link-base'] }) + '\n');
      return 0;
    },
  };
}

export function checkDocCommand(load: IndexLoader): CliCommand {
  return {
    name: 'check-doc',
    usage: 'sklens check-doc <root> <file> [--json]',
    summary: 'check call-graph claims in a text/Markdown document against the tree',
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false } },
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
      const index = await load(root, io);
      const results = checkDocument(index, text);
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
