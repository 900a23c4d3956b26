// Model 1: the TCP send path of one socket, event by event (docs/models.md §3). The application writes `write_size_bytes` every `write_interval_usec`; the
// socket runs `net/ipv4/tcp.c: tcp_sendmsg_locked` (append to the unsent tail up to size_goal,
// sndbuf checked only when a new skb is needed), `net/ipv4/tcp_output.c: tcp_write_xmit`
// (cwnd, receive window, Nagle, transmit-time splits that each add F), ACKs one RTT later
// (`tcp_clean_rtx_queue` → `tcp_wmem_free_skb`, eager page reclaim), the zero-window probe
// (`tcp_write_wakeup`), `tcp_check_space` → `tcp_sndbuf_expand` and the EPOLLOUT predicate.
//
// Simplifications, each stated so a reader can judge the output:
// * no global tcp_mem pressure (model 5 covers it): every page charge succeeds;
// * TX completion is immediate (sk_wmem_alloc ≈ 1), so autocork and TSQ never hold data;
// * ACKs cover whole skbs (no delayed-ACK stretching, no partial ACK / tcp_trim_head);
// * the peer's window right edge is min(ack + peer_max_window, peer_rcv_space) for a receiver
//   that never reads (no receiver-side SWS rounding, no window scaling granularity);
// * tcp_tso_should_defer is not modelled; TSO segments are capped by gso_max_size only.
import {
  DEFAULT_PRESET_ID,
  INT_MAX,
  PRESETS,
  findPreset,
  boundToHalfWindowBytes,
  setsockoptBuf,
  sizeGoalBytes,
  tcpSndbufExpandBytes,
  type KernelPreset,
} from './kernelConstants';
import {
  ModelInputError,
  type ModelDefinition,
  type ModelResult,
  type ParamSpec,
  type Params,
  type SeriesPoint,
  type ModelAnchors,
} from './types';

/** TCP_RTO_MIN: first zero-window probe after 200 ms (`tcp_check_probe_timer`). */
const PROBE_DELAY_USEC = 200_000;
/** tcp_notsent_lowat sysctl default (UINT_MAX). */
const NOTSENT_LOWAT_UNSET = 2 ** 32 - 1;

export type Receiver = 'never-reads' | 'reads';

/** Fully typed inputs of the send-path simulation (what `run` derives from Params). */
export interface SendPathInput {
  preset: KernelPreset;
  writes_count: number;
  write_size_bytes: number;
  write_interval_usec: number;
  /** 0 = SO_SNDBUF never set (sndbuf autotuning on). */
  so_sndbuf_bytes: number;
  so_sndbuf_force: boolean;
  wmem_max_bytes: number;
  tcp_wmem_min_bytes: number;
  tcp_wmem_default_bytes: number;
  tcp_wmem_max_bytes: number;
  mss_bytes: number;
  mss_clamp_bytes: number;
  peer_max_window_bytes: number;
  peer_rcv_space_bytes: number;
  receiver: Receiver;
  rtt_usec: number;
  cwnd_segs: number;
  nonblocking: boolean;
  nodelay: boolean;
  /** 0 = TCP_NOTSENT_LOWAT not set (sysctl default UINT_MAX). */
  notsent_lowat_bytes: number;
  /** 'events': a point after every write, ACK and probe; 'writes': one point per write. */
  series: 'events' | 'writes';
  /** Simulation budget: stop (with a note) after this many events. */
  max_events_count: number;
}

interface Skb {
  seq: number;
  len: number;
  truesize: number;
  /** Old kernels: payload bytes still free in the linear head. */
  head_room: number;
  nr_frags: number;
  /** Page-frag page of the last frag (to decide skb_can_coalesce). */
  frag_page: number;
  sent: boolean;
  pcount: number;
}

/** Result of one application write. */
interface WriteOutcome {
  accepted_bytes: number;
  /** 'done' = all bytes copied; 'eagain' = non-blocking refusal; 'blocked' = waiting. */
  status: 'done' | 'eagain' | 'blocked';
}

/**
 * The socket state of Appendix A. Methods are named after the kernel function they model.
 * Exposed for tests and for other models that need a sender.
 */
export class SendSocket {
  readonly p: SendPathInput;
  readonly preset: KernelPreset;
  // Buffers and locks.
  sndbuf_bytes: number;
  so_sndbuf_requested_bytes: number;
  sndbuf_locked: boolean;
  nospace = false;
  // Accounting.
  wmem_queued_bytes = 0;
  forward_alloc_bytes = 0;
  allocated_pages = 0;
  // Sequence space (relative to the ISN).
  write_seq = 0;
  snd_nxt = 0;
  snd_una = 0;
  pushed_seq = 0;
  snd_sml = 0;
  packets_out_segs = 0;
  snd_wnd_bytes: number;
  max_window_bytes: number;
  // Queues: skbs[head..] are rtx (sent) then write queue (unsent), in sequence order.
  private skbs: Skb[] = [];
  private head = 0;
  private sendHead = 0;
  // Page frag (sk_page_frag): offset inside the current 32 KiB page.
  private pfrag_offset = 0;
  private pfrag_page = 0;
  // Counters for the output.
  splits_count = 0;
  merges_count = 0;
  probes_count = 0;
  /** ACKs to deliver: [time_usec, end_seq] pairs in time order. */
  acks: number[] = [];
  ackHead = 0;
  probe_at_usec = -1;
  now_usec = 0;

  constructor(p: SendPathInput) {
    this.p = p;
    this.preset = p.preset;
    // tcp_init_sock: sk_sndbuf = tcp_wmem[1]; SO_SNDBUF (set before connect) locks it.
    this.sndbuf_bytes = p.tcp_wmem_default_bytes;
    this.so_sndbuf_requested_bytes = p.so_sndbuf_bytes;
    this.sndbuf_locked = false;
    if (p.so_sndbuf_bytes > 0) {
      const r = setsockoptBuf(
        p.so_sndbuf_force ? 'SO_SNDBUFFORCE' : 'SO_SNDBUF',
        p.so_sndbuf_bytes,
        { wmem_max_bytes: p.wmem_max_bytes, rmem_max_bytes: p.preset.rmem_max_bytes },
        p.preset,
        true,
        this.sndbuf_bytes,
      );
      this.sndbuf_bytes = r.sk_bytes;
      this.sndbuf_locked = true;
    }
    // Handshake: the peer's SYN-ACK window is max_window (tcp_input.c:6507).
    this.max_window_bytes = p.peer_max_window_bytes;
    this.snd_wnd_bytes = this.peerWindowAt(0);
    // tcp_init_buffer_space at ESTABLISHED (cwnd = TCP_INIT_CWND then).
    if (!this.sndbuf_locked) {
      this.sndbuf_bytes = tcpSndbufExpandBytes(
        this.preset,
        this.sndbuf_bytes,
        p.mss_clamp_bytes,
        p.mss_bytes,
        this.preset.init_cwnd_segs,
        p.tcp_wmem_max_bytes,
      );
    }
  }

