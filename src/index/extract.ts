// Facts of one C file (definitions, macros, structs, calls, field accesses, ops tables, value
// references) from one tree-sitter parse of the pre-processed text and one pass over the
// captures of grammars/queries/facts.scm (`collect`). Files reach it only through
// src/index/pipeline.ts, which checks the content, bounds the work and handles failures.
import { getQuery, type Node, type Parser } from '../parse/treeSitter';
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

/** `tcp_sk(sk)` returns a `struct tcp_sock *`: kernel cast helpers (include/linux/tcp.h, ...). */
const HELPER_TYPES: Record<string, string> = {
  tcp_sk: 'tcp_sock',
  inet_sk: 'inet_sock',
  inet_csk: 'inet_connection_sock',
  inet_twsk: 'inet_timewait_sock',
  tcp_twsk: 'tcp_timewait_sock',
  tcp_rsk: 'tcp_request_sock',
  inet_rsk: 'inet_request_sock',
  inet_reqsk: 'request_sock',
  udp_sk: 'udp_sock',
  raw_sk: 'raw_sock',
  inet6_sk: 'ipv6_pinfo',
  tcp_inet6_sk: 'ipv6_pinfo',
  mptcp_sk: 'mptcp_sock',
  mptcp_subflow_ctx: 'mptcp_subflow_context',
  unix_sk: 'unix_sock',
  sk_to_full_sk: 'sock',
  skb_to_full_sk: 'sock',
  sk_from_file: 'sock',
  skb_shinfo: 'skb_shared_info',
  tcp_hdr: 'tcphdr',
  ip_hdr: 'iphdr',
  ipv6_hdr: 'ipv6hdr',
  udp_hdr: 'udphdr',
  sock_net: 'net',
  dev_net: 'net',
  read_pnet: 'net',
  TCP_SKB_CB: 'tcp_skb_cb',
  skb_dst: 'dst_entry',
  sk_dst_get: 'dst_entry',
  __sk_dst_get: 'dst_entry',
  skb_peek: 'sk_buff',
  skb_peek_tail: 'sk_buff',
  tcp_write_queue_head: 'sk_buff',
  tcp_write_queue_tail: 'sk_buff',
  tcp_send_head: 'sk_buff',
  tcp_rtx_queue_head: 'sk_buff',
  skb_rb_first: 'sk_buff',
  skb_rb_last: 'sk_buff',
  skb_rb_next: 'sk_buff',
  alloc_skb: 'sk_buff',
  inet_csk_ca: 'inet_connection_sock',
  sk_user_data: 'sock',
  tcp_sk_rw: 'tcp_sock',
  netdev_priv: 'net_device',
  sk_socket: 'socket',
  page_address: 'page',
};

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

/**
 * How a call treats the fields handed to it, by argument position. A field passed by address
 * (`&sk->sk_rmem_alloc`) is marked a write by facts.scm, because the callee may store through
 * the pointer; for the accessors below the name tells whether it does.
 */
interface AccessRule {
  /** Argument positions whose field is written; a `&x->f` anywhere else is only read. */
  writes: readonly number[];
  /**
   * The written arguments are lvalues (`WRITE_ONCE(sk->f, v)`), so a plain `x->f` there is
   * written; otherwise they are pointers, and a plain `x->f` there is a pointer field that is
   * only read (`atomic_long_add(n, sk->sk_prot->memory_allocated)` writes the counter, not
   * `memory_allocated`).
   */
  lvalue?: boolean;
}

const READS: AccessRule = { writes: [] };
const WRITES_ARG0: AccessRule = { writes: [0] };
const WRITES_ARG1: AccessRule = { writes: [1] };

/**
 * Accessors named one by one (the atomic, refcount and bitops families follow the prefix rules
 * of accessRule). Read-only ones are the queries the kernel makes through an address: list and
 * queue emptiness or length (`skb_queue_len(&sk->sk_receive_queue)`), lock assertions, address
 * comparisons. Anything not here and not matched by a rule keeps facts.scm's conservative write.
 */
