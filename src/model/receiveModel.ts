// `tcp-receive`: a 6.1 receiver over RTT rounds (docs/models.md §9): initial window (§9.2,
// §S8), buffer space (§9.3), tcp_grow_window per segment (§9.4), window selection with the
// never-shrink rule (§9.5), DRS on reads (§9.6, §S9), tcp_clamp_window on overload (§9.7).
// Assumptions: the sender fills the offered window every RTT in whole segments of
// `segment_len_bytes` (no loss, no reordering); every segment is ACKed (window selected after
// each); rcv_mss = the segment length; receive-queue collapsing is not modelled.
import {
  applyNoShrink,
  drsAdjust,
  drsRcvmemBytes,
  growWindow,
  initBufferSpace,
  selectInitialWindow,
  selectWindow,
  winFromSpace,
  zeroWindowFreeBytes,
} from './receive';
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
} from './types';

const num = intParam;

const params: ParamSpec[] = [
  num(
    'rcvbuf_bytes',
    'sk_rcvbuf at connect (tcp_rmem[1] or 2·SO_RCVBUF)',
    'bytes',
    2304,
    MAX_PARAM,
    131072,
  ),
  {
    kind: 'boolean',
    name: 'rcvbuf_locked',
    label: 'SO_RCVBUF set (SOCK_RCVBUF_LOCK)',
    default: false,
  },
  num('advmss_bytes', 'advmss', 'bytes', 88, 65535, 1460),
  {
    kind: 'choice',
    name: 'open',
    label: 'who opened the connection',
    options: [
      { value: 'active', label: 'active (connect, tcp_connect_init: mss = advmss)' },
      {
        value: 'passive',
        label: 'passive (accept, tcp_openreq_init_rwin: mss − 12 with timestamps)',
      },
    ],
    default: 'active',
  },
  { kind: 'boolean', name: 'timestamps', label: 'TCP timestamps negotiated', default: true },
  {
    kind: 'boolean',
    name: 'memory_pressure',
    label: 'tcp_memory_pressure set for the whole run',
    default: false,
    help: 'tcp_grow_window and __tcp_select_window pull rcv_ssthresh to 4·advmss; tcp_clamp_window does not grow sk_rcvbuf',
  },
  num('tcp_rmem_max_bytes', 'tcp_rmem[2]', 'bytes', 2304, MAX_PARAM, 6291456),
  num('rmem_max_bytes', 'net.core.rmem_max', 'bytes', 2304, MAX_PARAM, 212992),
  num('adv_win_scale', 'tcp_adv_win_scale', 'shift', -31, 31, 1),
  num('segment_len_bytes', 'payload per received segment', 'bytes', 1, 65535, 1448),
  num(
    'segment_truesize_bytes',
    'truesize per received segment',
    'bytes',
    1,
    MAX_PARAM,
    2304,
    'e.g. 2304 for a 2 KiB frag + sk_buff; ≥ the payload',
  ),
  {
    kind: 'choice',
    name: 'reader',
    label: 'application reads',
    options: [
      { value: 'never', label: 'never (zero-window case)' },
      { value: 'all', label: 'everything once per RTT' },
      { value: 'fixed', label: 'app_read_bytes_per_rtt per RTT' },
    ],
    default: 'all',
  },
  num(
    'app_read_bytes_per_rtt',
    'bytes read per RTT (reader = fixed)',
    'bytes',
    0,
    MAX_PARAM,
    65536,
  ),
  num('rtt_usec', 'RTT', 'usec', 1, 10_000_000, 10000),
  num('rounds_count', 'RTTs to simulate', 'count', 1, 10000, 40),
  num(
    'drs_probe_copied_bytes',
    'DRS probe: bytes copied in one RTT',
    'bytes',
    0,
    MAX_PARAM,
    100000,
  ),
  num('drs_probe_space_bytes', 'DRS probe: rcvq_space.space', 'bytes', 1, MAX_PARAM, 64076),
];