  /** Window the peer advertises in an ACK for `ack_seq`. */
  private peerWindowAt(ack_seq: number): number {
    if (this.p.receiver === 'reads') return this.p.peer_max_window_bytes;
    return Math.max(
      0,
      Math.min(this.p.peer_max_window_bytes, this.p.peer_rcv_space_bytes - ack_seq),
    );
  }

  private goalForWindow = -1;
  private goalBytes = 0;

  private mssBytes = 0;

  /** Recomputes the cached mss and size goal when max_window changes. */
  private syncMss(): void {
    if (this.goalForWindow === this.max_window_bytes) return;
    this.goalForWindow = this.max_window_bytes;
    // tcp_sync_mss (called from tcp_ack_update_window when max_window grows) bounds
    // mss_cache by half the peer's largest window: on loopback 65483 → 32741 for a 65483 window.
    this.mssBytes = boundToHalfWindowBytes(this.max_window_bytes, this.p.mss_bytes);
    this.goalBytes = sizeGoalBytes(
      this.preset.gso_max_size_eff_bytes,
      this.max_window_bytes,
      this.mssBytes,
    );
  }

  /** mss_cache: mss_bytes (from the path MTU / TCP_MAXSEG) bounded to half of max_window. */
  get mss_now_bytes(): number {
    this.syncMss();
    return this.mssBytes;
  }

  /** tcp_xmit_size_goal, recomputed only when max_window changes. */
  get size_goal_bytes(): number {
    this.syncMss();
    return this.goalBytes;
  }

  get notsent_lowat_bytes(): number {
    return this.p.notsent_lowat_bytes > 0 ? this.p.notsent_lowat_bytes : NOTSENT_LOWAT_UNSET;
  }

  /** SIOCOUTQ: write_seq − snd_una. */
  get send_q_bytes(): number {
    return this.write_seq - this.snd_una;
  }

  /** SIOCOUTQNSD: write_seq − snd_nxt. */
  get send_q_notsent_bytes(): number {
    return this.write_seq - this.snd_nxt;
  }

  get skb_count(): number {
    return this.skbs.length - this.head;
  }

  /** `net/ipv4/tcp_ipv4.c: tcp_stream_memory_free`: (notsent << wake) < notsent_lowat. */
  tcpStreamMemoryFree(wake: 0 | 1): boolean {
    return this.send_q_notsent_bytes * (wake ? 2 : 1) < this.notsent_lowat_bytes;
  }

  /** `include/net/sock.h: sk_stream_memory_free`. */
  skStreamMemoryFree(): boolean {
    return this.wmem_queued_bytes < this.sndbuf_bytes && this.tcpStreamMemoryFree(0);
  }

  /** `include/net/sock.h: __sk_stream_is_writeable(sk, 1)` — EPOLLOUT and write_space wakeups. */
  writeable(): boolean {
    return (
      this.sndbuf_bytes - this.wmem_queued_bytes >= this.wmem_queued_bytes >> 1 &&
      this.wmem_queued_bytes < this.sndbuf_bytes &&
      this.tcpStreamMemoryFree(1)
    );
  }

  /** `net/ipv4/tcp_output.c: sk_forced_mem_schedule`. */
  private forcedMemSchedule(size_bytes: number): void {
    const delta = size_bytes - this.forward_alloc_bytes;
    if (delta <= 0) return;
    const pages = Math.ceil(delta / this.preset.page_size_bytes);
    this.forward_alloc_bytes += pages * this.preset.page_size_bytes;
    this.allocated_pages += pages;
  }

  /** `sk_wmem_schedule` without global pressure: same page rounding, never fails here. */
  private wmemSchedule(size_bytes: number): void {
    this.forcedMemSchedule(size_bytes);
  }

  private charge(bytes: number): void {
    this.wmem_queued_bytes += bytes;
    this.forward_alloc_bytes -= bytes;
  }

  /** `tcp_wmem_free_skb` part: sk_wmem_queued_add(−n) + sk_mem_uncharge(n) → sk_mem_reclaim. */
  private uncharge(bytes: number): void {
    this.wmem_queued_bytes -= bytes;
    this.forward_alloc_bytes += bytes;
    const page = this.preset.page_size_bytes;
    if (this.preset.reclaim === 'eager-pages') {
      if (this.forward_alloc_bytes >= page) {
        const pages = Math.floor(this.forward_alloc_bytes / page);
        this.forward_alloc_bytes -= pages * page;
        this.allocated_pages -= pages;
      }
    } else if (this.forward_alloc_bytes >= 2 * 1024 * 1024) {
      // Pre-6.0 sk_mem_uncharge: above SK_RECLAIM_THRESHOLD give back SK_RECLAIM_CHUNK.
      const pages = (1024 * 1024) / page;
      this.forward_alloc_bytes -= pages * page;
      this.allocated_pages -= pages;
    }
  }

  /** `tcp_stream_alloc_skb` + `tcp_skb_entail`. */
  private newSkb(seq: number, force: boolean): Skb {
    const F = this.preset.skb_overhead_fresh_bytes;
    if (force) this.forcedMemSchedule(F);
    else this.wmemSchedule(F);
    this.charge(F);
    return {
      seq,
      len: 0,
      truesize: F,
      head_room: this.preset.linear_head_payload === 'mss' ? this.mss_now_bytes : 0,
      nr_frags: 0,
      frag_page: -1,
      sent: false,
      pcount: 0,
    };
  }

  private writeQueueTail(): Skb | undefined {
    if (this.sendHead >= this.skbs.length) return undefined;
    return this.skbs[this.skbs.length - 1];
  }

