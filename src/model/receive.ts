// TCP receive-side window arithmetic of Linux 6.1 (docs/models.md §9), as pure functions:
//   include/net/tcp.h: tcp_win_from_space, tcp_space, tcp_full_space, tcp_adjust_rcv_ssthresh
//   net/ipv4/tcp_output.c: tcp_select_initial_window, __tcp_select_window, tcp_select_window
//   net/ipv4/tcp_input.c: tcp_init_buffer_space, tcp_grow_window, __tcp_grow_window,
//                         tcp_rcv_space_adjust (DRS), tcp_clamp_window
// All sizes in bytes; C int/u32 semantics (arithmetic shifts on non-negative values).

/** include/net/tcp.h: TCP_MAX_WSCALE. */
export const TCP_MAX_WSCALE = 14;
/** include/net/tcp.h: TCP_INIT_CWND. */
export const TCP_INIT_CWND = 10;
/** include/linux/skbuff.h SKB_TRUESIZE(X) = X + 576 on 6.1/x86-64 (docs/models.md §1.3). */
export const SKB_TRUESIZE_OVERHEAD_BYTES = 576;
/** include/net/tcp.h MAX_TCP_HEADER on the Debian 6.1 amd64 config (docs/models.md §1.3). */
export const MAX_TCP_HEADER_BYTES = 320;

/** include/net/tcp.h: tcp_win_from_space (a = tcp_adv_win_scale, default 1). */
export function winFromSpace(spaceBytes: number, advWinScale = 1): number {
  if (advWinScale <= 0) return Math.floor(spaceBytes / 2 ** -advWinScale);
  return spaceBytes - Math.floor(spaceBytes / 2 ** advWinScale);
}

function ilog2(v: number): number {
  return Math.floor(Math.log2(v));
}

export interface InitialWindowInput {
  /** tcp_full_space(sk) at SYN time. */
  space_bytes: number;
  /** advmss for an active open; advmss − 12 for a passive open with timestamps. */
  mss_bytes: number;
  /** 0 = no clamp (SO_RCVBUF unlocked, no TCP_WINDOW_CLAMP). */
  window_clamp_bytes: number;
  wscale_ok: boolean;
  tcp_rmem_max_bytes: number;
  rmem_max_bytes: number;
  workaround_signed_windows: boolean;
  /** route/BPF init_rcv_wnd in segments, 0 = unset. */
  init_rcv_wnd_segs: number;
}

export interface InitialWindow {
  rcv_wnd_bytes: number;
  window_clamp_bytes: number;
  rcv_wscale: number;
}

/** net/ipv4/tcp_output.c: tcp_select_initial_window. */
export function selectInitialWindow(i: InitialWindowInput): InitialWindow {
  let clamp = i.window_clamp_bytes === 0 ? 65535 * 2 ** TCP_MAX_WSCALE : i.window_clamp_bytes;
  let space = Math.min(clamp, Math.max(0, i.space_bytes));
  if (space > i.mss_bytes) space = Math.floor(space / i.mss_bytes) * i.mss_bytes;
  let rcvWnd = i.workaround_signed_windows ? Math.min(space, 32767) : Math.min(space, 65535);
  if (i.init_rcv_wnd_segs) rcvWnd = Math.min(rcvWnd, i.init_rcv_wnd_segs * i.mss_bytes);
  let wscale = 0;
  if (i.wscale_ok) {
    let s = Math.max(space, i.tcp_rmem_max_bytes);
    s = Math.max(s, i.rmem_max_bytes);
    s = Math.min(s, clamp);
    wscale = Math.min(Math.max(ilog2(s) - 15, 0), TCP_MAX_WSCALE);
  }
  clamp = Math.min(65535 * 2 ** wscale, clamp);
  return { rcv_wnd_bytes: rcvWnd, window_clamp_bytes: clamp, rcv_wscale: wscale };
}

export interface BufferSpace {
  window_clamp_bytes: number;
  rcv_ssthresh_bytes: number;
  rcvq_space_bytes: number;
}

/** net/ipv4/tcp_input.c: tcp_init_buffer_space (receive half; tcp_app_win = 31). */
export function initBufferSpace(
  rcvbufBytes: number,
  advmssBytes: number,
  windowClampBytes: number,
  rcvSsthreshBytes: number,
  rcvWndBytes: number,
  advWinScale = 1,
  tcpAppWin = 31,
): BufferSpace {
  const maxwin = winFromSpace(rcvbufBytes, advWinScale);
  let clamp = windowClampBytes;
  if (clamp >= maxwin) {
    clamp = maxwin;
    if (tcpAppWin && maxwin > 4 * advmssBytes) {
      clamp = Math.max(maxwin - Math.floor(maxwin / 2 ** tcpAppWin), 4 * advmssBytes);
    }
  }
  if (tcpAppWin && clamp > 2 * advmssBytes && clamp + advmssBytes > maxwin) {
    clamp = Math.max(2 * advmssBytes, maxwin - advmssBytes);
  }
  const ssthresh = Math.min(rcvSsthreshBytes, clamp);
  return {
    window_clamp_bytes: clamp,
    rcv_ssthresh_bytes: ssthresh,
    rcvq_space_bytes: Math.min(ssthresh, rcvWndBytes, TCP_INIT_CWND * advmssBytes),
  };
}

