// Model 3: TCP Small Queues and the throughput they allow (docs/models.md §4, §S10, §S11).
// `net/ipv4/tcp_output.c: tcp_small_queue_check` caps the bytes one socket keeps below TCP
// (qdisc + driver, counted in sk_wmem_alloc as truesize) until TX completion
// (`tcp_wfree`) releases them. The throughput model is docs/models.md §4.3's budget cycle: the sender hands
// skbs down until TSQ throttles it, the batch completes after max(batch/B, D) where D is the
// TX-completion delay (constant, or a seeded two-point distribution for netback batching),
// then the next batch goes. Throughput = payload / time.
import { INT_MAX } from './kernelConstants';
import {
  ModelInputError,
  type ModelDefinition,
  type ModelResult,
  type Params,
  type SeriesPoint,
  type ModelAnchors,
} from './types';

/** How the TSQ limit is computed in one kernel generation (docs/models.md §4.2). */
export type TsqRule =
  /** 3.6: limit = sysctl. */
  | 'sysctl'
  /** 3.12–3.18: max(sysctl, pacing_rate >> 10): the sysctl is a floor. */
  | 'sysctl-floor'
  /** 3.19–4.19: min(max(2·truesize, pacing_rate >> 10), sysctl): the sysctl is a cap. */
  | 'sysctl-cap'
  /** 4.20+: max(2·truesize, pacing_rate >> shift), capped by the sysctl only when not paced. */
  | 'cap-unpaced';

export interface TsqKernel {
  id: string;
  label: string;
  commit: string;
  rule: TsqRule;
  limit_output_default_bytes: number;
  /** sk_pacing_shift is honoured (else always 10). */
  pacing_shift: boolean;
  /** 6.1: send anyway when the rtx queue is empty or holds one skb. */
  single_skb_exception: boolean;
}

export const TSQ_KERNELS: readonly TsqKernel[] = [
  {
    id: '3.6',
    label: '3.6: TSQ introduced, limit = tcp_limit_output_bytes',
    commit: '46d3ceabd8d9',
    rule: 'sysctl',
    limit_output_default_bytes: 131072,
    pacing_shift: false,
    single_skb_exception: false,
  },
  {
    id: '3.12-3.18',
    label: '3.12–3.18: max(sysctl, pacing_rate >> 10)',
    commit: 'TSO autosizing at sendmsg',
    rule: 'sysctl-floor',
    limit_output_default_bytes: 131072,
    pacing_shift: false,
    single_skb_exception: false,
  },
  {
    id: '3.19',
    label: '3.19: min(max(2·truesize, rate >> 10), sysctl) — the Xen regression',
    commit: '605ad7f184b6',
    rule: 'sysctl-cap',
    limit_output_default_bytes: 131072,
    pacing_shift: false,
    single_skb_exception: false,
  },
  {
    id: '4.2',
    label: '4.2: same rule, default 256 KiB',
    commit: 'c39c4c6abb89',
    rule: 'sysctl-cap',
    limit_output_default_bytes: 262144,
    pacing_shift: false,
    single_skb_exception: false,
  },
  {
    id: '4.20',
    label: '4.20: sysctl cap only when not paced, default 1 MiB',
    commit: 'c73e5807e4f6',
    rule: 'cap-unpaced',
    limit_output_default_bytes: 1048576,
    pacing_shift: true,
    single_skb_exception: false,
  },
  {
    id: '6.1',
    label: '6.1: pacing shift, single-skb exception',
    commit: 'net/ipv4/tcp_output.c: tcp_small_queue_check',
    rule: 'cap-unpaced',
    limit_output_default_bytes: 1048576,
    pacing_shift: true,
    single_skb_exception: true,
  },
];

export interface TsqLimitInput {
  kernel: TsqKernel;
  skb_truesize_bytes: number;
  pacing_rate_bytes_per_sec: number;
  pacing_shift: number;
  paced: boolean;
  /** 0 = the kernel's default. */
  limit_output_bytes: number;
}

