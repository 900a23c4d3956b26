// Facts of one C file (definitions, macros, structs, calls, field accesses, ops tables, value
// references) from one tree-sitter parse of the pre-processed text and one pass over the
// captures of grammars/queries/facts.scm (`collect`). Files reach it only through
// src/index/pipeline.ts, which checks the content, bounds the work and handles failures.
import { accessRule, macroIndex, type AccessRule } from '../parse/kernelMacros';
import { getQuery, type Node, type Parser, type Query } from '../parse/treeSitter';
import {
  type CallSite,
  type FieldDef,
  type FileFacts,
  type FunctionDef,
  type FunctionKind,
  type OpsTable,
  type Span,
  type StructDef,
} from './facts';

/** Field types of kernel structs defined outside net/ (include/net/sock.h, ...). */
const KNOWN_FIELD_TYPES: Record<string, string> = {
  'sock.sk_prot': 'proto',
  'sock.__sk_common': 'sock_common',
  'sock_common.skc_prot': 'proto',
  'sock.sk_prot_creator': 'proto',
  'sock.sk_socket': 'socket',
  'sock.sk_dst_cache': 'dst_entry',
  'sock.sk_send_head': 'sk_buff',
  'socket.ops': 'proto_ops',
  'socket.sk': 'sock',
  'socket.file': 'file',
  'inet_connection_sock.icsk_af_ops': 'inet_connection_sock_af_ops',
  'inet_connection_sock.icsk_ca_ops': 'tcp_congestion_ops',
  'inet_connection_sock.icsk_ulp_ops': 'tcp_ulp_ops',
  'inet_connection_sock.icsk_inet': 'inet_sock',
  'inet_sock.sk': 'sock',
  'tcp_sock.inet_conn': 'inet_connection_sock',
  'tcp_sock.af_specific': 'tcp_sock_af_ops',
  'tcp_sock.rx_opt': 'tcp_options_received',
  'request_sock.rsk_ops': 'request_sock_ops',
  'request_sock.sk': 'sock',
  'sk_buff.sk': 'sock',
  'sk_buff.dev': 'net_device',
  'sk_buff.next': 'sk_buff',
  'sk_buff.prev': 'sk_buff',
  'net_device.netdev_ops': 'net_device_ops',
  'net_device.ethtool_ops': 'ethtool_ops',
  'net_device.header_ops': 'header_ops',
  'dst_entry.ops': 'dst_ops',
  'dst_entry.dev': 'net_device',
  'proto.h': 'proto_hash',
  'net.ipv4': 'netns_ipv4',
  'sk_buff_head.next': 'sk_buff',
};

/** Kernel accessors' rules, from src/parse/kernelMacros.ts (where the table lives). */
export { accessRule };

const SKIP_REFS = new Set(['NULL', 'true', 'false']);

function spanOf(node: Node): Span {
  const s = node.startPosition;
  const e = node.endPosition;
  return { line: s.row, col: s.column, endLine: e.row, endCol: e.column };
}

/**
 * The span of a token whose text is known: on one line its end is its start plus its length,
 * which spares the call into the parser's wasm that `endPosition` costs (collect's hot path).
 */
function tokenSpan(node: Node, text: string): Span {
  if (text.indexOf('\n') >= 0) return spanOf(node);
  const s = node.startPosition;
  return { line: s.row, col: s.column, endLine: s.row, endCol: s.column + text.length };
}

/** Unwraps a declarator to its name node (identifier / field_identifier / type_identifier). */
function declName(decl: Node | null): Node | null {
  let d = decl;
  for (let k = 0; d !== null && k < 32; k++) {
    switch (d.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return d;
      case 'parenthesized_declarator':
        d = d.namedChild(0);
        break;
      default: {
        const inner = d.childForFieldName('declarator');
        if (inner === null) return null;
        d = inner;
      }
    }
  }
  return null;
}