  /**
   * One `tcp_sendmsg_locked` call (or the continuation of a blocked one), copying up to
   * `len_bytes`. Returns how many bytes were copied and whether it finished, got EAGAIN or
   * must wait for `sk_stream_wait_memory`.
   */
  sendmsg(len_bytes: number): WriteOutcome {
    const G = this.size_goal_bytes;
    let left = len_bytes;
    let copied = 0;
    while (left > 0) {
      let skb = this.writeQueueTail();
      let copy = skb ? G - skb.len : 0;
      let needNew = !skb || copy <= 0;
      for (;;) {
        if (needNew) {
          // new_segment: the only sndbuf check of the send path.
          if (!this.skStreamMemoryFree()) {
            return this.waitForSpace(copied);
          }
          const first = this.skb_count === 0;
          skb = this.newSkb(this.write_seq, first);
          this.skbs.push(skb);
          copy = G;
        }
        if (copy > left) copy = left;
        if (skb!.head_room > 0) {
          // Old kernels: bytes copied into the linear head cost no extra truesize.
          copy = Math.min(copy, skb!.head_room);
          skb!.head_room -= copy;
          break;
        }
        // sk_page_frag_refill: a new 32 KiB page when fewer than 32 bytes remain.
        if (this.preset.page_frag_bytes - this.pfrag_offset < 32) {
          this.pfrag_page += 1;
          this.pfrag_offset = 0;
        }
        const canCoalesce =
          skb!.nr_frags > 0 && skb!.frag_page === this.pfrag_page && this.pfrag_offset > 0;
        if (!canCoalesce && skb!.nr_frags >= this.preset.max_skb_frags) {
          needNew = true;
          continue;
        }
        copy = Math.min(copy, this.preset.page_frag_bytes - this.pfrag_offset);
        // tcp_wmem_schedule: page-granular reservation, no sndbuf check.
        if (copy > this.forward_alloc_bytes) this.wmemSchedule(copy);
        this.charge(copy);
        skb!.truesize += copy;
        if (!canCoalesce) {
          skb!.nr_frags += 1;
          skb!.frag_page = this.pfrag_page;
        }
        this.pfrag_offset += copy;
        break;
      }
      skb = skb!;
      skb.len += copy;
      this.write_seq += copy;
      copied += copy;
      left -= copy;
      if (left === 0) break;
      if (skb.len < G) continue;
      // forced_push: write_seq > pushed_seq + max_window/2 → push everything; else push_one.
      if (this.write_seq > this.pushed_seq + (this.max_window_bytes >> 1)) {
        this.pushed_seq = this.write_seq;
        this.tcpWriteXmit(true, false);
      } else if (this.skbs[this.sendHead] === skb) {
        this.tcpWriteXmit(true, true);
      }
    }
    // out: tcp_push with the socket's Nagle setting.
    if (copied) this.tcpWriteXmit(this.p.nodelay, false);
    return { accepted_bytes: copied, status: 'done' };
  }

  /** wait_for_space: SOCK_NOSPACE, push what was copied, then EAGAIN or sleep. */
  private waitForSpace(copied: number): WriteOutcome {
    this.nospace = true;
    if (copied) this.tcpWriteXmit(true, false);
    if (this.p.nonblocking) return { accepted_bytes: copied, status: 'eagain' };
    return { accepted_bytes: copied, status: 'blocked' };
  }

  private nagleCheck(partial: boolean, push: boolean): boolean {
    // tcp_nagle_check: partial && !nonagle && packets_out && tcp_minshall_check.
    return partial && !push && this.packets_out_segs > 0 && this.snd_sml > this.snd_una;
  }

  /** `tcp_fragment` / `tso_fragment`: split `skb` after `len` bytes; the new skb costs F. */
  private fragment(idx: number, len: number): void {
    const skb = this.skbs[idx];
    const F = this.preset.skb_overhead_fresh_bytes;
    const nlen = skb.len - len;
    this.forcedMemSchedule(F);
    this.charge(F);
    const buff: Skb = {
      seq: skb.seq + len,
      len: nlen,
      truesize: F + nlen,
      head_room: 0,
      nr_frags: 1,
      frag_page: skb.frag_page,
      sent: false,
      pcount: 0,
    };
    skb.truesize -= nlen;
    skb.len = len;
    this.skbs.splice(idx + 1, 0, buff);
    this.splits_count += 1;
  }

  /** 6.10+ `tcp_grow_skb`: move up to `amount` bytes of the next unsent skb into `idx`. */
  private growSkb(idx: number, amount: number): void {
    if (idx + 1 >= this.skbs.length || amount <= 0) return;
    const skb = this.skbs[idx];
    const next = this.skbs[idx + 1];
    const n = Math.min(amount, next.len);
    if (n <= 0) return;
    skb.len += n;
    skb.truesize += n;
    next.len -= n;
    next.truesize -= n;
    next.seq += n;
    if (next.len === 0) {
      this.skbs.splice(idx + 1, 1);
      this.uncharge(next.truesize);
      this.merges_count += 1;
    }
  }

  /**
   * `tcp_write_xmit`: send unsent skbs in order while cwnd, the receive window and Nagle
   * allow, splitting at the window or cwnd boundary. `push` = TCP_NAGLE_PUSH.
   */
  tcpWriteXmit(push: boolean, pushOne: boolean): void {
    const mss = this.mss_now_bytes;
    const maxSegs = Math.max(1, Math.floor(this.preset.gso_max_size_eff_bytes / mss));
    let sent = false;
    while (this.sendHead < this.skbs.length) {
      const idx = this.sendHead;
      const skb = this.skbs[idx];
      let quota = this.p.cwnd_segs - this.packets_out_segs;
      if (quota <= 0) break;
      quota = Math.min(quota, maxSegs);
      if (this.preset.merge_at_xmit) this.growSkb(idx, quota * mss - skb.len);
      const isTail = idx === this.skbs.length - 1;
      const tsoSegs = skb.len <= mss ? 1 : Math.ceil(skb.len / mss);
      const wndEnd = this.snd_una + this.snd_wnd_bytes;
      // tcp_snd_wnd_test: the first segment must fit.
      if (skb.seq + Math.min(skb.len, mss) > wndEnd) {
        this.armProbe();
        break;
      }
      let limit = mss;
      if (tsoSegs === 1) {
        if (!(isTail ? push : true) && this.nagleCheck(skb.len < mss, false)) break;
      } else {
        // tcp_mss_split_point.
        const window = wndEnd - skb.seq;
        const maxLen = mss * quota;
        if (maxLen <= window && !isTail) limit = maxLen;
        else {
          const needed = Math.min(skb.len, window);
          if (maxLen <= needed) limit = maxLen;
          else {
            const partial = needed % mss;
            limit = this.nagleCheck(partial !== 0, push) ? needed - partial : needed;
          }
        }
        if (limit <= 0) break;
      }
      if (skb.len > limit) this.fragment(idx, limit);
      this.transmit(skb);
      sent = true;
      if (pushOne) break;
    }
    if (sent) this.tcpCheckSpace();
  }

