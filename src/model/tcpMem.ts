// `tcp-mem`: many sockets charging pages against tcp_mem (docs/models.md §8):
//   net/core/sock.c: __sk_mem_raise_allocated, __sk_mem_schedule, __sk_mem_reduce_allocated
//   include/net/sock.h: sk_memory_allocated_add/_sub (per-CPU reserve), sk_mem_reclaim,
//                       sk_stream_moderate_sndbuf
//   include/net/tcp.h: tcp_adjust_rcv_ssthresh; net/ipv4/tcp_input.c: tcp_grow_window
// The decisions read the *global* counter, which lags each CPU's cache by up to
// mem_pcpu_rsv pages (≥ 256: net/core/sysctl_net_core.c clamps it to SK_MEMORY_PCPU_RESERVE).
// Script: phase 1, round-robin, each socket writes `write_bytes` of truesize while
// sk_stream_memory_free (wq < sk_sndbuf) until it has done `writes_per_socket` writes; the
// peers never ACK during phase 1. Phase 2: every socket is ACKed `ack_bytes` per round
// (uncharge + reclaim of whole pages) until empty. A receiver probe beside them runs
// tcp_grow_window on each round (or tcp_adjust_rcv_ssthresh while under pressure).
import { growWindow, winFromSpace } from './receive';
import {
  MAX_PARAM,
  ModelInputError,
  type ModelDefinition,
  type ModelResult,
  type ParamSpec,
  type Params,
  type SeriesPoint,
  intParam,
  type ModelAnchors,
  type StepValues,
} from './types';

export const PAGE_SIZE_BYTES = 4096;
/** include/net/sock.h: SK_MEMORY_PCPU_RESERVE = 1 MiB in pages (also the sysctl's minimum). */
export const SK_MEMORY_PCPU_RESERVE_PAGES = 256;
/** include/net/sock.h: SOCK_MIN_SNDBUF. */
export const SOCK_MIN_SNDBUF_BYTES = 4608;

/** net/ipv4/tcp.c: tcp_init_mem from nr_free_buffer_pages(). */
export function tcpMemDefaultsPages(nrFreeBufferPages: number): [number, number, number] {
  const limit = Math.max(Math.floor(nrFreeBufferPages / 16), 128);
  const low = Math.floor(limit / 4) * 3;
  return [low, limit, low * 2];
}

/** include/net/sock.h: sk_mem_pages. */
export function skMemPages(bytes: number): number {
  return Math.ceil(bytes / PAGE_SIZE_BYTES);
}

export interface MemSock {
  cpu: number;
  sndbuf_bytes: number;
  sndbuf_locked: boolean;
  wmem_queued_bytes: number;
  rmem_alloc_bytes: number;
  forward_alloc_bytes: number;
}

export interface MemGlobal {
  tcp_mem_pages: [number, number, number];
  tcp_wmem0_bytes: number;
  pcpu_rsv_pages: number;
  /** proto->memory_allocated (what every decision reads). */
  allocated_pages: number;
  /** per_cpu_fw_alloc of each CPU. */
  pcpu_pages: number[];
  pressure: boolean;
  sockets_allocated: number;
}

export type RaiseOutcome =
  | 'under_low'
  | 'min_guarantee'
  | 'not_under_pressure'
  | 'fair_share'
  | 'forced_at_sndbuf'
  | 'fail_above_high'
  | 'fail_pressure_share';

function memAdd(g: MemGlobal, cpu: number, pages: number): void {
  g.pcpu_pages[cpu] += pages;
  if (g.pcpu_pages[cpu] >= g.pcpu_rsv_pages) {
    g.allocated_pages += g.pcpu_pages[cpu];
    g.pcpu_pages[cpu] = 0;
  }
}
function memSub(g: MemGlobal, cpu: number, pages: number): void {
  g.pcpu_pages[cpu] -= pages;
  if (g.pcpu_pages[cpu] <= -g.pcpu_rsv_pages) {
    g.allocated_pages += g.pcpu_pages[cpu];
    g.pcpu_pages[cpu] = 0;
  }
}

