// The simulation panel's DOM-free parts: message guards, exports, slider mapping, the CLI
// line, and how modelled functions and inline values are found in code.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  ANCHORED_FUNCTIONS,
  anchoredFunctionsOf,
  findModelledFunctions,
  inlineValuesFor,
  stepValues,
  type FunctionText,
} from '../../src/model/codeAnchors';
import { detectPasstVariant } from '../../src/model/passtWindowModel';
import { runModel, type ModelDefinition, type NumberParam } from '../../src/model/types';
import { findModel } from '../../src/model/registry';
import { comparisonRows, otherRun, stepPicture } from '../../webview/simulation/viewHooks';
import {
  isHostToWebview,
  isWebviewToHost,
  MAX_TEXT_SAVE_CHARS,
  PNG_DATA_URL_PREFIX,
} from '../../src/protocol/simulation';
import { toColumns, toCsv, toSvg } from '../../webview/shared/plotData';
import { cliCommandLine, sliderToValue, valueToSlider } from '../../webview/simulation/params';

test('webview messages are validated: good ones pass, malformed and unknown ones do not', () => {
  assert.ok(isWebviewToHost({ type: 'ready' }));
  assert.ok(isWebviewToHost({ type: 'values', model: 'm', values: { a: 1, b: 'x', c: true } }));
  assert.ok(
    isWebviewToHost({
      type: 'save',
      requestId: 1,
      format: 'csv',
      suggestedName: 'a.csv',
      data: 'x',
    }),
  );
  assert.ok(
    isWebviewToHost({
      type: 'state',
      state: { model: 'm', scenario: null, params: { a: 1 }, cursor: 3 },
    }),
  );
  for (const bad of [
    null,
    'ready',
    { type: 'nope' },
    { type: 'values', model: 'm', values: { a: NaN } },
    { type: 'values', model: 'm', values: { a: { nested: 1 } } },
    { type: 'save', requestId: 1, format: 'exe', suggestedName: 'a', data: '' },
    { type: 'save', requestId: 1, format: 'csv', suggestedName: '../../etc/passwd', data: '' },
    { type: 'state', state: { model: 'm', scenario: null, params: {}, cursor: -1 } },
    { type: 'copy', text: 'x'.repeat(20000) },
  ]) {
    assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad)?.slice(0, 80));
  }
  assert.ok(isHostToWebview({ type: 'saved', requestId: 2, ok: true, message: '' }));
  assert.equal(isHostToWebview({ type: 'open', state: { model: 1 } }), false);
});

test('CSV export has a header with every key and quotes what needs quoting', () => {
  const csv = toCsv([
    { t: 0, a: 1 },
    { t: 1, a: 2, note: 'x, "y"' },
  ]);
  assert.equal(csv, 't,a,note\n0,1,\n1,2,"x, ""y"""\n');
});

test('SVG export draws one polyline per series, limits dashed, and escapes labels', () => {
  const series = [
    { key: 'q', label: 'Send-Q', unit: 'bytes' },
    { key: 'lim', label: 'sk_sndbuf <x>', unit: 'bytes', limit: true },
  ];
  const cols = toColumns(
    [
      { t: 0, q: 0, lim: 8192 },
      { t: 1, q: 1024, lim: 8192 },
      { t: 2, q: 'n/a', lim: 8192 },
    ],
    series,
  );
  assert.deepEqual(cols.ys[0], [0, 1024, null]);
  const svg = toSvg(cols, series, {
    width: 400,
    height: 300,
    title: 'T',
    xLabel: 'write',
    colors: ['#000', '#f00'],
    foreground: '#111',
    background: '#fff',
  });
  assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
  assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 1);
  assert.ok(svg.includes('sk_sndbuf &lt;x&gt;'));
  assert.ok(!svg.includes('NaN'));
});

