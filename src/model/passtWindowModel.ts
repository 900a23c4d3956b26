// `passt-window`: every passt window variant (docs/models.md §5.3) at one operating point, plus a sweep of
// one input. The pure formulas live in passtWindow.ts; this file is the ModelDefinition shell.
import {
  PASST_VARIANTS,
  mssGetBytes,
  passtWindow,
  sndbufGetBytes,
  type PasstWindowInputs,
} from './passtWindow';
import {
  MAX_PARAM,
  ModelInputError,
  type ModelDefinition,
  type ModelResult,
  type ParamSpec,
  type Params,
  type SeriesPoint,
  type ModelAnchors,
} from './types';

/** tcp_info's snd_wnd can reach 65535 << 14 (RFC 7323 maximum scale). */
export const MAX_SND_WND_BYTES = 65535 * 2 ** 14;

const SWEEPS = [
  'none',
  'sendq_bytes',
  'sndbuf_bytes',
  'wmem_queued_bytes',
  'last_data_sent_msec',
] as const;
type Sweep = (typeof SWEEPS)[number];

const params: ParamSpec[] = [
  {
    kind: 'number',
    name: 'sndbuf_bytes',
    label: 'host sk_sndbuf (SO_SNDBUF / SK_MEMINFO_SNDBUF)',
    unit: 'bytes',
    min: 4608,
    max: MAX_PARAM,
    default: 200000,
    integer: true,
    help: 'raw kernel value (already doubled); at least SOCK_MIN_SNDBUF = 4608',
  },
  {
    kind: 'number',
    name: 'wmem_queued_bytes',
    label: 'SK_MEMINFO_WMEM_QUEUED',
    unit: 'bytes',
    min: 0,
    max: MAX_PARAM,
    default: 87500,
    integer: true,
    help: 'used when wmem_mode = fixed',
  },
  {
    kind: 'number',
    name: 'sendq_bytes',
    label: 'SIOCOUTQ (unacked payload)',
    unit: 'bytes',
    min: 0,
    max: MAX_PARAM,
    default: 73000,
    integer: true,
  },
  {
    kind: 'choice',
    name: 'wmem_mode',
    label: 'wmem_queued from',
    options: [
      { value: 'fixed', label: 'the wmem_queued_bytes parameter' },
      { value: 'per_segment', label: 'sendq + ceil(sendq/mss) · overhead_per_segment_bytes' },
    ],
    default: 'fixed',
  },
  {
    kind: 'number',
    name: 'overhead_per_segment_bytes',
    label: 'truesize overhead per MSS segment (per_segment mode)',
    unit: 'bytes',
    min: 0,
    max: 65536,
    default: 290,
    integer: true,
    help: "seed 000's example: (87500 − 73000)/50 = 290",
  },
  {
    kind: 'number',
    name: 'mss_bytes',
    label: 'MSS to the guest (MSS_SET/GET, 4-byte granular)',
    unit: 'bytes',
    min: 4,
    max: 65535,
    default: 1460,
    integer: true,
  },
  {
    kind: 'number',
    name: 'snd_wnd_bytes',
    label: "tcpi_snd_wnd (the peer's window)",
    unit: 'bytes',
    min: 0,
    max: MAX_SND_WND_BYTES,
    default: 4194304,
    integer: true,
  },
  {
    kind: 'number',
    name: 'rtt_usec',
    label: 'tcpi_rtt',
    unit: 'usec',
    min: 0,
    max: MAX_PARAM,
    default: 15000,
    integer: true,
  },
  {
    kind: 'number',
    name: 'last_data_sent_msec',
    label: 'tcpi_last_data_sent',
    unit: 'msec',
    min: 0,
    max: MAX_PARAM,
    default: 1000,
    integer: true,
  },
  {
    kind: 'boolean',
    name: 'meminfo_available',
    label: 'getsockopt(SO_MEMINFO) succeeds',
    default: true,
  },
  {
    kind: 'choice',
    name: 'sws_rtt_rounding',
    label: 'SWS rule RTT → ms',
    options: [
      { value: 'ceil', label: 'rounded up (2be0e79, 2026-01-09 and later)' },
      { value: 'floor', label: 'truncated (b40f5cd … 2be0e79^)' },
    ],
    default: 'ceil',
  },
  {
    kind: 'boolean',
    name: 'local_or_low_rtt',
    label: 'LOCAL or low-RTT destination (window = snd_wnd)',
    default: false,
  },
  { kind: 'boolean', name: 'established', label: 'connection ESTABLISHED', default: true },
  {
    kind: 'number',
    name: 'ws_to_tap_shift',
    label: 'ws_to_tap (window scale toward the guest)',
    unit: 'shift',
    min: 0,
    max: 8,
    default: 7,
    integer: true,
  },
  {
    kind: 'choice',
    name: 'sweep',
    label: 'sweep this input',
    options: SWEEPS.map((s) => ({ value: s, label: s })),
    default: 'sendq_bytes',
  },
  {
    kind: 'number',
    name: 'sweep_from',
    label: 'sweep start (unit of the swept input)',
    unit: 'count',
    min: 0,
    max: MAX_PARAM,
    default: 0,
    integer: true,
  },
  {
    kind: 'number',
    name: 'sweep_to',
    label: 'sweep end (unit of the swept input)',
    unit: 'count',
    min: 0,
    max: MAX_PARAM,
    default: 200000,
    integer: true,
  },
  {
    kind: 'number',
    name: 'sweep_points_count',
    label: 'sweep points',
    unit: 'count',
    min: 2,
    max: 10001,
    default: 101,
    integer: true,
  },
];