/** include/net/sock.h: sk_stream_moderate_sndbuf (no SO_RESERVE_MEM). */
export function moderateSndbuf(sk: MemSock): void {
  if (sk.sndbuf_locked) return;
  const val = Math.min(sk.sndbuf_bytes, Math.floor(sk.wmem_queued_bytes / 2));
  sk.sndbuf_bytes = Math.max(val, SOCK_MIN_SNDBUF_BYTES);
}

/**
 * net/core/sock.c: __sk_mem_raise_allocated for SK_MEM_SEND on a TCP socket (no memcg).
 * `sizeBytes` is the size being scheduled; `amtPages` the pages added. Mutates g and sk.
 */
export function raiseAllocated(
  g: MemGlobal,
  sk: MemSock,
  sizeBytes: number,
  amtPages: number,
): { ok: boolean; outcome: RaiseOutcome; entered_pressure: boolean; left_pressure: boolean } {
  const wasPressure = g.pressure;
  memAdd(g, sk.cpu, amtPages);
  const allocated = g.allocated_pages;
  const [low, mid, high] = g.tcp_mem_pages;
  const res = (ok: boolean, outcome: RaiseOutcome) => ({
    ok,
    outcome,
    entered_pressure: !wasPressure && g.pressure,
    left_pressure: wasPressure && !g.pressure,
  });
  if (allocated <= low) {
    g.pressure = false; // sk_leave_memory_pressure
    return res(true, 'under_low');
  }
  if (allocated > mid) g.pressure = true; // tcp_enter_memory_pressure
  let fail: RaiseOutcome = 'fail_above_high';
  if (allocated <= high) {
    if (sk.wmem_queued_bytes < g.tcp_wmem0_bytes) return res(true, 'min_guarantee');
    if (!g.pressure) return res(true, 'not_under_pressure');
    const share = skMemPages(sk.wmem_queued_bytes + sk.rmem_alloc_bytes + sk.forward_alloc_bytes);
    if (high > g.sockets_allocated * share) return res(true, 'fair_share');
    fail = 'fail_pressure_share';
  }
  // suppress_allocation:
  moderateSndbuf(sk);
  if (sk.wmem_queued_bytes + sizeBytes >= sk.sndbuf_bytes) return res(true, 'forced_at_sndbuf');
  memSub(g, sk.cpu, amtPages);
  return res(false, fail);
}

/** include/net/sock.h: sk_wmem_schedule → __sk_mem_schedule. */
export function wmemSchedule(
  g: MemGlobal,
  sk: MemSock,
  sizeBytes: number,
): {
  ok: boolean;
  outcome: RaiseOutcome | 'forward_alloc';
  pages: number;
  entered: boolean;
  left: boolean;
} {
  const delta = sizeBytes - sk.forward_alloc_bytes;
  if (delta <= 0)
    return { ok: true, outcome: 'forward_alloc', pages: 0, entered: false, left: false };
  const amt = skMemPages(delta);
  sk.forward_alloc_bytes += amt * PAGE_SIZE_BYTES;
  const r = raiseAllocated(g, sk, delta, amt);
  if (!r.ok) sk.forward_alloc_bytes -= amt * PAGE_SIZE_BYTES;
  return {
    ok: r.ok,
    outcome: r.outcome,
    pages: amt,
    entered: r.entered_pressure,
    left: r.left_pressure,
  };
}

/** sk_mem_uncharge + sk_mem_reclaim + __sk_mem_reduce_allocated. Returns pages returned. */
export function uncharge(
  g: MemGlobal,
  sk: MemSock,
  bytes: number,
): { pages: number; left: boolean } {
  sk.forward_alloc_bytes += bytes;
  const wasPressure = g.pressure;
  if (sk.forward_alloc_bytes < PAGE_SIZE_BYTES) return { pages: 0, left: false };
  const pages = Math.floor(sk.forward_alloc_bytes / PAGE_SIZE_BYTES);
  sk.forward_alloc_bytes -= pages * PAGE_SIZE_BYTES;
  memSub(g, sk.cpu, pages);
  if (g.pressure && g.allocated_pages < g.tcp_mem_pages[0]) g.pressure = false;
  return { pages, left: wasPressure && !g.pressure };
}

const num = intParam;