test('sliders map both ways, log-scaled for wide byte ranges, integers stay integers', () => {
  const p: NumberParam = {
    kind: 'number',
    name: 'so_sndbuf_bytes',
    label: 'SO_SNDBUF',
    unit: 'bytes',
    min: 0,
    max: 2 ** 31 - 1,
    default: 4096,
    integer: true,
  };
  assert.equal(sliderToValue(p, 0), 0);
  assert.equal(sliderToValue(p, 1000), 2 ** 31 - 1);
  const mid = sliderToValue(p, 500);
  assert.ok(mid > 10000 && mid < 100000, `log mid ${mid}`);
  assert.ok(Number.isInteger(mid));
  for (const v of [1, 4096, 212992, 4194304]) {
    const back = sliderToValue(p, valueToSlider(p, v));
    assert.ok(Math.abs(back - v) / v < 0.03, `${v} -> ${back}`);
  }
  const lin: NumberParam = { ...p, name: 'pct', unit: 'percent', min: 0, max: 100, default: 75 };
  assert.equal(sliderToValue(lin, 750), 75);
  assert.equal(valueToSlider(lin, 75), 750);
});

test('the copied CLI line names the scenario and only the parameters that differ', () => {
  const def: ModelDefinition = {
    id: 'send-path',
    title: 't',
    cites: [],
    tUnit: 'write',
    series: [],
    cost: () => ({ steps: 1, points: 1, drivers: [] }),
    params: [
      {
        kind: 'number',
        name: 'a_bytes',
        label: 'a',
        unit: 'bytes',
        min: 0,
        max: 10,
        default: 1,
        integer: true,
      },
      {
        kind: 'choice',
        name: 'preset',
        label: 'p',
        options: [
          { value: 'x y', label: '' },
          { value: 'z', label: '' },
        ],
        default: 'z',
      },
    ],
    scenarios: [{ id: 'S3', title: '', params: { a_bytes: 5 }, ref: '' }],
    run: () => ({ model: 'send-path', params: {}, final: {}, series: [], notes: [] }),
  };
  assert.equal(
    cliCommandLine(def, {
      model: 'send-path',
      scenario: 'S3',
      params: { a_bytes: 5, preset: 'x y' },
      cursor: null,
    }),
    "sklens simulate send-path --scenario S3 --set 'preset=x y' --json",
  );
  assert.equal(
    cliCommandLine(def, {
      model: 'send-path',
      scenario: null,
      params: { a_bytes: 1 },
      cursor: null,
    }),
    'sklens simulate send-path --json',
  );
});

// Snippets written for this test in the style of passt's window code, one per variant.
const V2023 = `static int tcp_update_seqack_wnd(const struct ctx *c, struct tcp_tap_conn *conn, int force_seq, struct tcp_info *tinfo)
{
	uint32_t new_wnd_to_tap = tinfo->tcpi_snd_wnd;
	new_wnd_to_tap = MIN(new_wnd_to_tap, SNDBUF_GET(conn));
	conn->wnd_to_tap = MIN(new_wnd_to_tap >> conn->ws_to_tap, USHRT_MAX);
	return 0;
}`;
const VPRE = `static int tcp_update_seqack_wnd(const struct ctx *c, struct tcp_tap_conn *conn, bool force_seq, struct tcp_info_linux *tinfo)
{
	uint32_t limit, sendq = 0;
	if (ioctl(s, SIOCOUTQ, &sendq)) sendq = 0;
	limit = sendq > SNDBUF_GET(conn) ? 0 : SNDBUF_GET(conn) - sendq;
	conn->wnd_to_tap = MIN(limit >> conn->ws_to_tap, USHRT_MAX);
	return 0;
}`;
const VV1 = `static int tcp_update_seqack_wnd(const struct ctx *c, struct tcp_tap_conn *conn, bool force_seq, struct tcp_info_linux *tinfo)
{
	uint32_t mem[SK_MEMINFO_VARS], limit;
	getsockopt(s, SOL_SOCKET, SO_MEMINFO, mem, &sl);
	limit = (uint64_t)(mem[SK_MEMINFO_SNDBUF] - mem[SK_MEMINFO_WMEM_QUEUED]) * sendq / mem[SK_MEMINFO_WMEM_QUEUED];
	conn->wnd_to_tap = MIN(limit >> conn->ws_to_tap, USHRT_MAX);
	return 0;
}`;
const VMERGED_HELPER = `static uint32_t tcp_wnd_from_sndbuf(struct tcp_tap_conn *conn, uint32_t sendq)
{
	uint32_t mem[SK_MEMINFO_VARS], per_seg_ovh, segs;
	getsockopt(s, SOL_SOCKET, SO_MEMINFO, mem, &sl);
	per_seg_ovh = (mem[SK_MEMINFO_WMEM_QUEUED] - sendq) / used;
	segs = (mem[SK_MEMINFO_SNDBUF] - mem[SK_MEMINFO_WMEM_QUEUED]) / (mss + per_seg_ovh);
	return segs * mss;
}`;
const VMERGED_CALLER = `static int tcp_update_seqack_wnd(const struct ctx *c, struct tcp_tap_conn *conn, bool force_seq, struct tcp_info_linux *tinfo)
{
	uint32_t limit = tcp_wnd_from_sndbuf(conn, sendq);
	conn->wnd_to_tap = MIN(MIN(tinfo->tcpi_snd_wnd, limit) >> conn->ws_to_tap, USHRT_MAX);
	return 0;
}`;

