// The one list of what makes a function "memory-related" for TCP: the socket fields, globals,
// sysctls and helpers through which the kernel accounts and limits socket buffer memory.
// Used by the call graph (marking, memory-only filter), the memory map and the panel.
// Kernel references: include/net/sock.h (sk_mem_* helpers, struct sock fields),
// net/core/sock.c: __sk_mem_raise_allocated, net/ipv4/tcp.c (tcp_memory_allocated, sysctl_tcp_mem),
// include/net/netns/ipv4.h (per-netns sysctl_tcp_wmem / sysctl_tcp_rmem).

export type MemorySymbolKind = 'field' | 'global' | 'sysctl' | 'helper';

export interface MemorySymbol {
  name: string;
  kind: MemorySymbolKind;
  /** One line: what it is, for the memory map and hovers on graph nodes. */
  note: string;
}

export const MEMORY_SYMBOLS: readonly MemorySymbol[] = [
  // struct sock fields (bytes)
  {
    name: 'sk_wmem_queued',
    kind: 'field',
    note: 'bytes queued in the write queue (charged to the socket)',
  },
  {
    name: 'sk_forward_alloc',
    kind: 'field',
    note: 'bytes pre-charged to the socket and not yet used',
  },
  { name: 'sk_sndbuf', kind: 'field', note: 'send buffer limit in bytes' },
  { name: 'sk_rcvbuf', kind: 'field', note: 'receive buffer limit in bytes' },
  { name: 'sk_rmem_alloc', kind: 'field', note: 'bytes of skb truesize owned by the receive side' },
  {
    name: 'sk_wmem_alloc',
    kind: 'field',
    note: 'bytes of skb truesize owned by the send side (in flight to the device)',
  },
  {
    name: 'sk_userlocks',
    kind: 'field',
    note: 'SOCK_SNDBUF_LOCK / SOCK_RCVBUF_LOCK: buffer sizes set by the user',
  },
  {
    name: 'memory_allocated',
    kind: 'field',
    note: 'struct proto: pointer to the protocol-wide page counter',
  },
  {
    name: 'memory_pressure',
    kind: 'field',
    note: 'struct proto: pointer to the protocol memory-pressure flag',
  },
  {
    name: 'window_clamp',
    kind: 'field',
    note: 'tcp_sock: upper bound of the advertised window (bytes)',
  },
  {
    name: 'rcv_ssthresh',
    kind: 'field',
    note: 'tcp_sock: current receive-window growth bound (bytes)',
  },
  // globals (pages)
  { name: 'tcp_memory_allocated', kind: 'global', note: 'pages charged by all TCP sockets' },
  {
    name: 'tcp_memory_pressure',
    kind: 'global',
    note: 'TCP memory-pressure flag (timestamp when entered)',
  },
  { name: 'tcp_sockets_allocated', kind: 'global', note: 'number of TCP sockets (percpu counter)' },
  {
    name: 'tcp_memory_per_cpu_fw_alloc',
    kind: 'global',
    note: 'per-CPU reserve of pages before tcp_memory_allocated is touched',
  },
  // sysctls
  { name: 'sysctl_tcp_mem', kind: 'sysctl', note: 'net.ipv4.tcp_mem: min/pressure/max in pages' },
  {
    name: 'sysctl_tcp_wmem',
    kind: 'sysctl',
    note: 'net.ipv4.tcp_wmem: min/default/max send buffer in bytes (per netns)',
  },
  {
    name: 'sysctl_tcp_rmem',
    kind: 'sysctl',
    note: 'net.ipv4.tcp_rmem: min/default/max receive buffer in bytes (per netns)',
  },
  {
    name: 'sysctl_mem',
    kind: 'sysctl',
    note: 'struct proto: pointer to the protocol mem sysctl (tcp_mem for TCP)',
  },
  { name: 'sysctl_wmem', kind: 'sysctl', note: 'struct proto: fallback send-buffer sysctl' },
  { name: 'sysctl_rmem', kind: 'sysctl', note: 'struct proto: fallback receive-buffer sysctl' },
  {
    name: 'sysctl_wmem_offset',
    kind: 'sysctl',
    note: 'struct proto: offset of the per-netns wmem sysctl',
  },
  {
    name: 'sysctl_rmem_offset',
    kind: 'sysctl',
    note: 'struct proto: offset of the per-netns rmem sysctl',
  },
  {
    name: 'sysctl_tcp_moderate_rcvbuf',
    kind: 'sysctl',
    note: 'net.ipv4.tcp_moderate_rcvbuf: receive-buffer autotuning switch',
  },
  {
    name: 'sysctl_tcp_adv_win_scale',
    kind: 'sysctl',
    note: 'net.ipv4.tcp_adv_win_scale: buffer share kept as overhead',
  },
  { name: 'sysctl_wmem_max', kind: 'sysctl', note: 'net.core.wmem_max: SO_SNDBUF limit in bytes' },
  { name: 'sysctl_rmem_max', kind: 'sysctl', note: 'net.core.rmem_max: SO_RCVBUF limit in bytes' },
  { name: 'sysctl_wmem_default', kind: 'sysctl', note: 'net.core.wmem_default in bytes' },
  { name: 'sysctl_rmem_default', kind: 'sysctl', note: 'net.core.rmem_default in bytes' },
  // helpers (calling one of these makes the caller memory-related)
  { name: 'sk_mem_charge', kind: 'helper', note: 'take bytes from sk_forward_alloc' },
  { name: 'sk_mem_uncharge', kind: 'helper', note: 'return bytes to sk_forward_alloc' },
  {
    name: 'sk_mem_reclaim',
    kind: 'helper',
    note: 'give whole pages of sk_forward_alloc back to the protocol',
  },
  { name: 'sk_mem_reclaim_partial', kind: 'helper', note: 'reclaim, keeping one page' },
  { name: '__sk_mem_reclaim', kind: 'helper', note: 'give pages back to the protocol counter' },
  {
    name: '__sk_mem_reduce_allocated',
    kind: 'helper',
    note: 'subtract pages from memory_allocated',
  },
  {
    name: 'sk_mem_schedule',
    kind: 'helper',
    note: 'make sure bytes are available in sk_forward_alloc',
  },
  { name: '__sk_mem_schedule', kind: 'helper', note: 'charge pages to the protocol, or fail' },
  {
    name: '__sk_mem_raise_allocated',
    kind: 'helper',
    note: 'add pages to memory_allocated and apply tcp_mem limits',
  },
  { name: 'sk_wmem_schedule', kind: 'helper', note: 'schedule send-side bytes' },
  { name: 'sk_rmem_schedule', kind: 'helper', note: 'schedule receive-side bytes' },
  { name: 'sk_forward_alloc_add', kind: 'helper', note: 'adjust sk_forward_alloc' },
  { name: 'sk_memory_allocated', kind: 'helper', note: 'read the protocol page counter' },
  { name: 'sk_memory_allocated_add', kind: 'helper', note: 'add pages (per-CPU batched)' },
  { name: 'sk_memory_allocated_sub', kind: 'helper', note: 'subtract pages (per-CPU batched)' },
  {
    name: 'sk_under_memory_pressure',
    kind: 'helper',
    note: 'is the protocol under memory pressure',
  },
  { name: 'sk_enter_memory_pressure', kind: 'helper', note: 'enter protocol memory pressure' },
  { name: 'sk_leave_memory_pressure', kind: 'helper', note: 'leave protocol memory pressure' },
  { name: 'tcp_under_memory_pressure', kind: 'helper', note: 'TCP memory pressure test' },
  { name: 'tcp_enter_memory_pressure', kind: 'helper', note: 'TCP enters memory pressure' },
  { name: 'tcp_leave_memory_pressure', kind: 'helper', note: 'TCP leaves memory pressure' },
  {
    name: 'sk_stream_moderate_sndbuf',
    kind: 'helper',
    note: 'shrink sk_sndbuf to what is queued under pressure',
  },
  {
    name: 'sk_stream_memory_free',
    kind: 'helper',
    note: 'is there send-buffer room (sk_wmem_queued < sk_sndbuf)',
  },
  { name: 'sk_stream_wspace', kind: 'helper', note: 'free send-buffer bytes' },
  { name: 'sk_wmem_alloc_get', kind: 'helper', note: 'read sk_wmem_alloc' },
  { name: 'sk_rmem_alloc_get', kind: 'helper', note: 'read sk_rmem_alloc' },
  { name: 'sk_wmem_queued_add', kind: 'helper', note: 'adjust sk_wmem_queued' },
  { name: 'skb_set_owner_r', kind: 'helper', note: 'charge an skb to the receive side' },
  { name: 'skb_set_owner_w', kind: 'helper', note: 'charge an skb to the send side' },
  { name: 'sk_wmem_free_skb', kind: 'helper', note: 'uncharge and free a queued skb' },
  { name: 'tcp_sndbuf_expand', kind: 'helper', note: 'grow sk_sndbuf from cwnd and mss' },
  { name: 'tcp_space', kind: 'helper', note: 'receive space left, scaled by tcp_adv_win_scale' },
  { name: 'tcp_full_space', kind: 'helper', note: 'receive buffer usable for the window' },
  { name: 'tcp_win_from_space', kind: 'helper', note: 'bytes of window from bytes of buffer' },
  { name: 'tcp_rmem_pressure', kind: 'helper', note: 'receive memory close to sk_rcvbuf' },
  { name: 'tcp_adjust_rcv_ssthresh', kind: 'helper', note: 'cap rcv_ssthresh under pressure' },
  {
    name: 'sk_stream_alloc_skb',
    kind: 'helper',
    note: '(older kernels) charged skb allocation for the write queue',
  },
  {
    name: 'tcp_stream_alloc_skb',
    kind: 'helper',
    note: 'charged skb allocation for the write queue',
  },
];

const BY_NAME = new Map(MEMORY_SYMBOLS.map((s) => [s.name, s]));

export function memorySymbol(name: string): MemorySymbol | undefined {
  return BY_NAME.get(name);
}

/** Fields and globals whose reads/writes mark a function (not helpers: those are calls). */
export function isMemoryDatum(name: string): boolean {
  const s = BY_NAME.get(name);
  return s !== undefined && s.kind !== 'helper';
}

export function isMemoryHelper(name: string): boolean {
  return BY_NAME.get(name)?.kind === 'helper';
}

/** The sysctl and global names, in list order (the memory map's first section). */
export function memoryControls(): MemorySymbol[] {
  return MEMORY_SYMBOLS.filter((s) => s.kind === 'sysctl' || s.kind === 'global');
}