function inputsAt(p: Params, overrides: Partial<Record<Sweep, number>>): PasstWindowInputs {
  const sq = overrides.sendq_bytes ?? (p.sendq_bytes as number);
  const mss = mssGetBytes(p.mss_bytes as number);
  const wq =
    overrides.wmem_queued_bytes ??
    (p.wmem_mode === 'per_segment'
      ? sq + Math.ceil(sq / mss) * (p.overhead_per_segment_bytes as number)
      : (p.wmem_queued_bytes as number));
  return {
    sndbuf_bytes: overrides.sndbuf_bytes ?? (p.sndbuf_bytes as number),
    wmem_queued_bytes: wq,
    sendq_bytes: sq,
    mss_bytes: p.mss_bytes as number,
    snd_wnd_bytes: p.snd_wnd_bytes as number,
    rtt_usec: p.rtt_usec as number,
    last_data_sent_msec: overrides.last_data_sent_msec ?? (p.last_data_sent_msec as number),
    meminfo_ok: p.meminfo_available as boolean,
    sws_rtt_rounding: p.sws_rtt_rounding as 'ceil' | 'floor',
    local_or_low_rtt: p.local_or_low_rtt as boolean,
    established: p.established as boolean,
    ws_to_tap_shift: p.ws_to_tap_shift as number,
  };
}

function checkContradictions(p: Params): void {
  const sweep = p.sweep as Sweep;
  if (sweep !== 'none' && (p.sweep_from as number) > (p.sweep_to as number)) {
    throw new ModelInputError(
      `sweep_from (${p.sweep_from}) is above sweep_to (${p.sweep_to})`,
      'sweep_from',
    );
  }
  if (sweep === 'wmem_queued_bytes' && p.wmem_mode === 'per_segment') {
    throw new ModelInputError(
      'cannot sweep wmem_queued_bytes while wmem_mode = per_segment derives it from sendq',
      'sweep',
    );
  }
  if (mssGetBytes(p.mss_bytes as number) === 0) {
    throw new ModelInputError('mss_bytes stores as MSS_GET = 0 (4-byte granularity)', 'mss_bytes');
  }
  if (
    p.wmem_mode === 'fixed' &&
    p.meminfo_available === true &&
    (p.sendq_bytes as number) > 0 &&
    p.wmem_queued_bytes === 0 &&
    sweep !== 'wmem_queued_bytes'
  ) {
    throw new ModelInputError(
      'sendq_bytes > 0 with wmem_queued_bytes = 0: every queued payload byte is charged to wmem_queued',
      'wmem_queued_bytes',
    );
  }
}