function fnText(name: string, line: number, text: string): FunctionText {
  return { name, line, text };
}

test('the passt window variant is detected from the code, per variant', () => {
  assert.equal(detectPasstVariant(V2023), 'p23');
  assert.equal(detectPasstVariant(VPRE), 'p26pre');
  assert.equal(detectPasstVariant(VV1), 'jon_v1');
  assert.equal(detectPasstVariant(VMERGED_HELPER), 'merged');
  const all = `${VMERGED_HELPER}\n\n${VMERGED_CALLER}`;
  const lenses = findModelledFunctions(
    [
      fnText('tcp_wnd_from_sndbuf', 0, VMERGED_HELPER),
      fnText('tcp_update_seqack_wnd', 9, VMERGED_CALLER),
    ],
    all,
  );
  assert.deepEqual(
    lenses.map((l) => [l.fn.name, l.line, l.detected?.variant, l.detected?.focus]),
    [
      ['tcp_wnd_from_sndbuf', 0, 'merged', 'wnd_merged_bytes'],
      ['tcp_update_seqack_wnd', 9, 'merged', 'wnd_merged_bytes'],
    ],
  );
});

test('a function that only shares a modelled name gets no lens (name plus shape)', () => {
  const stub = 'int tcp_sendmsg_locked(struct sock *sk)\n{\n\treturn 0;\n}';
  assert.deepEqual(findModelledFunctions([fnText('tcp_sendmsg_locked', 0, stub)], stub), []);
  const real =
    'int tcp_sendmsg_locked(struct sock *sk, struct msghdr *msg, size_t size)\n{\n\tmss_now = tcp_send_mss(sk, &size_goal, flags);\n\treturn 0;\n}';
  assert.equal(findModelledFunctions([fnText('tcp_sendmsg_locked', 40, real)], real)[0].line, 40);
});

test('inline values land on the modelled lines and only for the open model', () => {
  const fns = [fnText('tcp_update_seqack_wnd', 100, VPRE)];
  const vals = inlineValuesFor('passt-window', { focus_bytes: 125912 }, fns);
  assert.deepEqual(vals, [{ line: 104, text: 'window = 125,912 bytes' }]);
  assert.deepEqual(inlineValuesFor('send-path', { focus_bytes: 1 }, fns), []);
  const sock =
    'int sk_setsockopt(struct sock *sk, int optname)\n{\n\tswitch (optname) {\n\tcase SO_SNDBUF:\n\t\tbreak;\n\t}\n}';
  assert.deepEqual(
    inlineValuesFor('setsockopt', { getsockopt_bytes: 8192 }, [fnText('sk_setsockopt', 10, sock)]),
    [{ line: 13, text: 'sk_sndbuf = 8,192 bytes' }],
  );
});

