// The query surface of the workspace index. Implemented by src/index/codeIndex.ts over packed
// facts (packed.ts); used by the CLI, src/graph (call graphs, memory map, claim checker), the
// VS Code features (definitions, references, call hierarchy, symbols, hovers) and the benchmarks.
// Everything is synchronous and in memory once the index is built.
import type { FieldAccess, FileFacts, FunctionDef, MacroDef, Span, StructDef } from './facts';

/** Where an item lives: path relative to the workspace root ('/' separators). */
export interface Located<T> {
  file: string;
  item: T;
}

/**
 * How a call edge was found: `direct`; `INDIRECT_CALL` (an `INDIRECT_CALL_n` candidate);
 * `ops:<struct>.<member>` through an ops table of that struct type (`ops:proto.sendmsg`).
 */
export type EdgeVia = string;

export interface CallEdge {
  caller: string;
  callee: string;
  via: EdgeVia;
  /** The call site: file and span of the call expression (for ops edges: the `->member(` call). */
  file: string;
  span: Span;
  /**
   * The file of the callee's definition this edge reaches, when indexed: a definition in the
   * caller's file first (static functions share names across files), then a non-static one,
   * then a static inline in a header.
   */
  calleeFile?: string;
}

export interface SymbolHit {
  name: string;
  kind: 'function' | 'macro' | 'struct' | 'field' | 'opsTable';
  file: string;
  span: Span;
  /** For fields: the owning struct. */
  container?: string;
}

export interface IndexStats {
  files: number;
  functions: number;
  calls: number;
  fieldAccesses: number;
}

export interface CodeIndex {
  stats(): IndexStats;
  files(): string[];
  facts(file: string): FileFacts | undefined;

  /** Definitions of a function name (several for static functions of the same name in different files). */
  functionDefs(name: string): Located<FunctionDef>[];
  allFunctions(): Iterable<Located<FunctionDef>>;
  macroDefs(name: string): Located<MacroDef>[];
  structDefs(name: string): Located<StructDef>[];
  /** The function whose body contains this position, if any. */
  functionAt(file: string, line: number, col: number): Located<FunctionDef> | undefined;

  /**
   * Incoming edges: who calls `fn` (direct, INDIRECT_CALL candidates, resolved ops-table calls).
   * With `defFile`, only the calls that reach the definition of `fn` in that file.
   */
  callersOf(fn: string, defFile?: string): CallEdge[];
  /** Outgoing edges: what `fn` calls; with `defFile`, only from its definition in that file. */
  calleesOf(fn: string, defFile?: string): CallEdge[];

  /** Reads and writes of a struct field; `struct` narrows to one struct tag (unresolved accesses by name included). */
  fieldAccesses(field: string, struct?: string): Located<FieldAccess>[];
  /** The accesses of `field` in one file, in file order (what is under a cursor). */
  fieldAccessesIn(file: string, field: string): FieldAccess[];
  /** Every place an identifier appears as a use (calls, value references, field accesses by that name). */
  references(
    name: string,
  ): { file: string; span: Span; kind: 'call' | 'ref' | 'read' | 'write' | 'definition' }[];

  /**
   * Direct and INDIRECT_CALL call sites of `name` and its plain (non-call) references, per
   * file, files in path order (what a hover counts; ops calls name a member, not `name`).
   */
  nameUses(name: string): { file: string; calls: Span[]; refs: Span[] }[];

  /** Fuzzy/prefix symbol search for workspace symbols. */
  searchSymbols(query: string, limit: number): SymbolHit[];
}