/** The TSQ limit in truesize bytes (`tcp_small_queue_check`, factor 0). */
export function tsqLimitBytes(i: TsqLimitInput): number {
  const sysctl =
    i.limit_output_bytes > 0 ? i.limit_output_bytes : i.kernel.limit_output_default_bytes;
  const shift = i.kernel.pacing_shift ? i.pacing_shift : 10;
  const rateTerm = Math.floor(i.pacing_rate_bytes_per_sec / 2 ** shift);
  switch (i.kernel.rule) {
    case 'sysctl':
      return sysctl;
    case 'sysctl-floor':
      return Math.max(sysctl, rateTerm);
    case 'sysctl-cap':
      return Math.min(Math.max(2 * i.skb_truesize_bytes, rateTerm), sysctl);
    case 'cap-unpaced': {
      const l = Math.max(2 * i.skb_truesize_bytes, rateTerm);
      return i.paced ? l : Math.min(l, sysctl);
    }
  }
}

/**
 * Whether `tcp_small_queue_check` stops transmission before the next skb: sk_wmem_alloc is a
 * refcount that starts at 1, and 6.1 always sends when the rtx queue has at most one skb.
 */
export function tsqThrottled(
  kernel: TsqKernel,
  wmem_alloc_bytes: number,
  limit_bytes: number,
  rtx_queue_skbs: number,
): boolean {
  if (wmem_alloc_bytes + 1 <= limit_bytes) return false;
  if (kernel.single_skb_exception && rtx_queue_skbs <= 1) return false;
  return true;
}

