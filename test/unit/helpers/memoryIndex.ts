// A small CodeIndex over hand-written FileFacts, for testing the navigation logic without the
// parser. Semantics follow src/index/api.ts: ops calls resolve against every ops table of the
// named struct and are labelled `ops:<struct>.<member>`.
import type { CallEdge, CodeIndex, IndexStats, Located, SymbolHit } from '../../../src/index/api';
import {
  emptyFacts,
  type FieldAccess,
  type FileFacts,
  type FunctionDef,
  type MacroDef,
  type Span,
  type StructDef,
} from '../../../src/index/facts';

export function span(line: number, col: number, endLine = line, endCol = col + 1): Span {
  return { line, col, endLine, endCol };
}

export function fn(
  name: string,
  line: number,
  endLine: number,
  opts: Partial<FunctionDef> = {},
): FunctionDef {
  return {
    name,
    span: span(line, 0, endLine, 1),
    nameSpan: span(line, 4, line, 4 + name.length),
    isStatic: false,
    isInline: false,
    kind: 'function',
    ...opts,
  };
}

export function facts(path: string, parts: Partial<FileFacts>): FileFacts {
  return { ...emptyFacts(path), ...parts };
}

export class MemoryIndex implements CodeIndex {
  private readonly byFile = new Map<string, FileFacts>();

  constructor(all: FileFacts[]) {
    for (const f of all) this.byFile.set(f.path, f);
  }

  private *each<T>(pick: (f: FileFacts) => T[]): Iterable<Located<T>> {
    for (const [file, f] of this.byFile) for (const item of pick(f)) yield { file, item };
  }

  stats(): IndexStats {
    let functions = 0;
    let calls = 0;
    let fieldAccesses = 0;
    for (const f of this.byFile.values()) {
      functions += f.functions.length;
      calls += f.calls.length;
      fieldAccesses += f.fieldAccesses.length;
    }
    return { files: this.byFile.size, functions, calls, fieldAccesses };
  }
  files(): string[] {
    return [...this.byFile.keys()].sort();
  }
  facts(file: string): FileFacts | undefined {
    return this.byFile.get(file);
  }
  functionDefs(name: string): Located<FunctionDef>[] {
    return [...this.each((f) => f.functions)].filter((d) => d.item.name === name);
  }
  allFunctions(): Iterable<Located<FunctionDef>> {
    return this.each((f) => f.functions);
  }
  macroDefs(name: string): Located<MacroDef>[] {
    return [...this.each((f) => f.macros)].filter((d) => d.item.name === name);
  }
  structDefs(name: string): Located<StructDef>[] {
    return [...this.each((f) => f.structs)].filter((d) => d.item.name === name);
  }
  functionAt(file: string, line: number, _col: number): Located<FunctionDef> | undefined {
    const f = this.byFile.get(file);
    const item = f?.functions.find((d) => d.span.line <= line && line <= d.span.endLine);
    return item ? { file, item } : undefined;
  }
  private edges(): CallEdge[] {
    const out: CallEdge[] = [];
    for (const [file, f] of this.byFile) {
      for (const c of f.calls) {
        const caller = c.caller ?? '';
        if (c.via.kind === 'direct')
          out.push({ caller, callee: c.callee, via: 'direct', file, span: c.span });
        else if (c.via.kind === 'indirect')
          out.push({ caller, callee: c.callee, via: 'INDIRECT_CALL', file, span: c.span });
        else {
          const { struct, member } = c.via;
          for (const t of this.each((x) => x.opsTables)) {
            if (struct && t.item.struct !== struct) continue;
            for (const m of t.item.members) {
              if (m.member === member)
                out.push({
                  caller,
                  callee: m.fn,
                  via: `ops:${t.item.struct}.${member}`,
                  file,
                  span: c.span,
                });
            }
          }
        }
      }
    }
    return out;
  }
  callersOf(fnName: string): CallEdge[] {
    return this.edges().filter((e) => e.callee === fnName);
  }
  calleesOf(fnName: string): CallEdge[] {
    return this.edges().filter((e) => e.caller === fnName);
  }
  fieldAccesses(field: string, struct?: string): Located<FieldAccess>[] {
    return [...this.each((f) => f.fieldAccesses)].filter(
      (a) =>
        a.item.field === field && (!struct || a.item.struct === struct || a.item.struct === null),
    );
  }
  references(
    name: string,
  ): { file: string; span: Span; kind: 'call' | 'ref' | 'read' | 'write' | 'definition' }[] {
    const out: {
      file: string;
      span: Span;
      kind: 'call' | 'ref' | 'read' | 'write' | 'definition';
    }[] = [];
    for (const d of this.functionDefs(name))
      out.push({ file: d.file, span: d.item.nameSpan, kind: 'definition' });
    for (const d of this.macroDefs(name))
      out.push({ file: d.file, span: d.item.nameSpan, kind: 'definition' });
    for (const [file, f] of this.byFile) {
      for (const c of f.calls)
        if (c.callee === name && c.via.kind !== 'ops')
          out.push({ file, span: c.span, kind: 'call' });
      for (const r of f.refs) if (r.name === name) out.push({ file, span: r.span, kind: 'ref' });
      for (const a of f.fieldAccesses)
        if (a.field === name) out.push({ file, span: a.span, kind: a.access });
    }
    return out;
  }
  searchSymbols(query: string, limit: number): SymbolHit[] {
    const q = query.toLowerCase();
    const out: SymbolHit[] = [];
    for (const d of this.allFunctions())
      out.push({ name: d.item.name, kind: 'function', file: d.file, span: d.item.nameSpan });
    for (const d of this.each((f) => f.macros))
      out.push({ name: d.item.name, kind: 'macro', file: d.file, span: d.item.nameSpan });
    for (const d of this.each((f) => f.structs)) {
      out.push({ name: d.item.name, kind: 'struct', file: d.file, span: d.item.nameSpan });
      for (const fd of d.item.fields)
        out.push({
          name: fd.name,
          kind: 'field',
          file: d.file,
          span: fd.span,
          container: d.item.name,
        });
    }
    return out.filter((h) => h.name.toLowerCase().includes(q)).slice(0, limit);
  }
}