  private transmit(skb: Skb): void {
    const mss = this.mss_now_bytes;
    skb.sent = true;
    skb.pcount = skb.len <= mss ? 1 : Math.ceil(skb.len / mss);
    this.packets_out_segs += skb.pcount;
    this.snd_nxt = skb.seq + skb.len;
    this.sendHead += 1;
    // tcp_minshall_update.
    if (skb.len < skb.pcount * mss) this.snd_sml = this.snd_nxt;
    this.acks.push(this.now_usec + this.p.rtt_usec, this.snd_nxt);
  }

  /** Persist timer: a zero-window probe one RTO after the window stopped the send head. */
  private armProbe(): void {
    if (this.packets_out_segs > 0 || this.probe_at_usec >= 0) return;
    this.probe_at_usec = this.now_usec + Math.max(PROBE_DELAY_USEC, this.p.rtt_usec);
  }

  /**
   * `tcp_write_wakeup`: if the send head starts inside the window, send what fits
   * (at most one mss), splitting the skb (tcp_fragment, + F); otherwise a bare probe.
   */
  probe(): void {
    this.probe_at_usec = -1;
    if (this.sendHead >= this.skbs.length) return;
    const idx = this.sendHead;
    const skb = this.skbs[idx];
    const wndEnd = this.snd_una + this.snd_wnd_bytes;
    this.probes_count += 1;
    if (skb.seq < wndEnd) {
      const seg = Math.min(wndEnd - skb.seq, this.mss_now_bytes);
      if (seg < skb.len || skb.len > this.mss_now_bytes) this.fragment(idx, seg);
      this.transmit(skb);
      this.tcpCheckSpace();
    } else if (this.peerWindowAt(this.snd_una) !== this.snd_wnd_bytes) {
      // Window closed here but not at the peer: the bare probe's ACK brings the update.
      this.acks.push(this.now_usec + this.p.rtt_usec, this.snd_una);
    }
    // Otherwise the probe's ACK would repeat the same zero window: the timer is re-armed by
    // the next transmit attempt (the kernel backs off up to 120 s and probes forever).
  }

  /** ACK for `ack_seq` with the peer's current window: free whole skbs, push, check space. */
  ack(ack_seq: number): void {
    while (this.head < this.sendHead) {
      const skb = this.skbs[this.head];
      if (skb.seq + skb.len > ack_seq) break;
      this.packets_out_segs -= skb.pcount;
      this.uncharge(skb.truesize);
      this.head += 1;
    }
    if (ack_seq > this.snd_una) this.snd_una = ack_seq;
    this.snd_wnd_bytes = this.peerWindowAt(this.snd_una);
    if (this.snd_wnd_bytes > this.max_window_bytes) this.max_window_bytes = this.snd_wnd_bytes;
    this.compact();
    // tcp_data_snd_check: push pending frames, then tcp_check_space.
    this.tcpWriteXmit(this.p.nodelay, false);
    this.tcpCheckSpace();
    if (this.sendHead < this.skbs.length && this.packets_out_segs === 0) this.armProbe();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.skbs.length) {
      this.skbs = this.skbs.slice(this.head);
      this.sendHead -= this.head;
      this.head = 0;
    }
  }

  /** `tcp_check_space` → `tcp_new_space`: expand sndbuf, then sk_stream_write_space. */
  tcpCheckSpace(): boolean {
    if (!this.nospace) return false;
    // tcp_should_expand_sndbuf (no global pressure in this model).
    if (!this.sndbuf_locked && this.packets_out_segs < this.p.cwnd_segs) {
      this.sndbuf_bytes = tcpSndbufExpandBytes(
        this.preset,
        this.sndbuf_bytes,
        this.p.mss_clamp_bytes,
        this.mss_now_bytes,
        this.p.cwnd_segs,
        this.p.tcp_wmem_max_bytes,
      );
    }
    if (this.writeable()) {
      this.nospace = false;
      return true;
    }
    return false;
  }
}

/** Largest wmem_queued for which EPOLLOUT is reported: (w >> 1) ≤ sndbuf − w and w < sndbuf. */
export function epolloutMaxWmemQueuedBytes(sndbuf_bytes: number): number {
  // (w >> 1) ≤ sndbuf − w  ⇔  w + floor(w/2) ≤ sndbuf; the left side is monotone in w.
  let w = Math.floor((2 * sndbuf_bytes) / 3) + 2;
  while (w > 0 && (w + (w >> 1) > sndbuf_bytes || w >= sndbuf_bytes)) w -= 1;
  return w;
}

/** Why sk_stream_memory_free said no. */
function refusalReason(s: SendSocket): string {
  return s.wmem_queued_bytes >= s.sndbuf_bytes
    ? `wmem_queued ${s.wmem_queued_bytes} ≥ sk_sndbuf ${s.sndbuf_bytes}`
    : `notsent ${s.send_q_notsent_bytes} ≥ TCP_NOTSENT_LOWAT ${s.notsent_lowat_bytes}`;
}

function phaseOf(s: SendSocket, writerStuck: boolean): number {
  if (writerStuck) return 3;
  if (s.snd_una + s.snd_wnd_bytes <= s.snd_nxt) return 2;
  return 1;
}

