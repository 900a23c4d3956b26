// Kernel (and passt) macro idioms, in one table read by the pre-pass (src/parse/preprocess.ts)
// and by the extractor (src/index/extract.ts). grammars/queries/facts.scm names no macro: the
// query matches C syntax, and the extractor tells the macros apart by this table.

/**
 * How a call treats the fields handed to it, by argument position. A field passed by address
 * (`&sk->sk_rmem_alloc`) is marked a write by facts.scm, because the callee may store through
 * the pointer; for the accessors of this table the name tells whether it does.
 */
export interface AccessRule {
  /** Argument positions whose field is written; a `&x->f` anywhere else is only read. */
  readonly writes: readonly number[];
  /**
   * The written arguments are lvalues (`WRITE_ONCE(sk->f, v)`), so a plain `x->f` there is
   * written; otherwise they are pointers, and a plain `x->f` there is a pointer field that is
   * only read (`atomic_long_add(n, sk->sk_prot->memory_allocated)` writes the counter, not
   * `memory_allocated`).
   */
  readonly lvalue?: boolean;
}

const READS: AccessRule = { writes: [] };
const WRITES_ARG0: AccessRule = { writes: [0] };
const WRITES_ARG1: AccessRule = { writes: [1] };

/**
 * One kernel macro (or helper) and what SKLens does with it. `name` is the exact name, or a
 * name shape: `prefix*` or `*infix*` (loop heads and typeFromArg only).
 *
 * Pre-pass kinds (at most one per name; see src/parse/preprocess.ts for the rewrites):
 *   annotation      the word is blanked (`__init`, `__rcu`); `inline` marks the function inline
 *   annotationCall  the word and its `( ... )` are blanked (`__releases(x)`)
 *   statement       `NAME( ... );` is blanked (`EXPORT_SYMBOL(x);`), unless it is a call in code
 *   definer         `SYSCALL_DEFINEn(name, t, a, ...)` becomes the declarator `NAME(name)(t a, ...)`,
 *                   and the extractor records the definition as a `defines` kind of function
 *   perCpu          `DEFINE_PER_CPU(type, name)` becomes `type name`
 *   structGroup     `struct_group(name, members...)` becomes the members
 *   typeArg         the `struct`/`union` keywords among the arguments are blanked
 *   loop            `NAME(args) {` (or `NAME(args) stmt`) in a body becomes `while (args) {`
 * Extractor kinds:
 *   typeFromArg     the value is of the type named by the second argument
 *   indirectCall    a call through a pointer with `candidates` direct candidates after it
 *   castHelper      the value is a pointer to struct `returns`
 *   accessor        reads or writes the fields handed to it as `rule` says
 */
export type MacroRow =
  | { readonly name: string; readonly kind: 'annotation'; readonly inline?: true }
  | { readonly name: string; readonly kind: 'annotationCall' | 'statement' | 'perCpu' | 'typeArg' }
  | { readonly name: string; readonly kind: 'definer'; readonly defines: 'syscall' | 'bpf_call' }
  | { readonly name: string; readonly kind: 'structGroup'; readonly skipArgs: 0 | 1 }
  | { readonly name: string; readonly kind: 'loop' | 'typeFromArg' }
  | {
      readonly name: string;
      readonly kind: 'indirectCall';
      readonly candidates: number;
      readonly ipv4Last: boolean;
    }
  | { readonly name: string; readonly kind: 'castHelper'; readonly returns: string }
  | { readonly name: string; readonly kind: 'accessor'; readonly rule: AccessRule };

export type PrePassRow = Extract<
  MacroRow,
  {
    kind:
      | 'annotation'
      | 'annotationCall'
      | 'statement'
      | 'definer'
      | 'perCpu'
      | 'structGroup'
      | 'typeArg';
  }
>;

/** `PREFIX0` ... `PREFIXmax`. */
function numbered(prefix: string, max: number): string[] {
  return Array.from({ length: max + 1 }, (_, n) => `${prefix}${n}`);
}

/**
 * The kernel macro idioms. To teach SKLens a new macro, add its row here (with the kind that
 * says what it does: see MacroRow) and a fixture in test/fixtures/ that uses it, a small C
 * file in kernel style naming the idiom in a comment at its top, with caret expectations of
 * the facts it should give (test/unit/extract.test.ts runs every fixture). Nothing else lists
 * macro names: the pre-pass and the extractor build their lookups from these rows
 * (macroIndex), and test/unit/kernelMacros.test.ts checks that no other file names one.
 */
