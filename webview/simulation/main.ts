// The simulation panel: runs a buffer model from src/model in the webview itself, so moving a
// slider recomputes and redraws within a frame. Controls come from webview/shared/components;
// the plot from webview/shared/chart. State (model, scenario, parameters, cursor) is kept with
// setState so a reload restores the panel; values at the cursor go to the host for the inline
// editor decorations.
import { MODELS, findModel } from '../../src/model/registry';
import { stepValues } from '../../src/model/codeAnchors';
import {
  ModelInputError,
  runModel,
  type ModelDefinition,
  type ModelResult,
  type NumberParam,
  type SeriesSpec,
  type Params,
} from '../../src/model/types';
import {
  isHostToWebview,
  type SimulationState,
  type WebviewToHost,
} from '../../src/protocol/simulation';
import { button, checkbox, dropdown, el, slider, textField } from '../shared/components';
import { createChart, seriesColors, type ChartHandle } from '../shared/chart';
import { toColumns, toCsv, toSvg } from '../shared/plotData';
import { addStyle, themeColor, vscodeApi } from '../shared/vscodeApi';
import css from './simulation.css';
import { cliCommandLine, sliderToValue, valueToSlider } from './params';
import { renderComparison, renderStepView } from './stepView';
import { comparisonRows, otherRun, type OtherRun } from './viewHooks';

const vscode = vscodeApi<SimulationState, WebviewToHost>();
addStyle(css);

const root = document.getElementById('root')!;
let state: SimulationState | null = vscode.getState() ?? null;
let result: ModelResult | null = null;
/** The main plot (the model's most common unit, usually bytes) and a strip for the rest. */
let chart: ChartHandle | null = null;
let strip: ChartHandle | null = null;
let mainSeries: SeriesSpec[] = [];
let stripSeries: SeriesSpec[] = [];
let chartModel = '';
let pending = false;
let playing: number | null = null;
let saveSeq = 1;

function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

function defaults(def: ModelDefinition, scenario: string | null): Params {
  const sc = def.scenarios.find((s) => s.id === scenario);
  return { ...(sc?.params ?? {}) };
}

function setState(next: SimulationState, rebuild: boolean): void {
  state = next;
  vscode.setState(state);
  post({ type: 'state', state });
  if (rebuild) render();
  else schedule();
}

function schedule(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    recompute();
  });
}

function effectiveParams(def: ModelDefinition, s: SimulationState): Params {
  const out: Params = {};
  for (const p of def.params) out[p.name] = p.default;
  return { ...out, ...s.params };
}

// ---- layout ---------------------------------------------------------------------------------

const header = el('div', { class: 'sk-header' });
const errorBox = el('div', { class: 'sk-error', role: 'alert' });
const controls = el('div', { class: 'sk-controls' });
const chartBox = el('div', { class: 'sk-chart' });
const stripBox = el('div', { class: 'sk-chart sk-strip' });
const timeline = el('div', { class: 'sk-timeline' });
const stepBox = el('div', { class: 'sk-step' });
const finalBox = el('div', { class: 'sk-final' });
const compareBox = el('div', { class: 'sk-compare-box' });
const notesBox = el('ul', { class: 'sk-notes' });
const exportBar = el('div', { class: 'sk-export' });
root.append(
  header,
  errorBox,
  controls,
  chartBox,
  stripBox,
  timeline,
  stepBox,
  compareBox,
  finalBox,
  notesBox,
  exportBar,
);