/** Runs the whole simulation on typed inputs. */
export function simulateSendPath(p: SendPathInput): {
  socket: SendSocket;
  series: SeriesPoint[];
  final: Record<string, number | string | boolean>;
  notes: string[];
} {
  const s = new SendSocket(p);
  const series: SeriesPoint[] = [];
  const notes: string[] = [];
  let writeIndex = 0; // writes started
  let current: { index: number; left: number; accepted: number } | undefined;
  let nextWriteAt = 0;
  let blocked = false;
  let lastStuck = false;
  let maxSendQ = 0;
  let maxWq = 0;
  let totalAccepted = 0;
  let eagainCount = 0;
  let firstRefusal = 0;
  let refusedRun: { first: number; last: number; wq: number } | undefined;
  const refusedRuns: { first: number; last: number; wq: number }[] = [];

  const record = (event: string, wIdx: number, accepted: number): void => {
    const sq = s.send_q_bytes;
    if (sq > maxSendQ) maxSendQ = sq;
    if (s.wmem_queued_bytes > maxWq) maxWq = s.wmem_queued_bytes;
    if (p.series === 'writes' && event !== 'write') return;
    series.push({
      t: s.now_usec,
      event,
      write_index: wIdx,
      write_accepted_bytes: accepted,
      send_q_bytes: sq,
      send_q_notsent_bytes: s.send_q_notsent_bytes,
      wmem_queued_bytes: s.wmem_queued_bytes,
      forward_alloc_bytes: s.forward_alloc_bytes,
      sk_sndbuf_bytes: s.sndbuf_bytes,
      so_sndbuf_requested_bytes: s.so_sndbuf_requested_bytes,
      size_goal_bytes: s.size_goal_bytes,
      skb_count: s.skb_count,
      snd_wnd_bytes: s.snd_wnd_bytes,
      phase: phaseOf(s, lastStuck),
      writeable: s.writeable() ? 1 : 0,
    });
  };

  const runWrite = (): void => {
    const c = current!;
    const out = s.sendmsg(c.left);
    c.left -= out.accepted_bytes;
    c.accepted += out.accepted_bytes;
    totalAccepted += out.accepted_bytes;
    if (out.status === 'blocked') {
      blocked = true;
      lastStuck = true;
      return;
    }
    blocked = false;
    lastStuck = out.status === 'eagain';
    if (out.status === 'eagain') {
      eagainCount += 1;
      if (!firstRefusal) firstRefusal = c.index;
      if (c.accepted > 0) {
        if (notes.length < 8) {
          notes.push(
            `write ${c.index} queued ${c.accepted} of ${p.write_size_bytes} bytes, then EAGAIN (new skb refused: ${refusalReason(s)})`,
          );
        }
      } else if (refusedRun && refusedRun.last === c.index - 1) {
        refusedRun.last = c.index;
      } else {
        refusedRun = { first: c.index, last: c.index, wq: s.wmem_queued_bytes };
        refusedRuns.push(refusedRun);
      }
    }
    const idx = c.index;
    const acc = c.accepted;
    current = undefined;
    record('write', idx, acc);
  };

  // Event loop: ACK queue (monotone in time), the probe timer and the application's writes.
  let events = 0;
  for (;;) {
    if (++events > p.max_events_count) {
      notes.push(
        `stopped after ${p.max_events_count} events (max_events_count): tiny windows or MSS make one segment per event`,
      );
      break;
    }
    const ackAt = s.ackHead < s.acks.length ? s.acks[s.ackHead] : Infinity;
    const probeAt = s.probe_at_usec >= 0 ? s.probe_at_usec : Infinity;
    const writeAt = !blocked && writeIndex < p.writes_count ? nextWriteAt : Infinity;
    const t = Math.min(ackAt, probeAt, writeAt);
    if (t === Infinity) break;
    s.now_usec = t;
    if (ackAt === t) {
      const seq = s.acks[s.ackHead + 1];
      s.ackHead += 2;
      if (s.ackHead > 4096 && s.ackHead * 2 > s.acks.length) {
        s.acks = s.acks.slice(s.ackHead);
        s.ackHead = 0;
      }
      const wasNospace = s.nospace;
      s.ack(seq);
      if (wasNospace && !s.nospace) lastStuck = false;
      if (blocked && s.skStreamMemoryFree() && !s.nospace) {
        // sk_stream_write_space woke the writer: continue the same sendmsg.
        runWrite();
        if (!blocked) nextWriteAt = Math.max(nextWriteAt, s.now_usec);
      } else record('ack', current?.index ?? writeIndex, 0);
    } else if (probeAt === t) {
      s.probe();
      record('probe', writeIndex, 0);
    } else {
      writeIndex += 1;
      current = { index: writeIndex, left: p.write_size_bytes, accepted: 0 };
      nextWriteAt = writeIndex * p.write_interval_usec;
      runWrite();
      if (blocked) record('write-blocked', writeIndex, current?.accepted ?? 0);
    }
    if (s.send_q_bytes > totalAccepted || s.wmem_queued_bytes < 0) {
      throw new Error('send-path invariant broken: Send-Q above bytes written');
    }
  }
  for (const r of refusedRuns.slice(0, 8)) {
    notes.push(
      r.first === r.last
        ? `write ${r.first} refused with EAGAIN (wmem_queued ${r.wq})`
        : `writes ${r.first}–${r.last} refused with EAGAIN (wmem_queued ${r.wq} at the first)`,
    );
  }
  if (refusedRuns.length > 8) notes.push(`… ${refusedRuns.length - 8} more runs of refused writes`);
  if (blocked) {
    notes.push(
      `write ${writeIndex} is blocked in sk_stream_wait_memory after queuing ${current?.accepted ?? 0} bytes (never woken)`,
    );
  }
  const final: Record<string, number | string | boolean> = {
    preset: p.preset.id,
    writes_started_count: writeIndex,
    bytes_written_total_bytes: totalAccepted,
    send_q_bytes: s.send_q_bytes,
    send_q_max_bytes: maxSendQ,
    send_q_notsent_bytes: s.send_q_notsent_bytes,
    wmem_queued_bytes: s.wmem_queued_bytes,
    wmem_queued_max_bytes: maxWq,
    forward_alloc_bytes: s.forward_alloc_bytes,
    allocated_pages: s.allocated_pages,
    sk_sndbuf_bytes: s.sndbuf_bytes,
    so_sndbuf_requested_bytes: s.so_sndbuf_requested_bytes,
    sndbuf_locked: s.sndbuf_locked,
    size_goal_bytes: s.size_goal_bytes,
    skb_count: s.skb_count,
    splits_count: s.splits_count,
    merges_count: s.merges_count,
    probes_count: s.probes_count,
    eagain_count: eagainCount,
    first_refused_write_index: firstRefusal,
    writer_blocked: blocked,
    events_count: Math.min(events, p.max_events_count),
    writeable: s.writeable(),
    epollout_max_wmem_queued_bytes: epolloutMaxWmemQueuedBytes(s.sndbuf_bytes),
    epollout_notsent_limit_bytes: Math.min(Math.ceil(s.notsent_lowat_bytes / 2), INT_MAX),
    phase: phaseOf(s, lastStuck),
  };
  return { socket: s, series, final, notes };
}