export const KERNEL_MACROS: MacroRow[] = [
  // Annotations: the word alone is blanked by the pre-pass (`__init`, `__rcu`, `noinline`).
  // `inline: true`: the word makes a definition inline (FunctionDef.isInline).
  { name: '__init', kind: 'annotation' },
  { name: '__exit', kind: 'annotation' },
  { name: '__net_init', kind: 'annotation' },
  { name: '__net_exit', kind: 'annotation' },
  { name: '__net_initdata', kind: 'annotation' },
  { name: '__net_initconst', kind: 'annotation' },
  { name: '__initconst_or_module', kind: 'annotation' },
  { name: '__initdata', kind: 'annotation' },
  { name: '__initconst', kind: 'annotation' },
  { name: '__exitdata', kind: 'annotation' },
  { name: '__init_or_module', kind: 'annotation' },
  { name: '__meminit', kind: 'annotation' },
  { name: '__ref', kind: 'annotation' },
  { name: '__refdata', kind: 'annotation' },
  { name: '__cold', kind: 'annotation' },
  { name: '__hot', kind: 'annotation' },
  { name: 'noinline', kind: 'annotation' },
  { name: 'noinline_for_stack', kind: 'annotation' },
  { name: '__noinline', kind: 'annotation' },
  { name: '__always_inline', kind: 'annotation', inline: true },
  { name: '__inline', kind: 'annotation', inline: true },
  { name: '__inline__', kind: 'annotation', inline: true },
  { name: '__read_mostly', kind: 'annotation' },
  { name: '__ro_after_init', kind: 'annotation' },
  { name: '__rcu', kind: 'annotation' },
  { name: '__user', kind: 'annotation' },
  { name: '__kernel', kind: 'annotation' },
  { name: '__percpu', kind: 'annotation' },
  { name: '__iomem', kind: 'annotation' },
  { name: '__force', kind: 'annotation' },
  { name: '__bitwise', kind: 'annotation' },
  { name: '__maybe_unused', kind: 'annotation' },
  { name: '__always_unused', kind: 'annotation' },
  { name: '__must_check', kind: 'annotation' },
  { name: '__used', kind: 'annotation' },
  { name: '__weak', kind: 'annotation' },
  { name: '__pure', kind: 'annotation' },
  { name: '__packed', kind: 'annotation' },
  { name: '__noreturn', kind: 'annotation' },
  { name: '__visible', kind: 'annotation' },
  { name: '__sched', kind: 'annotation' },
  { name: '__latent_entropy', kind: 'annotation' },
  { name: '__randomize_layout', kind: 'annotation' },
  { name: '__no_randomize_layout', kind: 'annotation' },
  { name: '__cacheline_aligned', kind: 'annotation' },
  { name: '__cacheline_aligned_in_smp', kind: 'annotation' },
  { name: '____cacheline_aligned', kind: 'annotation' },
  { name: '____cacheline_aligned_in_smp', kind: 'annotation' },
  { name: '____cacheline_internodealigned_in_smp', kind: 'annotation' },
  { name: '__cacheline_group_begin', kind: 'annotation' },
  { name: '__nocast', kind: 'annotation' },
  { name: '__safe', kind: 'annotation' },
  { name: '__kprobes', kind: 'annotation' },
  { name: '__nocfi', kind: 'annotation' },
  { name: '__no_kcsan', kind: 'annotation' },
  { name: '__no_sanitize_address', kind: 'annotation' },
  { name: 'noinstr', kind: 'annotation' },
  { name: 'notrace', kind: 'annotation' },
  { name: 'asmlinkage', kind: 'annotation' },
  { name: '__bpf_kfunc', kind: 'annotation' },
  { name: '__bpf_helper', kind: 'annotation' },
  { name: '__printf_like', kind: 'annotation' },
  { name: '__ksym', kind: 'annotation' },
  { name: '__weak_alias', kind: 'annotation' },
  { name: 'INDIRECT_CALLABLE_SCOPE', kind: 'annotation' },
  { name: '__restrict', kind: 'annotation' },
  { name: '__restrict__', kind: 'annotation' },
  { name: '__extension__', kind: 'annotation' },
  { name: '__signed__', kind: 'annotation' },
  { name: '__volatile__', kind: 'annotation' },
  { name: '__const', kind: 'annotation' },
  // Annotation calls: the word and its `( ... )` are blanked (`__releases(x)`, `__aligned(8)`).
  { name: '__releases', kind: 'annotationCall' },
  { name: '__acquires', kind: 'annotationCall' },
  { name: '__must_hold', kind: 'annotationCall' },
  { name: '__cond_acquires', kind: 'annotationCall' },
  { name: '__cond_releases', kind: 'annotationCall' },
  { name: '__aligned', kind: 'annotationCall' },
  { name: '__attribute__', kind: 'annotationCall' },
  { name: '__attribute', kind: 'annotationCall' },
  { name: '__printf', kind: 'annotationCall' },
  { name: '__scanf', kind: 'annotationCall' },
  { name: '__section', kind: 'annotationCall' },
  { name: '__alias', kind: 'annotationCall' },
  { name: '__counted_by', kind: 'annotationCall' },
  { name: '__guarded_by', kind: 'annotationCall' },
  { name: '__pt_guarded_by', kind: 'annotationCall' },
  { name: '__nonstring', kind: 'annotationCall' },
  { name: '__malloc', kind: 'annotationCall' },
  { name: '__diag_ignore', kind: 'annotationCall' },
  { name: '__diag_ignore_all', kind: 'annotationCall' },
  { name: '__assume_aligned', kind: 'annotationCall' },
  { name: '__alloc_size', kind: 'annotationCall' },
  { name: '__deprecated', kind: 'annotationCall' },
  { name: '__asm__', kind: 'annotationCall' },
  { name: '__cacheline_group_end', kind: 'annotationCall' },
  { name: 'NOLINTNEXTLINE', kind: 'annotationCall' },
  // File-scope statements: `NAME(...);` is blanked (`EXPORT_SYMBOL(tcp_x);`).
  { name: 'EXPORT_SYMBOL', kind: 'statement' },
  { name: 'EXPORT_SYMBOL_GPL', kind: 'statement' },
  { name: 'EXPORT_SYMBOL_NS', kind: 'statement' },
  { name: 'EXPORT_SYMBOL_NS_GPL', kind: 'statement' },
  { name: 'EXPORT_INDIRECT_CALLABLE', kind: 'statement' },
  { name: 'EXPORT_PER_CPU_SYMBOL', kind: 'statement' },
  { name: 'EXPORT_PER_CPU_SYMBOL_GPL', kind: 'statement' },
  { name: 'EXPORT_TRACEPOINT_SYMBOL', kind: 'statement' },
  { name: 'EXPORT_TRACEPOINT_SYMBOL_GPL', kind: 'statement' },
  { name: 'MODULE_LICENSE', kind: 'statement' },
  { name: 'MODULE_AUTHOR', kind: 'statement' },
  { name: 'MODULE_DESCRIPTION', kind: 'statement' },
  { name: 'MODULE_ALIAS', kind: 'statement' },
  { name: 'MODULE_ALIAS_NETPROTO', kind: 'statement' },
  { name: 'MODULE_ALIAS_NET_PF_PROTO', kind: 'statement' },
  { name: 'MODULE_ALIAS_NET_PF_PROTO_TYPE', kind: 'statement' },
  { name: 'MODULE_ALIAS_NFNL_SUBSYS', kind: 'statement' },
  { name: 'MODULE_ALIAS_RTNL_LINK', kind: 'statement' },
  { name: 'MODULE_ALIAS_CRYPTO', kind: 'statement' },
  { name: 'MODULE_ALIAS_GENL_FAMILY', kind: 'statement' },
  { name: 'MODULE_SOFTDEP', kind: 'statement' },
  { name: 'MODULE_PARM_DESC', kind: 'statement' },
  { name: 'MODULE_VERSION', kind: 'statement' },
  { name: 'MODULE_DEVICE_TABLE', kind: 'statement' },
  { name: 'MODULE_FIRMWARE', kind: 'statement' },
  { name: 'MODULE_IMPORT_NS', kind: 'statement' },
  { name: 'module_param', kind: 'statement' },
  { name: 'module_param_named', kind: 'statement' },
  { name: 'module_param_array', kind: 'statement' },
  { name: 'module_param_string', kind: 'statement' },
  { name: 'module_param_call', kind: 'statement' },
  { name: 'module_init', kind: 'statement' },
  { name: 'module_exit', kind: 'statement' },
  { name: 'late_initcall', kind: 'statement' },
  { name: 'late_initcall_sync', kind: 'statement' },
  { name: 'fs_initcall', kind: 'statement' },
  { name: 'subsys_initcall', kind: 'statement' },
  { name: 'core_initcall', kind: 'statement' },
  { name: 'device_initcall', kind: 'statement' },
  { name: 'pure_initcall', kind: 'statement' },
  { name: 'postcore_initcall', kind: 'statement' },
  { name: 'arch_initcall', kind: 'statement' },
  { name: 'rootfs_initcall', kind: 'statement' },
  { name: '__initcall', kind: 'statement' },
  { name: 'ALLOW_ERROR_INJECTION', kind: 'statement' },
  { name: 'BTF_ID_LIST', kind: 'statement' },
  { name: 'BTF_ID_LIST_SINGLE', kind: 'statement' },
  { name: 'BTF_ID_LIST_GLOBAL', kind: 'statement' },
  { name: 'BTF_ID_LIST_GLOBAL_SINGLE', kind: 'statement' },
  { name: 'BTF_SET_START', kind: 'statement' },
  { name: 'BTF_SET_END', kind: 'statement' },
  { name: 'BTF_SET8_START', kind: 'statement' },
  { name: 'BTF_SET8_END', kind: 'statement' },
  { name: 'BTF_ID', kind: 'statement' },
  { name: 'BTF_ID_FLAGS', kind: 'statement' },
  { name: 'BTF_ID_UNUSED', kind: 'statement' },
  { name: 'BTF_TYPE_EMIT', kind: 'statement' },
  { name: 'NOKPROBE_SYMBOL', kind: 'statement' },
  { name: 'static_assert', kind: 'statement' },
  { name: 'BUILD_BUG_ON_INVALID', kind: 'statement' },
  // Definers of a function with typed parameter pairs (include/linux/syscalls.h,
  // include/linux/filter.h): `SYSCALL_DEFINE2(listen, int, fd, int, backlog)`.
  ...numbered('SYSCALL_DEFINE', 6).map(
    (name) => ({ name, kind: 'definer', defines: 'syscall' }) as const,
  ),
  ...numbered('COMPAT_SYSCALL_DEFINE', 6).map(
    (name) => ({ name, kind: 'definer', defines: 'syscall' }) as const,
  ),
  ...numbered('BPF_CALL_', 6).map(
    (name) => ({ name, kind: 'definer', defines: 'bpf_call' }) as const,
  ),
  // Per-CPU variables: `DEFINE_PER_CPU(type, name)` reads as `type name` (include/linux/percpu-defs.h).
  { name: 'DEFINE_PER_CPU', kind: 'perCpu' },
  { name: 'DECLARE_PER_CPU', kind: 'perCpu' },
  { name: 'DEFINE_PER_CPU_ALIGNED', kind: 'perCpu' },
  { name: 'DECLARE_PER_CPU_ALIGNED', kind: 'perCpu' },
  { name: 'DEFINE_PER_CPU_SHARED_ALIGNED', kind: 'perCpu' },
  { name: 'DECLARE_PER_CPU_SHARED_ALIGNED', kind: 'perCpu' },
  { name: 'DEFINE_PER_CPU_READ_MOSTLY', kind: 'perCpu' },
  { name: 'DECLARE_PER_CPU_READ_MOSTLY', kind: 'perCpu' },
  { name: 'DEFINE_PER_CPU_PAGE_ALIGNED', kind: 'perCpu' },
  { name: 'DEFINE_PER_CPU_FIRST', kind: 'perCpu' },
  // Struct groups: the members inline, after `skipArgs` leading arguments besides the name
  // (include/linux/stddef.h).
  { name: 'struct_group', kind: 'structGroup', skipArgs: 0 },
  { name: '__struct_group', kind: 'structGroup', skipArgs: 1 },
  { name: 'struct_group_tagged', kind: 'structGroup', skipArgs: 1 },
  { name: 'struct_group_attr', kind: 'structGroup', skipArgs: 1 },
  // Macros with a type among their arguments: its `struct`/`union` keyword is blanked
  // (`container_of(p, struct sock, m)`).
  { name: 'container_of', kind: 'typeArg' },
  { name: 'container_of_const', kind: 'typeArg' },
  { name: 'list_entry', kind: 'typeArg' },
  { name: 'list_first_entry', kind: 'typeArg' },
  { name: 'list_last_entry', kind: 'typeArg' },
  { name: 'list_first_entry_or_null', kind: 'typeArg' },
  { name: 'list_last_entry_or_null', kind: 'typeArg' },
  { name: 'hlist_entry', kind: 'typeArg' },
  { name: 'hlist_entry_safe', kind: 'typeArg' },
  { name: 'hlist_nulls_entry', kind: 'typeArg' },
  { name: 'llist_entry', kind: 'typeArg' },
  { name: 'rb_entry', kind: 'typeArg' },
  { name: 'rb_entry_safe', kind: 'typeArg' },
  { name: 'sizeof_field', kind: 'typeArg' },
  { name: 'offsetofend', kind: 'typeArg' },
  { name: 'typeof_member', kind: 'typeArg' },
  { name: 'skb_list_entry', kind: 'typeArg' },
  { name: 'list_entry_rcu', kind: 'typeArg' },
  { name: 'list_first_or_null_rcu', kind: 'typeArg' },
  { name: 'list_next_or_null_rcu', kind: 'typeArg' },
  { name: 'hlist_entry_rcu', kind: 'typeArg' },
  { name: 'struct_size_t', kind: 'typeArg' },
  { name: 'kmem_cache_create_usercopy', kind: 'typeArg' },
  { name: 'KMEM_CACHE', kind: 'typeArg' },
  { name: 'FIELD_SIZEOF', kind: 'typeArg' },
  // Loop heads, by name shape: `list_for_each_entry(pos, head, member) {` reads as a `while`.
  { name: '*for_each*', kind: 'loop' },
  { name: 'skb_queue_walk*', kind: 'loop' },
  { name: 'skb_rbtree_walk*', kind: 'loop' },
  { name: 'skb_walk_frags', kind: 'loop' },
  { name: 'nla_for_each*', kind: 'loop' },
  { name: 'nlmsg_for_each*', kind: 'loop' },
  { name: 'rbtree_postorder_for_each*', kind: 'loop' },
  { name: 'foreach', kind: 'loop' },
  { name: 'xa_for_each*', kind: 'loop' },
  { name: 'radix_tree_for_each*', kind: 'loop' },
  { name: 'llist_for_each*', kind: 'loop' },
  // Values of the type named by their second argument, by name shape:
  // `container_of(p, sock, member)` once the pre-pass blanked `struct`.
  { name: '*entry*', kind: 'typeFromArg' },
  { name: 'container_of*', kind: 'typeFromArg' },
  // INDIRECT_CALL wrappers (include/linux/indirect_call_wrapper.h): `INDIRECT_CALL_n(f, f1..fn,
  // args)` calls one of n candidates; INDIRECT_CALL_INET(f, f2, f1, args) has the IPv6 and
  // IPv4 ones (both are edges), INDIRECT_CALL_INET_1(f, f1, args) the IPv4 one. `ipv4Last`:
  // the candidates are listed last first (the IPv4 one, kept by every build, comes first).
  { name: 'INDIRECT_CALL_1', kind: 'indirectCall', candidates: 1, ipv4Last: false },
  { name: 'INDIRECT_CALL_2', kind: 'indirectCall', candidates: 2, ipv4Last: false },
  { name: 'INDIRECT_CALL_3', kind: 'indirectCall', candidates: 3, ipv4Last: false },
  { name: 'INDIRECT_CALL_4', kind: 'indirectCall', candidates: 4, ipv4Last: false },
  { name: 'INDIRECT_CALL_INET', kind: 'indirectCall', candidates: 2, ipv4Last: true },
  { name: 'INDIRECT_CALL_INET_1', kind: 'indirectCall', candidates: 1, ipv4Last: true },
  // Cast helpers: `tcp_sk(sk)` is a `struct tcp_sock *` (include/linux/tcp.h, ...).
  { name: 'tcp_sk', kind: 'castHelper', returns: 'tcp_sock' },
  { name: 'inet_sk', kind: 'castHelper', returns: 'inet_sock' },
  { name: 'inet_csk', kind: 'castHelper', returns: 'inet_connection_sock' },
  { name: 'inet_twsk', kind: 'castHelper', returns: 'inet_timewait_sock' },
  { name: 'tcp_twsk', kind: 'castHelper', returns: 'tcp_timewait_sock' },
  { name: 'tcp_rsk', kind: 'castHelper', returns: 'tcp_request_sock' },
  { name: 'inet_rsk', kind: 'castHelper', returns: 'inet_request_sock' },
  { name: 'inet_reqsk', kind: 'castHelper', returns: 'request_sock' },
  { name: 'udp_sk', kind: 'castHelper', returns: 'udp_sock' },
  { name: 'raw_sk', kind: 'castHelper', returns: 'raw_sock' },
  { name: 'inet6_sk', kind: 'castHelper', returns: 'ipv6_pinfo' },
  { name: 'tcp_inet6_sk', kind: 'castHelper', returns: 'ipv6_pinfo' },
  { name: 'mptcp_sk', kind: 'castHelper', returns: 'mptcp_sock' },
  { name: 'mptcp_subflow_ctx', kind: 'castHelper', returns: 'mptcp_subflow_context' },
  { name: 'unix_sk', kind: 'castHelper', returns: 'unix_sock' },
  { name: 'sk_to_full_sk', kind: 'castHelper', returns: 'sock' },
  { name: 'skb_to_full_sk', kind: 'castHelper', returns: 'sock' },
  { name: 'sk_from_file', kind: 'castHelper', returns: 'sock' },
  { name: 'skb_shinfo', kind: 'castHelper', returns: 'skb_shared_info' },
  { name: 'tcp_hdr', kind: 'castHelper', returns: 'tcphdr' },
  { name: 'ip_hdr', kind: 'castHelper', returns: 'iphdr' },
  { name: 'ipv6_hdr', kind: 'castHelper', returns: 'ipv6hdr' },
  { name: 'udp_hdr', kind: 'castHelper', returns: 'udphdr' },
  { name: 'sock_net', kind: 'castHelper', returns: 'net' },
  { name: 'dev_net', kind: 'castHelper', returns: 'net' },
  { name: 'read_pnet', kind: 'castHelper', returns: 'net' },
  { name: 'TCP_SKB_CB', kind: 'castHelper', returns: 'tcp_skb_cb' },
  { name: 'skb_dst', kind: 'castHelper', returns: 'dst_entry' },
  { name: 'sk_dst_get', kind: 'castHelper', returns: 'dst_entry' },
  { name: '__sk_dst_get', kind: 'castHelper', returns: 'dst_entry' },
  { name: 'skb_peek', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'skb_peek_tail', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'tcp_write_queue_head', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'tcp_write_queue_tail', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'tcp_send_head', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'tcp_rtx_queue_head', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'skb_rb_first', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'skb_rb_last', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'skb_rb_next', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'alloc_skb', kind: 'castHelper', returns: 'sk_buff' },
  { name: 'inet_csk_ca', kind: 'castHelper', returns: 'inet_connection_sock' },
  { name: 'sk_user_data', kind: 'castHelper', returns: 'sock' },
  { name: 'tcp_sk_rw', kind: 'castHelper', returns: 'tcp_sock' },
  { name: 'netdev_priv', kind: 'castHelper', returns: 'net_device' },
  { name: 'sk_socket', kind: 'castHelper', returns: 'socket' },
  { name: 'page_address', kind: 'castHelper', returns: 'page' },
  // Accessors named one by one: which arguments they write (AccessRule). The atomic,
  // refcount and bitops families follow the prefix rules of accessRule below.
  { name: 'WRITE_ONCE', kind: 'accessor', rule: { writes: [0], lvalue: true } },
  { name: '__WRITE_ONCE', kind: 'accessor', rule: { writes: [0], lvalue: true } },
  { name: 'smp_store_mb', kind: 'accessor', rule: { writes: [0], lvalue: true } },
  { name: 'smp_store_release', kind: 'accessor', rule: WRITES_ARG0 },
  { name: 'smp_load_acquire', kind: 'accessor', rule: READS },
  { name: 'xchg', kind: 'accessor', rule: WRITES_ARG0 },
  { name: 'cmpxchg', kind: 'accessor', rule: WRITES_ARG0 },
  { name: 'try_cmpxchg', kind: 'accessor', rule: { writes: [0, 1] } },
  { name: 'memset', kind: 'accessor', rule: WRITES_ARG0 },
  { name: 'memzero_explicit', kind: 'accessor', rule: WRITES_ARG0 },
  { name: 'memcpy', kind: 'accessor', rule: WRITES_ARG0 },
  { name: 'memmove', kind: 'accessor', rule: WRITES_ARG0 },
  { name: 'memcmp', kind: 'accessor', rule: READS },
  // A cache hint, even the `w` (for write) form: no store happens.
  { name: 'prefetch', kind: 'accessor', rule: READS },
  { name: 'prefetchw', kind: 'accessor', rule: READS },
  { name: 'kref_read', kind: 'accessor', rule: READS },
  { name: 'u64_stats_read', kind: 'accessor', rule: READS },
  { name: 'read_pnet', kind: 'accessor', rule: READS },
  { name: 'list_empty', kind: 'accessor', rule: READS },
  { name: 'list_empty_careful', kind: 'accessor', rule: READS },
  { name: 'list_is_singular', kind: 'accessor', rule: READS },
  { name: 'list_is_last', kind: 'accessor', rule: READS },
  { name: 'list_first_entry', kind: 'accessor', rule: READS },
  { name: 'list_first_entry_or_null', kind: 'accessor', rule: READS },
  { name: 'list_last_entry', kind: 'accessor', rule: READS },
  { name: 'hlist_empty', kind: 'accessor', rule: READS },
  { name: 'hlist_unhashed', kind: 'accessor', rule: READS },
  { name: 'rb_first', kind: 'accessor', rule: READS },
  { name: 'rb_last', kind: 'accessor', rule: READS },
  { name: 'skb_queue_empty', kind: 'accessor', rule: READS },
  { name: 'skb_queue_empty_lockless', kind: 'accessor', rule: READS },
  { name: 'skb_queue_len', kind: 'accessor', rule: READS },
  { name: 'skb_queue_len_lockless', kind: 'accessor', rule: READS },
  { name: 'skb_peek', kind: 'accessor', rule: READS },
  { name: 'skb_peek_tail', kind: 'accessor', rule: READS },
  { name: 'timer_pending', kind: 'accessor', rule: READS },
  { name: 'delayed_work_pending', kind: 'accessor', rule: READS },
  { name: 'lockdep_is_held', kind: 'accessor', rule: READS },
  { name: 'lockdep_assert_held', kind: 'accessor', rule: READS },
  { name: 'spin_is_locked', kind: 'accessor', rule: READS },
  { name: 'mutex_is_locked', kind: 'accessor', rule: READS },
  { name: 'ipv6_addr_equal', kind: 'accessor', rule: READS },
  { name: 'ipv6_addr_any', kind: 'accessor', rule: READS },
  { name: 'ipv6_addr_type', kind: 'accessor', rule: READS },
  { name: 'ipv6_addr_v4mapped', kind: 'accessor', rule: READS },
  { name: 'ipv6_addr_loopback', kind: 'accessor', rule: READS },
  { name: 'ipv6_prefix_equal', kind: 'accessor', rule: READS },
  { name: 'percpu_counter_read', kind: 'accessor', rule: READS },
  { name: 'percpu_counter_read_positive', kind: 'accessor', rule: READS },
  { name: 'percpu_counter_sum', kind: 'accessor', rule: READS },
  { name: 'percpu_counter_sum_positive', kind: 'accessor', rule: READS },
  { name: 'test_bit', kind: 'accessor', rule: READS },
  { name: 'test_bit_acquire', kind: 'accessor', rule: READS },
  { name: 'find_first_bit', kind: 'accessor', rule: READS },
  { name: 'find_next_bit', kind: 'accessor', rule: READS },
  { name: 'find_first_zero_bit', kind: 'accessor', rule: READS },
  { name: 'find_next_zero_bit', kind: 'accessor', rule: READS },
  { name: 'bitmap_empty', kind: 'accessor', rule: READS },
  { name: 'bitmap_weight', kind: 'accessor', rule: READS },
];

