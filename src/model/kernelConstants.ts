// Platform presets for the send-path and TSQ models: every constant that depends on the kernel
// version or build configuration lives here as data, never as a literal inside a model.
// Values and their derivation: docs/models.md §1.3 (6.1/x86-64, all three presets), §3.9 (the
// blog's older kernel and 6.18, measured). Shared helpers for SO_SNDBUF/SO_RCVBUF
// (`net/core/sock.c: sk_setsockopt`) and `net/ipv4/tcp_input.c: tcp_sndbuf_expand`.

/** How `sk_mem_uncharge` gives pages back (`include/net/sock.h: sk_mem_reclaim`). */
export type ReclaimRule =
  /** 6.0+: every whole free page goes back at once; forward_alloc keeps < 1 page. */
  | 'eager-pages'
  /** Pre-6.0 TCP: forward_alloc is kept until it reaches 2 MiB, then 1 MiB is returned. */
  | 'lazy-2mib';

export interface KernelPreset {
  id: string;
  label: string;
  /** Where the numbers come from. */
  source: string;
  page_size_bytes: number;
  /** SKB_DATA_ALIGN(sizeof(struct sk_buff)). */
  sk_buff_aligned_bytes: number;
  /** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)). */
  shinfo_aligned_bytes: number;
  /** SKB_TRUESIZE(X) − X = sk_buff + shinfo (both aligned). */
  skb_truesize_overhead_bytes: number;
  /** MAX_TCP_HEADER (include/net/tcp.h). */
  max_tcp_header_bytes: number;
  /**
   * F: truesize of a fresh transmit skb before any payload (`tcp_stream_alloc_skb`).
   * For the older kernel this is the truesize of the linear-head skb (4352 = 4096 + 256).
   */
  skb_overhead_fresh_bytes: number;
  /**
   * Payload bytes a fresh skb holds in its linear head without growing truesize
   * (old `select_size`); 'mss' means mss_cache bytes; 0 on 6.x (all payload in page frags).
   */
  linear_head_payload: 0 | 'mss';
  sock_min_sndbuf_bytes: number;
  sock_min_rcvbuf_bytes: number;
  /** Default net.core.wmem_max / rmem_max (SK_WMEM_MAX = SKB_TRUESIZE(256) · 256). */
  wmem_max_bytes: number;
  rmem_max_bytes: number;
  /** net.ipv4.tcp_wmem defaults [min, default, max] on a machine with enough memory. */
  tcp_wmem_bytes: readonly [number, number, number];
  /** sk_gso_max_size = dev gso_max_size (65536) − (MAX_TCP_HEADER + 1). */
  gso_max_size_eff_bytes: number;
  /** TCP_INIT_CWND. */
  init_cwnd_segs: number;
  /** skb page-frag order-3 page (SKB_FRAG_PAGE_ORDER): 32 KiB. */
  page_frag_bytes: number;
  /** sysctl_max_skb_frags (MAX_SKB_FRAGS = 17). */
  max_skb_frags: number;
  /** ≈6.10+: tcp_write_xmit → tcp_grow_skb pulls the next unsent skb's payload into the head skb. */
  merge_at_xmit: boolean;
  reclaim: ReclaimRule;
}

const COMMON_X86_64 = {
  page_size_bytes: 4096,
  sk_buff_aligned_bytes: 256,
  shinfo_aligned_bytes: 320,
  skb_truesize_overhead_bytes: 576,
  sock_min_sndbuf_bytes: 4608,
  sock_min_rcvbuf_bytes: 2304,
  wmem_max_bytes: 212992,
  rmem_max_bytes: 212992,
  tcp_wmem_bytes: [4096, 16384, 4194304] as const,
  init_cwnd_segs: 10,
  page_frag_bytes: 32768,
  max_skb_frags: 17,
};