const presetOptions = PRESETS.map((p) => ({ value: p.id, label: p.label }));

const PARAMS: ParamSpec[] = [
  {
    kind: 'choice',
    name: 'preset',
    label: 'Kernel preset',
    options: presetOptions,
    default: DEFAULT_PRESET_ID,
    help: 'per-skb overhead F, linear head, skb merging at transmit',
  },
  {
    kind: 'number',
    name: 'writes_count',
    label: 'Writes',
    unit: 'count',
    min: 1,
    max: 1_000_000,
    default: 48,
    integer: true,
  },
  {
    kind: 'number',
    name: 'write_size_bytes',
    label: 'Bytes per write',
    unit: 'bytes',
    min: 1,
    max: 64 * 1024 * 1024,
    default: 1024,
    integer: true,
  },
  {
    kind: 'number',
    name: 'write_interval_usec',
    label: 'Interval between writes',
    unit: 'usec',
    min: 0,
    max: 3_600_000_000,
    default: 1_000_000,
    integer: true,
  },
  {
    kind: 'number',
    name: 'so_sndbuf_bytes',
    label: 'SO_SNDBUF (0 = not set)',
    unit: 'bytes',
    min: 0,
    max: INT_MAX,
    default: 4096,
    integer: true,
    help: 'value passed to setsockopt before connect; 0 leaves sndbuf autotuning on',
  },
  {
    kind: 'boolean',
    name: 'so_sndbuf_force',
    label: 'Use SO_SNDBUFFORCE',
    default: false,
    help: 'skip the wmem_max clamp (CAP_NET_ADMIN)',
  },
  {
    kind: 'number',
    name: 'wmem_max_bytes',
    label: 'net.core.wmem_max',
    unit: 'bytes',
    min: 4608,
    max: INT_MAX,
    default: 212992,
    integer: true,
  },
  {
    kind: 'number',
    name: 'tcp_wmem_min_bytes',
    label: 'tcp_wmem[0]',
    unit: 'bytes',
    min: 1,
    max: INT_MAX,
    default: 4096,
    integer: true,
  },
  {
    kind: 'number',
    name: 'tcp_wmem_default_bytes',
    label: 'tcp_wmem[1]',
    unit: 'bytes',
    min: 1,
    max: INT_MAX,
    default: 16384,
    integer: true,
  },
  {
    kind: 'number',
    name: 'tcp_wmem_max_bytes',
    label: 'tcp_wmem[2]',
    unit: 'bytes',
    min: 1,
    max: INT_MAX,
    default: 4194304,
    integer: true,
  },
  {
    kind: 'number',
    name: 'mss_bytes',
    label: 'MSS (mss_cache)',
    unit: 'bytes',
    min: 64,
    max: 65535,
    default: 1448,
    integer: true,
  },
  {
    kind: 'number',
    name: 'mss_clamp_bytes',
    label: 'MSS clamp (peer SYN MSS)',
    unit: 'bytes',
    min: 64,
    max: 65535,
    default: 1460,
    integer: true,
  },
  {
    kind: 'number',
    name: 'peer_max_window_bytes',
    label: 'Peer window / max_window',
    unit: 'bytes',
    min: 0,
    max: 65535 * 2 ** 14,
    default: 29200,
    integer: true,
    help: 'window the peer advertises while it has room; sets max_window and so size_goal',
  },
  {
    kind: 'number',
    name: 'peer_rcv_space_bytes',
    label: 'Peer receive space (never-reads)',
    unit: 'bytes',
    min: 0,
    max: INT_MAX,
    default: 16384,
    integer: true,
    help: 'payload a peer that never reads accepts before its window is zero',
  },
  {
    kind: 'choice',
    name: 'receiver',
    label: 'Receiver behaviour',
    options: [
      { value: 'never-reads', label: 'never reads (window closes)' },
      { value: 'reads', label: 'reads at once (window stays open)' },
    ],
    default: 'never-reads',
  },
  {
    kind: 'number',
    name: 'rtt_usec',
    label: 'RTT',
    unit: 'usec',
    min: 1,
    max: 60_000_000,
    default: 100,
    integer: true,
  },
  {
    kind: 'number',
    name: 'cwnd_segs',
    label: 'cwnd',
    unit: 'segments',
    min: 1,
    max: 1_000_000,
    default: 10,
    integer: true,
  },
  { kind: 'boolean', name: 'nonblocking', label: 'Non-blocking writes (EAGAIN)', default: true },
  { kind: 'boolean', name: 'nodelay', label: 'TCP_NODELAY', default: false },
  {
    kind: 'number',
    name: 'notsent_lowat_bytes',
    label: 'TCP_NOTSENT_LOWAT (0 = not set)',
    unit: 'bytes',
    min: 0,
    max: INT_MAX,
    default: 0,
    integer: true,
  },
  {
    kind: 'choice',
    name: 'series',
    label: 'Series points',
    options: [
      { value: 'events', label: 'every write, ACK and probe' },
      { value: 'writes', label: 'one point per write' },
    ],
    default: 'events',
  },
  {
    kind: 'number',
    name: 'skb_overhead_bytes',
    label: 'Per-skb overhead F (0 = preset)',
    unit: 'bytes',
    min: 0,
    max: 65536,
    default: 0,
    integer: true,
    help: 'truesize of a fresh transmit skb; measured as wmem_queued − Send-Q of one queued skb',
  },
  {
    kind: 'number',
    name: 'max_events_count',
    label: 'Event budget',
    unit: 'count',
    min: 1,
    max: 50_000_000,
    default: 2_000_000,
    integer: true,
    help: 'the run stops with a note after this many writes, ACKs and probes',
  },
];

