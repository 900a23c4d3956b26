// Where the buffer models meet the code: which functions a model describes (for the CodeLens),
// how to recognise them (name plus shape, so renamed or copied trees work and a same-named
// function of another project does not), which passt window variant a tree contains, and which
// lines show which model value inline. Pure data and functions: no vscode.

export interface FunctionText {
  name: string;
  /** 0-based first line of the definition. */
  line: number;
  /** The definition's text, signature and body. */
  text: string;
}

export interface ModelledFunction {
  /** Function name as defined in the tree. */
  name: string;
  model: string;
  scenario: string | null;
  /** CodeLens title. */
  title: string;
  /**
   * The shape the body must have: at least one of these patterns must match, so a function
   * that merely shares the name (a wrapper, a stub, another project's) gets no lens.
   */
  shape: RegExp[];
  /**
   * What the code itself says about the model: the passt window variant it contains. The lens
   * opens the model with that variant's series in focus.
   */
  detect?: (fnText: string, allText: string) => { variant: PasstVariant; focus: string };
  /** Picks the scenario from the code when the same function exists in several versions. */
  scenarioFrom?: (fnText: string, allText: string) => string;
}

/**
 * Which passt window logic a definition of tcp_update_seqack_wnd / tcp_wnd_from_sndbuf
 * contains (docs/models.md §5.3, §5.6):
 *  - `merged`:   tcp_wnd_from_sndbuf with SO_MEMINFO and a per-segment overhead division
 *  - `jon_v1`:   SO_MEMINFO with the linear ratio (sb − wq)·sq/wq (Jon Maloy's v1 patch)
 *  - `p26pre`:   SIOCOUTQ subtracted from the clamped_scale'd SNDBUF_GET, no SO_MEMINFO
 *  - `p23`:      min(tcpi_snd_wnd, SNDBUF_GET), nothing subtracted
 * The ids are those of the passt-window model's series (`wnd_<id>_bytes`) and of the
 * passt-throughput model's `variant` parameter.
 */
export type PasstVariant = 'merged' | 'jon_v1' | 'p26pre' | 'p23';