function run(p: Params): ModelResult {
  const advmss = p.advmss_bytes as number;
  const segLen = p.segment_len_bytes as number;
  const truesize = p.segment_truesize_bytes as number;
  const a = p.adv_win_scale as number;
  const rmemMax = p.tcp_rmem_max_bytes as number;
  const locked = p.rcvbuf_locked as boolean;
  const pressure = p.memory_pressure as boolean;
  if (truesize < segLen) {
    throw new ModelInputError(
      `segment_truesize_bytes (${truesize}) is below segment_len_bytes (${segLen}): truesize counts the payload`,
      'segment_truesize_bytes',
    );
  }
  if (segLen > advmss) {
    throw new ModelInputError(
      `segment_len_bytes (${segLen}) exceeds advmss_bytes (${advmss}): the peer may not send more than our MSS`,
      'segment_len_bytes',
    );
  }
  if (a === 0) {
    throw new ModelInputError(
      'adv_win_scale = 0 would advertise no window at all',
      'adv_win_scale',
    );
  }
  let rcvbuf = p.rcvbuf_bytes as number;
  const synMss = p.open === 'passive' && p.timestamps ? advmss - 12 : advmss;
  const init = selectInitialWindow({
    space_bytes: winFromSpace(rcvbuf, a),
    mss_bytes: synMss,
    window_clamp_bytes: locked ? winFromSpace(rcvbuf, a) : 0,
    wscale_ok: true,
    tcp_rmem_max_bytes: rmemMax,
    rmem_max_bytes: p.rmem_max_bytes as number,
    workaround_signed_windows: false,
    init_rcv_wnd_segs: 0,
  });
  const wscale = init.rcv_wscale;
  const bs = initBufferSpace(
    rcvbuf,
    advmss,
    init.window_clamp_bytes,
    init.rcv_wnd_bytes,
    init.rcv_wnd_bytes,
    a,
  );
  let clamp = bs.window_clamp_bytes;
  let ssthresh = bs.rcv_ssthresh_bytes;
  let space = bs.rcvq_space_bytes;
  let rcvWnd = init.rcv_wnd_bytes;
  let rcvWup = 0;
  let rcvNxt = 0;
  let rmem = 0;
  let queued = 0; // unread segments
  let queuedBytes = 0;
  let copiedSinceMeasure = 0;
  let drops = 0;
  let zeroAdverts = 0;
  let drsGrowths = 0;
  let clampGrowths = 0;
  let header = Math.floor(Math.min(rcvWnd, 65535 * 2 ** wscale) / 2 ** wscale);
  const series: SeriesPoint[] = [];
  const ack = (): void => {
    const cur = Math.max(rcvWup + rcvWnd - rcvNxt, 0);
    const sel = selectWindow({
      rcv_mss_bytes: segLen,
      free_space_bytes: winFromSpace(rcvbuf - rmem, a),
      allowed_space_bytes: winFromSpace(rcvbuf, a),
      window_clamp_bytes: clamp,
      rcv_ssthresh_bytes: ssthresh,
      rcv_wscale: wscale,
      rcv_wnd_bytes: rcvWnd,
      under_pressure: pressure,
      advmss_bytes: advmss,
    });
    ssthresh = sel.rcv_ssthresh_bytes;
    const ns = applyNoShrink(sel.window_bytes, cur, wscale);
    rcvWnd = ns.rcv_wnd_bytes;
    rcvWup = rcvNxt;
    header = ns.header_window;
    if (header === 0) zeroAdverts++;
  };
  const rtt = p.rtt_usec as number;
  for (let k = 0; k < (p.rounds_count as number); k++) {
    // 1. the sender fills the offered window in whole segments.
    let avail = Math.max(rcvWup + rcvWnd - rcvNxt, 0);
    let received = 0;
    while (avail >= segLen) {
      if (rmem > rcvbuf) {
        // tcp_try_rmem_schedule → tcp_prune_queue → tcp_clamp_window (docs/models.md §9.7).
        if (rcvbuf < rmemMax && !locked && !pressure) {
          rcvbuf = Math.min(rmem, rmemMax);
          clampGrowths++;
        }
        if (rmem > rcvbuf) ssthresh = Math.min(clamp, 2 * advmss);
        if (rmem > rcvbuf) {
          drops++;
          break;
        }
      }
      rmem += truesize;
      queued++;
      queuedBytes += segLen;
      rcvNxt += segLen;
      avail -= segLen;
      received += segLen;
      if (segLen >= 128) {
        ssthresh = growWindow({
          rcv_ssthresh_bytes: ssthresh,
          window_clamp_bytes: clamp,
          tcp_space_bytes: winFromSpace(rcvbuf - rmem, a),
          skb_len_bytes: segLen,
          skb_truesize_bytes: truesize,
          advmss_bytes: advmss,
          rcv_mss_bytes: segLen,
          tcp_rmem_max_bytes: rmemMax,
          under_pressure: pressure,
          adv_win_scale: a,
        });
      }
      ack();
    }
    // 2. the application reads; DRS once per RTT (tcp_rcv_space_adjust from tcp_recvmsg).
    let readBytes = 0;
    if (p.reader !== 'never') {
      const want = p.reader === 'all' ? queuedBytes : (p.app_read_bytes_per_rtt as number);
      const segs = Math.min(queued, Math.floor(want / segLen));
      readBytes = segs * segLen;
      queued -= segs;
      queuedBytes -= readBytes;
      rmem -= segs * truesize;
      copiedSinceMeasure += readBytes;
      if (k > 0 && readBytes > 0) {
        const d = drsAdjust(
          copiedSinceMeasure,
          space,
          advmss,
          rcvbuf,
          clamp,
          rmemMax,
          locked,
          true,
          a,
        );
        if (d.grew) drsGrowths++;
        rcvbuf = d.rcvbuf_bytes;
        clamp = d.window_clamp_bytes;
        space = d.rcvq_space_bytes;
        copiedSinceMeasure = 0;
      }
      if (readBytes > 0) ack(); // window update after the read (tcp_cleanup_rbuf)
    }
    series.push({
      t: k,
      time_usec: k * rtt,
      received_bytes: received,
      read_bytes: readBytes,
      rcvbuf_bytes: rcvbuf,
      rmem_alloc_bytes: rmem,
      window_clamp_bytes: clamp,
      rcv_ssthresh_bytes: ssthresh,
      rcv_wnd_bytes: rcvWnd,
      header_window: header,
      advertised_bytes: header * 2 ** wscale,
      rcvq_space_bytes: space,
      drops_count: drops,
    });
  }
  const probe = drsAdjust(
    p.drs_probe_copied_bytes as number,
    p.drs_probe_space_bytes as number,
    advmss,
    p.rcvbuf_bytes as number,
    bs.window_clamp_bytes,
    rmemMax,
    locked,
    true,
    a,
  );
  const final: ModelResult['final'] = {
    full_space_bytes: winFromSpace(p.rcvbuf_bytes as number, a),
    syn_window_bytes: init.rcv_wnd_bytes,
    rcv_wscale: init.rcv_wscale,
    initial_window_clamp_bytes: bs.window_clamp_bytes,
    initial_rcv_ssthresh_bytes: bs.rcv_ssthresh_bytes,
    initial_rcvq_space_bytes: bs.rcvq_space_bytes,
    zero_window_free_bytes: zeroWindowFreeBytes(
      p.rcvbuf_bytes as number,
      segLen,
      bs.window_clamp_bytes,
      wscale,
      a,
    ),
    drs_rcvmem_bytes: drsRcvmemBytes(advmss, a),
    drs_probe_rcvwin_bytes: probe.rcvwin_bytes,
    drs_probe_rcvbuf_bytes: probe.rcvbuf_bytes,
    drs_probe_window_clamp_bytes: probe.window_clamp_bytes,
    final_rcvbuf_bytes: rcvbuf,
    final_window_clamp_bytes: clamp,
    final_rcv_ssthresh_bytes: ssthresh,
    final_rmem_alloc_bytes: rmem,
    drs_growths_count: drsGrowths,
    clamp_window_growths_count: clampGrowths,
    zero_window_adverts_count: zeroAdverts,
    drops_count: drops,
  };
  const notes = [
    `initial: ${p.open} open, SYN window ${init.rcv_wnd_bytes}, wscale ${wscale}, window_clamp ${bs.window_clamp_bytes}, rcv_ssthresh ${bs.rcv_ssthresh_bytes}, rcvq_space ${bs.rcvq_space_bytes}`,
    `__tcp_select_window returns 0 once rcvbuf − rmem_alloc ≤ ${final.zero_window_free_bytes} bytes (after falling below half the full space); the offered right edge is never retracted`,
  ];
  if (p.reader === 'never') {
    notes.push(
      'the receiver never reads: the header window decays to 0 as rcv_nxt consumes what was offered',
    );
  }
  return { model: 'tcp-receive', params: p, final, series, notes };
}