/** Whether `name` has the shape `pattern` (`prefix*`, `*infix*`, or an exact name). */
function shapeMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('*') && pattern.endsWith('*')) return name.includes(pattern.slice(1, -1));
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

/** The lookups the pre-pass and the extractor make, built from the rows. */
export interface MacroIndex {
  /** Exact names of the pre-pass kinds. */
  readonly prePass: ReadonlyMap<string, PrePassRow>;
  isLoop(name: string): boolean;
  isTypeFromArg(name: string): boolean;
  readonly definers: ReadonlyMap<string, 'syscall' | 'bpf_call'>;
  readonly indirectCalls: ReadonlyMap<string, Extract<MacroRow, { kind: 'indirectCall' }>>;
  readonly castHelpers: ReadonlyMap<string, string>;
  readonly accessors: ReadonlyMap<string, AccessRule>;
  /** Matches a word that makes a definition inline: `inline` itself or an inline annotation. */
  readonly inlineWord: RegExp;
  /** accessRule's answers by name (bounded). */
  readonly ruleMemo: Map<string, AccessRule | null>;
}

/** Builds the lookups of `rows`; a name given two pre-pass kinds is an error. */
export function buildMacroIndex(rows: readonly MacroRow[]): MacroIndex {
  const prePass = new Map<string, PrePassRow>();
  const loops: string[] = [];
  const typeFromArg: string[] = [];
  const definers = new Map<string, 'syscall' | 'bpf_call'>();
  const indirectCalls = new Map<string, Extract<MacroRow, { kind: 'indirectCall' }>>();
  const castHelpers = new Map<string, string>();
  const accessors = new Map<string, AccessRule>();
  const inline = ['inline'];
  for (const r of rows) {
    switch (r.kind) {
      case 'loop':
        loops.push(r.name);
        continue;
      case 'typeFromArg':
        typeFromArg.push(r.name);
        continue;
      case 'indirectCall':
        indirectCalls.set(r.name, r);
        continue;
      case 'castHelper':
        castHelpers.set(r.name, r.returns);
        continue;
      case 'accessor':
        accessors.set(r.name, r.rule);
        continue;
      case 'definer':
        definers.set(r.name, r.defines);
        break;
      case 'annotation':
        if (r.inline === true) inline.push(r.name);
        break;
      default:
        break;
    }
    const had = prePass.get(r.name);
    if (had !== undefined) {
      throw new Error(`kernel macro ${r.name}: both ${had.kind} and ${r.kind} in the pre-pass`);
    }
    prePass.set(r.name, r);
  }
  return {
    prePass,
    isLoop: (name) => loops.some((p) => shapeMatches(p, name)),
    isTypeFromArg: (name) => typeFromArg.some((p) => shapeMatches(p, name)),
    definers,
    indirectCalls,
    castHelpers,
    accessors,
    inlineWord: new RegExp(`\\b(?:${inline.join('|')})\\b`),
    ruleMemo: new Map(),
  };
}