function run(p: Params): ModelResult {
  checkContradictions(p);
  const final: ModelResult['final'] = {
    sndbuf_get_f50_bytes: sndbufGetBytes(p.sndbuf_bytes as number, 50),
    sndbuf_get_f75_bytes: sndbufGetBytes(p.sndbuf_bytes as number, 75),
    mss_get_bytes: mssGetBytes(p.mss_bytes as number),
  };
  const here = inputsAt(p, {});
  final.wmem_queued_used_bytes = here.wmem_queued_bytes;
  for (const v of PASST_VARIANTS) {
    const r = passtWindow(v, here);
    final[`limit_${v}_bytes`] = r.limit_bytes;
    final[`wnd_${v}_bytes`] = r.wnd_bytes;
    final[`advertised_${v}_bytes`] = r.advertised_bytes;
    final[`sws_zeroed_${v}`] = r.sws_zeroed;
  }
  const series: SeriesPoint[] = [];
  const sweep = p.sweep as Sweep;
  if (sweep !== 'none') {
    const from = p.sweep_from as number;
    const to = p.sweep_to as number;
    const n = p.sweep_points_count as number;
    for (let k = 0; k < n; k++) {
      const x = Math.round(from + ((to - from) * k) / (n - 1));
      const inp = inputsAt(p, { [sweep]: x });
      const pt: SeriesPoint = {
        t: x,
        sendq_bytes: inp.sendq_bytes,
        wmem_queued_bytes: inp.wmem_queued_bytes,
        snd_wnd_bytes: inp.snd_wnd_bytes,
        sndbuf_get_f75_bytes: sndbufGetBytes(inp.sndbuf_bytes, 75),
      };
      for (const v of PASST_VARIANTS) pt[`wnd_${v}_bytes`] = passtWindow(v, inp).wnd_bytes;
      series.push(pt);
    }
  }
  const notes = [
    'jon_v1 and stefano keep the pre-patch code when SO_MEMINFO fails; stefano replaces only the core (sb − wq)·sq/wq by whole segments of mss + per-segment overhead (the review gave no other branches).',
    'merged computes SNDBUF_GET − wmem_queued in uint32_t: with wq > SNDBUF_GET in that branch (an ACK racing SIOCOUTQ and SO_MEMINFO) it wraps and the peer window wins.',
  ];
  if (final.sws_zeroed_merged === true || final.sws_zeroed_p26pre === true) {
    notes.push(
      'the SWS rule zeroed a sub-MSS window: data is queued and was sent less than 10 RTTs ago',
    );
  }
  return { model: 'passt-window', params: p, final, series, notes };
}

/**
 * Which passt window logic a definition of tcp_update_seqack_wnd / tcp_wnd_from_sndbuf
 * contains (docs/models.md §5.3, §5.6):
 *  - `merged`:   tcp_wnd_from_sndbuf with SO_MEMINFO and a per-segment overhead division
 *  - `jon_v1`:   SO_MEMINFO with the linear ratio (sb − wq)·sq/wq (Jon Maloy's v1 patch)
 *  - `p26pre`:   SIOCOUTQ subtracted from the clamped_scale'd SNDBUF_GET, no SO_MEMINFO
 *  - `p23`:      min(tcpi_snd_wnd, SNDBUF_GET), nothing subtracted
 * The ids are those of this model's series (`wnd_<id>_bytes`) and of the passt-throughput
 * model's `variant` parameter.
 */
export type DetectedPasstVariant = 'merged' | 'jon_v1' | 'p26pre' | 'p23';

