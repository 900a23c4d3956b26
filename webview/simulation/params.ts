// DOM-free helpers for the simulation panel's controls (tested in test/unit).
import type { ModelDefinition, NumberParam, Params } from '../../src/model/types';
import type { SimulationState } from '../../src/protocol/simulation';

const SLIDER_STEPS = 1000;

/** Wide ranges (more than three decades) get a logarithmic slider; narrow ones a linear one. */
function isLog(p: NumberParam): boolean {
  return p.min >= 0 && p.max / Math.max(1, p.min) > 1000;
}

export function sliderToValue(p: NumberParam, pos: number): number {
  const f = Math.max(0, Math.min(SLIDER_STEPS, pos)) / SLIDER_STEPS;
  let v: number;
  if (isLog(p)) {
    const lo = Math.log(Math.max(1, p.min));
    const hi = Math.log(p.max);
    v = f === 0 ? p.min : Math.exp(lo + f * (hi - lo));
  } else {
    v = p.min + f * (p.max - p.min);
  }
  if (p.step && p.step > 0) v = Math.round(v / p.step) * p.step;
  if (p.integer) v = Math.round(v);
  return Math.max(p.min, Math.min(p.max, v));
}

export function valueToSlider(p: NumberParam, v: number): number {
  if (!Number.isFinite(v)) return 0;
  const c = Math.max(p.min, Math.min(p.max, v));
  let f: number;
  if (isLog(p)) {
    const lo = Math.log(Math.max(1, p.min));
    const hi = Math.log(p.max);
    f = c <= p.min ? 0 : Math.max(1 / SLIDER_STEPS, (Math.log(Math.max(1, c)) - lo) / (hi - lo));
  } else {
    f = p.max === p.min ? 0 : (c - p.min) / (p.max - p.min);
  }
  return Math.round(f * SLIDER_STEPS);
}

const shellQuote = (s: string): string =>
  /^[\w.,:=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;

/** The `sklens simulate` command line that reproduces the panel: only values that differ from the scenario/defaults. */
export function cliCommandLine(def: ModelDefinition, s: SimulationState): string {
  const parts = ['sklens', 'simulate', def.id];
  const base: Params = {};
  for (const p of def.params) base[p.name] = p.default;
  if (s.scenario) {
    parts.push('--scenario', s.scenario);
    Object.assign(base, def.scenarios.find((x) => x.id === s.scenario)?.params ?? {});
  }
  for (const p of def.params) {
    const v = s.params[p.name];
    if (v !== undefined && v !== base[p.name])
      parts.push('--set', shellQuote(`${p.name}=${String(v)}`));
  }
  parts.push('--json');
  return parts.join(' ');
}
