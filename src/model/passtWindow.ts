// passt's TCP window advertisement to the guest (docs/models.md §5), every historical variant:
//   p23      passt tcp.c: tcp_update_seqack_wnd (2023): min(snd_wnd, SNDBUF_GET), f = 50
//   p26pre   passt tcp.c: tcp_update_seqack_wnd at a458719^ (2026-04): SNDBUF_GET − SIOCOUTQ
//   jon_v1   seed-000 patch v1: SO_MEMINFO linear ratio (sb − wq)·sq/wq
//   stefano  the review's discrete proposal: whole segments of (mss + per-segment overhead)
//   merged   passt tcp.c: tcp_wnd_from_sndbuf (a458719, 2026-04-25)
// Pure integer arithmetic with the C types of the source: `long` (64-bit) in clamped_scale,
// `int` in the pre-patch code, `uint32_t` in tcp_wnd_from_sndbuf (a negative difference wraps).
// The hot functions take plain numbers and allocate nothing, so the webview can evaluate a
// 200×200 grid per frame.

/** P23:util.h, P26:util.h: SNDBUF_SMALL = 128 KiB. */
export const SNDBUF_SMALL_BYTES = 128 * 1024;
/** P23:util.h, P26:util.h: SNDBUF_BIG = 4 MiB. */
export const SNDBUF_BIG_BYTES = 4 * 1024 * 1024;
/** P23:tcp.c MAX_WS. */
export const MAX_WS_SHIFT = 8;
/** P23:tcp.c MAX_WINDOW = 1 << (16 + MAX_WS) = 16 MiB. */
export const MAX_WINDOW_BYTES = 1 << 24;
/** P23:tcp.c WINDOW_DEFAULT (also the SNDBUF fallback when getsockopt fails). */
export const WINDOW_DEFAULT_BYTES = 14600;
/** USHRT_MAX: the 16-bit window field of the TCP header. */
export const USHRT_MAX = 65535;
const INT_MAX = 2 ** 31 - 1;
const U32 = 2 ** 32;

export type PasstVariant = 'p23' | 'p26pre' | 'jon_v1' | 'stefano' | 'merged';
export const PASST_VARIANTS: readonly PasstVariant[] = [
  'p23',
  'p26pre',
  'jon_v1',
  'stefano',
  'merged',
];
export const PASST_VARIANT_LABELS: Record<PasstVariant, string> = {
  p23: '2023: min(snd_wnd, SNDBUF_GET) (f = 50)',
  p26pre: '2026 pre-patch: SNDBUF_GET − SIOCOUTQ',
  jon_v1: "Jon Maloy's v1: (sb − wq)·sq/wq",
  stefano: "Stefano's discrete per-segment proposal",
  merged: 'merged tcp_wnd_from_sndbuf (a458719)',
};

