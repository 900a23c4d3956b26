// The one hand-written CodeIndex of the unit tests (graph, memory map, claims, hover renderer):
// functions with line ranges, macros, call edges and field/name uses, written as compact
// strings. Lines here are 1-based like an editor; the fake converts to the index's 0-based
// spans. Every query answers from the same lists, and `queries` records the ones that take a
// name (what a test can assert a feature asked for).
import type { CallEdge, CodeIndex, Located } from '../../../src/index/api';
import type { FieldAccess, FileFacts, FunctionDef, MacroDef, Span } from '../../../src/index/facts';

export interface FakeSpec {
  /** Function definitions: name → `file:start-end` (1-based, inclusive). */
  defs?: Record<string, string>;
  /** Macro definitions: name → `file:line`. */
  macros?: Record<string, string>;
  /** Call edges: [caller, callee, via, `file:line`]. */
  calls?: [string, string, string, string][];
  /**
   * Uses: [name, kind, `file:line`, struct]. 'read' and 'write' are field accesses (of `struct`;
   * null or absent: not resolved), 'ref' a plain reference; each is attributed to the
   * enclosing definition.
   */
  uses?: [string, 'read' | 'write' | 'ref', string, (string | null)?][];
}

function loc(s: string): { file: string; line: number } {
  const i = s.lastIndexOf(':');
  return { file: s.slice(0, i), line: Number(s.slice(i + 1)) - 1 };
}

function span(line: number, col = 0, len = 1): Span {
  return { line, col, endLine: line, endCol: col + len };
}

export function fakeIndex(spec: FakeSpec): CodeIndex & { queries: string[] } {
  const queries: string[] = [];
  const defs = new Map<string, Located<FunctionDef>[]>();
  for (const [name, where] of Object.entries(spec.defs ?? {})) {
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
  const macros: Located<MacroDef>[] = Object.entries(spec.macros ?? {}).map(([name, at]) => {
    const l = loc(at);
    return { file: l.file, item: { name, span: span(l.line), nameSpan: span(l.line), value: '' } };
  });
  const all = [...defs.values()].flat();
  const functionAt = (file: string, line: number): Located<FunctionDef> | undefined =>
    all.find((d) => d.file === file && d.item.span.line <= line && line <= d.item.span.endLine);
  const edges: CallEdge[] = (spec.calls ?? []).map(([caller, callee, via, at]) => {
    const l = loc(at);
    return { caller, callee, via, file: l.file, span: span(l.line, 8, callee.length) };
  });
  const uses = (spec.uses ?? []).map(([name, kind, at, struct]) => {
    const l = loc(at);
    return {
      name,
      kind,
      struct: struct ?? null,
      file: l.file,
      span: span(l.line, 10, name.length),
    };
  });
  const accesses = uses.filter((u) => u.kind !== 'ref');
  const access = (u: (typeof uses)[number]): FieldAccess => ({
    function: functionAt(u.file, u.span.line)?.item.name ?? null,
    struct: u.struct,
    field: u.name,
    access: u.kind as 'read' | 'write',
    span: u.span,
  });
  const files = [...new Set([...all, ...macros, ...edges, ...uses].map((x) => x.file))].sort();
  return {
    queries,
    stats: () => ({
      files: files.length,
      functions: all.length,
      calls: edges.length,
      fieldAccesses: accesses.length,
    }),
    files: () => files,
    // No decoded file facts: the code under test asks the queries below.
    facts: (): FileFacts | undefined => undefined,
    functionDefs: (name) => {
      queries.push(`functionDefs:${name}`);
      return defs.get(name) ?? [];
    },
    allFunctions: () => all,
    macroDefs: (name) => macros.filter((m) => m.item.name === name),
    structDefs: () => [],
    functionAt: (file, line) => functionAt(file, line),
    callersOf: (fn) => edges.filter((e) => e.callee === fn),
    calleesOf: (fn) => edges.filter((e) => e.caller === fn),
    // `struct` narrows to one struct tag; accesses whose struct is unresolved match by name.
    fieldAccesses: (field, struct): Located<FieldAccess>[] => {
      queries.push(`fieldAccesses:${field}:${struct ?? ''}`);
      return accesses
        .filter(
          (u) =>
            u.name === field && (struct === undefined || u.struct === struct || u.struct === null),
        )
        .map((u) => ({ file: u.file, item: access(u) }));
    },
    fieldAccessesIn: (file, field): FieldAccess[] =>
      accesses.filter((u) => u.file === file && u.name === field).map(access),
    references: (name) => {
      queries.push(`references:${name}`);
      return [
        ...uses
          .filter((u) => u.name === name)
          .map((u) => ({ file: u.file, span: u.span, kind: u.kind })),
        ...edges
          .filter((e) => e.callee === name)
          .map((e) => ({ file: e.file, span: e.span, kind: 'call' as const })),
      ];
    },
    nameUses: (name) => {
      queries.push(`nameUses:${name}`);
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