/** Whether a declarator chain contains a function declarator (a real function definition). */
function hasFunctionDeclarator(decl: Node | null): boolean {
  let d = decl;
  for (let k = 0; d !== null && k < 32; k++) {
    if (d.type === 'function_declarator') return true;
    d = d.type === 'parenthesized_declarator' ? d.namedChild(0) : d.childForFieldName('declarator');
  }
  return false;
}

/** The struct/union tag or typedef name of a type node, else null. */
function typeTag(type: Node | null): string | null {
  if (type === null) return null;
  switch (type.type) {
    case 'struct_specifier':
    case 'union_specifier': {
      const n = type.childForFieldName('name');
      return n === null ? null : n.text;
    }
    case 'type_identifier':
      return type.text;
    default:
      return null;
  }
}

interface FnScope {
  name: string;
  end: number;
  locals: Map<string, string | null>;
}

/** A file-scope fact a top-level node left for later ones: a global's tag, a field's type or owner. */
type Mutation = [0, string, string | null] | [1, string, string] | [2, string, string];

/** What collect() found in one top-level node, to be reused when the node comes back unchanged. */
interface ChunkRecord {
  startRow: number;
  /** Hash of the file-scope state before and after the node (see CollectMemo). */
  stateIn: number;
  stateOut: number;
  mutations: Mutation[];
  functions: FunctionDef[];
  macros: FileFacts['macros'];
  structs: StructDef[];
  calls: CallSite[];
  fieldAccesses: FileFacts['fieldAccesses'];
  opsTables: OpsTable[];
  refs: FileFacts['refs'];
  errors: number;
  /** Row of the node's first syntax error, or -1. */
  firstErrorRow: number;
}

/**
 * Facts of an open document's top-level nodes from its previous collect(), for an incremental
 * re-collect after an edit. A node is reused when its text (pre-processed and original), its
 * start column and the file-scope state before it (globals' struct tags, field types and owners
 * declared by earlier nodes, as a hash of every change to them) are all unchanged: then its
 * facts can only differ by the rows it moved, and the state changes it made are replayed. Only
 * the edited nodes are walked again.
 */
export interface CollectMemo {
  records: Map<string, ChunkRecord[]>;
  /** Top-level nodes reused and walked by the last collect (for tests and measurements). */
  reused: number;
  walked: number;
}

export function createCollectMemo(): CollectMemo {
  return { records: new Map(), reused: 0, walked: 0 };
}

/**
 * One CollectMemo per open document, kept like the tree cache keeps trees: past `capacity`
 * documents the least recently updated one's memo is dropped (it would only be rebuilt by a
 * full collect of that document).
 */
export class CollectMemos {
  private readonly byPath = new Map<string, CollectMemo>();
  constructor(private readonly capacity = 32) {}

  /** The memo of `path` (a new one the first time), now the most recently used. */
  get(path: string): CollectMemo {
    let m = this.byPath.get(path);
    if (m) this.byPath.delete(path);
    else m = createCollectMemo();
    this.byPath.set(path, m);
    if (this.byPath.size > this.capacity) this.byPath.delete(this.byPath.keys().next().value!);
    return m;
  }

  delete(path: string): void {
    this.byPath.delete(path);
  }

  clear(): void {
    this.byPath.clear();
  }

  get size(): number {
    return this.byPath.size;
  }
}

function shiftSpan(sp: Span, d: number): Span {
  return { line: sp.line + d, col: sp.col, endLine: sp.endLine + d, endCol: sp.endCol };
}