const ACCESS_RULES = new Map<string, AccessRule>(
  Object.entries({
    WRITE_ONCE: { writes: [0], lvalue: true },
    __WRITE_ONCE: { writes: [0], lvalue: true },
    smp_store_mb: { writes: [0], lvalue: true },
    smp_store_release: WRITES_ARG0,
    smp_load_acquire: READS,
    xchg: WRITES_ARG0,
    cmpxchg: WRITES_ARG0,
    try_cmpxchg: { writes: [0, 1] },
    memset: WRITES_ARG0,
    memzero_explicit: WRITES_ARG0,
    memcpy: WRITES_ARG0,
    memmove: WRITES_ARG0,
    memcmp: READS,
    // A cache hint, even the `w` (for write) form: no store happens.
    prefetch: READS,
    prefetchw: READS,
    kref_read: READS,
    u64_stats_read: READS,
    read_pnet: READS,
    list_empty: READS,
    list_empty_careful: READS,
    list_is_singular: READS,
    list_is_last: READS,
    list_first_entry: READS,
    list_first_entry_or_null: READS,
    list_last_entry: READS,
    hlist_empty: READS,
    hlist_unhashed: READS,
    rb_first: READS,
    rb_last: READS,
    skb_queue_empty: READS,
    skb_queue_empty_lockless: READS,
    skb_queue_len: READS,
    skb_queue_len_lockless: READS,
    skb_peek: READS,
    skb_peek_tail: READS,
    timer_pending: READS,
    delayed_work_pending: READS,
    lockdep_is_held: READS,
    lockdep_assert_held: READS,
    spin_is_locked: READS,
    mutex_is_locked: READS,
    ipv6_addr_equal: READS,
    ipv6_addr_any: READS,
    ipv6_addr_type: READS,
    ipv6_addr_v4mapped: READS,
    ipv6_addr_loopback: READS,
    ipv6_prefix_equal: READS,
    percpu_counter_read: READS,
    percpu_counter_read_positive: READS,
    percpu_counter_sum: READS,
    percpu_counter_sum_positive: READS,
    test_bit: READS,
    test_bit_acquire: READS,
    find_first_bit: READS,
    find_next_bit: READS,
    find_first_zero_bit: READS,
    find_next_zero_bit: READS,
    bitmap_empty: READS,
    bitmap_weight: READS,
  }),
);

/** include/linux/atomic/atomic-instrumented.h, atomic-long.h, include/linux/refcount.h. */
const ATOMIC_RE = /^(?:atomic64|atomic_long|atomic|refcount)_(\w+)$/;
/** The operations of those families (with `_return`, `_and_test`, `_relaxed`... suffixes). */
const ATOMIC_OP_RE =
  /^(?:fetch_)?(?:read|cond_read|set|inc|dec|add|sub|and|or|xor|andnot|xchg|cmpxchg|try_cmpxchg)(?:_|$)/;
/** Operations that take the operand first and the counter second: `atomic_add(i, v)`. */
const OPERAND_FIRST_RE = /^(?:fetch_)?(?:add|sub|and|or|xor|andnot)(?:_|$)/;
/** include/asm-generic/bitops: `set_bit(nr, addr)`, `test_and_clear_bit(nr, addr)`, ... */
const BITOP_WRITE_RE = /^(?:__)?(?:test_and_)?(?:set|clear|change)_bit(?:_lock|_unlock)?$/;

const ruleMemo = new Map<string, AccessRule | null>();

/**
 * The access rule of a call by its name, or null for a function the extractor knows nothing
 * about. Atomic families (`atomic_`, `atomic64_`, `atomic_long_`, `refcount_`): `read*` only
 * reads; `add/sub/and/or/xor/andnot` and their `fetch_`, `_return`, `_and_test`, `_negative`
 * forms write their second argument, except `add_unless` / `fetch_add_unless` (counter first);
 * `try_cmpxchg` also writes the expected value it is handed; `set`, `inc`, `dec`, `xchg`,
 * `cmpxchg`, `inc_not_zero`, `dec_and_test`... write their first. Names of those families that
 * are not such an operation (`atomic_notifier_call_chain`) or that also take a lock
 * (`refcount_dec_and_lock(r, &lock)`) stay unknown. Bit operations other than `test_bit`
 * write their second argument (the bitmap).
 */
export function accessRule(name: string): AccessRule | null {
  const memo = ruleMemo.get(name);
  if (memo !== undefined) return memo;
  let rule: AccessRule | null = ACCESS_RULES.get(name) ?? null;
  if (rule === null) {
    const m = ATOMIC_RE.exec(name);
    const op = m === null ? '' : m[1];
    if (m !== null && ATOMIC_OP_RE.test(op) && !op.includes('lock')) {
      if (op.startsWith('read') || op.startsWith('cond_read')) rule = READS;
      else if (op === 'add_unless' || op === 'fetch_add_unless') rule = WRITES_ARG0;
      else if (OPERAND_FIRST_RE.test(op)) rule = WRITES_ARG1;
      else if (op.startsWith('try_cmpxchg')) rule = { writes: [0, 1] };
      else rule = WRITES_ARG0;
    } else if (BITOP_WRITE_RE.test(name)) rule = WRITES_ARG1;
  }
  if (ruleMemo.size < 4096) ruleMemo.set(name, rule);
  return rule;
}