/** Checks contradictions the per-parameter ranges cannot express, and builds typed inputs. */
export function sendPathInput(params: Params): SendPathInput {
  const found = findPreset(String(params.preset));
  if (!found) throw new ModelInputError(`unknown preset '${String(params.preset)}'`, 'preset');
  const overhead = params.skb_overhead_bytes as number;
  if (overhead > 0 && overhead < found.skb_truesize_overhead_bytes) {
    throw new ModelInputError(
      `skb_overhead_bytes ${overhead} is below SKB_TRUESIZE(0) = ${found.skb_truesize_overhead_bytes}`,
      'skb_overhead_bytes',
    );
  }
  const preset: KernelPreset =
    overhead > 0 ? { ...found, skb_overhead_fresh_bytes: overhead } : found;
  const n = (k: string): number => params[k] as number;
  const b = (k: string): boolean => params[k] as boolean;
  if (n('tcp_wmem_min_bytes') > n('tcp_wmem_default_bytes')) {
    throw new ModelInputError(
      'tcp_wmem_min_bytes is larger than tcp_wmem_default_bytes',
      'tcp_wmem_min_bytes',
    );
  }
  if (n('tcp_wmem_default_bytes') > n('tcp_wmem_max_bytes')) {
    throw new ModelInputError(
      'tcp_wmem_default_bytes is larger than tcp_wmem_max_bytes',
      'tcp_wmem_default_bytes',
    );
  }
  if (n('mss_bytes') > n('mss_clamp_bytes')) {
    throw new ModelInputError('mss_bytes (mss_cache) cannot exceed mss_clamp_bytes', 'mss_bytes');
  }
  if (b('so_sndbuf_force') && n('so_sndbuf_bytes') === 0) {
    throw new ModelInputError('so_sndbuf_force needs a so_sndbuf_bytes value', 'so_sndbuf_force');
  }
  if (n('writes_count') * n('write_size_bytes') > 2 ** 40) {
    throw new ModelInputError('writes_count × write_size_bytes exceeds 1 TiB', 'writes_count');
  }
  return {
    preset,
    writes_count: n('writes_count'),
    write_size_bytes: n('write_size_bytes'),
    write_interval_usec: n('write_interval_usec'),
    so_sndbuf_bytes: n('so_sndbuf_bytes'),
    so_sndbuf_force: b('so_sndbuf_force'),
    wmem_max_bytes: n('wmem_max_bytes'),
    tcp_wmem_min_bytes: n('tcp_wmem_min_bytes'),
    tcp_wmem_default_bytes: n('tcp_wmem_default_bytes'),
    tcp_wmem_max_bytes: n('tcp_wmem_max_bytes'),
    mss_bytes: n('mss_bytes'),
    mss_clamp_bytes: n('mss_clamp_bytes'),
    peer_max_window_bytes: n('peer_max_window_bytes'),
    peer_rcv_space_bytes: n('peer_rcv_space_bytes'),
    receiver: params.receiver as Receiver,
    rtt_usec: n('rtt_usec'),
    cwnd_segs: n('cwnd_segs'),
    nonblocking: b('nonblocking'),
    nodelay: b('nodelay'),
    notsent_lowat_bytes: n('notsent_lowat_bytes'),
    series: params.series as 'events' | 'writes',
    max_events_count: n('max_events_count'),
  };
}

