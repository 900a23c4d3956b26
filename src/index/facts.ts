// The facts SKLens extracts from one C file: plain data, produced by src/index/extract.ts (one
// file, no I/O). This is the public shape; to cross threads, to be cached and inside the
// CodeIndex a file's facts are packed (src/index/packed.ts), and decoded back to this shape on
// demand.
//
// Positions: 0-based line and UTF-16 column (as VS Code), exact for the file as it is on disk
// (the kernel-macro pre-pass preserves lengths).

export interface Span {
  /** 0-based start line. */
  line: number;
  /** 0-based start column (UTF-16 code units). */
  col: number;
  endLine: number;
  endCol: number;
}

export type FunctionKind = 'function' | 'syscall' | 'bpf_call';

export interface FunctionDef {
  name: string;
  /** Whole definition, from the first specifier to the closing brace. */
  span: Span;
  /** The name token only (what Go to Definition selects). */
  nameSpan: Span;
  isStatic: boolean;
  isInline: boolean;
  kind: FunctionKind;
  /**
   * The macro that wraps the definition (`SYSCALL_DEFINE3`, `BPF_CALL_2`, `META_COLLECTOR`):
   * universal-ctags names such definitions by the macro.
   */
  macro?: string;
}

export interface MacroDef {
  name: string;
  span: Span;
  nameSpan: Span;
  /** Parameter names for a function-like macro; absent for an object-like one. */
  params?: string[];
  /** The replacement text, trimmed, at most 200 characters. */
  value: string;
}

export interface FieldDef {
  name: string;
  /** The declared type as written, e.g. `int`, `struct sk_buff *`. */
  type: string;
  span: Span;
}

export interface StructDef {
  /** Tag name (`sock` for `struct sock`), or the typedef name for anonymous typedef'd structs. */
  name: string;
  kind: 'struct' | 'union';
  span: Span;
  nameSpan: Span;
  fields: FieldDef[];
}

/** How a call reaches its callee. */
export type CallVia =
  | { kind: 'direct' }
  /** `INDIRECT_CALL_n(f, c1, ..., cn, args)`: one CallSite per candidate. */
  | { kind: 'indirect'; pointer: string }
  /**
   * `x->ops->member(...)` or `x->member(...)` through a function pointer field.
   * `struct` is the struct tag owning the member when it can be known (e.g. `proto` for
   * `sk->sk_prot->sendmsg`), else null. The workspace index resolves these against
   * OpsTable entries into concrete callees.
   */
  | { kind: 'ops'; struct: string | null; member: string };

export interface CallSite {
  /** Enclosing function name, or null at file scope (initialisers, macros). */
  caller: string | null;
  /** Callee name for direct/indirect calls; the member name for ops calls. */
  callee: string;
  via: CallVia;
  span: Span;
}

export interface FieldAccess {
  /** Enclosing function, or null at file scope. */
  function: string | null;
  /** Struct tag when resolved from declarations (`sock`), else null (recorded by field name only). */
  struct: string | null;
  field: string;
  access: 'read' | 'write';
  span: Span;
}

/** A designated initialiser of a struct with function-pointer members: `struct proto tcp_prot = {.sendmsg = tcp_sendmsg}`. */
export interface OpsTable {
  /** Struct tag of the table's type (`proto`). */
  struct: string;
  /** Variable name (`tcp_prot`). */
  name: string;
  span: Span;
  members: { member: string; fn: string; span: Span }[];
}

/** Identifier references that are not calls, definitions or field accesses (for References). */
export interface IdentRef {
  name: string;
  span: Span;
  /** Enclosing function, or null. */
  function: string | null;
}

export interface FileFacts {
  /** Path relative to the workspace root, with '/' separators. */
  path: string;
  size: number;
  mtimeMs: number;
  /** Content hash (hex) of the bytes on disk. */
  hash: string;
  functions: FunctionDef[];
  macros: MacroDef[];
  structs: StructDef[];
  calls: CallSite[];
  fieldAccesses: FieldAccess[];
  opsTables: OpsTable[];
  /** Non-call references to identifiers of interest (functions used as values, macros, globals). */
  refs: IdentRef[];
  /** Why a file was skipped or indexed only partially (binary, too large, parse timeout...). */
  problems: string[];
}

export function emptyFacts(path: string, size = 0, mtimeMs = 0, hash = ''): FileFacts {
  return {
    path,
    size,
    mtimeMs,
    hash,
    functions: [],
    macros: [],
    structs: [],
    calls: [],
    fieldAccesses: [],
    opsTables: [],
    refs: [],
    problems: [],
  };
}

/**
 * Problems that mean the facts are not the file's (a parser fault, a time bound, a read that
 * failed), as opposed to a verdict on the content (binary, too large, syntax errors). Such
 * facts are kept for the session with the reason, but the cache never reuses them: the file is
 * extracted again on the next run.
 */
const FAILED = 'not indexed: ';

export function failure(reason: string): string {
  return FAILED + reason;
}

export function isFailed(f: { problems: readonly string[] }): boolean {
  return f.problems.some((p) => p.startsWith(FAILED));
}
