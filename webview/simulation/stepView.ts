// The state at the timeline cursor. Every model gets a table of the point's values with what
// changed since the previous step highlighted. The splice model also gets a picture of the
// source socket, the pipe and the destination socket with the flags and epoll masks, and the
// same input stepped through the other loop version beside it, since that is where the 2023
// and 2026 loops differ (docs/models.md §7, §S15).
import { el } from '../shared/components';

type Point = Record<string, number | string>;

function fmt(v: number | string): string {
  return typeof v === 'number'
    ? Number.isInteger(v)
      ? v.toLocaleString('en-US')
      : v.toFixed(3)
    : v;
}

/** A horizontal gauge: `fill` of `capacity`, labelled. */
function gauge(label: string, fill: number, capacity: number): HTMLElement {
  const pct = capacity > 0 ? Math.max(0, Math.min(100, (fill / capacity) * 100)) : 0;
  const bar = el('div', { class: 'sk-gauge-fill' });
  bar.style.width = `${pct}%`;
  return el(
    'div',
    { class: 'sk-gauge-row' },
    el('span', { class: 'sk-gauge-label' }, label),
    el('div', { class: 'sk-gauge' }, bar),
    el('span', { class: 'sk-gauge-value' }, `${fmt(fill)} / ${fmt(capacity)} bytes`),
  );
}

const num = (p: Point, k: string): number => (typeof p[k] === 'number' ? (p[k] as number) : 0);

function spliceView(point: Point, params: Record<string, unknown>): HTMLElement {
  const pipe = typeof params.pipe_size_bytes === 'number' ? params.pipe_size_bytes : 0;
  const srcTotal =
    typeof params.src_bytes === 'number' ? params.src_bytes : num(point, 'src_queue_bytes');
  const dstCap = num(point, 'dst_queued_bytes') + num(point, 'dst_room_bytes');
  return el(
    'div',
    { class: 'sk-splice' },
    el(
      'div',
      { class: 'sk-where' },
      `${String(point.kind ?? '')}: ${String(point.where ?? '')}${point.result ? ` → ${String(point.result)}` : ''}`,
    ),
    gauge('source socket (unread)', num(point, 'src_queue_bytes'), srcTotal),
    gauge('pipe', num(point, 'pipe_fill_bytes'), pipe),
    gauge('destination (queued)', num(point, 'dst_queued_bytes'), dstCap),
    el(
      'div',
      { class: 'sk-flags' },
      `pending ${fmt(num(point, 'pending_bytes'))} bytes · flags ${String(point.flags ?? '-')} · epoll src ${String(point.src_mask ?? '')} · dst ${String(point.dst_mask ?? '')}${num(point, 'more_flag') ? ' · SPLICE_F_MORE' : ''}`,
    ),
  );
}

/** The other loop version's steps, in a compact list, for side-by-side reading. */
export function renderComparison(
  title: string,
  steps: readonly Point[],
  currentPass: number | null,
): HTMLElement {
  const rows = steps
    .filter((s) => s.kind !== 'epoll_ctl')
    .map((s) =>
      el(
        'tr',
        s.pass === currentPass ? { class: 'same-pass' } : {},
        el('td', { class: 'num' }, String(s.t)),
        el('td', {}, String(s.kind)),
        el('td', {}, String(s.where)),
        el('td', { class: 'num' }, String(s.result ?? '')),
        el('td', {}, String(s.flags ?? '')),
      ),
    );
  return el('div', { class: 'sk-compare' }, el('h3', {}, title), el('table', {}, ...rows));
}

export function renderStepView(
  model: string,
  point: Point,
  prev: Point | null,
  params: Record<string, unknown>,
): HTMLElement {
  const box = el('div', {});
  if (model === 'passt-splice' && Object.keys(point).length > 0)
    box.append(spliceView(point, params));
  const rows = Object.entries(point).map(([k, v]) => {
    const changed = prev !== null && prev[k] !== v;
    return el(
      'tr',
      changed ? { class: 'changed' } : {},
      el('td', {}, k),
      el('td', { class: 'num' }, fmt(v)),
    );
  });
  box.append(el('h3', {}, 'At the cursor'), el('table', {}, ...rows));
  return box;
}
