// Where the buffer models meet the code, generically: each model declares its anchors in its
// own file (`anchors` of its ModelDefinition: the functions its CodeLens sits on, recognised by
// name plus shape so renamed or copied trees work and a same-named function of another project
// does not, and the lines that show its values inline). This file collects them from the
// registered models and finds them in a file's functions. Pure data and functions: no vscode.
import { MODELS } from './registry';
import type { InlineAnchorSpec, LensSpec, ModelDefinition, StepValues } from './types';

export interface FunctionText {
  name: string;
  /** 0-based first line of the definition. */
  line: number;
  /** The definition's text, signature and body. */
  text: string;
}

/** A model's lens, with the model it opens. */
export interface ModelledFunction extends LensSpec {
  model: string;
}

/** A model's inline anchor, with the model whose values it shows. */
export interface InlineAnchor extends InlineAnchorSpec {
  model: string;
}

/** Every lens the given models declare (default: the registered models). */
export function modelledFunctionsOf(
  models: readonly ModelDefinition[] = MODELS,
): ModelledFunction[] {
  return models.flatMap((m) => (m.anchors?.lenses ?? []).map((l) => ({ ...l, model: m.id })));
}

/** Every inline anchor the given models declare, in each model's order. */
export function inlineAnchorsOf(models: readonly ModelDefinition[] = MODELS): InlineAnchor[] {
  return models.flatMap((m) => (m.anchors?.inline ?? []).map((a) => ({ ...a, model: m.id })));
}

/** Every function name a lens or an inline value can attach to (the rest need no text). */
export function anchoredFunctionsOf(models: readonly ModelDefinition[] = MODELS): Set<string> {
  return new Set([
    ...modelledFunctionsOf(models).map((m) => m.name),
    ...inlineAnchorsOf(models).map((a) => a.fn),
  ]);
}

/** The registered models' lenses and inline anchors. */
export const MODELLED_FUNCTIONS: readonly ModelledFunction[] = modelledFunctionsOf();
export const INLINE_ANCHORS: readonly InlineAnchor[] = inlineAnchorsOf();

export interface LensTarget {
  fn: ModelledFunction;
  line: number;
  /** What the code says about the model (e.g. the passt window variant), and the series to focus. */
  detected: { variant: string; label: string; focus: string } | null;
  scenario: string | null;
}

/** The modelled functions defined in one file, recognised by name and shape. */
export function findModelledFunctions(
  functions: readonly FunctionText[],
  allText: string,
  models: readonly ModelDefinition[] = MODELS,
): LensTarget[] {
  const lenses = models === MODELS ? MODELLED_FUNCTIONS : modelledFunctionsOf(models);
  const out: LensTarget[] = [];
  for (const f of functions) {
    for (const m of lenses) {
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
  values: StepValues,
  functions: readonly FunctionText[],
  models: readonly ModelDefinition[] = MODELS,
): InlineValue[] {
  const out: InlineValue[] = [];
  const used = new Set<number>();
  for (const a of models === MODELS ? INLINE_ANCHORS : inlineAnchorsOf(models)) {
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

/** Every function name a lens or an inline value of a registered model can attach to. */
export const ANCHORED_FUNCTIONS: ReadonlySet<string> = anchoredFunctionsOf();
