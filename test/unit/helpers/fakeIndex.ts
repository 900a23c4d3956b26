// A small in-memory CodeIndex for renderer and hover tests: field accesses, references and
// definitions given as plain lists; every other query answers from the same data.
import type { CodeIndex, Located } from '../../../src/index/api';
import {
  emptyFacts,
  type FieldAccess,
  type FileFacts,
  type FunctionDef,
  type MacroDef,
  type Span,
} from '../../../src/index/facts';

export type RefKind = 'call' | 'ref' | 'read' | 'write' | 'definition';

export interface FakeData {
  fields?: {
    file: string;
    line: number;
    field: string;
    struct: string | null;
    access: 'read' | 'write';
    fn?: string;
  }[];
  refs?: { file: string; line: number; name: string; kind: RefKind }[];
  functions?: { file: string; line: number; name: string }[];
  macros?: { file: string; line: number; name: string }[];
}

function span(line: number, col = 0, len = 1): Span {
  return { line, col, endLine: line, endCol: col + len };
}

export function fakeIndex(d: FakeData): CodeIndex & { calls: string[] } {
  const calls: string[] = [];
  const fns: Located<FunctionDef>[] = (d.functions ?? []).map((f) => ({
    file: f.file,
    item: {
      name: f.name,
      span: span(f.line),
      nameSpan: span(f.line),
      isStatic: false,
      isInline: false,
      kind: 'function',
    },
  }));
  const macros: Located<MacroDef>[] = (d.macros ?? []).map((m) => ({
    file: m.file,
    item: { name: m.name, span: span(m.line), nameSpan: span(m.line), value: '' },
  }));
  const files = [...new Set([...(d.fields ?? []), ...(d.refs ?? []), ...fns].map((x) => x.file))];
  // Calls and plain references live in each file's facts, as in the real index.
  const facts = new Map<string, FileFacts>();
  for (const file of files) facts.set(file, emptyFacts(file));
  for (const r of d.refs ?? []) {
    const f = facts.get(r.file) as FileFacts;
    if (r.kind === 'call')
      f.calls.push({ caller: null, callee: r.name, via: { kind: 'direct' }, span: span(r.line) });
    else if (r.kind === 'ref' || r.kind === 'read')
      f.refs.push({ name: r.name, span: span(r.line), function: null });
  }
  return {
    calls,
    stats: () => ({
      files: files.length,
      functions: fns.length,
      calls: 0,
      fieldAccesses: d.fields?.length ?? 0,
    }),
    files: () => files,
    facts: (file) => facts.get(file),
    functionDefs: (name) => {
      calls.push(`functionDefs:${name}`);
      return fns.filter((f) => f.item.name === name);
    },
    allFunctions: () => fns,
    macroDefs: (name) => macros.filter((m) => m.item.name === name),
    structDefs: () => [],
    functionAt: () => undefined,
    callersOf: () => [],
    calleesOf: () => [],
    fieldAccesses: (field, struct) => {
      calls.push(`fieldAccesses:${field}:${struct ?? ''}`);
      return (d.fields ?? [])
        .filter(
          (f) =>
            f.field === field && (struct === undefined || f.struct === struct || f.struct === null),
        )
        .map((f) => ({
          file: f.file,
          item: {
            function: f.fn ?? null,
            struct: f.struct,
            field: f.field,
            access: f.access,
            span: span(f.line),
          } satisfies FieldAccess,
        }));
    },
    fieldAccessesIn: (file, field) =>
      (d.fields ?? [])
        .filter((f) => f.file === file && f.field === field)
        .map((f): FieldAccess => ({
          function: f.fn ?? null,
          struct: f.struct,
          field: f.field,
          access: f.access,
          span: span(f.line),
        })),
    references: (name) => {
      calls.push(`references:${name}`);
      return (d.refs ?? [])
        .filter((r) => r.name === name)
        .map((r) => ({ file: r.file, span: span(r.line), kind: r.kind }));
    },
    nameUses: (name) => {
      calls.push(`nameUses:${name}`);
      const out: { file: string; calls: Span[]; refs: Span[] }[] = [];
      for (const file of [...files].sort()) {
        const f = facts.get(file)!;
        const c = f.calls
          .filter((x) => x.via.kind !== 'ops' && x.callee === name)
          .map((x) => x.span);
        const r = f.refs.filter((x) => x.name === name).map((x) => x.span);
        if (c.length + r.length > 0) out.push({ file, calls: c, refs: r });
      }
      return out;
    },
    searchSymbols: () => [],
  };
}