/** Where the tcp-receive model meets the code (docs/models.md §9). */
export const receiveAnchors: ModelAnchors = {
  lenses: [
    {
      name: 'tcp_grow_window',
      scenario: 'S8',
      title: '▶ Simulate receive window growth',
      shape: [/rcv_ssthresh/],
    },
    {
      name: 'tcp_rcv_space_adjust',
      scenario: 'S9',
      title: '▶ Simulate receive buffer autotuning (DRS)',
      shape: [/rcvq_space|sk_rcvbuf/],
    },
  ],
  inline: [
    // tcp-receive (docs/models.md §9): the receiver's state at the end of the RTT round at the
    // cursor. net/ipv4/tcp_input.c: tcp_rcv_space_adjust (DRS, docs/models.md §9.6).
    {
      fn: 'tcp_rcv_space_adjust',
      line: /WRITE_ONCE\s*\(\s*sk->sk_rcvbuf\b/,
      keys: ['rcvbuf_bytes', 'final.final_rcvbuf_bytes'],
      label: 'sk_rcvbuf',
      unit: 'bytes',
    },
    {
      fn: 'tcp_rcv_space_adjust',
      line: /\bwindow_clamp\s*=[^=]/,
      keys: ['window_clamp_bytes', 'final.final_window_clamp_bytes'],
      label: 'window_clamp',
      unit: 'bytes',
    },
    {
      fn: 'tcp_rcv_space_adjust',
      line: /rcvq_space\.space\s*=[^=]/,
      keys: ['rcvq_space_bytes'],
      label: 'rcvq_space.space',
      unit: 'bytes',
    },
    // tcp_grow_window (docs/models.md §9.4), once per received segment.
    {
      fn: 'tcp_grow_window',
      line: /\brcv_ssthresh\s*\+=/,
      keys: ['rcv_ssthresh_bytes', 'final.final_rcv_ssthresh_bytes'],
      label: 'rcv_ssthresh',
      unit: 'bytes',
    },
    // tcp_clamp_window (docs/models.md §9.7), on overload from tcp_prune_queue.
    {
      fn: 'tcp_clamp_window',
      line: /WRITE_ONCE\s*\(\s*sk->sk_rcvbuf\b/,
      keys: ['rcvbuf_bytes', 'final.final_rcvbuf_bytes'],
      label: 'sk_rcvbuf',
      unit: 'bytes',
    },
    {
      fn: 'tcp_clamp_window',
      line: /if\s*\(.*sk_rmem_alloc.*>\s*sk->sk_rcvbuf/,
      keys: ['rmem_alloc_bytes', 'final.final_rmem_alloc_bytes'],
      label: 'rmem_alloc',
      unit: 'bytes',
    },
    {
      fn: 'tcp_clamp_window',
      line: /\brcv_ssthresh\s*=[^=]/,
      keys: ['rcv_ssthresh_bytes', 'final.final_rcv_ssthresh_bytes'],
      label: 'rcv_ssthresh',
      unit: 'bytes',
    },
    // tcp_init_buffer_space (docs/models.md §9.3): the connection's starting values.
    {
      fn: 'tcp_init_buffer_space',
      line: /\brcv_ssthresh\s*=[^=]/,
      keys: ['final.initial_rcv_ssthresh_bytes'],
      label: 'initial rcv_ssthresh',
      unit: 'bytes',
    },
    {
      fn: 'tcp_init_buffer_space',
      line: /rcvq_space\.space\s*=[^=]/,
      keys: ['final.initial_rcvq_space_bytes'],
      label: 'initial rcvq_space.space',
      unit: 'bytes',
    },
    // net/ipv4/tcp_output.c: tcp_select_initial_window (docs/models.md §9.2) and
    // tcp_select_window (§9.5).
    {
      fn: 'tcp_select_initial_window',
      line: /\*rcv_wscale\s*=\s*clamp/,
      keys: ['final.rcv_wscale'],
      label: 'rcv_wscale',
      unit: 'shift',
      format: (v) => `${String(v)} (window field × ${2 ** Number(v)} bytes)`,
    },
    {
      fn: 'tcp_select_window',
      line: /\brcv_wnd\s*=\s*new_win\b/,
      keys: ['rcv_wnd_bytes'],
      label: 'rcv_wnd',
      unit: 'bytes',
    },
    {
      fn: 'tcp_select_window',
      line: /\bnew_win\s*>>=/,
      keys: ['advertised_bytes'],
      label: 'advertised',
      unit: 'bytes',
    },
  ],
};

export const receiveModel: ModelDefinition = {
  id: 'tcp-receive',
  title: 'TCP receive side (6.1): initial window, tcp_grow_window, window selection, DRS',
  cites: [
    'net/ipv4/tcp_output.c: tcp_select_initial_window',
    'net/ipv4/tcp_input.c: tcp_init_buffer_space',
    'net/ipv4/tcp_input.c: tcp_grow_window',
    'net/ipv4/tcp_output.c: __tcp_select_window',
    'net/ipv4/tcp_input.c: tcp_rcv_space_adjust',
    'net/ipv4/tcp_input.c: tcp_clamp_window',
  ],
  tUnit: 'rtt',
  anchors: receiveAnchors,
  params,
  series: [
    { key: 'rcv_wnd_bytes', label: 'offered window', unit: 'bytes' },
    { key: 'rcv_ssthresh_bytes', label: 'rcv_ssthresh', unit: 'bytes' },
    { key: 'rmem_alloc_bytes', label: 'rmem_alloc', unit: 'bytes' },
    { key: 'rcvbuf_bytes', label: 'sk_rcvbuf', unit: 'bytes', limit: true },
    { key: 'window_clamp_bytes', label: 'window_clamp', unit: 'bytes', limit: true },
  ],
  scenarios: [
    {
      id: 'S8',
      title: 'receive-side initial state, rcvbuf 131072, Ethernet; receiver that never reads',
      params: { rcvbuf_bytes: 131072, advmss_bytes: 1460, open: 'active', reader: 'never' },
      ref: 'docs/models.md §9.2, §9.3, §9.5, §S8',
    },
    {
      id: 'S9',
      title: 'DRS growth: copied 100000 in one RTT with rcvq_space 64076',
      params: {
        advmss_bytes: 1460,
        drs_probe_copied_bytes: 100000,
        drs_probe_space_bytes: 64076,
        reader: 'all',
      },
      ref: 'docs/models.md §9.6, §S9',
    },
  ],
  run,
};