/** A record's facts moved by `d` rows (the same objects when `d` is 0: facts are not mutated). */
function shiftRecord(r: ChunkRecord, d: number, startRow: number): ChunkRecord {
  if (d === 0) return r;
  return {
    ...r,
    startRow,
    functions: r.functions.map((x) => ({
      ...x,
      span: shiftSpan(x.span, d),
      nameSpan: shiftSpan(x.nameSpan, d),
    })),
    macros: r.macros.map((x) => ({
      ...x,
      span: shiftSpan(x.span, d),
      nameSpan: shiftSpan(x.nameSpan, d),
    })),
    structs: r.structs.map((x) => ({
      ...x,
      span: shiftSpan(x.span, d),
      nameSpan: shiftSpan(x.nameSpan, d),
      fields: x.fields.map((f) => ({ ...f, span: shiftSpan(f.span, d) })),
    })),
    calls: r.calls.map((x) => ({ ...x, span: shiftSpan(x.span, d) })),
    fieldAccesses: r.fieldAccesses.map((x) => ({ ...x, span: shiftSpan(x.span, d) })),
    opsTables: r.opsTables.map((x) => ({
      ...x,
      span: shiftSpan(x.span, d),
      members: x.members.map((m) => ({ ...m, span: shiftSpan(m.span, d) })),
    })),
    refs: r.refs.map((x) => ({ ...x, span: shiftSpan(x.span, d) })),
    firstErrorRow: r.firstErrorRow < 0 ? -1 : r.firstErrorRow + d,
  };
}

/** FNV-1a over a mutation, folded into the running state hash. */
function mixState(h: number, m: Mutation): number {
  let x = (h ^ m[0]) >>> 0;
  const s = `${m[1]}\u0001${m[2] ?? '\u0002'}`;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619) >>> 0;
  return Math.imul(x ^ 0x9e3779b9, 2246822519) >>> 0;
}

/**
 * Walks the query captures of `root` (a tree of the pre-processed `src`) into `facts`. With a
 * `memo` of the same document's previous collect, unchanged top-level nodes are reused (see
 * CollectMemo) and the memo is updated for the next call.
 */
export function collect(
  facts: FileFacts,
  src: string,
  root: Node,
  parser: Parser,
  memo?: CollectMemo,
): void {
  const lang = parser.language;
  if (lang === null) throw new Error('parser has no language');
  new Collector(facts, src, getQuery(lang, 'facts')).run(root, memo);
}

function addRecord(records: Map<string, ChunkRecord[]>, key: string, r: ChunkRecord): void {
  const list = records.get(key);
  if (list) list.push(r);
  else records.set(key, [r]);
}

/** `x->m(...)`, `(*x->m)(...)`: returns the member's field expression, or null. */
function memberCallee(fn: Node): Node | null {
  let f: Node | null = fn;
  for (let k = 0; f !== null && k < 4; k++) {
    if (f.type === 'field_expression') return f;
    if (f.type === 'parenthesized_expression') f = f.namedChild(0);
    else if (f.type === 'pointer_expression') f = f.childForFieldName('argument');
    else return null;
  }
  return null;
}

/** The fact of `#define NAME value` / `#define NAME(params) value`. */
function macroDef(node: Node): FileFacts['macros'][number] | null {
  const nameNode = node.childForFieldName('name');
  if (nameNode === null) return null;
  const value = node.childForFieldName('value');
  const params = node.childForFieldName('parameters');
  return {
    name: nameNode.text,
    span: spanOf(node),
    nameSpan: spanOf(nameNode),
    ...(params !== null
      ? {
          params: params.namedChildren
            .filter((p): p is Node => p !== null && p.type !== 'comment')
            // A name never holds a comma; text from an ERROR node of half-typed C might, and
            // the packed row joins the names with commas (packed.ts MACRO.params).
            .map((p) => p.text.replace(/,/g, ' ')),
        }
      : {}),
    value: value === null ? '' : value.text.trim().slice(0, 200),
  };
}