export const PRESETS: readonly KernelPreset[] = [
  {
    id: 'linux-6.1-x86_64',
    label: 'Linux 6.1 LTS, x86-64 Debian config (F = 1280)',
    source:
      'docs/models.md §1.3: probe against linux-headers-6.1 (sizeof sk_buff 232 → 256, shinfo 320); net/ipv4/tcp.c: tcp_stream_alloc_skb',
    ...COMMON_X86_64,
    max_tcp_header_bytes: 320,
    // alloc_skb_fclone(MAX_TCP_HEADER): SKB_HEAD_ALIGN(320) = 640 → kmalloc-1024 → end 704 → 704 + 576.
    skb_overhead_fresh_bytes: 1280,
    linear_head_payload: 0,
    gso_max_size_eff_bytes: 65536 - (320 + 1),
    merge_at_xmit: false,
    reclaim: 'eager-pages',
  },
  {
    id: 'linux-3.x-blog',
    label: "The blog's older kernel: linear head skb (truesize 4352), no SG/GSO select_size",
    source:
      'docs/models.md §3.9: sk_stream_alloc_skb(select_size = mss_cache) → slab 4096 → truesize 4096 + 256; first mss bytes in the head',
    ...COMMON_X86_64,
    max_tcp_header_bytes: 320,
    skb_overhead_fresh_bytes: 4352,
    linear_head_payload: 'mss',
    gso_max_size_eff_bytes: 65536 - (320 + 1),
    merge_at_xmit: false,
    reclaim: 'lazy-2mib',
  },
  {
    id: 'linux-6.18',
    label: 'Linux 6.18 x86-64 (F = 832, transmit-time skb merging)',
    source:
      'docs/models.md §3.9, §3.12 [MEASURED on 6.18.44]: w − Send-Q = 832 per skb; tcp_write_xmit → tcp_grow_skb (≈6.10+)',
    ...COMMON_X86_64,
    // 832 = SKB_TRUESIZE(256): the head holds a 256-byte MAX_TCP_HEADER (config without
    // Hyper-V/tunnels) [DERIVED from the measured F].
    max_tcp_header_bytes: 256,
    skb_overhead_fresh_bytes: 832,
    linear_head_payload: 0,
    gso_max_size_eff_bytes: 65536 - (256 + 1),
    merge_at_xmit: true,
    reclaim: 'eager-pages',
  },
];

export const DEFAULT_PRESET_ID = 'linux-6.1-x86_64';

export function findPreset(id: string): KernelPreset | undefined {
  return PRESETS.find((p) => p.id === id);
}

export const INT_MAX = 2 ** 31 - 1;
export const U32_RANGE = 2 ** 32;

/** SOCK_SNDBUF_LOCK / SOCK_RCVBUF_LOCK (include/uapi/linux/socket.h). */
export const SOCK_SNDBUF_LOCK = 1;
export const SOCK_RCVBUF_LOCK = 2;

export type SockBufOption = 'SO_SNDBUF' | 'SO_SNDBUFFORCE' | 'SO_RCVBUF' | 'SO_RCVBUFFORCE';

export interface SockBufResult {
  /** Value getsockopt returns afterwards (sk_sndbuf or sk_rcvbuf); unchanged on EPERM. */
  sk_bytes: number;
  /** Lock bit set by the call (0 on EPERM). */
  lock_bit: number;
  /** 'EPERM' when a *FORCE option is used without CAP_NET_ADMIN. */
  error: '' | 'EPERM';
}

/**
 * `net/core/sock.c: sk_setsockopt` for the four buffer options. `value` is the C int the
 * caller passes (−2^31 … 2^31−1): SO_SNDBUF/SO_RCVBUF compare it as u32 against
 * wmem_max/rmem_max, so −1 becomes the sysctl maximum; the FORCE variants skip the sysctl
 * clamp and turn negatives into 0; all cap at INT_MAX/2, double, and apply the minimum.
 */