/** Where the send-path model meets the code (docs/models.md §3). */
export const sendPathAnchors: ModelAnchors = {
  lenses: [
    // Linux net/ipv4/tcp.c, net/core/sock.c, include/net/sock.h
    {
      name: 'tcp_sendmsg_locked',
      scenario: 'S3',
      title: '▶ Simulate send buffer',
      shape: [/size_goal|sk_stream_memory_free|tcp_send_mss/],
    },
    {
      name: 'tcp_sendmsg',
      scenario: 'S3',
      title: '▶ Simulate send buffer',
      shape: [/tcp_sendmsg_locked/],
    },
    {
      name: 'sk_stream_memory_free',
      scenario: 'S6',
      title: '▶ Simulate send buffer (writeability)',
      shape: [/sk_wmem_queued|sk_sndbuf|__sk_stream_memory_free/],
    },
    {
      name: '__sk_stream_memory_free',
      scenario: 'S6',
      title: '▶ Simulate send buffer (writeability)',
      shape: [/sk_wmem_queued|sk_sndbuf/],
    },
    {
      name: 'tcp_stream_memory_free',
      scenario: 'S6',
      title: '▶ Simulate send buffer (TCP_NOTSENT_LOWAT)',
      shape: [/notsent|snd_nxt|write_seq/],
    },
    {
      name: 'tcp_sndbuf_expand',
      scenario: 'S7',
      title: '▶ Simulate sndbuf autotuning',
      shape: [/sk_sndbuf|sndmem|per_mss/],
    },
  ],
  inline: [
    // kernel send path
    {
      fn: 'sk_setsockopt',
      line: /case\s+SO_SNDBUF\s*:/,
      keys: ['sk_sndbuf_bytes'],
      label: 'sk_sndbuf',
      unit: 'bytes',
    },
    {
      fn: 'tcp_xmit_size_goal',
      line: /size_goal|gso_segs\s*\*/,
      keys: ['size_goal_bytes', 'final.size_goal_bytes'],
      label: 'size_goal',
      unit: 'bytes',
    },
    {
      fn: 'tcp_sendmsg_locked',
      line: /tcp_send_mss\s*\(/,
      keys: ['size_goal_bytes', 'final.size_goal_bytes'],
      label: 'size_goal',
      unit: 'bytes',
    },
    {
      fn: 'tcp_sendmsg_locked',
      line: /sk_stream_memory_free\s*\(/,
      keys: ['wmem_queued_bytes', 'final.wmem_queued_bytes'],
      label: 'wmem_queued',
      unit: 'bytes',
    },
    {
      fn: 'tcp_skb_entail',
      line: /sk_wmem_queued_add\s*\(/,
      keys: ['wmem_queued_bytes', 'final.wmem_queued_bytes'],
      label: 'wmem_queued',
      unit: 'bytes',
    },
    {
      fn: 'tcp_sendmsg_locked',
      line: /sk_wmem_queued_add\s*\(|skb_copy_to_page_nocache\s*\(/,
      keys: ['wmem_queued_bytes', 'final.wmem_queued_bytes'],
      label: 'wmem_queued',
      unit: 'bytes',
    },
    {
      fn: 'tcp_sndbuf_expand',
      line: /sk_sndbuf\s*,|WRITE_ONCE\s*\(\s*sk->sk_sndbuf/,
      keys: ['sk_sndbuf_bytes', 'final.sk_sndbuf_bytes'],
      label: 'sk_sndbuf',
      unit: 'bytes',
    },
  ],
};

export const sendPathModel: ModelDefinition = {
  id: 'send-path',
  title: 'TCP send path: SO_SNDBUF, skb truesize, size_goal, Send-Q vs wmem_queued',
  cites: [
    'net/ipv4/tcp.c: tcp_sendmsg_locked',
    'net/ipv4/tcp.c: tcp_stream_alloc_skb',
    'net/ipv4/tcp.c: tcp_xmit_size_goal',
    'net/ipv4/tcp_output.c: tcp_write_xmit',
    'net/ipv4/tcp_output.c: tso_fragment',
    'net/ipv4/tcp_output.c: tcp_write_wakeup',
    'net/ipv4/tcp_input.c: tcp_sndbuf_expand',
    'net/ipv4/tcp_input.c: tcp_check_space',
    'include/net/sock.h: sk_stream_memory_free',
    'include/net/sock.h: __sk_stream_is_writeable',
    'net/core/sock.c: sk_setsockopt',
  ],
  tUnit: 'usec',
  anchors: sendPathAnchors,
  params: PARAMS,
  series: [
    { key: 'send_q_bytes', label: 'Send-Q (SIOCOUTQ)', unit: 'bytes' },
    { key: 'send_q_notsent_bytes', label: 'not sent (SIOCOUTQNSD)', unit: 'bytes' },
    { key: 'wmem_queued_bytes', label: 'sk_wmem_queued', unit: 'bytes' },
    { key: 'forward_alloc_bytes', label: 'sk_forward_alloc', unit: 'bytes' },
    { key: 'sk_sndbuf_bytes', label: 'sk_sndbuf', unit: 'bytes', limit: true },
    { key: 'so_sndbuf_requested_bytes', label: 'SO_SNDBUF requested', unit: 'bytes', limit: true },
    { key: 'size_goal_bytes', label: 'size_goal', unit: 'bytes', limit: true },
    { key: 'skb_count', label: 'skbs queued', unit: 'count' },
    { key: 'phase', label: 'phase (1 open / 2 zero window / 3 writer blocked)', unit: 'phase' },
    { key: 'writeable', label: 'EPOLLOUT', unit: 'bool' },
  ],
  scenarios: [
    {
      id: 'S2',
      title: 'one 1024-byte write on an idle socket (bookkeeping)',
      params: { writes_count: 1, receiver: 'reads', peer_max_window_bytes: 65160 },
      ref: 'docs/models.md §S2, §3.3',
    },
    {
      id: 'S3',
      title: 'blog experiment on 6.1, blog peer (size_goal 14480)',
      params: {},
      ref: 'docs/models.md §S3',
    },
    {
      id: 'S3-old',
      title: "blog experiment on the blog's older kernel (4352-byte linear-head skb)",
      params: { preset: 'linux-3.x-blog' },
      ref: 'docs/models.md §S3, §3.9',
    },
    {
      id: 'S4',
      title: 'blog experiment on 6.1 with a 6.1 peer (SYN-ACK 65160, size_goal 31856)',
      params: { peer_max_window_bytes: 65160, writes_count: 64 },
      ref: 'docs/models.md §S4',
    },
    {
      id: 'S5',
      title: 'small peer window: max_window 11584 → size_goal 5792, plateau 11584',
      params: { peer_max_window_bytes: 11584, peer_rcv_space_bytes: 8192 },
      ref: 'docs/models.md §S5',
    },
    {
      id: 'S5-mss',
      title: 'tiny peer window: size_goal = mss 1448, four skbs, plateau 5792',
      params: { peer_max_window_bytes: 2896, peer_rcv_space_bytes: 8192 },
      ref: 'docs/models.md §S5',
    },
    {
      id: 'S6',
      title: 'EPOLLOUT threshold with TCP_NOTSENT_LOWAT 16384 (sndbuf not limiting)',
      params: { so_sndbuf_bytes: 1_000_000, notsent_lowat_bytes: 16384, writes_count: 48 },
      ref: 'docs/models.md §S6, §3.6',
    },
    {
      id: 'S7',
      title: 'sndbuf autotuning: unlocked, writer refused, cwnd 100 → 870400',
      params: {
        so_sndbuf_bytes: 0,
        receiver: 'reads',
        peer_max_window_bytes: 65160,
        cwnd_segs: 100,
        write_size_bytes: 65536,
        writes_count: 40,
        write_interval_usec: 0,
        rtt_usec: 1000,
      },
      ref: 'docs/models.md §S7, §3.7',
    },
    {
      id: 'S7-cwnd1000',
      title: 'sndbuf autotuning capped by tcp_wmem[2] (cwnd 1000 → 4194304)',
      params: {
        so_sndbuf_bytes: 0,
        receiver: 'reads',
        peer_max_window_bytes: 65160,
        cwnd_segs: 1000,
        write_size_bytes: 65536,
        writes_count: 40,
        write_interval_usec: 0,
        rtt_usec: 1000,
      },
      ref: 'docs/models.md §S7',
    },
    {
      id: 'S7-loopback',
      title: 'sndbuf at ESTABLISHED on loopback (mss_clamp 65495 → 2626560)',
      params: {
        so_sndbuf_bytes: 0,
        receiver: 'reads',
        mss_clamp_bytes: 65495,
        mss_bytes: 65483,
        peer_max_window_bytes: 65483,
        writes_count: 4,
      },
      ref: 'docs/models.md §S7, §3.7',
    },
    {
      id: 'S7-noblock',
      title: 'writer never refused: sndbuf stays 87040 whatever cwnd is',
      params: {
        so_sndbuf_bytes: 0,
        receiver: 'reads',
        peer_max_window_bytes: 65160,
        cwnd_segs: 100,
        writes_count: 32,
      },
      ref: 'docs/models.md §S7',
    },
    {
      id: 'blog-6.18',
      title: 'blog experiment with the 6.18 preset (F 832, skb merging at transmit)',
      params: { preset: 'linux-6.18' },
      ref: 'docs/models.md §3.9, §3.12',
    },
  ],
  run(params: Params): ModelResult {
    const input = sendPathInput(params);
    const r = simulateSendPath(input);
    return { model: 'send-path', params, final: r.final, series: r.series, notes: r.notes };
  },
};