/** The `.member = fn` pairs of a declaration's initialisers (ops tables), by declarator. */
function opsTables(decl: Node, tag: string): OpsTable[] {
  const out: OpsTable[] = [];
  for (const d of decl.childrenForFieldName('declarator')) {
    if (d.type !== 'init_declarator') continue;
    const value = d.childForFieldName('value');
    const nm = declName(d.childForFieldName('declarator'));
    if (value === null || value.type !== 'initializer_list' || nm === null) continue;
    const members: OpsTable['members'] = [];
    const lists: Node[] = [value];
    // Arrays of tables: `struct nf_hook_ops ops[] = { {...}, {...} }`.
    for (const item of value.namedChildren) {
      if (item !== null && item.type === 'initializer_list') lists.push(item);
    }
    for (const list of lists) {
      for (const pair of list.namedChildren) {
        if (pair === null || pair.type !== 'initializer_pair') continue;
        const v = pair.childForFieldName('value');
        const des = pair.childForFieldName('designator');
        if (v === null || des === null || v.type !== 'identifier') continue;
        if (des.type !== 'field_designator') continue;
        const member = des.namedChild(0);
        if (member === null) continue;
        members.push({ member: member.text, fn: v.text, span: spanOf(pair) });
      }
    }
    if (members.length > 0) out.push({ struct: tag, name: nm.text, span: spanOf(d), members });
  }
  return out;
}

/** Where each kind of fact of `facts` ended before a node was walked. */
interface FactCounts {
  functions: number;
  macros: number;
  structs: number;
  calls: number;
  fieldAccesses: number;
  opsTables: number;
  refs: number;
}

/** One collect(): the file-scope state of the walk and its steps, capture by capture. */
class Collector {
  private readonly macros = macroIndex();
  private readonly globals = new Map<string, string | null>();
  /** `struct.field` -> struct tag of the field's type, from this file's struct bodies. */
  private readonly fieldTypes = new Map<string, string>();
  /** field name -> the structs of this file declaring it. */
  private readonly fieldOwners = new Map<string, string[]>();
  private readonly writeIds = new Set<number>();
  /** Fields whose address goes to an accessor that only reads through it. */
  private readonly addrReadIds = new Set<number>();
  private readonly skipRefIds = new Set<number>();
  private readonly skipFieldIds = new Set<number>();
  /** Node ids of the field accesses of the node being walked, in facts.fieldAccesses order. */
  private readonly fieldNodeIds: number[] = [];
  /** The function being walked. */
  private cur: FnScope | null = null;
  private errors = 0;
  private firstErrorLine = -1;
  /** File-scope state changes of the node being walked, and the running hash of them all. */
  private log: Mutation[] = [];
  private state = 0;
  /** Row of the first syntax error in the node being walked, or -1. */
  private chunkErrorRow = -1;

  constructor(
    private readonly facts: FileFacts,
    private readonly src: string,
    private readonly query: Query,
  ) {}

  /**
   * Top-level node by top-level node rather than one captures() call over the whole file: the
   * capture list (one JS object per capture and node) then never holds more than one
   * definition's worth, which bounds an index worker's heap on large files. A query run on a
   * node matches that node and its descendants, so the sequence is the same.
   */
  run(root: Node, memo: CollectMemo | undefined): void {
    const chunks = root.childCount > 0 ? root.children : [root];
    const records = new Map<string, ChunkRecord[]>();
    if (memo) {
      memo.reused = 0;
      memo.walked = 0;
    }
    for (const chunk of chunks) {
      if (chunk === null) continue;
      const startRow = chunk.startPosition.row;
      if (!memo) {
        this.walk(chunk);
        continue;
      }
      const key = `${chunk.startPosition.column}\u0001${chunk.text}\u0001${this.src.slice(chunk.startIndex, chunk.endIndex)}`;
      const old = memo.records.get(key)?.find((r) => r.stateIn === this.state);
      if (old !== undefined) {
        addRecord(records, key, this.replay(old, startRow));
        memo.reused++;
        continue;
      }
      memo.walked++;
      const at = this.counts();
      const stateIn = this.state;
      const errorsIn = this.errors;
      this.walk(chunk);
      addRecord(records, key, this.record(at, startRow, stateIn, errorsIn));
    }
    if (memo) memo.records = records;
    if (this.errors > 0) {
      this.facts.problems.push(
        `partial parse: ${this.errors} syntax error region${this.errors === 1 ? '' : 's'} (first at line ${this.firstErrorLine})`,
      );
    }
  }