export function detectPasstVariant(text: string): DetectedPasstVariant {
  const meminfo = /SO_MEMINFO|SK_MEMINFO_WMEM_QUEUED/.test(text);
  if (meminfo) {
    // The merged form divides the free buffer by (mss + per-segment overhead).
    if (/\/\s*\(\s*\w*mss\w*\s*\+/.test(text) || /\bovh\w*\b|overhead/.test(text)) return 'merged';
    return 'jon_v1';
  }
  if (/SIOCOUTQ/.test(text)) return 'p26pre';
  return 'p23';
}

/** How the lens names the logic it found. */
const DETECTED_LABEL: Record<DetectedPasstVariant, string> = {
  p23: '2023 logic',
  p26pre: 'SIOCOUTQ, no SO_MEMINFO',
  jon_v1: 'SO_MEMINFO linear ratio',
  merged: 'SO_MEMINFO per-segment, merged',
};

function passtDetect(
  fnText: string,
  allText: string,
): { variant: DetectedPasstVariant; label: string; focus: string } {
  // The variant lives in the window computation: prefer tcp_wnd_from_sndbuf when the file has it.
  const helper = /\btcp_wnd_from_sndbuf\s*\(/.test(allText);
  const variant = detectPasstVariant(helper ? allText : fnText);
  return { variant, label: DETECTED_LABEL[variant], focus: `wnd_${variant}_bytes` };
}

/** Where the passt-window model meets the code (docs/models.md §5.6). */
export const passtWindowAnchors: ModelAnchors = {
  lenses: [
    // passt tcp.c
    {
      name: 'tcp_update_seqack_wnd',
      scenario: null,
      title: '▶ Simulate window advertisement',
      shape: [/SNDBUF_GET|tcpi_snd_wnd|wnd_to_tap/],
      detect: passtDetect,
    },
    {
      name: 'tcp_wnd_from_sndbuf',
      scenario: null,
      title: '▶ Simulate window advertisement',
      shape: [/SNDBUF|SK_MEMINFO|sndbuf/],
      detect: passtDetect,
    },
  ],
  inline: [
    // passt: the window the focused variant computes, beside the limit assignment and wnd_to_tap.
    {
      fn: 'tcp_wnd_from_sndbuf',
      line: /\blimit\s*=/,
      keys: ['focus_bytes', 'wnd_merged_bytes'],
      label: 'window',
      unit: 'bytes',
    },
    {
      fn: 'tcp_update_seqack_wnd',
      line: /\blimit\s*=|MIN\s*\(.*SNDBUF_GET/,
      keys: ['focus_bytes'],
      label: 'window',
      unit: 'bytes',
    },
    {
      fn: 'tcp_get_sndbuf',
      line: /SNDBUF_SET\s*\(/,
      keys: ['sndbuf_get_f75_bytes'],
      label: 'SNDBUF_GET',
      unit: 'bytes',
    },
  ],
};

export const passtWindowModel: ModelDefinition = {
  id: 'passt-window',
  title: 'passt window advertisement to the guest (2023, 2026 pre-patch, v1, discrete, merged)',
  cites: [
    'passt tcp.c: tcp_update_seqack_wnd',
    'passt tcp.c: tcp_wnd_from_sndbuf',
    'passt tcp.c: tcp_get_sndbuf',
    'passt util.c: clamped_scale',
  ],
  tUnit: 'value of the swept input',
  anchors: passtWindowAnchors,
  params,
  series: [
    { key: 'wnd_p23_bytes', label: '2023', unit: 'bytes' },
    { key: 'wnd_p26pre_bytes', label: '2026 pre-patch', unit: 'bytes' },
    { key: 'wnd_jon_v1_bytes', label: 'v1 linear ratio', unit: 'bytes' },
    { key: 'wnd_stefano_bytes', label: 'discrete proposal', unit: 'bytes' },
    { key: 'wnd_merged_bytes', label: 'merged', unit: 'bytes' },
    { key: 'snd_wnd_bytes', label: 'peer window', unit: 'bytes', limit: true },
    { key: 'sndbuf_get_f75_bytes', label: 'SNDBUF_GET (75 %)', unit: 'bytes', limit: true },
  ],
  scenarios: [
    {
      id: 'S12',
      title: 'SNDBUF_GET scaling with f = 50 and 75 over sndbuf',
      params: { sndbuf_bytes: 200000, sweep: 'sndbuf_bytes', sweep_from: 0, sweep_to: 6291456 },
      ref: 'docs/models.md §5.2, §S12',
    },
    {
      id: 'S13',
      title: 'seed-000 worked example: sb 200000, wq 87500, sq 73000, mss 1460',
      params: {
        sndbuf_bytes: 200000,
        wmem_queued_bytes: 87500,
        sendq_bytes: 73000,
        mss_bytes: 1460,
        snd_wnd_bytes: 4194304,
      },
      ref: 'docs/models.md §S13',
    },
    {
      id: 'S14',
      title: 'SWS zero-window rule: limit 1000 < MSS 1460, rtt 1200 µs, last data 3 ms ago',
      params: {
        sndbuf_bytes: 131072,
        sendq_bytes: 130072,
        wmem_queued_bytes: 131072,
        mss_bytes: 1460,
        rtt_usec: 1200,
        last_data_sent_msec: 3,
        sweep: 'last_data_sent_msec',
        sweep_from: 0,
        sweep_to: 30,
        sweep_points_count: 31,
      },
      ref: 'docs/models.md §5.3, §S14',
    },
  ],
  run,
};