/** include/net/tcp.h: tcp_adjust_rcv_ssthresh (no SO_RESERVE_MEM: unused reserved = 0). */
export function adjustRcvSsthresh(
  rcvSsthreshBytes: number,
  advmssBytes: number,
  unusedReservedBytes = 0,
  advWinScale = 1,
): number {
  let r = Math.min(rcvSsthreshBytes, 4 * advmssBytes);
  if (unusedReservedBytes) r = Math.max(r, winFromSpace(unusedReservedBytes, advWinScale));
  return r;
}

export interface GrowWindowInput {
  rcv_ssthresh_bytes: number;
  window_clamp_bytes: number;
  /** tcp_space(sk): may be negative. */
  tcp_space_bytes: number;
  skb_len_bytes: number;
  /** truesize after truesize_adjust. */
  skb_truesize_bytes: number;
  advmss_bytes: number;
  rcv_mss_bytes: number;
  tcp_rmem_max_bytes: number;
  under_pressure: boolean;
  adv_win_scale: number;
}

/**
 * net/ipv4/tcp_input.c: tcp_grow_window (called only for skb.len ≥ 128 from
 * tcp_event_data_recv). Returns the new rcv_ssthresh.
 */
export function growWindow(g: GrowWindowInput): number {
  const room = Math.min(g.window_clamp_bytes, g.tcp_space_bytes) - g.rcv_ssthresh_bytes;
  if (room <= 0) return g.rcv_ssthresh_bytes;
  if (g.under_pressure) return adjustRcvSsthresh(g.rcv_ssthresh_bytes, g.advmss_bytes);
  let incr: number;
  if (winFromSpace(g.skb_truesize_bytes, g.adv_win_scale) <= g.skb_len_bytes) {
    incr = 2 * g.advmss_bytes;
  } else {
    // __tcp_grow_window
    let truesize = Math.floor(winFromSpace(g.skb_truesize_bytes, g.adv_win_scale) / 2);
    let window = Math.floor(winFromSpace(g.tcp_rmem_max_bytes, g.adv_win_scale) / 2);
    incr = 0;
    while (g.rcv_ssthresh_bytes <= window) {
      if (truesize <= g.skb_len_bytes) {
        incr = 2 * g.rcv_mss_bytes;
        break;
      }
      truesize = Math.floor(truesize / 2);
      window = Math.floor(window / 2);
    }
  }
  if (!incr) return g.rcv_ssthresh_bytes;
  incr = Math.max(incr, 2 * g.skb_len_bytes);
  return g.rcv_ssthresh_bytes + Math.min(room, incr);
}

export interface SelectWindowInput {
  rcv_mss_bytes: number;
  /** tcp_space(sk): win_from_space(rcvbuf − backlog − rmem_alloc), may be negative. */
  free_space_bytes: number;
  /** tcp_full_space(sk). */
  allowed_space_bytes: number;
  window_clamp_bytes: number;
  rcv_ssthresh_bytes: number;
  rcv_wscale: number;
  /** Current rcv_wnd (used only without window scaling). */
  rcv_wnd_bytes: number;
  under_pressure: boolean;
  advmss_bytes: number;
}

/**
 * net/ipv4/tcp_output.c: __tcp_select_window with tcp_shrink_window = 0. Returns the new
 * window (bytes, unscaled) and the rcv_ssthresh after a possible pressure pull-down.
 */
export function selectWindow(s: SelectWindowInput): {
  window_bytes: number;
  rcv_ssthresh_bytes: number;
} {
  let mss = s.rcv_mss_bytes;
  let free = s.free_space_bytes;
  const full = Math.min(s.window_clamp_bytes, s.allowed_space_bytes);
  let ssthresh = s.rcv_ssthresh_bytes;
  if (mss > full) {
    mss = full;
    if (mss <= 0) return { window_bytes: 0, rcv_ssthresh_bytes: ssthresh };
  }
  if (free < Math.floor(full / 2)) {
    if (s.under_pressure) ssthresh = adjustRcvSsthresh(ssthresh, s.advmss_bytes);
    const unit = 2 ** s.rcv_wscale;
    free = Math.floor(free / unit) * unit;
    if (free < Math.floor(s.allowed_space_bytes / 16) || free < mss) {
      return { window_bytes: 0, rcv_ssthresh_bytes: ssthresh };
    }
  }
  if (free > ssthresh) free = ssthresh;
  let window: number;
  if (s.rcv_wscale) {
    const unit = 2 ** s.rcv_wscale;
    window = Math.ceil(free / unit) * unit;
  } else {
    window = s.rcv_wnd_bytes;
    if (window <= free - mss || window > free) window = Math.floor(free / mss) * mss;
    else if (mss === full && free > window + Math.floor(full / 2)) window = free;
  }
  return { window_bytes: window, rcv_ssthresh_bytes: ssthresh };
}

