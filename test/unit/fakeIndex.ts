// A hand-written CodeIndex for graph/memdoc/claims unit tests: functions with line ranges, call
// edges and field/global uses, written as compact strings. Lines here are 1-based like an editor;
// the fake converts to the index's 0-based spans.
import type { CallEdge, CodeIndex, Located } from '../../src/index/api';
import type { FieldAccess, FileFacts, FunctionDef, Span } from '../../src/index/facts';

export interface FakeSpec {
  /** name → `file:start-end` (1-based, inclusive). */
  defs: Record<string, string>;
  /** [caller, callee, via, `file:line`] */
  calls: [string, string, string, string][];
  /** [symbol, 'read' | 'write' | 'ref', `file:line`] — attributed to the enclosing def. */
  uses?: [string, 'read' | 'write' | 'ref', string][];
}

function loc(s: string): { file: string; line: number } {
  const i = s.lastIndexOf(':');
  return { file: s.slice(0, i), line: Number(s.slice(i + 1)) - 1 };
}

function span(line: number, col = 0, len = 1): Span {
  return { line, col, endLine: line, endCol: col + len };
}

export function fakeIndex(spec: FakeSpec): CodeIndex {
  const defs = new Map<string, Located<FunctionDef>[]>();
  for (const [name, where] of Object.entries(spec.defs)) {
    const m = /^(.*):(\d+)-(\d+)$/.exec(where);
    if (!m) throw new Error(`bad def ${where}`);
    const start = Number(m[2]) - 1;
    const end = Number(m[3]) - 1;
    const def: FunctionDef = {
      name,
      span: { line: start, col: 0, endLine: end, endCol: 1 },
      nameSpan: span(start, 4, name.length),
      isStatic: false,
      isInline: false,
      kind: 'function',
    };
    const list = defs.get(name) ?? [];
    list.push({ file: m[1]!, item: def });
    defs.set(name, list);
  }
  const all = [...defs.values()].flat();
  const functionAt = (file: string, line: number): Located<FunctionDef> | undefined =>
    all.find((d) => d.file === file && d.item.span.line <= line && line <= d.item.span.endLine);
  const edges: CallEdge[] = spec.calls.map(([caller, callee, via, at]) => {
    const l = loc(at);
    return { caller, callee, via, file: l.file, span: span(l.line, 8, callee.length) };
  });
  const uses = (spec.uses ?? []).map(([name, kind, at]) => {
    const l = loc(at);
    return { name, kind, file: l.file, span: span(l.line, 10, name.length) };
  });
  const files = [...new Set([...all.map((d) => d.file), ...edges.map((e) => e.file)])].sort();
  return {
    stats: () => ({
      files: files.length,
      functions: all.length,
      calls: edges.length,
      fieldAccesses: uses.length,
    }),
    files: () => files,
    facts: (): FileFacts | undefined => undefined,
    functionDefs: (name) => defs.get(name) ?? [],
    allFunctions: () => all,
    macroDefs: () => [],
    structDefs: () => [],
    functionAt: (file, line) => functionAt(file, line),
    callersOf: (fn) => edges.filter((e) => e.callee === fn),
    calleesOf: (fn) => edges.filter((e) => e.caller === fn),
    fieldAccesses: (field): Located<FieldAccess>[] =>
      uses
        .filter((u) => u.name === field && u.kind !== 'ref')
        .map((u) => ({
          file: u.file,
          item: {
            function: functionAt(u.file, u.span.line)?.item.name ?? null,
            struct: null,
            field,
            access: u.kind as 'read' | 'write',
            span: u.span,
          },
        })),
    fieldAccessesIn: (file, field): FieldAccess[] =>
      uses
        .filter((u) => u.file === file && u.name === field && u.kind !== 'ref')
        .map((u) => ({
          function: functionAt(u.file, u.span.line)?.item.name ?? null,
          struct: null,
          field,
          access: u.kind as 'read' | 'write',
          span: u.span,
        })),
    references: (name) => [
      ...uses
        .filter((u) => u.name === name)
        .map((u) => ({ file: u.file, span: u.span, kind: u.kind })),
      ...edges
        .filter((e) => e.callee === name)
        .map((e) => ({ file: e.file, span: e.span, kind: 'call' as const })),
    ],
    nameUses: (name) => {
      const by = new Map<string, { file: string; calls: Span[]; refs: Span[] }>();
      const at = (file: string) => {
        let u = by.get(file);
        if (!u) by.set(file, (u = { file, calls: [], refs: [] }));
        return u;
      };
      for (const e of edges)
        if (e.callee === name && e.via !== 'ops') at(e.file).calls.push(e.span);
      for (const u of uses) if (u.name === name && u.kind === 'ref') at(u.file).refs.push(u.span);
      return [...by.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
    },
    searchSymbols: (q, limit) =>
      all
        .filter((d) => d.item.name.includes(q))
        .slice(0, limit)
        .map((d) => ({
          name: d.item.name,
          kind: 'function' as const,
          file: d.file,
          span: d.item.nameSpan,
        })),
  };
}