/** C `a * b / c` on non-negative integers with truncation, exact even past 2^53. */
function mulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) return Math.floor(p / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/**
 * passt util.c: clamped_scale(x, y, lo, hi, f) with C `long` semantics: x unchanged below lo,
 * x·f/100 above hi, linear in between (inner division first, as the source).
 */
export function clampedScale(
  x: number,
  y: number,
  lo: number,
  hi: number,
  fPercent: number,
): number {
  if (y < lo) return x;
  if (y > hi) return mulDiv(x, fPercent, 100);
  return x - mulDiv(mulDiv(x, y - lo, hi - lo), 100 - fPercent, 100);
}

/** passt 2023 tcp.c: tcp_get_sndbuf's open-coded curve (from 2021 f6bff33), uint64 arithmetic. */
export function p23SndbufScaleBytes(sndbuf: number): number {
  if (sndbuf >= SNDBUF_BIG_BYTES) return Math.floor(sndbuf / 2);
  if (sndbuf > SNDBUF_SMALL_BYTES) {
    return (
      sndbuf -
      Math.floor(
        mulDiv(sndbuf, sndbuf - SNDBUF_SMALL_BYTES, SNDBUF_BIG_BYTES - SNDBUF_SMALL_BYTES) / 2,
      )
    );
  }
  return sndbuf;
}

/** tcp_conn.h: SNDBUF_SET(MIN(INT_MAX, v)) then SNDBUF_GET: a 24-bit field of v >> 8. */
export function sndbufStoreBytes(v: number): number {
  const clamped = Math.min(INT_MAX, v);
  return (Math.floor(clamped / 256) % 2 ** 24) * 256;
}

/** SNDBUF_GET after tcp_get_sndbuf, for the 50 % (2023, 6305b6c) or 75 % (f423e12) curve. */
export function sndbufGetBytes(sndbuf: number, fPercent: 50 | 75): number {
  return sndbufStoreBytes(
    clampedScale(sndbuf, sndbuf, SNDBUF_SMALL_BYTES, SNDBUF_BIG_BYTES, fPercent),
  );
}

/** tcp_conn.h MSS_SET/MSS_GET: 14-bit field of mss >> 2 (4-byte granularity). */
export function mssGetBytes(mss: number): number {
  return (Math.floor(mss / 4) % 2 ** 14) * 4;
}

/**
 * The SWS rule (cf1925f, exceptions b40f5cd): a limit below one MSS becomes 0 if data is
 * queued and data was sent less than ten RTTs ago. `tcpi_rtt` (usec) is converted to ms
 * rounded up since 2be0e79 ('ceil'), truncated before ('floor': any RTT < 1 ms never zeroes).
 */
export function swsZeroes(
  limitBytes: number,
  mssBytes: number,
  sendqBytes: number,
  lastDataSentMsec: number,
  rttUsec: number,
  rounding: 'ceil' | 'floor',
): boolean {
  const rttMs = rounding === 'ceil' ? Math.ceil(rttUsec / 1000) : Math.floor(rttUsec / 1000);
  return limitBytes < mssBytes && sendqBytes > 0 && lastDataSentMsec < rttMs * 10;
}

/** Everything one window evaluation reads from the kernel (tcp_info, SIOCOUTQ, SO_MEMINFO). */
export interface PasstWindowInputs {
  /** getsockopt(SO_SNDBUF) = SK_MEMINFO_SNDBUF = raw sk_sndbuf. */
  sndbuf_bytes: number;
  /** SK_MEMINFO_WMEM_QUEUED (truesize of queued skbs). */
  wmem_queued_bytes: number;
  /** SIOCOUTQ: payload not yet acked by the peer. */
  sendq_bytes: number;
  /** MSS toward the guest as given at SYN; stored with MSS_SET (4-byte granularity). */
  mss_bytes: number;
  /** tcpi_snd_wnd: the peer's window. */
  snd_wnd_bytes: number;
  /** tcpi_rtt. */
  rtt_usec: number;
  /** tcpi_last_data_sent. */
  last_data_sent_msec: number;
  /** false: getsockopt(SO_MEMINFO) failed (old kernel): the variants take their fallback. */
  meminfo_ok: boolean;
  /** RTT conversion in the SWS rule: 'ceil' after 2be0e79 (2026-01-09), 'floor' before. */
  sws_rtt_rounding: 'ceil' | 'floor';
  /** LOCAL flag or low-RTT destination: every version then uses tcpi_snd_wnd directly. */
  local_or_low_rtt: boolean;
  /** conn->events & ESTABLISHED; before it, the window is at least WINDOW_DEFAULT. */
  established: boolean;
  /** conn->ws_to_tap = min(MAX_WS, tcpi_snd_wscale) at SYN. */
  ws_to_tap_shift: number;
}

export interface PasstWindowResult {
  /** SNDBUF_GET after this evaluation (50 % curve for p23, 75 % otherwise). */
  sndbuf_get_bytes: number;
  /** The buffer-derived limit before the SWS rule (p23: SNDBUF_GET). */
  limit_bytes: number;
  /** Whether the SWS rule turned the limit into 0. */
  sws_zeroed: boolean;
  /** new_wnd_to_tap: min with snd_wnd, MAX_WINDOW, WINDOW_DEFAULT floor before ESTABLISHED. */
  wnd_bytes: number;
  /** conn->wnd_to_tap: the 16-bit header field. */
  wnd_to_tap: number;
  /** What the guest may send: wnd_to_tap << ws_to_tap. */
  advertised_bytes: number;
}

/**
 * The buffer-derived limit of one variant, before the SWS rule, as the uint32/int value the
 * source computes. Allocation-free: the grid evaluation calls it 40 000 times per plot.
 */
export function passtLimitBytes(
  variant: PasstVariant,
  sb: number,
  wq: number,
  sq: number,
  mss: number,
  meminfoOk: boolean,
): number {
  switch (variant) {
    case 'p23':
      return sndbufGetBytes(sb, 50);
    case 'p26pre': {
      // P26pre:tcp.c tcp_update_seqack_wnd: int arithmetic, SNDBUF_GET − (int)sendq.
      const s = sndbufGetBytes(sb, 75);
      return sq > s ? 0 : s - sq;
    }
    case 'jon_v1':
    case 'stefano': {
      if (!meminfoOk) {
        // v1 keeps the pre-patch code on SO_MEMINFO failure (docs/models.md §5.3).
        const s = sndbufGetBytes(sb, 75);
        return sq > s ? 0 : s - sq;
      }
      if (wq > sb) return 0;
      if (sq === 0 || wq <= sq) return mulDiv(sb - wq, 3, 4);
      if (variant === 'jon_v1') return mulDiv(sb - wq, sq, wq);
      // The review's per-segment rewrite of v1's core (its other branches are v1's).
      const used = Math.max(Math.floor(sq / mss), 1);
      const overhead = Math.floor((wq - sq) / used);
      return Math.floor((sb - wq) / (mss + overhead)) * mss;
    }
    case 'merged': {
      const s = sndbufGetBytes(sb, 75);
      if (!meminfoOk) return sq > s ? 0 : s - sq;
      if (wq > sb) return 0;
      // uint32_t: SNDBUF_GET − wmemq wraps when wq > SNDBUF_GET (ACK racing the syscalls).
      if (sq === 0 || mss === 0 || wq <= sq) return (((s - wq) % U32) + U32) % U32;
      const used = Math.max(Math.floor(sq / mss), 1);
      const overhead = Math.floor((wq - sq) / used);
      return Math.floor((sb - wq) / (mss + overhead)) * mss;
    }
  }
}

/** One full tcp_update_seqack_wnd window computation for `variant`. */
export function passtWindow(variant: PasstVariant, i: PasstWindowInputs): PasstWindowResult {
  const mss = mssGetBytes(i.mss_bytes);
  const sndbufGet = sndbufGetBytes(i.sndbuf_bytes, variant === 'p23' ? 50 : 75);
  let limit: number;
  let zeroed = false;
  let wnd: number;
  if (i.local_or_low_rtt) {
    limit = i.snd_wnd_bytes;
    wnd = i.snd_wnd_bytes;
  } else {
    limit = passtLimitBytes(
      variant,
      i.sndbuf_bytes,
      i.wmem_queued_bytes,
      i.sendq_bytes,
      mss,
      i.meminfo_ok,
    );
    let l = limit;
    if (
      variant !== 'p23' &&
      swsZeroes(l, mss, i.sendq_bytes, i.last_data_sent_msec, i.rtt_usec, i.sws_rtt_rounding)
    ) {
      l = 0;
      zeroed = true;
    }
    wnd = Math.min(i.snd_wnd_bytes, l);
  }
  wnd = Math.min(wnd, MAX_WINDOW_BYTES);
  if (!i.established) wnd = Math.max(wnd, WINDOW_DEFAULT_BYTES);
  const wndToTap = Math.min(Math.floor(wnd / 2 ** i.ws_to_tap_shift), USHRT_MAX);
  return {
    sndbuf_get_bytes: sndbufGet,
    limit_bytes: limit,
    sws_zeroed: zeroed,
    wnd_bytes: wnd,
    wnd_to_tap: wndToTap,
    advertised_bytes: wndToTap * 2 ** i.ws_to_tap_shift,
  };
}

/** How the grid derives wmem_queued from SIOCOUTQ: fixed, or sq + ceil(sq/mss)·overhead. */
export interface GridWmemModel {
  /** Per-MSS-segment truesize overhead (seed 000's example: 290 B per 1460-B segment). */
  overhead_per_segment_bytes: number;
}

/**
 * Evaluates `variant` over a sndbuf × sendq grid (row-major: index = y·xs.length + x), with
 * wmem_queued = sendq + ceil(sendq/mss)·overhead, and every other input from `base`.
 * Returns new_wnd_to_tap (bytes). Target: 200×200 in ≤ 5 ms (see scripts/bench.mjs).
 */
export function passtWindowGrid(
  variant: PasstVariant,
  base: PasstWindowInputs,
  sndbufAxisBytes: ArrayLike<number>,
  sendqAxisBytes: ArrayLike<number>,
  wmem: GridWmemModel,
  out?: Float64Array,
): Float64Array {
  const nx = sndbufAxisBytes.length;
  const ny = sendqAxisBytes.length;
  const res = out && out.length >= nx * ny ? out : new Float64Array(nx * ny);
  const mss = mssGetBytes(base.mss_bytes);
  const rttMs =
    base.sws_rtt_rounding === 'ceil'
      ? Math.ceil(base.rtt_usec / 1000)
      : Math.floor(base.rtt_usec / 1000);
  const recent = base.last_data_sent_msec < rttMs * 10;
  const segMss = Math.max(mss, 1);
  for (let y = 0; y < ny; y++) {
    const sq = sendqAxisBytes[y];
    const wq = sq + Math.ceil(sq / segMss) * wmem.overhead_per_segment_bytes;
    for (let x = 0; x < nx; x++) {
      const sb = sndbufAxisBytes[x];
      let wnd: number;
      if (base.local_or_low_rtt) {
        wnd = base.snd_wnd_bytes;
      } else {
        let l = passtLimitBytes(variant, sb, wq, sq, mss, base.meminfo_ok);
        if (variant !== 'p23' && l < mss && sq > 0 && recent) l = 0;
        wnd = l < base.snd_wnd_bytes ? l : base.snd_wnd_bytes;
      }
      if (wnd > MAX_WINDOW_BYTES) wnd = MAX_WINDOW_BYTES;
      if (!base.established && wnd < WINDOW_DEFAULT_BYTES) wnd = WINDOW_DEFAULT_BYTES;
      res[y * nx + x] = wnd;
    }
  }
  return res;
}