  private counts(): FactCounts {
    const f = this.facts;
    return {
      functions: f.functions.length,
      macros: f.macros.length,
      structs: f.structs.length,
      calls: f.calls.length,
      fieldAccesses: f.fieldAccesses.length,
      opsTables: f.opsTables.length,
      refs: f.refs.length,
    };
  }

  /** Adds the facts of an unchanged top-level node from its record; returns the record moved. */
  private replay(old: ChunkRecord, startRow: number): ChunkRecord {
    const r = shiftRecord(old, startRow - old.startRow, startRow);
    for (const m of r.mutations) this.apply(m);
    this.state = r.stateOut;
    this.cur = null;
    const f = this.facts;
    f.functions.push(...r.functions);
    f.macros.push(...r.macros);
    f.structs.push(...r.structs);
    f.calls.push(...r.calls);
    f.fieldAccesses.push(...r.fieldAccesses);
    f.opsTables.push(...r.opsTables);
    f.refs.push(...r.refs);
    this.errors += r.errors;
    if (this.firstErrorLine < 0 && r.firstErrorRow >= 0) this.firstErrorLine = r.firstErrorRow + 1;
    return r;
  }

  /** The record of the node just walked, whose facts start at `at`. */
  private record(at: FactCounts, startRow: number, stateIn: number, errorsIn: number): ChunkRecord {
    const f = this.facts;
    return {
      startRow,
      stateIn,
      stateOut: this.state,
      mutations: this.log,
      functions: f.functions.slice(at.functions),
      macros: f.macros.slice(at.macros),
      structs: f.structs.slice(at.structs),
      calls: f.calls.slice(at.calls),
      fieldAccesses: f.fieldAccesses.slice(at.fieldAccesses),
      opsTables: f.opsTables.slice(at.opsTables),
      refs: f.refs.slice(at.refs),
      errors: this.errors - errorsIn,
      firstErrorRow: this.chunkErrorRow,
    };
  }

  /** Walks the captures of one top-level node. */
  private walk(chunk: Node): void {
    const faStart = this.facts.fieldAccesses.length;
    this.chunkErrorRow = -1;
    this.log = [];
    for (const cap of this.query.captures(chunk)) this.visit(cap);
    this.settleFieldAccesses(faStart);
  }