const params: ParamSpec[] = [
  num('tcp_mem_low_pages', 'tcp_mem[0] (leave pressure at or below)', 'pages', 1, MAX_PARAM, 512),
  num('tcp_mem_pressure_pages', 'tcp_mem[1] (enter pressure above)', 'pages', 1, MAX_PARAM, 768),
  num('tcp_mem_high_pages', 'tcp_mem[2] (hard limit)', 'pages', 1, MAX_PARAM, 1024),
  num(
    'pcpu_rsv_pages',
    'net.core.mem_pcpu_rsv (per-CPU cache before flushing)',
    'pages',
    256,
    MAX_PARAM,
    256,
    'the sysctl cannot go below 256 (SK_MEMORY_PCPU_RESERVE)',
  ),
  num(
    'cpus_count',
    'CPUs the sockets are spread over (socket i on CPU i mod n)',
    'count',
    1,
    1024,
    1,
  ),
  num('sockets_count', 'sending sockets', 'count', 1, 10000, 8),
  num(
    'sndbuf_bytes',
    'sk_sndbuf of each socket',
    'bytes',
    SOCK_MIN_SNDBUF_BYTES,
    MAX_PARAM,
    1048576,
  ),
  {
    kind: 'boolean',
    name: 'sndbuf_locked',
    label: 'SO_SNDBUF set (no moderation)',
    default: false,
  },
  num('tcp_wmem0_bytes', 'tcp_wmem[0] (per-socket guarantee)', 'bytes', 0, MAX_PARAM, 4096),
  num('write_bytes', 'truesize charged per write', 'bytes', 1, MAX_PARAM, 16384),
  num('writes_per_socket', 'writes each socket attempts', 'count', 0, 1_000_000, 64),
  num('ack_bytes', 'truesize released per ACK in phase 2', 'bytes', 1, MAX_PARAM, 65536),
  num('probe_advmss_bytes', 'receiver probe advmss', 'bytes', 88, 65535, 1460),
  num('probe_rcvbuf_bytes', 'receiver probe sk_rcvbuf', 'bytes', 2304, MAX_PARAM, 6291456),
  num('max_events_count', 'event limit', 'count', 10, 10_000_000, 200000),
];