let current: MacroIndex | undefined;

/** The lookups of KERNEL_MACROS (built on first use). */
export function macroIndex(): MacroIndex {
  return (current ??= buildMacroIndex(KERNEL_MACROS));
}

/** Rebuilds macroIndex() after KERNEL_MACROS changed (tests that add a row). */
export function reloadMacroIndex(): void {
  current = undefined;
}

/** include/linux/atomic/atomic-instrumented.h, atomic-long.h, include/linux/refcount.h. */
const ATOMIC_RE = /^(?:atomic64|atomic_long|atomic|refcount)_(\w+)$/;
/** The operations of those families (with `_return`, `_and_test`, `_relaxed`... suffixes). */
const ATOMIC_OP_RE =
  /^(?:fetch_)?(?:read|cond_read|set|inc|dec|add|sub|and|or|xor|andnot|xchg|cmpxchg|try_cmpxchg)(?:_|$)/;
/** Operations that take the operand first and the counter second: `atomic_add(i, v)`. */
const OPERAND_FIRST_RE = /^(?:fetch_)?(?:add|sub|and|or|xor|andnot)(?:_|$)/;
/** include/asm-generic/bitops: `set_bit(nr, addr)`, `test_and_clear_bit(nr, addr)`, ... */
const BITOP_WRITE_RE = /^(?:__)?(?:test_and_)?(?:set|clear|change)_bit(?:_lock|_unlock)?$/;

/**
 * The access rule of a call by its name, or null for a function the extractor knows nothing
 * about. Accessor rows first; then the atomic families (`atomic_`, `atomic64_`, `atomic_long_`,
 * `refcount_`): `read*` only reads; `add/sub/and/or/xor/andnot` and their `fetch_`, `_return`,
 * `_and_test`, `_negative` forms write their second argument, except `add_unless` /
 * `fetch_add_unless` (counter first); `try_cmpxchg` also writes the expected value it is
 * handed; `set`, `inc`, `dec`, `xchg`, `cmpxchg`, `inc_not_zero`, `dec_and_test`... write their
 * first. Names of those families that are not such an operation (`atomic_notifier_call_chain`)
 * or that also take a lock (`refcount_dec_and_lock(r, &lock)`) stay unknown. Bit operations
 * other than `test_bit` write their second argument (the bitmap).
 */
export function accessRule(name: string, index: MacroIndex = macroIndex()): AccessRule | null {
  const memo = index.ruleMemo.get(name);
  if (memo !== undefined) return memo;
  let rule: AccessRule | null = index.accessors.get(name) ?? null;
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
  if (index.ruleMemo.size < 4096) index.ruleMemo.set(name, rule);
  return rule;
}