  /**
   * Calls through a member (`x->m(...)`) are ops calls, not field reads; writes were marked
   * by their parents, possibly after the field's own capture (both within this node).
   */
  private settleFieldAccesses(from: number): void {
    const fas = this.facts.fieldAccesses.splice(from);
    const ids = this.fieldNodeIds.splice(0);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (this.skipFieldIds.has(id)) continue;
      const fa = fas[k]!;
      if (this.writeIds.has(id) && !this.addrReadIds.has(id)) fa.access = 'write';
      this.facts.fieldAccesses.push(fa);
    }
  }

  private visit(cap: { name: string; node: Node }): void {
    const node = cap.node;
    const cur = this.cur;
    if (cur !== null && node.startIndex >= cur.end) this.cur = null;
    switch (cap.name) {
      case 'definition.function':
        this.addFunction(node);
        break;
      case 'definition.macro': {
        const m = macroDef(node);
        if (m !== null) this.facts.macros.push(m);
        break;
      }
      case 'definition.struct': {
        const nameNode = node.childForFieldName('name');
        if (nameNode !== null) this.addStruct(node, nameNode, node);
        break;
      }
      case 'definition.typedef_struct': {
        const t = node.childForFieldName('type');
        const nameNode = declName(node.childForFieldName('declarator'));
        if (t !== null && nameNode !== null) this.addStruct(node, nameNode, t);
        break;
      }
      case 'declaration.param':
        if (this.cur !== null) this.recordDeclarators(node, this.cur.locals);
        break;
      case 'declaration.var': {
        const tag = this.recordDeclarators(
          node,
          this.cur === null ? this.globals : this.cur.locals,
        );
        if (tag !== null) this.facts.opsTables.push(...opsTables(node, tag));
        break;
      }
      case 'reference.call':
        this.addCall(node);
        break;
      case 'reference.field':
        this.addField(node);
        break;
      case 'write':
        this.writeIds.add(node.id);
        break;
      case 'reference.value':
        this.addRef(node);
        break;
      case 'error':
        this.errors++;
        if (this.firstErrorLine < 0) this.firstErrorLine = node.startPosition.row + 1;
        if (this.chunkErrorRow < 0) this.chunkErrorRow = node.startPosition.row;
        break;
      default:
        break;
    }
  }

  private lookupVar(name: string): string | null {
    if (this.cur !== null) {
      const t = this.cur.locals.get(name);
      if (t !== undefined) return t;
    }
    return this.globals.get(name) ?? null;
  }

  private fieldType(tag: string | null, field: string): string | null {
    if (tag !== null) {
      const t = this.fieldTypes.get(`${tag}.${field}`) ?? KNOWN_FIELD_TYPES[`${tag}.${field}`];
      if (t !== undefined) return t;
    }
    const owners = this.fieldOwners.get(field);
    if (owners !== undefined && owners.length === 1) {
      return this.fieldTypes.get(`${owners[0]}.${field}`) ?? null;
    }
    return null;
  }

  /** The struct tag an expression's value points to or is, when declarations tell. */
  private typeOf(e: Node | null, depth = 0): string | null {
    if (e === null || depth > 8) return null;
    switch (e.type) {
      case 'identifier':
        return this.lookupVar(e.text);
      case 'field_expression': {
        const f = e.childForFieldName('field');
        if (f === null) return null;
        return this.fieldType(this.typeOf(e.childForFieldName('argument'), depth + 1), f.text);
      }
      case 'call_expression': {
        const fn = e.childForFieldName('function');
        if (fn === null || fn.type !== 'identifier') return null;
        const name = fn.text;
        const h = this.macros.castHelpers.get(name);
        if (h !== undefined) return h;
        if (this.macros.isTypeFromArg(name)) {
          // container_of(p, sock, member) after the pre-pass blanked `struct`.
          const args = e.childForFieldName('arguments');
          const t = args?.namedChild(1);
          if (t !== null && t !== undefined && t.type === 'identifier') return t.text;
        }
        return null;
      }
      case 'parenthesized_expression':
        return this.typeOf(e.namedChild(0), depth + 1);
      case 'cast_expression': {
        const tn = e.childForFieldName('type');
        return typeTag(tn?.childForFieldName('type') ?? null);
      }
      case 'subscript_expression':
      case 'pointer_expression':
        return this.typeOf(e.childForFieldName('argument'), depth + 1);
      default:
        return null;
    }
  }

  /** Applies a file-scope state change and logs it for the node's record. */
  private mutate(m: Mutation): void {
    this.apply(m);
    this.log.push(m);
    this.state = mixState(this.state, m);
  }

  private apply(m: Mutation): void {
    if (m[0] === 0) this.globals.set(m[1], m[2]);
    else if (m[0] === 1) this.fieldTypes.set(m[1], m[2]);
    else {
      const owners = this.fieldOwners.get(m[1]);
      if (owners === undefined) this.fieldOwners.set(m[1], [m[2]]);
      else if (!owners.includes(m[2])) owners.push(m[2]);
    }
  }

  /** Records the declared names with their struct tag; returns the tag. */
  private recordDeclarators(decl: Node, into: Map<string, string | null>): string | null {
    const tag = typeTag(decl.childForFieldName('type'));
    for (const d of decl.childrenForFieldName('declarator')) {
      const nm = declName(d);
      if (nm === null) continue;
      if (into === this.globals) this.mutate([0, nm.text, tag]);
      else into.set(nm.text, tag);
    }
    return tag;
  }

  private addFunction(node: Node): void {
    const decl = node.childForFieldName('declarator');
    const type = node.childForFieldName('type');
    let nameNode = declName(decl);
    let name: string;
    let kind: FunctionKind = 'function';
    let macro: string | undefined;
    const typeText = type?.text ?? '';
    const defines = this.macros.definers.get(typeText);
    if (defines === 'syscall') {
      kind = 'syscall';
      macro = typeText;
      name = `sys_${nameNode?.text ?? ''}`;
    } else if (defines === 'bpf_call') {
      kind = 'bpf_call';
      macro = typeText;
      name = nameNode?.text ?? '';
    } else if (!hasFunctionDeclarator(decl) && type !== null && type.type === 'type_identifier') {
      // `META_COLLECTOR(int_dev) { ... }`: a definition made by a macro; named by the macro as
      // ctags does, since the real name is pasted together by the preprocessor.
      macro = typeText;
      name = typeText;
      nameNode = type;
    } else {
      name = nameNode?.text ?? '';
    }
    if (name === '' || nameNode === null) return;
    let isStatic = false;
    for (let k = 0; k < node.namedChildCount; k++) {
      const ch = node.namedChild(k);
      if (ch !== null && ch.type === 'storage_class_specifier' && ch.text === 'static') {
        isStatic = true;
      }
    }
    const head = this.src.slice(node.startIndex, nameNode.startIndex);
    const def: FunctionDef = {
      name,
      span: spanOf(node),
      nameSpan: spanOf(nameNode),
      isStatic,
      isInline: this.macros.inlineWord.test(head),
      kind,
    };
    if (macro !== undefined) def.macro = macro;
    this.facts.functions.push(def);
    this.cur = { name, end: node.endIndex, locals: new Map<string, string | null>() };
  }

  private collectFields(body: Node, owner: string, out: FieldDef[], depth = 0): void {
    for (const fd of body.namedChildren) {
      if (fd === null || fd.type !== 'field_declaration') continue;
      const type = fd.childForFieldName('type');
      const decls = fd.childrenForFieldName('declarator');
      if (decls.length === 0 && type !== null && depth < 4) {
        // Anonymous struct/union member: its fields are the owner's fields.
        const inner = type.childForFieldName('body');
        if (inner !== null) this.collectFields(inner, owner, out, depth + 1);
        continue;
      }
      const typeText = type === null ? '' : type.text;
      const tag = typeTag(type);
      for (const d of decls) {
        let stars = '';
        let isFn = false;
        let x: Node | null = d;
        for (let k = 0; x !== null && k < 16; k++) {
          if (x.type === 'field_identifier') break;
          if (x.type === 'pointer_declarator') stars += '*';
          else if (x.type === 'function_declarator') isFn = true;
          x =
            x.type === 'parenthesized_declarator'
              ? x.namedChild(0)
              : x.childForFieldName('declarator');
        }
        if (x === null || x.type !== 'field_identifier') continue;
        const name = x.text;
        const shown = typeText.length > 80 ? `${typeText.slice(0, 77)}...` : typeText;
        out.push({
          name,
          type: isFn ? `${shown} (${stars})()` : stars === '' ? shown : `${shown} ${stars}`,
          span: spanOf(d),
        });
        if (tag !== null && !isFn) this.mutate([1, `${owner}.${name}`, tag]);
        this.mutate([2, name, owner]);
      }
    }
  }

  private addStruct(node: Node, nameNode: Node, kindNode: Node): void {
    const body = kindNode.childForFieldName('body');
    const fields: FieldDef[] = [];
    if (body !== null) this.collectFields(body, nameNode.text, fields);
    const s: StructDef = {
      name: nameNode.text,
      kind: kindNode.type === 'union_specifier' ? 'union' : 'struct',
      span: spanOf(node),
      nameSpan: spanOf(nameNode),
      fields,
    };
    this.facts.structs.push(s);
  }

  private pushCall(callee: string, via: CallSite['via'], node: Node): void {
    const caller = this.cur === null ? null : this.cur.name;
    this.facts.calls.push({ caller, callee, via, span: spanOf(node) });
  }

  private addOpsCall(fe: Node, site: Node): void {
    const member = fe.childForFieldName('field');
    if (member === null) return;
    this.skipFieldIds.add(fe.id);
    this.pushCall(
      member.text,
      { kind: 'ops', struct: this.typeOf(fe.childForFieldName('argument')), member: member.text },
      site,
    );
  }

  /**
   * Applies an accessor's rule to its arguments: `&x->f` outside the written positions is a
   * read (`atomic_read(&sk->sk_rmem_alloc)`), a plain `x->f` at a written lvalue position is a
   * write (`WRITE_ONCE(sk->sk_sndbuf, v)`). `&x->f` at a written position is already a write.
   */
  private markAccessorArgs(rule: AccessRule, args: Node): void {
    let k = 0;
    for (const a of args.namedChildren) {
      if (a === null || a.type === 'comment') continue;
      const written = rule.writes.includes(k++);
      if (a.type === 'pointer_expression') {
        const inner = a.childForFieldName('argument');
        if (!written && inner !== null && inner.type === 'field_expression' && a.text[0] === '&')
          this.addrReadIds.add(inner.id);
      } else if (written && rule.lvalue === true && a.type === 'field_expression') {
        this.writeIds.add(a.id);
      }
    }
  }

  private addCall(node: Node): void {
    const fn = node.childForFieldName('function');
    if (fn === null) return;
    if (fn.type !== 'identifier') {
      const fe = memberCallee(fn);
      if (fe !== null) this.addOpsCall(fe, node);
      return;
    }
    const name = fn.text;
    const m = this.macros.indirectCalls.get(name);
    const rule = m === undefined ? accessRule(name, this.macros) : null;
    // The argument list matters only to INDIRECT_CALL_n and the accessors.
    const args = m !== undefined || rule !== null ? node.childForFieldName('arguments') : null;
    if (m !== undefined && args !== null) {
      this.addIndirectCall(node, m, args);
      return;
    }
    if (rule !== null && args !== null) this.markAccessorArgs(rule, args);
    this.pushCall(name, { kind: 'direct' }, node);
  }

  /** `INDIRECT_CALL_n(f, f1, ..., args)`: an edge to each candidate, and an ops call if `f` is a member. */
  private addIndirectCall(
    node: Node,
    m: { readonly candidates: number; readonly ipv4Last: boolean },
    args: Node,
  ): void {
    const list = args.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
    const count = m.candidates;
    const ptr = list[0];
    if (ptr === undefined) return;
    // INDIRECT_CALL_INET's IPv4 candidate (f1, last) first: it is the one every build
    // keeps, and paths through it are the ones the memory map should show first.
    const inet = m.ipv4Last;
    for (let j = 1; j <= count && j < list.length; j++) {
      const k = inet ? Math.min(count, list.length - 1) + 1 - j : j;
      const cand = list[k];
      if (cand.type === 'identifier') {
        this.pushCall(cand.text, { kind: 'indirect', pointer: ptr.text }, node);
      }
    }
    const fe = memberCallee(ptr);
    if (fe !== null) this.addOpsCall(fe, node);
    // The candidates are callees, not values taken.
    for (let k = 0; k <= count && k < list.length; k++) this.skipRefIds.add(list[k].id);
  }

  private addField(node: Node): void {
    const f = node.childForFieldName('field');
    if (f === null) return;
    const struct = this.typeOf(node.childForFieldName('argument'));
    const field = f.text;
    this.facts.fieldAccesses.push({
      function: this.cur === null ? null : this.cur.name,
      struct,
      field,
      access: 'read',
      span: tokenSpan(f, field),
    });
    this.fieldNodeIds.push(node.id);
  }

  private addRef(node: Node): void {
    if (this.skipRefIds.has(node.id)) return;
    const name = node.text;
    if (SKIP_REFS.has(name)) return;
    const cur = this.cur;
    if (cur !== null && cur.locals.has(name)) return;
    this.facts.refs.push({
      name,
      span: tokenSpan(node, name),
      function: cur === null ? null : cur.name,
    });
  }
}