function run(p: Params): ModelResult {
  const tcpMem: [number, number, number] = [
    p.tcp_mem_low_pages as number,
    p.tcp_mem_pressure_pages as number,
    p.tcp_mem_high_pages as number,
  ];
  if (!(tcpMem[0] <= tcpMem[1] && tcpMem[1] <= tcpMem[2])) {
    throw new ModelInputError(
      `tcp_mem must be ordered low ≤ pressure ≤ high, got ${tcpMem.join(' ')}`,
      'tcp_mem_low_pages',
    );
  }
  const n = p.sockets_count as number;
  const cpus = p.cpus_count as number;
  const g: MemGlobal = {
    tcp_mem_pages: tcpMem,
    tcp_wmem0_bytes: p.tcp_wmem0_bytes as number,
    pcpu_rsv_pages: p.pcpu_rsv_pages as number,
    allocated_pages: 0,
    pcpu_pages: new Array<number>(cpus).fill(0),
    pressure: false,
    sockets_allocated: n,
  };
  const socks: MemSock[] = Array.from({ length: n }, (_, i) => ({
    cpu: i % cpus,
    sndbuf_bytes: p.sndbuf_bytes as number,
    sndbuf_locked: p.sndbuf_locked as boolean,
    wmem_queued_bytes: 0,
    rmem_alloc_bytes: 0,
    forward_alloc_bytes: 0,
  }));
  const writes = new Array<number>(n).fill(0);
  const advmss = p.probe_advmss_bytes as number;
  const probeRcvbuf = p.probe_rcvbuf_bytes as number;
  const probeClamp = winFromSpace(probeRcvbuf);
  let ssthresh = 4 * advmss * 4; // a probe that has grown past 4·advmss before the run
  const series: SeriesPoint[] = [];
  const counts: Record<string, number> = {};
  let event = 0;
  let enteredAt = -1;
  let leftAt = -1;
  let maxAllocated = 0;
  let failures = 0;
  let forced = 0;
  let minSsthresh = ssthresh;
  const maxEvents = p.max_events_count as number;
  const wb = p.write_bytes as number;
  const ackB = p.ack_bytes as number;
  const record = (kind: string, i: number, outcome: string, pages: number): void => {
    maxAllocated = Math.max(maxAllocated, g.allocated_pages);
    const wqTotal = socks.reduce((a, s) => a + s.wmem_queued_bytes, 0);
    series.push({
      t: event,
      kind,
      socket_count: i,
      outcome,
      pages_count: pages,
      allocated_pages: g.allocated_pages,
      pcpu_cache_page_delta: g.pcpu_pages.reduce((a, v) => a + v, 0),
      true_allocated_pages: g.allocated_pages + g.pcpu_pages.reduce((a, v) => a + v, 0),
      pressure_count: g.pressure ? 1 : 0,
      wmem_queued_total_bytes: wqTotal,
      sndbuf_bytes: socks[i].sndbuf_bytes,
      probe_rcv_ssthresh_bytes: ssthresh,
    });
    event++;
  };
  const probe = (): void => {
    // One 1448-byte segment (truesize 2304) reaches the probe receiver: tcp_grow_window.
    ssthresh = growWindow({
      rcv_ssthresh_bytes: ssthresh,
      window_clamp_bytes: probeClamp,
      tcp_space_bytes: winFromSpace(probeRcvbuf),
      skb_len_bytes: 1448,
      skb_truesize_bytes: 2304,
      advmss_bytes: advmss,
      rcv_mss_bytes: 1448,
      tcp_rmem_max_bytes: probeRcvbuf,
      under_pressure: g.pressure,
      adv_win_scale: 1,
    });
    minSsthresh = Math.min(minSsthresh, ssthresh);
  };
  // Phase 1: writes.
  for (let progress = true; progress && event < maxEvents;) {
    progress = false;
    for (let i = 0; i < n && event < maxEvents; i++) {
      const sk = socks[i];
      if (writes[i] >= (p.writes_per_socket as number)) continue;
      if (sk.wmem_queued_bytes >= sk.sndbuf_bytes) continue; // writer blocked on sndbuf
      const r = wmemSchedule(g, sk, wb);
      progress = true; // an attempt was made; a failed writer retries next round
      counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      if (r.entered && enteredAt < 0) enteredAt = event;
      if (r.left) leftAt = event;
      if (r.ok) {
        sk.wmem_queued_bytes += wb; // sk_mem_charge: forward_alloc −= size
        sk.forward_alloc_bytes -= wb;
        writes[i]++;
        if (r.outcome === 'forced_at_sndbuf') forced++;
      } else {
        failures++;
        writes[i]++; // the attempt counts; sk_stream_wait_memory, then a retry next round
      }
      record('write', i, r.ok ? r.outcome : `FAIL ${r.outcome}`, r.pages);
    }
    probe();
  }
  // Phase 2: ACKs release memory.
  for (let progress = true; progress && event < maxEvents;) {
    progress = false;
    for (let i = 0; i < n && event < maxEvents; i++) {
      const sk = socks[i];
      if (sk.wmem_queued_bytes === 0) continue;
      const b = Math.min(ackB, sk.wmem_queued_bytes);
      sk.wmem_queued_bytes -= b;
      const u = uncharge(g, sk, b);
      if (u.left) leftAt = event;
      progress = true;
      record('ack', i, u.left ? 'left pressure' : 'released', u.pages);
    }
    probe();
  }
  const final: ModelResult['final'] = {
    max_allocated_pages: maxAllocated,
    final_allocated_pages: g.allocated_pages,
    final_pcpu_cache_page_delta: g.pcpu_pages.reduce((a, v) => a + v, 0),
    pressure_entered_at_event_count: Math.max(enteredAt, 0),
    pressure_entered: enteredAt >= 0,
    pressure_left_at_event_count: Math.max(leftAt, 0),
    pressure_left: leftAt >= 0,
    still_under_pressure: g.pressure,
    allocation_failures_count: failures,
    forced_at_sndbuf_count: forced,
    min_sndbuf_bytes: Math.min(...socks.map((s) => s.sndbuf_bytes)),
    max_sndbuf_bytes: Math.max(...socks.map((s) => s.sndbuf_bytes)),
    probe_min_rcv_ssthresh_bytes: minSsthresh,
    probe_final_rcv_ssthresh_bytes: ssthresh,
    events_count: event,
  };
  for (const [k, v] of Object.entries(counts)) final[`outcome_${k}_count`] = v;
  const notes = [
    `decisions read the global counter; each CPU caches up to ${g.pcpu_rsv_pages - 1} pages before flushing, so pressure is seen late (and left late)`,
  ];
  if (enteredAt >= 0) notes.push(`entered pressure at event ${enteredAt}`);
  if (leftAt >= 0) notes.push(`left pressure at event ${leftAt}`);
  if (event >= maxEvents) notes.push('stopped at max_events_count');
  return { model: 'tcp-mem', params: p, final, series, notes };
}