export function detectPasstVariant(text: string): PasstVariant {
  const meminfo = /SO_MEMINFO|SK_MEMINFO_WMEM_QUEUED/.test(text);
  if (meminfo) {
    // The merged form divides the free buffer by (mss + per-segment overhead).
    if (/\/\s*\(\s*\w*mss\w*\s*\+/.test(text) || /\bovh\w*\b|overhead/.test(text)) return 'merged';
    return 'jon_v1';
  }
  if (/SIOCOUTQ/.test(text)) return 'p26pre';
  return 'p23';
}

const passtDetect = (fnText: string, allText: string): { variant: PasstVariant; focus: string } => {
  // The variant lives in the window computation: prefer tcp_wnd_from_sndbuf when the file has it.
  const helper = /\btcp_wnd_from_sndbuf\s*\(/.test(allText);
  const variant = detectPasstVariant(helper ? allText : fnText);
  return { variant, focus: `wnd_${variant}_bytes` };
};

export const MODELLED_FUNCTIONS: readonly ModelledFunction[] = [
  // passt tcp.c
  {
    name: 'tcp_update_seqack_wnd',
    model: 'passt-window',
    scenario: null,
    title: '▶ Simulate window advertisement',
    shape: [/SNDBUF_GET|tcpi_snd_wnd|wnd_to_tap/],
    detect: passtDetect,
  },
  {
    name: 'tcp_wnd_from_sndbuf',
    model: 'passt-window',
    scenario: null,
    title: '▶ Simulate window advertisement',
    shape: [/SNDBUF|SK_MEMINFO|sndbuf/],
    detect: passtDetect,
  },
  // passt tcp_splice.c
  {
    name: 'tcp_splice_sock_handler',
    model: 'passt-splice',
    scenario: 'S15',
    // The 2026 handler delegates to tcp_splice_forward; the 2023 one has the loop inline.
    scenarioFrom: (_fn, all) => (/\btcp_splice_forward\s*\(/.test(all) ? 'S15' : 'S15-2023'),
    title: '▶ Simulate splice forwarding',
    shape: [/splice\s*\(|tcp_splice_forward/],
  },
  {
    name: 'tcp_splice_forward',
    model: 'passt-splice',
    scenario: 'S15',
    title: '▶ Simulate splice forwarding',
    shape: [/splice\s*\(/],
  },
  // Linux net/ipv4/tcp.c, net/core/sock.c, include/net/sock.h
  {
    name: 'tcp_sendmsg_locked',
    model: 'send-path',
    scenario: 'S3',
    title: '▶ Simulate send buffer',
    shape: [/size_goal|sk_stream_memory_free|tcp_send_mss/],
  },
  {
    name: 'tcp_sendmsg',
    model: 'send-path',
    scenario: 'S3',
    title: '▶ Simulate send buffer',
    shape: [/tcp_sendmsg_locked/],
  },
  {
    name: 'sk_stream_memory_free',
    model: 'send-path',
    scenario: 'S6',
    title: '▶ Simulate send buffer (writeability)',
    shape: [/sk_wmem_queued|sk_sndbuf|__sk_stream_memory_free/],
  },
  {
    name: '__sk_stream_memory_free',
    model: 'send-path',
    scenario: 'S6',
    title: '▶ Simulate send buffer (writeability)',
    shape: [/sk_wmem_queued|sk_sndbuf/],
  },
  {
    name: 'tcp_stream_memory_free',
    model: 'send-path',
    scenario: 'S6',
    title: '▶ Simulate send buffer (TCP_NOTSENT_LOWAT)',
    shape: [/notsent|snd_nxt|write_seq/],
  },
  {
    name: 'sk_setsockopt',
    model: 'setsockopt',
    scenario: 'S1',
    title: '▶ Simulate SO_SNDBUF',
    shape: [/SO_SNDBUF/],
  },
  {
    name: 'sock_setsockopt',
    model: 'setsockopt',
    scenario: 'S1',
    title: '▶ Simulate SO_SNDBUF',
    shape: [/SO_SNDBUF/],
  },
  {
    name: 'tcp_small_queue_check',
    model: 'tsq',
    scenario: 'S10',
    title: '▶ Simulate TCP small queues',
    shape: [/limit_output_bytes|sk_pacing_rate|sk_wmem_alloc/],
  },
  {
    name: 'tcp_sndbuf_expand',
    model: 'send-path',
    scenario: 'S7',
    title: '▶ Simulate sndbuf autotuning',
    shape: [/sk_sndbuf|sndmem|per_mss/],
  },
  {
    name: 'tcp_grow_window',
    model: 'tcp-receive',
    scenario: 'S8',
    title: '▶ Simulate receive window growth',
    shape: [/rcv_ssthresh/],
  },
  {
    name: '__sk_mem_raise_allocated',
    model: 'tcp-mem',
    scenario: 'pressure',
    title: '▶ Simulate tcp_mem pressure',
    shape: [/memory_allocated|sk_prot_mem_limits|memory_pressure/],
  },
  {
    name: 'tcp_rcv_space_adjust',
    model: 'tcp-receive',
    scenario: 'S9',
    title: '▶ Simulate receive buffer autotuning (DRS)',
    shape: [/rcvq_space|sk_rcvbuf/],
  },
];

export interface LensTarget {
  fn: ModelledFunction;
  line: number;
  /** The passt window variant found in the code, and the series to focus. */
  detected: { variant: PasstVariant; focus: string } | null;
  scenario: string | null;
}

/** The modelled functions defined in one file, recognised by name and shape. */
export function findModelledFunctions(
  functions: readonly FunctionText[],
  allText: string,
): LensTarget[] {
  const out: LensTarget[] = [];
  for (const f of functions) {
    for (const m of MODELLED_FUNCTIONS) {
      if (m.name !== f.name) continue;
      if (!m.shape.some((re) => re.test(f.text))) continue;
      out.push({
        fn: m,
        line: f.line,
        detected: m.detect ? m.detect(f.text, allText) : null,
        scenario: m.scenarioFrom ? m.scenarioFrom(f.text, allText) : m.scenario,
      });
    }
  }
  return out;
}

/** A model value shown at the end of a line inside a modelled function. */
export interface InlineAnchor {
  model: string;
  /** Function whose body holds the line. */
  fn: string;
  /** The first line in that function matching this pattern gets the value. */
  line: RegExp;
  /** Value keys to look for in the panel's values, first present wins (series keys, or `final.<key>`). */
  keys: string[];
  label: string;
  unit: string;
  /**
   * Whether the panel's step ran this line (e.g. a tcp-mem `write` event goes through
   * __sk_mem_raise_allocated, an `ack` through __sk_mem_reduce_allocated). Without it the value
   * is state that holds at every step.
   */
  when?: (values: Readonly<Record<string, number | string | boolean>>) => boolean;
  /** Renders the value when a number with a unit does not say it (a flag, an outcome). */
  format?: (value: number | string | boolean) => string;
}

type Values = Readonly<Record<string, number | string | boolean>>;
// tcp-mem steps (src/model/tcpMem.ts): which kernel path the event at the cursor took.
// A write covered by forward_alloc (outcome `forward_alloc`) never calls it.
const memWrite = (v: Values): boolean => v.kind === 'write' && v.outcome !== 'forward_alloc';
const memAck = (v: Values): boolean => v.kind === 'ack';
const memOutcome =
  (...outcomes: string[]) =>
  (v: Values): boolean =>
    v.kind === 'write' && outcomes.includes(String(v.outcome));
/** The events that reached suppress_allocation, where sk_stream_moderate_sndbuf runs. */
const memSuppressed = memOutcome(
  'forced_at_sndbuf',
  'FAIL fail_above_high',
  'FAIL fail_pressure_share',
);
const pressureFlag = (v: number | string | boolean): string => (Number(v) ? 'set' : 'clear');

export const INLINE_ANCHORS: readonly InlineAnchor[] = [
  // passt: the window the focused variant computes, beside the limit assignment and wnd_to_tap.
  {
    model: 'passt-window',
    fn: 'tcp_wnd_from_sndbuf',
    line: /\blimit\s*=/,
    keys: ['focus_bytes', 'wnd_merged_bytes'],
    label: 'window',
    unit: 'bytes',
  },
  {
    model: 'passt-window',
    fn: 'tcp_update_seqack_wnd',
    line: /\blimit\s*=|MIN\s*\(.*SNDBUF_GET/,
    keys: ['focus_bytes'],
    label: 'window',
    unit: 'bytes',
  },
  {
    model: 'passt-window',
    fn: 'tcp_get_sndbuf',
    line: /SNDBUF_SET\s*\(/,
    keys: ['sndbuf_get_f75_bytes'],
    label: 'SNDBUF_GET',
    unit: 'bytes',
  },
  // kernel send path
  {
    model: 'send-path',
    fn: 'sk_setsockopt',
    line: /case\s+SO_SNDBUF\s*:/,
    keys: ['sk_sndbuf_bytes'],
    label: 'sk_sndbuf',
    unit: 'bytes',
  },
  {
    model: 'setsockopt',
    fn: 'sk_setsockopt',
    line: /case\s+SO_SNDBUF\s*:/,
    keys: ['getsockopt_bytes'],
    label: 'sk_sndbuf',
    unit: 'bytes',
  },
  {
    model: 'setsockopt',
    fn: 'sock_setsockopt',
    line: /case\s+SO_SNDBUF\s*:/,
    keys: ['getsockopt_bytes'],
    label: 'sk_sndbuf',
    unit: 'bytes',
  },
  {
    model: 'send-path',
    fn: 'tcp_xmit_size_goal',
    line: /size_goal|gso_segs\s*\*/,
    keys: ['size_goal_bytes', 'final.size_goal_bytes'],
    label: 'size_goal',
    unit: 'bytes',
  },
  {
    model: 'send-path',
    fn: 'tcp_sendmsg_locked',
    line: /tcp_send_mss\s*\(/,
    keys: ['size_goal_bytes', 'final.size_goal_bytes'],
    label: 'size_goal',
    unit: 'bytes',
  },
  {
    model: 'send-path',
    fn: 'tcp_sendmsg_locked',
    line: /sk_stream_memory_free\s*\(/,
    keys: ['wmem_queued_bytes', 'final.wmem_queued_bytes'],
    label: 'wmem_queued',
    unit: 'bytes',
  },
  {
    model: 'send-path',
    fn: 'tcp_skb_entail',
    line: /sk_wmem_queued_add\s*\(/,
    keys: ['wmem_queued_bytes', 'final.wmem_queued_bytes'],
    label: 'wmem_queued',
    unit: 'bytes',
  },
  {
    model: 'send-path',
    fn: 'tcp_sendmsg_locked',
    line: /sk_wmem_queued_add\s*\(|skb_copy_to_page_nocache\s*\(/,
    keys: ['wmem_queued_bytes', 'final.wmem_queued_bytes'],
    label: 'wmem_queued',
    unit: 'bytes',
  },
  {
    model: 'send-path',
    fn: 'tcp_sndbuf_expand',
    line: /sk_sndbuf\s*,|WRITE_ONCE\s*\(\s*sk->sk_sndbuf/,
    keys: ['sk_sndbuf_bytes', 'final.sk_sndbuf_bytes'],
    label: 'sk_sndbuf',
    unit: 'bytes',
  },
  // TSQ
  {
    model: 'tsq',
    fn: 'tcp_small_queue_check',
    line: /\blimit\s*=/,
    keys: ['limit_bytes', 'tsq_limit_bytes', 'final.limit_bytes', 'final.tsq_limit_bytes'],
    label: 'limit',
    unit: 'bytes',
  },
  // splice
  {
    model: 'passt-splice',
    fn: 'tcp_splice_forward',
    line: /pending\[[^\]]*\]\s*[-+]?=/,
    keys: ['pending_bytes', 'pipe_bytes'],
    label: 'pending',
    unit: 'bytes',
  },
  {
    model: 'passt-splice',
    fn: 'tcp_splice_sock_handler',
    line: /readlen\s*=\s*splice/,
    keys: ['pipe_fill_bytes'],
    label: 'pipe',
    unit: 'bytes',
  },
  // tcp-mem (docs/models.md §8): each event of the script, write or ACK, at the line it
  // ran. net/core/sock.c: __sk_mem_raise_allocated (SK_MEM_SEND on a TCP socket).
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /\bsk_memory_allocated_add\s*\(/,
    keys: ['pages_count'],
    label: 'amt',
    unit: 'pages',
    when: memWrite,
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /\ballocated\s*=\s*sk_memory_allocated\s*\(/,
    keys: ['allocated_pages'],
    label: 'allocated (global)',
    unit: 'pages',
    when: memWrite,
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /\bsk_leave_memory_pressure\s*\(/,
    keys: ['outcome'],
    label: 'outcome',
    unit: '',
    when: memOutcome('under_low'),
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /\bsk_enter_memory_pressure\s*\(/,
    keys: ['pressure_count'],
    label: 'tcp_memory_pressure',
    unit: '',
    when: memWrite,
    format: pressureFlag,
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /sk_wmem_queued\s*<\s*wmem0/,
    keys: ['outcome'],
    label: 'outcome',
    unit: '',
    when: memOutcome('min_guarantee'),
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /!\s*sk_under_memory_pressure\s*\(/,
    keys: ['outcome'],
    label: 'outcome',
    unit: '',
    when: memOutcome('not_under_pressure'),
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /sk_prot_mem_limits\s*\(\s*sk\s*,\s*2\s*\)\s*>\s*\w+\s*\*/,
    keys: ['outcome'],
    label: 'outcome',
    unit: '',
    when: memOutcome('fair_share'),
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /\bsk_stream_moderate_sndbuf\s*\(/,
    keys: ['sndbuf_bytes'],
    label: 'sk_sndbuf',
    unit: 'bytes',
    when: memSuppressed,
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /sk_wmem_queued\s*\+\s*size\s*>=\s*sk->sk_sndbuf/,
    keys: ['outcome'],
    label: 'outcome',
    unit: '',
    when: memOutcome('forced_at_sndbuf'),
  },
  {
    model: 'tcp-mem',
    fn: '__sk_mem_raise_allocated',
    line: /\bsk_memory_allocated_sub\s*\(/,
    keys: ['outcome'],
    label: 'outcome',
    unit: '',
    when: memOutcome('FAIL fail_above_high', 'FAIL fail_pressure_share'),
  },
  // net/core/sock.c: __sk_mem_reduce_allocated, reached from an ACK's sk_mem_reclaim.
  {
    model: 'tcp-mem',
    fn: '__sk_mem_reduce_allocated',
    line: /\bsk_memory_allocated_sub\s*\(/,
    keys: ['allocated_pages'],
    label: 'allocated (global)',
    unit: 'pages',
    when: memAck,
  },
  {
    model: 'tcp-mem',
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
    model: 'tcp-mem',
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
    model: 'tcp-mem',
    fn: 'tcp_grow_window',
    line: /\brcv_ssthresh\s*\+=/,
    keys: ['probe_rcv_ssthresh_bytes'],
    label: 'probe rcv_ssthresh',
    unit: 'bytes',
    when: (v) => v.pressure_count === 0,
  },
  {
    model: 'tcp-mem',
    fn: 'tcp_grow_window',
    line: /\btcp_adjust_rcv_ssthresh\s*\(/,
    keys: ['probe_rcv_ssthresh_bytes'],
    label: 'probe rcv_ssthresh',
    unit: 'bytes',
    when: (v) => v.pressure_count === 1,
  },
  // tcp-receive (docs/models.md §9): the receiver's state at the end of the RTT round at the
  // cursor. net/ipv4/tcp_input.c: tcp_rcv_space_adjust (DRS, docs/models.md §9.6).
  {
    model: 'tcp-receive',
    fn: 'tcp_rcv_space_adjust',
    line: /WRITE_ONCE\s*\(\s*sk->sk_rcvbuf\b/,
    keys: ['rcvbuf_bytes', 'final.final_rcvbuf_bytes'],
    label: 'sk_rcvbuf',
    unit: 'bytes',
  },
  {
    model: 'tcp-receive',
    fn: 'tcp_rcv_space_adjust',
    line: /\bwindow_clamp\s*=[^=]/,
    keys: ['window_clamp_bytes', 'final.final_window_clamp_bytes'],
    label: 'window_clamp',
    unit: 'bytes',
  },
  {
    model: 'tcp-receive',
    fn: 'tcp_rcv_space_adjust',
    line: /rcvq_space\.space\s*=[^=]/,
    keys: ['rcvq_space_bytes'],
    label: 'rcvq_space.space',
    unit: 'bytes',
  },
  // tcp_grow_window (docs/models.md §9.4), once per received segment.
  {
    model: 'tcp-receive',
    fn: 'tcp_grow_window',
    line: /\brcv_ssthresh\s*\+=/,
    keys: ['rcv_ssthresh_bytes', 'final.final_rcv_ssthresh_bytes'],
    label: 'rcv_ssthresh',
    unit: 'bytes',
  },
  // tcp_clamp_window (docs/models.md §9.7), on overload from tcp_prune_queue.
  {
    model: 'tcp-receive',
    fn: 'tcp_clamp_window',
    line: /WRITE_ONCE\s*\(\s*sk->sk_rcvbuf\b/,
    keys: ['rcvbuf_bytes', 'final.final_rcvbuf_bytes'],
    label: 'sk_rcvbuf',
    unit: 'bytes',
  },
  {
    model: 'tcp-receive',
    fn: 'tcp_clamp_window',
    line: /if\s*\(.*sk_rmem_alloc.*>\s*sk->sk_rcvbuf/,
    keys: ['rmem_alloc_bytes', 'final.final_rmem_alloc_bytes'],
    label: 'rmem_alloc',
    unit: 'bytes',
  },
  {
    model: 'tcp-receive',
    fn: 'tcp_clamp_window',
    line: /\brcv_ssthresh\s*=[^=]/,
    keys: ['rcv_ssthresh_bytes', 'final.final_rcv_ssthresh_bytes'],
    label: 'rcv_ssthresh',
    unit: 'bytes',
  },
  // tcp_init_buffer_space (docs/models.md §9.3): the connection's starting values.
  {
    model: 'tcp-receive',
    fn: 'tcp_init_buffer_space',
    line: /\brcv_ssthresh\s*=[^=]/,
    keys: ['final.initial_rcv_ssthresh_bytes'],
    label: 'initial rcv_ssthresh',
    unit: 'bytes',
  },
  {
    model: 'tcp-receive',
    fn: 'tcp_init_buffer_space',
    line: /rcvq_space\.space\s*=[^=]/,
    keys: ['final.initial_rcvq_space_bytes'],
    label: 'initial rcvq_space.space',
    unit: 'bytes',
  },
  // net/ipv4/tcp_output.c: tcp_select_initial_window (docs/models.md §9.2) and
  // tcp_select_window (§9.5).
  {
    model: 'tcp-receive',
    fn: 'tcp_select_initial_window',
    line: /\*rcv_wscale\s*=\s*clamp/,
    keys: ['final.rcv_wscale'],
    label: 'rcv_wscale',
    unit: 'shift',
    format: (v) => `${String(v)} (window field × ${2 ** Number(v)} bytes)`,
  },
  {
    model: 'tcp-receive',
    fn: 'tcp_select_window',
    line: /\brcv_wnd\s*=\s*new_win\b/,
    keys: ['rcv_wnd_bytes'],
    label: 'rcv_wnd',
    unit: 'bytes',
  },
  {
    model: 'tcp-receive',
    fn: 'tcp_select_window',
    line: /\bnew_win\s*>>=/,
    keys: ['advertised_bytes'],
    label: 'advertised',
    unit: 'bytes',
  },
];

export interface InlineValue {
  /** 0-based line. */
  line: number;
  text: string;
}

function fmt(v: number | string | boolean, unit: string): string {
  if (typeof v === 'number')
    return `${Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2)}${unit ? ` ${unit}` : ''}`;
  return String(v);
}

/**
 * The values a simulation panel publishes for its cursor: the step's series point over the
 * run's final values (`final.<key>`). Shared by the webview and the tests.
 */
export function stepValues(
  final: Readonly<Record<string, number | string | boolean>>,
  point: Readonly<Record<string, number | string>>,
): Record<string, number | string | boolean> {
  const values: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(final)) values[`final.${k}`] = v;
  for (const [k, v] of Object.entries(point)) values[k] = v;
  return values;
}

/** Every 0-based line of a function that an anchor's pattern matches (a sound anchor has one). */
export function anchorMatches(anchor: InlineAnchor, fn: FunctionText): number[] {
  const out: number[] = [];
  fn.text.split('\n').forEach((l, i) => {
    if (anchor.line.test(l)) out.push(fn.line + i);
  });
  return out;
}

/** The inline values for one file, given the functions it defines and the panel's values. */
export function inlineValuesFor(
  model: string,
  values: Readonly<Record<string, number | string | boolean>>,
  functions: readonly FunctionText[],
): InlineValue[] {
  const out: InlineValue[] = [];
  const used = new Set<number>();
  for (const a of INLINE_ANCHORS) {
    if (a.model !== model) continue;
    if (a.when && !a.when(values)) continue;
    const key = a.keys.find((k) => values[k] !== undefined);
    if (key === undefined) continue;
    for (const f of functions) {
      if (f.name !== a.fn) continue;
      const lines = f.text.split('\n');
      const i = lines.findIndex((l) => a.line.test(l));
      if (i < 0 || used.has(f.line + i)) continue;
      used.add(f.line + i);
      const shown = a.format ? a.format(values[key]) : fmt(values[key], a.unit);
      out.push({ line: f.line + i, text: `${a.label} = ${shown}` });
    }
  }
  return out.sort((x, y) => x.line - y.line);
}

/** Every function name a lens or an inline value can attach to (the rest need no text). */
export const ANCHORED_FUNCTIONS: ReadonlySet<string> = new Set([
  ...MODELLED_FUNCTIONS.map((m) => m.name),
  ...INLINE_ANCHORS.map((a) => a.fn),
]);