function render(): void {
  header.replaceChildren();
  controls.replaceChildren();
  if (MODELS.length === 0) {
    header.append(el('h2', {}, 'No buffer models are available in this build.'));
    return;
  }
  if (!state || !findModel(state.model)) {
    const first = MODELS[0];
    state = { model: first.id, scenario: null, params: {}, cursor: null };
  }
  const def = findModel(state.model)!;
  const s = state;
  header.append(
    el(
      'div',
      { class: 'sk-row' },
      el('label', {}, 'Model '),
      dropdown(
        MODELS.map((m) => ({ value: m.id, label: m.title })),
        def.id,
        (v) => setState({ model: v, scenario: null, params: {}, cursor: null }, true),
        'Model',
      ),
      el('label', {}, ' Scenario '),
      dropdown(
        [
          { value: '', label: '(defaults)' },
          ...def.scenarios.map((sc) => ({ value: sc.id, label: `${sc.id} — ${sc.title}` })),
        ],
        s.scenario ?? '',
        (v) =>
          setState(
            { ...s, scenario: v || null, params: defaults(def, v || null), cursor: null },
            true,
          ),
        'Scenario',
      ),
    ),
    el('div', { class: 'sk-cites' }, `Models ${def.cites.join('; ')}`),
  );
  const params = effectiveParams(def, s);
  for (const p of def.params) {
    const row = el('div', { class: 'sk-param', title: p.help ?? '' });
    const label = el('span', { class: 'sk-plabel' }, p.label);
    row.append(label);
    const update = (v: number | string | boolean): void => {
      const cur = state!;
      setState({ ...cur, params: { ...cur.params, [p.name]: v } }, false);
    };
    if (p.kind === 'number') {
      const field = textField(
        String(params[p.name]),
        (t) => {
          // Anything that is not a number (including an empty field) goes to the model as
          // text, so validation names the parameter instead of silently using 0.
          const n = t.trim() === '' ? NaN : Number(t);
          update(Number.isNaN(n) ? t : n);
          sl.value = String(valueToSlider(p, Number.isNaN(n) ? p.default : n));
        },
        { size: 10, ariaLabel: `${p.label} (${p.unit})`, param: p.name },
      );
      const sl = slider(
        0,
        1000,
        1,
        valueToSlider(p, Number(params[p.name])),
        (pos) => {
          const v = sliderToValue(p as NumberParam, pos);
          field.value = String(v);
          update(v);
        },
        `${p.label} slider`,
      );
      row.append(sl, field, el('span', { class: 'sk-unit' }, p.unit));
    } else if (p.kind === 'choice') {
      row.append(dropdown(p.options, String(params[p.name]), (v) => update(v), p.label));
    } else {
      row.replaceChildren(checkbox(p.label, Boolean(params[p.name]), (v) => update(v)));
    }
    controls.append(row);
  }
  const focus = s.focus && def.series.some((x) => x.key === s.focus) ? s.focus : undefined;
  if (focus) {
    const label = def.series.find((x) => x.key === focus)!.label;
    header.append(el('div', { class: 'sk-focus' }, `Your code contains: ${label} (drawn thick).`));
  }
  if (chartModel !== `${def.id}/${focus ?? ''}`) {
    chart?.destroy();
    strip?.destroy();
    chartBox.replaceChildren();
    stripBox.replaceChildren();
    [mainSeries, stripSeries] = splitByUnit(def.series);
    chart = createChart(chartBox, def.tUnit, mainSeries, (i) => moveCursor(i, false), focus);
    strip =
      stripSeries.length > 0
        ? createChart(stripBox, def.tUnit, stripSeries, (i) => moveCursor(i, false), focus, 160)
        : null;
    chartModel = `${def.id}/${focus ?? ''}`;
  }
  exportBar.replaceChildren(
    button('Export CSV', () => exportData('csv'), true),
    button('Export SVG', () => exportData('svg'), true),
    button('Export PNG', () => exportData('png'), true),
    button(
      'Copy as sklens command',
      () => {
        post({ type: 'copy', text: cliCommandLine(def, state!) });
      },
      true,
    ),
  );
  recompute();
}

function recompute(): void {
  if (!state) return;
  const def = findModel(state.model);
  if (!def) return;
  try {
    result = runModel(def, state.params);
    errorBox.textContent = '';
    errorBox.classList.remove('shown');
    chartBox.classList.remove('stale');
  } catch (e) {
    const msg =
      e instanceof ModelInputError
        ? e.message
        : `model error: ${e instanceof Error ? e.message : String(e)}`;
    errorBox.textContent = `Cannot run this model with these parameters: ${msg}. The plot shows the last valid run.`;
    errorBox.classList.add('shown');
    chartBox.classList.add('stale');
    if (!(e instanceof ModelInputError)) post({ type: 'log', level: 'error', message: msg });
    return;
  }
  chart?.setData(toColumns(result.series, mainSeries));
  strip?.setData(toColumns(result.series, stripSeries));
  notesBox.replaceChildren(...result.notes.map((n) => el('li', {}, n)));
  finalBox.replaceChildren(el('h3', {}, 'Final values'), table(Object.entries(result.final)));
  renderTimeline();
  showCursor();
}

/** Series in the most common unit go to the main plot; the rest (counts, phases, flags) to a strip below. */
function splitByUnit(series: readonly SeriesSpec[]): [SeriesSpec[], SeriesSpec[]] {
  const count = new Map<string, number>();
  for (const x of series) count.set(x.unit, (count.get(x.unit) ?? 0) + 1);
  const main = [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return [series.filter((x) => x.unit === main), series.filter((x) => x.unit !== main)];
}

function table(rows: [string, unknown][]): HTMLElement {
  const t = el('table', {});
  for (const [k, v] of rows)
    t.append(el('tr', {}, el('td', {}, k), el('td', { class: 'num' }, formatValue(v))));
  return t;
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3);
  return String(v);
}