// Toy bodies written for this test, one statement per idiom the tcp-mem and tcp-receive anchors
// look for (the real functions are checked in test/integration/inline-anchors.test.ts).
const MEM_RAISE = `int __sk_mem_raise_allocated(struct sock *sk, int size, int amt, int kind)
{
	long allocated;

	sk_memory_allocated_add(sk, amt);
	allocated = sk_memory_allocated(sk);
	if (allocated <= LOW) {
		sk_leave_memory_pressure(sk);
		return 1;
	}
	if (allocated > MID)
		sk_enter_memory_pressure(sk);
	sk_stream_moderate_sndbuf(sk);
	sk_memory_allocated_sub(sk, amt);
	return 0;
}`;
const MEM_REDUCE = `void __sk_mem_reduce_allocated(struct sock *sk, int amount)
{
	sk_memory_allocated_sub(sk, amount);
	if (below_low(sk))
		sk_leave_memory_pressure(sk);
}`;
const RCV_DRS = `void tcp_rcv_space_adjust(struct sock *sk)
{
	if (rcvbuf > sk->sk_rcvbuf) {
		WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
		tp->window_clamp = tcp_win_from_space(sk, rcvbuf);
	}
	tp->rcvq_space.space = copied;
}`;
const RCV_GROW = `static void tcp_grow_window(struct sock *sk, const struct sk_buff *skb, bool adjust)
{
	if (!tcp_under_memory_pressure(sk))
		tp->rcv_ssthresh += min(room, incr);
	else
		tcp_adjust_rcv_ssthresh(sk);
}`;

test('tcp-mem inline values follow the event at the cursor: a write in raise, an ACK in reduce', () => {
  const fns = [
    fnText('__sk_mem_raise_allocated', 200, MEM_RAISE),
    fnText('__sk_mem_reduce_allocated', 300, MEM_REDUCE),
    fnText('tcp_grow_window', 400, RCV_GROW),
  ];
  const write = {
    kind: 'write',
    outcome: 'under_low',
    pages_count: 4,
    allocated_pages: 300,
    pressure_count: 0,
    sndbuf_bytes: 1048576,
    probe_rcv_ssthresh_bytes: 23360,
  };
  assert.deepEqual(inlineValuesFor('tcp-mem', write, fns), [
    { line: 204, text: 'amt = 4 pages' },
    { line: 205, text: 'allocated (global) = 300 pages' },
    { line: 207, text: 'outcome = under_low' },
    { line: 211, text: 'tcp_memory_pressure = clear' },
    { line: 403, text: 'probe rcv_ssthresh = 23,360 bytes' },
  ]);
  // A refused write reached suppress_allocation: moderated sk_sndbuf and the undo of amt.
  const failed = { ...write, outcome: 'FAIL fail_above_high', pressure_count: 1 };
  assert.deepEqual(
    inlineValuesFor('tcp-mem', failed, fns).map((v) => [v.line, v.text]),
    [
      [204, 'amt = 4 pages'],
      [205, 'allocated (global) = 300 pages'],
      [211, 'tcp_memory_pressure = set'],
      [212, 'sk_sndbuf = 1,048,576 bytes'],
      [213, 'outcome = FAIL fail_above_high'],
      [405, 'probe rcv_ssthresh = 23,360 bytes'],
    ],
  );
  const ack = { ...write, kind: 'ack', outcome: 'released', allocated_pages: 12 };
  assert.deepEqual(inlineValuesFor('tcp-mem', ack, fns), [
    { line: 302, text: 'allocated (global) = 12 pages' },
    { line: 304, text: 'tcp_memory_pressure = clear' },
    { line: 403, text: 'probe rcv_ssthresh = 23,360 bytes' },
  ]);
  // A write that fit in forward_alloc never entered __sk_mem_raise_allocated.
  const fwd = { ...write, outcome: 'forward_alloc', pages_count: 0 };
  assert.deepEqual(
    inlineValuesFor('tcp-mem', fwd, fns).map((v) => v.line),
    [403],
  );
});