// tcp-mem steps: which kernel path the event at the cursor took. A write covered by
// forward_alloc (outcome `forward_alloc`) never calls __sk_mem_raise_allocated.
const memWrite = (v: StepValues): boolean => v.kind === 'write' && v.outcome !== 'forward_alloc';
const memAck = (v: StepValues): boolean => v.kind === 'ack';
const memOutcome =
  (...outcomes: string[]) =>
  (v: StepValues): boolean =>
    v.kind === 'write' && outcomes.includes(String(v.outcome));
/** The events that reached suppress_allocation, where sk_stream_moderate_sndbuf runs. */
const memSuppressed = memOutcome(
  'forced_at_sndbuf',
  'FAIL fail_above_high',
  'FAIL fail_pressure_share',
);
const pressureFlag = (v: number | string | boolean): string => (Number(v) ? 'set' : 'clear');

/** Where the tcp-mem model meets the code (docs/models.md §8). */
export const tcpMemAnchors: ModelAnchors = {
  lenses: [
    {
      name: '__sk_mem_raise_allocated',
      scenario: 'pressure',
      title: '▶ Simulate tcp_mem pressure',
      shape: [/memory_allocated|sk_prot_mem_limits|memory_pressure/],
    },
  ],
  inline: [
    // tcp-mem (docs/models.md §8): each event of the script, write or ACK, at the line it
    // ran. net/core/sock.c: __sk_mem_raise_allocated (SK_MEM_SEND on a TCP socket).
    {
      fn: '__sk_mem_raise_allocated',
      line: /\bsk_memory_allocated_add\s*\(/,
      keys: ['pages_count'],
      label: 'amt',
      unit: 'pages',
      when: memWrite,
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /\ballocated\s*=\s*sk_memory_allocated\s*\(/,
      keys: ['allocated_pages'],
      label: 'allocated (global)',
      unit: 'pages',
      when: memWrite,
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /\bsk_leave_memory_pressure\s*\(/,
      keys: ['outcome'],
      label: 'outcome',
      unit: '',
      when: memOutcome('under_low'),
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /\bsk_enter_memory_pressure\s*\(/,
      keys: ['pressure_count'],
      label: 'tcp_memory_pressure',
      unit: '',
      when: memWrite,
      format: pressureFlag,
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /sk_wmem_queued\s*<\s*wmem0/,
      keys: ['outcome'],
      label: 'outcome',
      unit: '',
      when: memOutcome('min_guarantee'),
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /!\s*sk_under_memory_pressure\s*\(/,
      keys: ['outcome'],
      label: 'outcome',
      unit: '',
      when: memOutcome('not_under_pressure'),
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /sk_prot_mem_limits\s*\(\s*sk\s*,\s*2\s*\)\s*>\s*\w+\s*\*/,
      keys: ['outcome'],
      label: 'outcome',
      unit: '',
      when: memOutcome('fair_share'),
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /\bsk_stream_moderate_sndbuf\s*\(/,
      keys: ['sndbuf_bytes'],
      label: 'sk_sndbuf',
      unit: 'bytes',
      when: memSuppressed,
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /sk_wmem_queued\s*\+\s*size\s*>=\s*sk->sk_sndbuf/,
      keys: ['outcome'],
      label: 'outcome',
      unit: '',
      when: memOutcome('forced_at_sndbuf'),
    },
    {
      fn: '__sk_mem_raise_allocated',
      line: /\bsk_memory_allocated_sub\s*\(/,
      keys: ['outcome'],
      label: 'outcome',
      unit: '',
      when: memOutcome('FAIL fail_above_high', 'FAIL fail_pressure_share'),
    },
    // net/core/sock.c: __sk_mem_reduce_allocated, reached from an ACK's sk_mem_reclaim.
    {
      fn: '__sk_mem_reduce_allocated',
      line: /\bsk_memory_allocated_sub\s*\(/,
      keys: ['allocated_pages'],
      label: 'allocated (global)',
      unit: 'pages',
      when: memAck,
    },
    {
      fn: '__sk_mem_reduce_allocated',
      line: /\bsk_leave_memory_pressure\s*\(/,
      keys: ['pressure_count'],
      label: 'tcp_memory_pressure',
      unit: '',
      when: memAck,
      format: pressureFlag,
    },
    // include/net/sock.h: sk_stream_moderate_sndbuf, the writer's sk_sndbuf after the event.
    {
      fn: 'sk_stream_moderate_sndbuf',
      line: /WRITE_ONCE\s*\(\s*sk->sk_sndbuf\b/,
      keys: ['sndbuf_bytes'],
      label: 'sk_sndbuf',
      unit: 'bytes',
      when: memSuppressed,
    },
    // net/ipv4/tcp_input.c: tcp_grow_window on the receiver probe beside the writers: grows
    // rcv_ssthresh, or pulls it down through tcp_adjust_rcv_ssthresh while under pressure.
    {
      fn: 'tcp_grow_window',
      line: /\brcv_ssthresh\s*\+=/,
      keys: ['probe_rcv_ssthresh_bytes'],
      label: 'probe rcv_ssthresh',
      unit: 'bytes',
      when: (v) => v.pressure_count === 0,
    },
    {
      fn: 'tcp_grow_window',
      line: /\btcp_adjust_rcv_ssthresh\s*\(/,
      keys: ['probe_rcv_ssthresh_bytes'],
      label: 'probe rcv_ssthresh',
      unit: 'bytes',
      when: (v) => v.pressure_count === 1,
    },
  ],
};

export const tcpMemModel: ModelDefinition = {
  id: 'tcp-mem',
  title: 'tcp_mem pressure: sockets charging pages, per-CPU reserve, hysteresis, moderation',
  cites: [
    'net/core/sock.c: __sk_mem_raise_allocated',
    'net/core/sock.c: __sk_mem_reduce_allocated',
    'include/net/sock.h: sk_memory_allocated_add',
    'include/net/sock.h: sk_stream_moderate_sndbuf',
    'include/net/tcp.h: tcp_adjust_rcv_ssthresh',
    'net/ipv4/tcp_input.c: tcp_grow_window',
  ],
  tUnit: 'event',
  anchors: tcpMemAnchors,
  params,
  series: [
    { key: 'allocated_pages', label: 'tcp_memory_allocated (global)', unit: 'pages' },
    { key: 'true_allocated_pages', label: 'global + per-CPU caches', unit: 'pages' },
    { key: 'pressure_count', label: 'under pressure', unit: 'count' },
    { key: 'probe_rcv_ssthresh_bytes', label: 'receiver probe rcv_ssthresh', unit: 'bytes' },
  ],
  scenarios: [
    {
      id: 'pressure',
      title:
        '8 sockets on 1 CPU, tcp_mem 512/768/1024, 16 KiB writes: pressure, moderation, recovery',
      params: {},
      ref: 'docs/models.md §8.4 (hand-checked)',
    },
    {
      id: 'hard-limit',
      title: 'one locked socket, tcp_mem 256/300/400, 64 KiB writes: failures above tcp_mem[2]',
      params: {
        sockets_count: 1,
        sndbuf_locked: true,
        sndbuf_bytes: 4194304,
        write_bytes: 65536,
        writes_per_socket: 40,
        tcp_mem_low_pages: 256,
        tcp_mem_pressure_pages: 300,
        tcp_mem_high_pages: 400,
      },
      ref: 'docs/models.md §8.1 (steps 4 and 7), §8.4',
    },
  ],
  run,
};