/** Deterministic PRNG (mulberry32) so a seed gives the same delays everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TsqRunInput extends TsqLimitInput {
  link_rate_bps: number;
  skb_payload_bytes: number;
  delay_model: 'constant' | 'two-point';
  tx_completion_delay_usec: number;
  delay_a_usec: number;
  delay_b_usec: number;
  delay_b_percent: number;
  seed: number;
  cycles_count: number;
  bucket_cycles_count: number;
}

export function simulateTsq(i: TsqRunInput): {
  final: Record<string, number | string | boolean>;
  series: SeriesPoint[];
} {
  const limit = tsqLimitBytes(i);
  // Skbs handed down per budget cycle: send while tcp_small_queue_check lets us.
  let skbs = 0;
  let walloc = 0;
  const cap = 1_000_000;
  while (skbs < cap && !tsqThrottled(i.kernel, walloc, limit, skbs)) {
    skbs += 1;
    walloc += i.skb_truesize_bytes;
  }
  const payload = skbs * i.skb_payload_bytes;
  const linkBytesPerUsec = i.link_rate_bps / 8 / 1e6;
  const wireUsec = payload / linkBytesPerUsec;
  const rand = mulberry32(i.seed);
  const pB = i.delay_b_percent / 100;
  const draw = (): number =>
    i.delay_model === 'constant'
      ? i.tx_completion_delay_usec
      : rand() < pB
        ? i.delay_b_usec
        : i.delay_a_usec;
  const expectedCycleUsec =
    i.delay_model === 'constant'
      ? Math.max(wireUsec, i.tx_completion_delay_usec)
      : (1 - pB) * Math.max(wireUsec, i.delay_a_usec) + pB * Math.max(wireUsec, i.delay_b_usec);
  const series: SeriesPoint[] = [];
  let t = 0;
  let bucketStart = 0;
  let bucketBytes = 0;
  for (let c = 1; c <= i.cycles_count; c++) {
    t += Math.max(wireUsec, draw());
    bucketBytes += payload;
    if (c % i.bucket_cycles_count === 0 || c === i.cycles_count) {
      series.push({
        t,
        throughput_bps: ((bucketBytes * 8) / (t - bucketStart)) * 1e6,
        tsq_limit_bytes: limit,
        inflight_bytes: payload,
        link_rate_bps: i.link_rate_bps,
      });
      bucketStart = t;
      bucketBytes = 0;
    }
  }
  const throughput = ((i.cycles_count * payload * 8) / t) * 1e6;
  const expected = ((payload * 8) / expectedCycleUsec) * 1e6;
  return {
    final: {
      kernel: i.kernel.id,
      tsq_limit_bytes: limit,
      skbs_per_cycle_count: skbs,
      payload_per_cycle_bytes: payload,
      wire_time_per_cycle_usec: wireUsec,
      expected_cycle_usec: expectedCycleUsec,
      throughput_bps: throughput,
      throughput_expected_bps: expected,
      link_rate_bps: i.link_rate_bps,
      throughput_vs_link_percent: (throughput / i.link_rate_bps) * 100,
      simulated_time_usec: t,
    },
    series,
  };
}

export function tsqInput(params: Params): TsqRunInput {
  const kernel = TSQ_KERNELS.find((k) => k.id === params.kernel);
  if (!kernel) throw new ModelInputError(`unknown kernel '${String(params.kernel)}'`, 'kernel');
  const n = (k: string): number => params[k] as number;
  if (params.delay_model === 'two-point' && n('delay_a_usec') > n('delay_b_usec')) {
    throw new ModelInputError('delay_a_usec must not exceed delay_b_usec', 'delay_a_usec');
  }
  if (n('bucket_cycles_count') > n('cycles_count')) {
    throw new ModelInputError('bucket_cycles_count exceeds cycles_count', 'bucket_cycles_count');
  }
  const rateBytes = ((n('link_rate_bps') / 8) * n('pacing_ratio_percent')) / 100;
  return {
    kernel,
    skb_truesize_bytes: n('skb_payload_bytes') + n('skb_overhead_bytes'),
    pacing_rate_bytes_per_sec: rateBytes,
    pacing_shift: n('pacing_shift'),
    paced: params.pacing === 'fq',
    limit_output_bytes: n('tcp_limit_output_bytes'),
    link_rate_bps: n('link_rate_bps'),
    skb_payload_bytes: n('skb_payload_bytes'),
    delay_model: params.delay_model as 'constant' | 'two-point',
    tx_completion_delay_usec: n('tx_completion_delay_usec'),
    delay_a_usec: n('delay_a_usec'),
    delay_b_usec: n('delay_b_usec'),
    delay_b_percent: n('delay_b_percent'),
    seed: n('seed'),
    cycles_count: n('cycles_count'),
    bucket_cycles_count: n('bucket_cycles_count'),
  };
}

const twoPoint = { delay_model: 'two-point' };

/** Where the tsq model meets the code (docs/models.md §4). */
export const tsqAnchors: ModelAnchors = {
  lenses: [
    {
      name: 'tcp_small_queue_check',
      scenario: 'S10',
      title: '▶ Simulate TCP small queues',
      shape: [/limit_output_bytes|sk_pacing_rate|sk_wmem_alloc/],
    },
  ],
  inline: [
    // TSQ
    {
      fn: 'tcp_small_queue_check',
      line: /\blimit\s*=/,
      keys: ['limit_bytes', 'tsq_limit_bytes', 'final.limit_bytes', 'final.tsq_limit_bytes'],
      label: 'limit',
      unit: 'bytes',
    },
  ],
};