test('tcp-receive inline values show the round at the cursor beside DRS and tcp_grow_window', () => {
  const fns = [
    fnText('tcp_rcv_space_adjust', 10, RCV_DRS),
    fnText('tcp_grow_window', 40, RCV_GROW),
  ];
  const values = {
    rcvbuf_bytes: 262144,
    window_clamp_bytes: 131072,
    rcvq_space_bytes: 100000,
    rcv_ssthresh_bytes: 64240,
  };
  assert.deepEqual(inlineValuesFor('tcp-receive', values, fns), [
    { line: 13, text: 'sk_rcvbuf = 262,144 bytes' },
    { line: 14, text: 'window_clamp = 131,072 bytes' },
    { line: 16, text: 'rcvq_space.space = 100,000 bytes' },
    { line: 43, text: 'rcv_ssthresh = 64,240 bytes' },
  ]);
  // Past the last step the panel's final values still name sk_rcvbuf.
  assert.deepEqual(inlineValuesFor('tcp-receive', { 'final.final_rcvbuf_bytes': 4096 }, fns)[0], {
    line: 13,
    text: 'sk_rcvbuf = 4,096 bytes',
  });
});

// A model that exists only in this test: its anchors live in its own definition, and the
// generic anchor code finds them without any table in src/model/codeAnchors.ts naming it.
const TOY_FN = `static int toy_queue_bytes(struct toy *t, int len)
{
	int room;

	room = t->limit - t->queued;
	t->queued += len;
	return room;
}`;
const toyModel: ModelDefinition = {
  id: 'toy-queue',
  title: 'a toy queue',
  cites: [],
  tUnit: 'step',
  params: [
    {
      kind: 'choice',
      name: 'variant',
      label: 'variant',
      options: [
        { value: 'a', label: 'a' },
        { value: 'b', label: 'b' },
      ],
      default: 'a',
    },
    {
      kind: 'number',
      name: 'limit_bytes',
      label: 'limit',
      unit: 'bytes',
      min: 0,
      max: 100,
      default: 10,
      integer: true,
    },
  ],
  series: [{ key: 'queued_bytes', label: 'queued', unit: 'bytes' }],
  scenarios: [{ id: 'T1', title: '', params: {}, ref: '' }],
  cost: () => ({ steps: 3, points: 3, drivers: [] }),
  run: (params) => ({
    model: 'toy-queue',
    params,
    final: { room_bytes: 7 },
    series: [
      { t: 0, round: 1, what: `${String(params.variant)} start` },
      { t: 1, round: 1, what: 'noise' },
      { t: 2, round: 2, what: `${String(params.variant)} end` },
    ],
    notes: [],
  }),
  view: {
    picture: (point, params) => ({
      caption: `step ${String(point.t)}`,
      gauges: [
        {
          label: 'queue',
          fill_bytes: Number(point.queued_bytes),
          capacity_bytes: Number(params.limit_bytes),
        },
      ],
      status: Number(point.queued_bytes) > 0 ? 'busy' : 'idle',
    }),
    compare: {
      other: (params) =>
        params.variant === 'a'
          ? { params: { ...params, variant: 'b' }, title: 'Same input, variant b' }
          : null,
      columns: [{ key: 't', numeric: true }, { key: 'what' }],
      hide: (step) => step.what === 'noise',
      matchKey: 'round',
    },
  },
  anchors: {
    lenses: [
      {
        name: 'toy_queue_bytes',
        scenario: 'T1',
        title: '▶ Simulate the toy queue',
        shape: [/->queued/],
        detect: (fn) => ({
          variant: 'v2',
          label: 'toy v2',
          focus: fn.includes('+=') ? 'queued_bytes' : '',
        }),
      },
    ],
    inline: [
      {
        fn: 'toy_queue_bytes',
        line: /\bqueued\s*\+=/,
        keys: ['queued_bytes'],
        label: 'queued',
        unit: 'bytes',
      },
      {
        fn: 'toy_queue_bytes',
        line: /\broom\s*=/,
        keys: ['final.room_bytes'],
        label: 'room',
        unit: 'bytes',
        when: (v) => v.queued_bytes !== 0,
      },
    ],
  },
};