function renderTimeline(): void {
  if (!result || !state) return;
  const n = result.series.length;
  timeline.replaceChildren();
  if (n === 0) return;
  const cur = Math.min(state.cursor ?? n - 1, n - 1);
  const pos = slider(0, n - 1, 1, cur, (v) => moveCursor(v, true), 'Timeline');
  pos.classList.add('sk-timeline-slider');
  timeline.append(
    button('First', () => moveCursor(0, true), true),
    button('◀ Step', () => moveCursor(Math.max(0, (state!.cursor ?? n - 1) - 1), true), true),
    button(playing === null ? '▶ Play' : '⏸ Pause', togglePlay, true),
    button('Step ▶', () => moveCursor(Math.min(n - 1, (state!.cursor ?? n - 1) + 1), true), true),
    pos,
    el('span', { class: 'sk-pos' }, `${cur + 1} / ${n}`),
  );
}

function togglePlay(): void {
  if (playing !== null) {
    clearInterval(playing);
    playing = null;
    renderTimeline();
    return;
  }
  const n = result?.series.length ?? 0;
  if (n === 0) return;
  if ((state?.cursor ?? n - 1) >= n - 1) moveCursor(0, true);
  playing = window.setInterval(() => {
    const c = state?.cursor ?? 0;
    if (c >= n - 1) togglePlay();
    else moveCursor(c + 1, true);
  }, 250);
  renderTimeline();
}

function moveCursor(i: number, fromControl: boolean): void {
  if (!state || !result) return;
  const n = result.series.length;
  const idx = Math.max(0, Math.min(n - 1, i));
  if (state.cursor === idx) return;
  state = { ...state, cursor: idx };
  vscode.setState(state);
  if (fromControl) {
    chart?.setCursor(idx);
    strip?.setCursor(idx);
  }
  const slid = timeline.querySelector<HTMLInputElement>('.sk-timeline-slider');
  if (slid) slid.value = String(idx);
  const label = timeline.querySelector('.sk-pos');
  if (label) label.textContent = `${idx + 1} / ${n}`;
  showCursor();
}

function showCursor(): void {
  if (!state || !result) return;
  const n = result.series.length;
  const idx = n === 0 ? null : Math.min(state.cursor ?? n - 1, n - 1);
  const point: Record<string, number | string> = idx === null ? {} : result.series[idx];
  const prev = idx === null || idx === 0 ? null : result.series[idx - 1];
  stepBox.replaceChildren(renderStepView(findModel(state.model)!, point, prev, result.params));
  compareBox.replaceChildren(...comparison(point));
  const values = stepValues(result.final, point);
  const focusValue =
    state.focus === undefined ? undefined : (point[state.focus] ?? result.final[state.focus]);
  if (typeof focusValue === 'number') values.focus_bytes = focusValue;
  post({ type: 'values', model: state.model, values });
}

/** The model's comparison run (its `view.compare`), cached by its parameters. */
let otherRunCache: OtherRun | null = null;

/** The same input through the variant the model compares itself with, to read side by side. */
function comparison(point: Record<string, number | string>): HTMLElement[] {
  if (!state || !result) return [];
  const def = findModel(state.model);
  const spec = def?.view?.compare;
  if (!def || !spec) return [];
  const run = otherRun(def, result.params, otherRunCache);
  if (!run) return [];
  otherRunCache = run;
  return [renderComparison(run.title, comparisonRows(spec, run.steps, point))];
}

function exportData(format: 'csv' | 'svg' | 'png'): void {
  if (!result || !state) return;
  const def = findModel(state.model)!;
  const base = `sklens-${def.id}${state.scenario ? `-${state.scenario}` : ''}`;
  let data: string;
  if (format === 'csv') {
    data = toCsv(result.series);
  } else if (format === 'svg') {
    data = toSvg(toColumns(result.series, def.series), def.series, {
      width: 900,
      height: 480,
      title: `${def.title}${state.scenario ? ` — ${state.scenario}` : ''}`,
      xLabel: def.tUnit,
      colors: seriesColors(def.series.length),
      foreground: themeColor('--vscode-foreground', '#333333'),
      background: themeColor('--vscode-editor-background', '#ffffff'),
    });
  } else {
    const c = chart?.canvas();
    if (!c) return;
    data = c.toDataURL('image/png'); // the host checks the data URL and decodes it
  }
  post({ type: 'save', requestId: saveSeq++, format, suggestedName: `${base}.${format}`, data });
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const m = ev.data;
  if (!isHostToWebview(m)) {
    post({ type: 'log', level: 'warn', message: `ignored a malformed message from the host` });
    return;
  }
  if (m.type === 'open') {
    state = m.state;
    vscode.setState(state);
    post({ type: 'state', state });
    render();
  } else if (m.type === 'saved') {
    errorBox.textContent = m.ok ? '' : m.message;
    errorBox.classList.toggle('shown', !m.ok);
  }
});

render();
post({ type: 'ready' });