export const tsqModel: ModelDefinition = {
  id: 'tsq',
  title: 'TCP Small Queues: TSQ limit, TX-completion delay and throughput (Xen regression)',
  cites: [
    'net/ipv4/tcp_output.c: tcp_small_queue_check',
    'net/ipv4/tcp_output.c: tcp_wfree',
    'net/ipv4/tcp_output.c: tcp_tso_autosize',
    'net/ipv4/tcp_input.c: tcp_update_pacing_rate',
  ],
  tUnit: 'usec',
  anchors: tsqAnchors,
  params: [
    {
      kind: 'choice',
      name: 'kernel',
      label: 'Kernel generation',
      options: TSQ_KERNELS.map((k) => ({ value: k.id, label: k.label })),
      default: '6.1',
    },
    {
      kind: 'number',
      name: 'link_rate_bps',
      label: 'Link / back-end rate',
      unit: 'bits/s',
      min: 1e6,
      max: 4e11,
      default: 1e10,
      integer: false,
    },
    {
      kind: 'choice',
      name: 'pacing',
      label: 'Qdisc pacing',
      options: [
        { value: 'none', label: 'none (pfifo_fast, SK_PACING_NONE)' },
        { value: 'fq', label: 'fq (paced)' },
      ],
      default: 'none',
    },
    {
      kind: 'number',
      name: 'pacing_ratio_percent',
      label: 'pacing_rate / link rate',
      unit: 'percent',
      min: 1,
      max: 1000,
      default: 120,
      integer: false,
      help: 'tcp_pacing_ca_ratio 120 (congestion avoidance) or ss_ratio 200 (slow start)',
    },
    {
      kind: 'number',
      name: 'pacing_shift',
      label: 'sk_pacing_shift',
      unit: 'shift',
      min: 0,
      max: 31,
      default: 10,
      integer: true,
    },
    {
      kind: 'number',
      name: 'tcp_limit_output_bytes',
      label: 'tcp_limit_output_bytes (0 = kernel default)',
      unit: 'bytes',
      min: 0,
      max: INT_MAX,
      default: 0,
      integer: true,
    },
    {
      kind: 'number',
      name: 'skb_payload_bytes',
      label: 'TSO skb payload',
      unit: 'bytes',
      min: 1,
      max: 524280,
      default: 65536,
      integer: true,
    },
    {
      kind: 'number',
      name: 'skb_overhead_bytes',
      label: 'truesize − payload (F)',
      unit: 'bytes',
      min: 0,
      max: 65536,
      default: 1280,
      integer: true,
    },
    {
      kind: 'choice',
      name: 'delay_model',
      label: 'TX-completion delay',
      options: [
        { value: 'constant', label: 'constant D' },
        { value: 'two-point', label: 'two-point (netback batching)' },
      ],
      default: 'constant',
    },
    {
      kind: 'number',
      name: 'tx_completion_delay_usec',
      label: 'D (constant)',
      unit: 'usec',
      min: 0,
      max: 10_000_000,
      default: 150,
      integer: false,
    },
    {
      kind: 'number',
      name: 'delay_a_usec',
      label: 'D, usual value',
      unit: 'usec',
      min: 0,
      max: 10_000_000,
      default: 120,
      integer: false,
    },
    {
      kind: 'number',
      name: 'delay_b_usec',
      label: 'D, batched value',
      unit: 'usec',
      min: 0,
      max: 10_000_000,
      default: 352,
      integer: false,
    },
    {
      kind: 'number',
      name: 'delay_b_percent',
      label: 'share of batched cycles',
      unit: 'percent',
      min: 0,
      max: 100,
      default: 12.8,
      integer: false,
    },
    {
      kind: 'number',
      name: 'seed',
      label: 'PRNG seed',
      unit: 'count',
      min: 0,
      max: 2 ** 32 - 1,
      default: 1,
      integer: true,
    },
    {
      kind: 'number',
      name: 'cycles_count',
      label: 'Budget cycles simulated',
      unit: 'count',
      min: 1,
      max: 1_000_000,
      default: 20000,
      integer: true,
    },
    {
      kind: 'number',
      name: 'bucket_cycles_count',
      label: 'Cycles per series point',
      unit: 'count',
      min: 1,
      max: 1_000_000,
      default: 200,
      integer: true,
    },
  ],
  series: [
    { key: 'throughput_bps', label: 'throughput', unit: 'bits/s' },
    { key: 'link_rate_bps', label: 'link rate', unit: 'bits/s', limit: true },
    { key: 'tsq_limit_bytes', label: 'TSQ limit', unit: 'bytes', limit: true },
    { key: 'inflight_bytes', label: 'payload per completion cycle', unit: 'bytes' },
  ],
  scenarios: [
    {
      id: 'S10',
      title: '6.1 TSQ limit at 1 Gbit/s (rate >> 10 = 146484)',
      params: { link_rate_bps: 1e9 },
      ref: 'docs/models.md §S10, §4.1',
    },
    {
      id: 'S10-10g',
      title: '6.1 at 10 Gbit/s, not paced: capped at 1048576',
      params: {},
      ref: 'docs/models.md §S10',
    },
    {
      id: 'S10-10g-fq',
      title: '6.1 at 10 Gbit/s with fq: 1464843',
      params: { pacing: 'fq' },
      ref: 'docs/models.md §S10',
    },
    {
      id: 'S10-40g',
      title: '6.1 at 40 Gbit/s, not paced: 1048576',
      params: { link_rate_bps: 4e10 },
      ref: 'docs/models.md §S10',
    },
    {
      id: 'S10-40g-fq',
      title: '6.1 at 40 Gbit/s with fq: 5859375',
      params: { link_rate_bps: 4e10, pacing: 'fq' },
      ref: 'docs/models.md §S10',
    },
    {
      id: 'S11',
      title: 'Xen: 3.19 (128 KiB cap), D 150 µs → 6.99 Gbit/s (−30 %)',
      params: { kernel: '3.19' },
      ref: 'docs/models.md §S11, §4.3',
    },
    {
      id: 'S11-3.18',
      title: 'Xen: 3.18 (sysctl is a floor, ≈1.46 MB) → 10 Gbit/s',
      params: { kernel: '3.12-3.18' },
      ref: 'docs/models.md §4.2, §4.3',
    },
    {
      id: 'S11-256k',
      title: 'Xen: 4.2 (256 KiB), D 150 µs → 10 Gbit/s',
      params: { kernel: '4.2' },
      ref: 'docs/models.md §S11',
    },
    {
      id: 'S11-1m',
      title: 'Xen: 3.19 rule with 1 MiB sysctl, D 150 µs → 10 Gbit/s',
      params: { kernel: '3.19', tcp_limit_output_bytes: 1048576 },
      ref: 'docs/models.md §S11',
    },
    {
      id: 'S11-two-point',
      title: 'Xen: 3.19 (128 KiB), two-point D → 7.00 Gbit/s (−30 %)',
      params: { kernel: '3.19', ...twoPoint },
      ref: 'docs/models.md §S11',
    },
    {
      id: 'S11-two-point-256k',
      title: 'Xen: 4.2 (256 KiB), two-point D → 9.20 Gbit/s (−8 %)',
      params: { kernel: '4.2', ...twoPoint },
      ref: 'docs/models.md §S11',
    },
    {
      id: 'S11-two-point-1m',
      title: 'Xen: 1 MiB, two-point D → 10.00 Gbit/s',
      params: { kernel: '3.19', tcp_limit_output_bytes: 1048576, ...twoPoint },
      ref: 'docs/models.md §S11',
    },
  ],
  run(params: Params): ModelResult {
    const input = tsqInput(params);
    const r = simulateTsq(input);
    const notes = [
      `TSQ limit ${r.final.tsq_limit_bytes} bytes → ${r.final.skbs_per_cycle_count} skbs (${r.final.payload_per_cycle_bytes} payload bytes) per TX-completion cycle`,
      `throughput ${((r.final.throughput_bps as number) / 1e9).toFixed(2)} Gbit/s of ${(input.link_rate_bps / 1e9).toFixed(2)}`,
    ];
    return { model: 'tsq', params, final: r.final, series: r.series, notes };
  },
};