test('a model declared outside the registry brings its own lens and inline anchors', () => {
  const fns = [fnText('toy_queue_bytes', 20, TOY_FN)];
  const lenses = findModelledFunctions(fns, TOY_FN, [toyModel]);
  assert.deepEqual(
    lenses.map((l) => [l.fn.model, l.fn.title, l.line, l.scenario, l.detected]),
    [
      [
        'toy-queue',
        '▶ Simulate the toy queue',
        20,
        'T1',
        { variant: 'v2', label: 'toy v2', focus: 'queued_bytes' },
      ],
    ],
  );
  // The registered models know nothing of it.
  assert.deepEqual(findModelledFunctions(fns, TOY_FN), []);
  assert.ok(anchoredFunctionsOf([toyModel]).has('toy_queue_bytes'));
  assert.ok(!ANCHORED_FUNCTIONS.has('toy_queue_bytes'));
  const values = stepValues({ room_bytes: 7 }, { t: 3, queued_bytes: 1500 });
  assert.deepEqual(inlineValuesFor('toy-queue', values, fns, [toyModel]), [
    { line: 24, text: 'room = 7 bytes' },
    { line: 25, text: 'queued = 1,500 bytes' },
  ]);
  // Its `when` hook decides per step, as the tcp-mem anchors do.
  const empty = stepValues({ room_bytes: 7 }, { t: 0, queued_bytes: 0 });
  assert.deepEqual(
    inlineValuesFor('toy-queue', empty, fns, [toyModel]).map((v) => v.line),
    [25],
  );
  assert.deepEqual(inlineValuesFor('toy-queue', values, fns), []);
});

test("the panel draws a model's own picture and comparison through the generic view hooks", () => {
  const params = { variant: 'a', limit_bytes: 10 };
  assert.deepEqual(stepPicture(toyModel, { t: 2, queued_bytes: 4 }, params), {
    caption: 'step 2',
    gauges: [{ label: 'queue', fill_bytes: 4, capacity_bytes: 10 }],
    status: 'busy',
  });
  assert.equal(stepPicture(toyModel, {}, params), null, 'no picture for an empty point');
  const run = otherRun(toyModel, params, null);
  assert.ok(run);
  assert.equal(run.title, 'Same input, variant b');
  assert.equal(otherRun(toyModel, params, run), run, 'same parameters: the cached run');
  assert.equal(otherRun(toyModel, { ...params, variant: 'b' }, null), null, 'nothing to compare');
  assert.deepEqual(comparisonRows(toyModel.view!.compare!, run.steps, { t: 0, round: 2 }), [
    {
      cells: [
        { text: '0', numeric: true },
        { text: 'b start', numeric: false },
      ],
      current: false,
    },
    {
      cells: [
        { text: '2', numeric: true },
        { text: 'b end', numeric: false },
      ],
      current: true,
    },
  ]);
  // A model without a view gets neither.
  const plain = findModel('send-path')!;
  assert.equal(stepPicture(plain, { t: 0, send_q_bytes: 1 }, {}), null);
  assert.equal(otherRun(plain, {}, null), null);
});

test("the splice model's view: pipe gauges and flags at the cursor, the other loop beside it", () => {
  const def = findModel('passt-splice')!;
  const r = runModel(def, def.scenarios.find((x) => x.id === 'S15')!.params);
  const exit1 = r.series.findIndex((p) => p.kind === 'epoll_ctl' && p.pass === 1);
  const point = r.series[exit1 - 1];
  const pic = stepPicture(def, point, r.params)!;
  assert.equal(
    pic.caption,
    'splice_write: 2026 tcp_splice_forward(src): write-side splice → EAGAIN',
  );
  assert.deepEqual(
    pic.gauges.map((g) => [g.label, g.capacity_bytes]),
    [
      ['source socket (unread)', 3145728],
      ['pipe', 1048576],
      ['destination (queued)', Number(point.dst_queued_bytes) + Number(point.dst_room_bytes)],
    ],
  );
  assert.equal(pic.status, 'pending 1,048,576 bytes · flags - · epoll src IN|RDHUP · dst IN|RDHUP');
  const other = otherRun(def, r.params, null)!;
  assert.equal(other.title, 'Same input, 2023 loop');
  const rows = comparisonRows(def.view!.compare!, other.steps, point);
  assert.equal(rows.length, other.steps.filter((s) => s.kind !== 'epoll_ctl').length);
  assert.deepEqual(
    rows.filter((x) => x.current).length,
    other.steps.filter((s) => s.kind !== 'epoll_ctl' && s.pass === point.pass).length,
  );
  assert.deepEqual(
    rows[0].cells.map((c) => c.numeric),
    [true, false, false, true, false],
  );
});

