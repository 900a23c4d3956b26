// The state at the timeline cursor. Every model gets a table of the point's values with what
// changed since the previous step highlighted; the splice model also gets a picture of the
// pipe and both sockets, since that is where the 2023 and 2026 loops differ.
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

function numberKeys(p: Point, re: RegExp): string[] {
  return Object.keys(p).filter((k) => re.test(k) && typeof p[k] === 'number');
}

export function renderStepView(model: string, point: Point, prev: Point | null): HTMLElement {
  const box = el('div', {});
  if (/splice/.test(model)) {
    const cap = numberKeys(point, /pipe_(size|capacity)_bytes$/)[0];
    const pipeFill = numberKeys(point, /^(pipe|pending)(_fill)?_bytes$/)[0];
    if (cap && pipeFill) box.append(gauge('pipe', point[pipeFill] as number, point[cap] as number));
    for (const k of numberKeys(point, /^(src|dst)_.*_bytes$/)) {
      box.append(
        gauge(
          k.replace(/_bytes$/, '').replace(/_/g, ' '),
          point[k] as number,
          Math.max(point[k] as number, 1),
        ),
      );
    }
  }
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