export function setsockoptBuf(
  option: SockBufOption,
  value: number,
  sysctl: { wmem_max_bytes: number; rmem_max_bytes: number },
  preset: KernelPreset,
  capNetAdmin: boolean,
  previous_bytes: number,
): SockBufResult {
  const asU32 = value < 0 ? value + U32_RANGE : value;
  const snd = option === 'SO_SNDBUF' || option === 'SO_SNDBUFFORCE';
  const force = option === 'SO_SNDBUFFORCE' || option === 'SO_RCVBUFFORCE';
  if (force && !capNetAdmin) return { sk_bytes: previous_bytes, lock_bit: 0, error: 'EPERM' };
  let v: number;
  if (force) v = Math.max(value, 0);
  else v = Math.min(asU32, snd ? sysctl.wmem_max_bytes : sysctl.rmem_max_bytes);
  v = Math.min(v, Math.floor(INT_MAX / 2));
  const min = snd ? preset.sock_min_sndbuf_bytes : preset.sock_min_rcvbuf_bytes;
  return {
    sk_bytes: Math.max(2 * v, min),
    lock_bit: snd ? SOCK_SNDBUF_LOCK : SOCK_RCVBUF_LOCK,
    error: '',
  };
}

/** Smallest power of two ≥ n (roundup_pow_of_two). */
export function roundupPowOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * `net/ipv4/tcp_input.c: tcp_sndbuf_expand`: the send buffer an unlocked socket grows to,
 * 2 (reno/cubic `sndbuf_expand` default) × max(TCP_INIT_CWND, cwnd, reordering+1) × per_mss,
 * per_mss = roundup_pow_of_two(max(mss_clamp, mss) + MAX_TCP_HEADER + shinfo) + sk_buff.
 * Returns the new sk_sndbuf (never below the current value, capped by tcp_wmem[2]).
 */
export function tcpSndbufExpandBytes(
  preset: KernelPreset,
  current_sndbuf_bytes: number,
  mss_clamp_bytes: number,
  mss_bytes: number,
  cwnd_segs: number,
  tcp_wmem_max_bytes: number,
  reordering_segs = 3,
): number {
  const perMss =
    roundupPowOfTwo(
      Math.max(mss_clamp_bytes, mss_bytes) +
        preset.max_tcp_header_bytes +
        preset.shinfo_aligned_bytes,
    ) + preset.sk_buff_aligned_bytes;
  const nrSegs = Math.max(preset.init_cwnd_segs, cwnd_segs, reordering_segs + 1);
  const sndmem = 2 * nrSegs * perMss;
  if (current_sndbuf_bytes < sndmem) return Math.min(sndmem, tcp_wmem_max_bytes);
  return current_sndbuf_bytes;
}

/** `include/net/tcp.h: tcp_bound_to_half_wnd` (TCP_MSS_DEFAULT 536, tcp header 32 with timestamps). */
export function boundToHalfWindowBytes(
  max_window_bytes: number,
  size_bytes: number,
  tcp_header_bytes = 32,
): number {
  const cutoff = max_window_bytes > 536 ? Math.floor(max_window_bytes / 2) : max_window_bytes;
  if (cutoff && size_bytes > cutoff) return Math.max(cutoff, 68 - tcp_header_bytes);
  return size_bytes;
}

/**
 * Closed form of `net/ipv4/tcp.c: tcp_xmit_size_goal` (docs/models.md §3.5):
 * G = max(mss, floor(min(gso_max_size_eff, half window) / mss) · mss), where
 * `include/net/tcp.h: tcp_bound_to_half_wnd` uses max_window/2 when max_window > 536 (else
 * max_window) and never goes below 68 − tcp header length.
 */
export function sizeGoalBytes(
  gso_max_size_eff_bytes: number,
  max_window_bytes: number,
  mss_bytes: number,
  gso_max_segs = 65535,
  tcp_header_bytes = 32,
): number {
  const bound = boundToHalfWindowBytes(max_window_bytes, gso_max_size_eff_bytes, tcp_header_bytes);
  const segs = Math.min(Math.floor(bound / mss_bytes), gso_max_segs);
  return Math.max(segs * mss_bytes, mss_bytes);
}