/**
 * net/ipv4/tcp_output.c: tcp_select_window's never-shrink rule (tcp_shrink_window = 0):
 * returns [stored rcv_wnd, 16-bit header value].
 */
export function applyNoShrink(
  newWindowBytes: number,
  curWindowBytes: number,
  rcvWscale: number,
): { rcv_wnd_bytes: number; header_window: number } {
  const unit = 2 ** rcvWscale;
  let w = newWindowBytes;
  if (w < curWindowBytes) w = Math.ceil(curWindowBytes / unit) * unit;
  const capped = Math.min(w, 65535 * unit);
  return { rcv_wnd_bytes: w, header_window: Math.floor(capped / unit) };
}

/** The DRS rcvmem per segment: SKB_TRUESIZE(advmss + MAX_TCP_HEADER) + 128·k until it fits. */
export function drsRcvmemBytes(advmssBytes: number, advWinScale = 1): number {
  let rcvmem = advmssBytes + MAX_TCP_HEADER_BYTES + SKB_TRUESIZE_OVERHEAD_BYTES;
  while (winFromSpace(rcvmem, advWinScale) < advmssBytes) rcvmem += 128;
  return rcvmem;
}

export interface DrsResult {
  grew: boolean;
  rcvbuf_bytes: number;
  window_clamp_bytes: number;
  rcvq_space_bytes: number;
  rcvwin_bytes: number;
}

/**
 * net/ipv4/tcp_input.c: tcp_rcv_space_adjust, once a receiver RTT has elapsed: `copied` bytes
 * read in the last RTT against rcvq_space.space.
 */
export function drsAdjust(
  copiedBytes: number,
  spaceBytes: number,
  advmssBytes: number,
  rcvbufBytes: number,
  windowClampBytes: number,
  tcpRmemMaxBytes: number,
  rcvbufLocked: boolean,
  moderateRcvbuf = true,
  advWinScale = 1,
): DrsResult {
  if (copiedBytes <= spaceBytes) {
    return {
      grew: false,
      rcvbuf_bytes: rcvbufBytes,
      window_clamp_bytes: windowClampBytes,
      rcvq_space_bytes: spaceBytes,
      rcvwin_bytes: 0,
    };
  }
  let rcvbuf = rcvbufBytes;
  let clamp = windowClampBytes;
  let rcvwin = 0;
  if (moderateRcvbuf && !rcvbufLocked) {
    rcvwin = 2 * copiedBytes + 16 * advmssBytes;
    // u64 grow = rcvwin·(copied − space)/space: exact in BigInt past 2^53.
    const prod = rcvwin * (copiedBytes - spaceBytes);
    const grow = Number.isSafeInteger(prod)
      ? Math.floor(prod / spaceBytes)
      : Number((BigInt(rcvwin) * BigInt(copiedBytes - spaceBytes)) / BigInt(spaceBytes));
    rcvwin += 2 * grow;
    const rcvmem = drsRcvmemBytes(advmssBytes, advWinScale);
    const segs = Math.floor(rcvwin / advmssBytes);
    const want = Math.min(segs * rcvmem, tcpRmemMaxBytes);
    if (want > rcvbuf) {
      rcvbuf = want;
      clamp = winFromSpace(want, advWinScale);
    }
  }
  return {
    grew: rcvbuf > rcvbufBytes,
    rcvbuf_bytes: rcvbuf,
    window_clamp_bytes: clamp,
    rcvq_space_bytes: copiedBytes,
    rcvwin_bytes: rcvwin,
  };
}

/** The largest rcvbuf − rmem_alloc for which __tcp_select_window returns 0 (S8's "~8192"). */
export function zeroWindowFreeBytes(
  rcvbufBytes: number,
  rcvMssBytes: number,
  windowClampBytes: number,
  rcvWscale: number,
  advWinScale = 1,
): number {
  const allowed = winFromSpace(rcvbufBytes, advWinScale);
  let best = -1;
  for (let free = 0; free <= rcvbufBytes; free++) {
    const w = selectWindow({
      rcv_mss_bytes: rcvMssBytes,
      free_space_bytes: winFromSpace(free, advWinScale),
      allowed_space_bytes: allowed,
      window_clamp_bytes: windowClampBytes,
      rcv_ssthresh_bytes: windowClampBytes,
      rcv_wscale: rcvWscale,
      rcv_wnd_bytes: 0,
      under_pressure: false,
      advmss_bytes: rcvMssBytes,
    }).window_bytes;
    if (w === 0) best = free;
    else break;
  }
  return best;
}