/**
 * `INDIRECT_CALL_n(f, fn, ..., f1, args)` and include/linux/indirect_call_wrapper.h's
 * `INDIRECT_CALL_INET(f, f2, f1, args)` (two candidates with IPv6, the IPv4 one without: both
 * are edges, since the tree holds both) and `INDIRECT_CALL_INET_1(f, f1, args)`.
 */
const INDIRECT_RE = /^INDIRECT_CALL_(?:([1-4])|INET(_1)?)$/;

/** How many candidates follow the pointer in an INDIRECT_RE match. */
function indirectCount(m: RegExpExecArray): number {
  if (m[1] !== undefined) return Number(m[1]);
  return m[2] !== undefined ? 1 : 2;
}

const SYSCALL_RE = /^(COMPAT_)?SYSCALL_DEFINE\d$/;
const BPF_RE = /^BPF_CALL_\d$/;
const INLINE_RE = /\b(?:inline|__inline|__inline__|__always_inline)\b/;
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
  const query = getQuery(lang, 'facts');

  const globals = new Map<string, string | null>();
  /** `struct.field` -> struct tag of the field's type, from this file's struct bodies. */
  const fieldTypes = new Map<string, string>();
  /** field name -> the structs of this file declaring it. */
  const fieldOwners = new Map<string, string[]>();
  const writeIds = new Set<number>();
  /** Fields whose address goes to an accessor that only reads through it. */
  const addrReadIds = new Set<number>();
  const skipRefIds = new Set<number>();
  const skipFieldIds = new Set<number>();
  const fieldNodeIds: number[] = [];
  let cur = null as FnScope | null;
  let errors = 0;
  let firstErrorLine = -1;

  const lookupVar = (name: string): string | null => {
    if (cur !== null) {
      const t = cur.locals.get(name);
      if (t !== undefined) return t;
    }
    return globals.get(name) ?? null;
  };

  const fieldType = (tag: string | null, field: string): string | null => {
    if (tag !== null) {
      const t = fieldTypes.get(`${tag}.${field}`) ?? KNOWN_FIELD_TYPES[`${tag}.${field}`];
      if (t !== undefined) return t;
    }
    const owners = fieldOwners.get(field);
    if (owners !== undefined && owners.length === 1) {
      return fieldTypes.get(`${owners[0]}.${field}`) ?? null;
    }
    return null;
  };

  /** The struct tag an expression's value points to or is, when declarations tell. */
  const typeOf = (e: Node | null, depth = 0): string | null => {
    if (e === null || depth > 8) return null;
    switch (e.type) {
      case 'identifier':
        return lookupVar(e.text);
      case 'field_expression': {
        const f = e.childForFieldName('field');
        if (f === null) return null;
        return fieldType(typeOf(e.childForFieldName('argument'), depth + 1), f.text);
      }
      case 'call_expression': {
        const fn = e.childForFieldName('function');
        if (fn === null || fn.type !== 'identifier') return null;
        const name = fn.text;
        const h = HELPER_TYPES[name];
        if (h !== undefined) return h;
        if (name.includes('entry') || name.startsWith('container_of')) {
          // container_of(p, sock, member) after the pre-pass blanked `struct`.
          const args = e.childForFieldName('arguments');
          const t = args?.namedChild(1);
          if (t !== null && t !== undefined && t.type === 'identifier') return t.text;
        }
        return null;
      }
      case 'parenthesized_expression':
        return typeOf(e.namedChild(0), depth + 1);
      case 'cast_expression': {
        const tn = e.childForFieldName('type');
        return typeTag(tn?.childForFieldName('type') ?? null);
      }
      case 'subscript_expression':
      case 'pointer_expression':
        return typeOf(e.childForFieldName('argument'), depth + 1);
      default:
        return null;
    }
  };

  /** Records the declared names with their struct tag; returns the tag. */
  /** File-scope state changes of the node being walked, and the running hash of them all. */
  let log: Mutation[] = [];
  let state = 0;
  /** Row of the first syntax error in the node being walked, or -1. */
  let chunkErrorRow = -1;
  const mutate = (m: Mutation): void => {
    apply(m);
    log.push(m);
    state = mixState(state, m);
  };
  const apply = (m: Mutation): void => {
    if (m[0] === 0) globals.set(m[1], m[2]);
    else if (m[0] === 1) fieldTypes.set(m[1], m[2]);
    else {
      const owners = fieldOwners.get(m[1]);
      if (owners === undefined) fieldOwners.set(m[1], [m[2]]);
      else if (!owners.includes(m[2])) owners.push(m[2]);
    }
  };

  const recordDeclarators = (decl: Node, into: Map<string, string | null>): string | null => {
    const tag = typeTag(decl.childForFieldName('type'));
    for (const d of decl.childrenForFieldName('declarator')) {
      const nm = declName(d);
      if (nm === null) continue;
      if (into === globals) mutate([0, nm.text, tag]);
      else into.set(nm.text, tag);
    }
    return tag;
  };

  const addFunction = (node: Node): void => {
    const decl = node.childForFieldName('declarator');
    const type = node.childForFieldName('type');
    let nameNode = declName(decl);
    let name: string;
    let kind: FunctionKind = 'function';
    let macro: string | undefined;
    const typeText = type?.text ?? '';
    if (SYSCALL_RE.test(typeText)) {
      kind = 'syscall';
      macro = typeText;
      name = `sys_${nameNode?.text ?? ''}`;
    } else if (BPF_RE.test(typeText)) {
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
    const head = src.slice(node.startIndex, nameNode.startIndex);
    const def: FunctionDef = {
      name,
      span: spanOf(node),
      nameSpan: spanOf(nameNode),
      isStatic,
      isInline: INLINE_RE.test(head),
      kind,
    };
    if (macro !== undefined) def.macro = macro;
    facts.functions.push(def);
    const locals = new Map<string, string | null>();
    cur = { name, end: node.endIndex, locals };
  };

  const addMacro = (node: Node): void => {
    const nameNode = node.childForFieldName('name');
    if (nameNode === null) return;
    const value = node.childForFieldName('value');
    const params = node.childForFieldName('parameters');
    facts.macros.push({
      name: nameNode.text,
      span: spanOf(node),
      nameSpan: spanOf(nameNode),
      ...(params !== null
        ? {
            params: params.namedChildren
              .filter((p): p is Node => p !== null && p.type !== 'comment')
              .map((p) => p.text),
          }
        : {}),
      value: value === null ? '' : value.text.trim().slice(0, 200),
    });
  };

  const collectFields = (body: Node, owner: string, out: FieldDef[], depth = 0): void => {
    for (const fd of body.namedChildren) {
      if (fd === null || fd.type !== 'field_declaration') continue;
      const type = fd.childForFieldName('type');
      const decls = fd.childrenForFieldName('declarator');
      if (decls.length === 0 && type !== null && depth < 4) {
        // Anonymous struct/union member: its fields are the owner's fields.
        const inner = type.childForFieldName('body');
        if (inner !== null) collectFields(inner, owner, out, depth + 1);
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
        if (tag !== null && !isFn) mutate([1, `${owner}.${name}`, tag]);
        mutate([2, name, owner]);
      }
    }
  };

  const addStruct = (node: Node, nameNode: Node, kindNode: Node): void => {
    const body = kindNode.childForFieldName('body');
    const fields: FieldDef[] = [];
    if (body !== null) collectFields(body, nameNode.text, fields);
    const s: StructDef = {
      name: nameNode.text,
      kind: kindNode.type === 'union_specifier' ? 'union' : 'struct',
      span: spanOf(node),
      nameSpan: spanOf(nameNode),
      fields,
    };
    facts.structs.push(s);
  };

  const addOpsTable = (decl: Node, tag: string): void => {
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
      if (members.length > 0) {
        facts.opsTables.push({ struct: tag, name: nm.text, span: spanOf(d), members });
      }
    }
  };

  const pushCall = (callee: string, via: CallSite['via'], node: Node): void => {
    facts.calls.push({ caller: cur === null ? null : cur.name, callee, via, span: spanOf(node) });
  };

  /** `x->m(...)`, `(*x->m)(...)`: returns the member's field expression, or null. */
  const memberCallee = (fn: Node): Node | null => {
    let f: Node | null = fn;
    for (let k = 0; f !== null && k < 4; k++) {
      if (f.type === 'field_expression') return f;
      if (f.type === 'parenthesized_expression') f = f.namedChild(0);
      else if (f.type === 'pointer_expression') f = f.childForFieldName('argument');
      else return null;
    }
    return null;
  };

  const addOpsCall = (fe: Node, site: Node): void => {
    const member = fe.childForFieldName('field');
    if (member === null) return;
    skipFieldIds.add(fe.id);
    pushCall(
      member.text,
      { kind: 'ops', struct: typeOf(fe.childForFieldName('argument')), member: member.text },
      site,
    );
  };

  /**
   * Applies an accessor's rule to its arguments: `&x->f` outside the written positions is a
   * read (`atomic_read(&sk->sk_rmem_alloc)`), a plain `x->f` at a written lvalue position is a
   * write (`WRITE_ONCE(sk->sk_sndbuf, v)`). `&x->f` at a written position is already a write.
   */
  const markAccessorArgs = (rule: AccessRule, args: Node): void => {
    let k = 0;
    for (const a of args.namedChildren) {
      if (a === null || a.type === 'comment') continue;
      const written = rule.writes.includes(k++);
      if (a.type === 'pointer_expression') {
        const inner = a.childForFieldName('argument');
        if (!written && inner !== null && inner.type === 'field_expression' && a.text[0] === '&')
          addrReadIds.add(inner.id);
      } else if (written && rule.lvalue === true && a.type === 'field_expression') {
        writeIds.add(a.id);
      }
    }
  };

  const addCall = (node: Node): void => {
    const fn = node.childForFieldName('function');
    if (fn === null) return;
    if (fn.type === 'identifier') {
      const name = fn.text;
      const m = INDIRECT_RE.exec(name);
      const rule = m === null ? accessRule(name) : null;
      // The argument list matters only to INDIRECT_CALL_n and the accessors.
      const args = m !== null || rule !== null ? node.childForFieldName('arguments') : null;
      if (m !== null && args !== null) {
        const list = args.namedChildren.filter(
          (a): a is Node => a !== null && a.type !== 'comment',
        );
        const count = indirectCount(m);
        const ptr = list[0];
        if (ptr !== undefined) {
          // INDIRECT_CALL_INET's IPv4 candidate (f1, last) first: it is the one every build
          // keeps, and paths through it are the ones the memory map should show first.
          const inet = m[1] === undefined;
          for (let j = 1; j <= count && j < list.length; j++) {
            const k = inet ? Math.min(count, list.length - 1) + 1 - j : j;
            const cand = list[k];
            if (cand.type === 'identifier') {
              pushCall(cand.text, { kind: 'indirect', pointer: ptr.text }, node);
            }
          }
          const fe = memberCallee(ptr);
          if (fe !== null) addOpsCall(fe, node);
          // The candidates are callees, not values taken.
          for (let k = 0; k <= count && k < list.length; k++) skipRefIds.add(list[k].id);
        }
        return;
      }
      if (rule !== null && args !== null) markAccessorArgs(rule, args);
      pushCall(name, { kind: 'direct' }, node);
      return;
    }
    const fe = memberCallee(fn);
    if (fe !== null) addOpsCall(fe, node);
  };
  const addField = (node: Node): void => {
    const f = node.childForFieldName('field');
    if (f === null) return;
    const struct = typeOf(node.childForFieldName('argument'));
    const field = f.text;
    facts.fieldAccesses.push({
      function: cur === null ? null : cur.name,
      struct,
      field,
      access: 'read',
      span: tokenSpan(f, field),
    });
    fieldNodeIds.push(node.id);
  };

  const addRef = (node: Node): void => {
    if (skipRefIds.has(node.id)) return;
    const name = node.text;
    if (SKIP_REFS.has(name)) return;
    if (cur !== null && cur.locals.has(name)) return;
    facts.refs.push({
      name,
      span: tokenSpan(node, name),
      function: cur === null ? null : cur.name,
    });
  };

  // Top-level node by top-level node rather than one captures() call over the whole file: the
  // capture list (one JS object per capture and node) then never holds more than one
  // definition's worth, which bounds an index worker's heap on large files. A query run on a
  // node matches that node and its descendants, so the sequence is the same.
  const chunks = root.childCount > 0 ? root.children : [root];
  const records = new Map<string, ChunkRecord[]>();
  if (memo) {
    memo.reused = 0;
    memo.walked = 0;
  }
  for (const chunk of chunks) {
    if (chunk === null) continue;
    const startRow = chunk.startPosition.row;
    let key = '';
    if (memo) {
      key = `${chunk.startPosition.column}\u0001${chunk.text}\u0001${src.slice(chunk.startIndex, chunk.endIndex)}`;
      const old = memo.records.get(key)?.find((r) => r.stateIn === state);
      if (old !== undefined) {
        const r = shiftRecord(old, startRow - old.startRow, startRow);
        for (const m of r.mutations) apply(m);
        state = r.stateOut;
        cur = null;
        facts.functions.push(...r.functions);
        facts.macros.push(...r.macros);
        facts.structs.push(...r.structs);
        facts.calls.push(...r.calls);
        facts.fieldAccesses.push(...r.fieldAccesses);
        facts.opsTables.push(...r.opsTables);
        facts.refs.push(...r.refs);
        errors += r.errors;
        if (firstErrorLine < 0 && r.firstErrorRow >= 0) firstErrorLine = r.firstErrorRow + 1;
        const list = records.get(key);
        if (list) list.push(r);
        else records.set(key, [r]);
        memo.reused++;
        continue;
      }
      memo.walked++;
    }
    const at = {
      functions: facts.functions.length,
      macros: facts.macros.length,
      structs: facts.structs.length,
      calls: facts.calls.length,
      fieldAccesses: facts.fieldAccesses.length,
      opsTables: facts.opsTables.length,
      refs: facts.refs.length,
    };
    const stateIn = state;
    const errorsIn = errors;
    chunkErrorRow = -1;
    log = [];
    for (const cap of query.captures(chunk)) {
      visit(cap);
    }
    // Calls through a member (`x->m(...)`) are ops calls, not field reads; writes were marked
    // by their parents, possibly after the field's own capture (both within this node).
    const fas = facts.fieldAccesses.splice(at.fieldAccesses);
    const ids = fieldNodeIds.splice(0);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (skipFieldIds.has(id)) continue;
      const fa = fas[k]!;
      if (writeIds.has(id) && !addrReadIds.has(id)) fa.access = 'write';
      facts.fieldAccesses.push(fa);
    }
    if (memo) {
      const r: ChunkRecord = {
        startRow,
        stateIn,
        stateOut: state,
        mutations: log,
        functions: facts.functions.slice(at.functions),
        macros: facts.macros.slice(at.macros),
        structs: facts.structs.slice(at.structs),
        calls: facts.calls.slice(at.calls),
        fieldAccesses: facts.fieldAccesses.slice(at.fieldAccesses),
        opsTables: facts.opsTables.slice(at.opsTables),
        refs: facts.refs.slice(at.refs),
        errors: errors - errorsIn,
        firstErrorRow: chunkErrorRow,
      };
      const list = records.get(key);
      if (list) list.push(r);
      else records.set(key, [r]);
    }
  }
  if (memo) memo.records = records;
  function visit(cap: { name: string; node: Node }): void {
    const node = cap.node;
    if (cur !== null && node.startIndex >= cur.end) cur = null;
    switch (cap.name) {
      case 'definition.function':
        addFunction(node);
        break;
      case 'definition.macro':
        addMacro(node);
        break;
      case 'definition.struct': {
        const nameNode = node.childForFieldName('name');
        if (nameNode !== null) addStruct(node, nameNode, node);
        break;
      }
      case 'definition.typedef_struct': {
        const t = node.childForFieldName('type');
        const nameNode = declName(node.childForFieldName('declarator'));
        if (t !== null && nameNode !== null) addStruct(node, nameNode, t);
        break;
      }
      case 'declaration.param':
        if (cur !== null) recordDeclarators(node, cur.locals);
        break;
      case 'declaration.var': {
        const tag = recordDeclarators(node, cur === null ? globals : cur.locals);
        if (tag !== null) addOpsTable(node, tag);
        break;
      }
      case 'reference.call':
        addCall(node);
        break;
      case 'reference.field':
        addField(node);
        break;
      case 'write':
        writeIds.add(node.id);
        break;
      case 'reference.value':
        addRef(node);
        break;
      case 'error':
        errors++;
        if (firstErrorLine < 0) firstErrorLine = node.startPosition.row + 1;
        if (chunkErrorRow < 0) chunkErrorRow = node.startPosition.row;
        break;
      default:
        break;
    }
  }
  if (errors > 0) {
    facts.problems.push(
      `partial parse: ${errors} syntax error region${errors === 1 ? '' : 's'} (first at line ${firstErrorLine})`,
    );
  }
}