/** A PNG data URL: the signature, an IHDR length and type, and `pad` more bytes. */
const png = (pad = 4): string => {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
  return (
    PNG_DATA_URL_PREFIX +
    Buffer.from([...sig, ...new Array<number>(pad).fill(7)]).toString('base64')
  );
};

test('exports: a plain file name with the expected extension, bounded data, PNG checked', () => {
  const save = (format: string, suggestedName: unknown, data: unknown) =>
    isWebviewToHost({ type: 'save', requestId: 1, format, suggestedName, data });
  // The webview's own exports pass.
  const realPng = `${PNG_DATA_URL_PREFIX}iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==`;
  assert.ok(save('png', 'sklens-sendPath-S3.png', realPng));
  assert.ok(save('csv', 'sklens-tsq.csv', 't,a\n0,1\n'));
  assert.ok(save('svg', 'sklens-tsq-S1.svg', '<svg xmlns="http://www.w3.org/2000/svg"></svg>'));
  assert.ok(save('json', 'run.json', '{}'));
  assert.ok(save('png', 'p.png', png()));
  for (const [format, name] of [
    ['csv', '..'],
    ['csv', '.'],
    ['csv', '.csv'],
    ['csv', '..csv'],
    ['csv', 'a/b.csv'],
    ['csv', 'a\\b.csv'],
    ['csv', 'C:x.csv'],
    ['csv', 'plot.png'], // not the format's extension
    ['csv', 'plot'],
    ['csv', `${'x'.repeat(100)}.csv`],
    ['csv', 42],
  ] as const) {
    assert.equal(save(format, name, 'x'), false, `${format} ${String(name)}`);
  }
  for (const data of [
    png().slice(PNG_DATA_URL_PREFIX.length), // bare base64, no data URL
    'data:image/jpeg;base64,/9j/4AAQ',
    png().slice(0, -1), // not a multiple of 4
    `${png().slice(0, -4)}*AAA`, // not base64
    `${png(3).slice(0, -8)}AA==AAAA`, // padding in the middle
    `${PNG_DATA_URL_PREFIX}R0lGODlhAQABAAAAACw=`, // a GIF
    `${png()}${'A'.repeat(32 * 1024 * 1024)}`, // over the size limit
    42,
  ]) {
    assert.equal(save('png', 'p.png', data), false, String(data).slice(0, 50));
  }
  assert.equal(save('svg', 'p.svg', '<script>alert(1)</script>'), false);
  assert.equal(save('csv', 'p.csv', 'x'.repeat(MAX_TEXT_SAVE_CHARS + 1)), false);
});

test('every string from the webview is bounded: log lines, values, model ids', () => {
  assert.ok(isWebviewToHost({ type: 'log', level: 'warn', message: 'x'.repeat(2000) }));
  assert.equal(isWebviewToHost({ type: 'log', level: 'warn', message: 'x'.repeat(2001) }), false);
  assert.ok(isWebviewToHost({ type: 'values', model: 'm', values: { a: 'x'.repeat(2000) } }));
  assert.equal(
    isWebviewToHost({ type: 'values', model: 'm', values: { a: 'x'.repeat(2001) } }),
    false,
  );
  assert.equal(isWebviewToHost({ type: 'values', model: 'm'.repeat(101), values: {} }), false);
  assert.equal(
    isWebviewToHost({
      type: 'state',
      state: { model: 'm', scenario: null, params: { a: 'x'.repeat(2001) }, cursor: null },
    }),
    false,
  );
});
