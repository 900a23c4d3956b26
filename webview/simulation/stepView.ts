// The state at the timeline cursor. Every model gets a table of the point's values with what
// changed since the previous step highlighted. A model whose `view` draws a picture (gauges,
// a caption, a status line) gets it above the table, and one that compares itself with a
// variant gets that run's steps listed beside it (webview/simulation/viewHooks.ts reads the
// hooks; for the splice model see docs/models.md §7.6).
import type { ModelDefinition, Params, StepPicture } from '../../src/model/types';
import { el } from '../shared/components';
import { stepPicture, type ComparisonRow } from './viewHooks';

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

function pictureView(p: StepPicture): HTMLElement {
  return el(
    'div',
    { class: 'sk-picture' },
    el('div', { class: 'sk-where' }, p.caption),
    ...p.gauges.map((g) => gauge(g.label, g.fill_bytes, g.capacity_bytes)),
    el('div', { class: 'sk-flags' }, p.status),
  );
}

/** The other run's steps, in a compact list, for side-by-side reading. */
export function renderComparison(title: string, rows: readonly ComparisonRow[]): HTMLElement {
  const trs = rows.map((r) =>
    el(
      'tr',
      r.current ? { class: 'same-step' } : {},
      ...r.cells.map((c) => el('td', c.numeric ? { class: 'num' } : {}, c.text)),
    ),
  );
  return el('div', { class: 'sk-compare' }, el('h3', {}, title), el('table', {}, ...trs));
}

export function renderStepView(
  def: ModelDefinition,
  point: Point,
  prev: Point | null,
  params: Params,
): HTMLElement {
  const box = el('div', {});
  const picture = stepPicture(def, point, params);
  if (picture) box.append(pictureView(picture));
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
