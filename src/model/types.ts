// Common shape of every buffer model (each is described in docs/models.md). Models are pure,
// deterministic functions of their parameters: no vscode, no DOM, no clock, no randomness
// except a seeded PRNG passed in the parameters. Units are part of every parameter name
// (`_bytes`, `_pages`, `_usec`, `_segs`, `_bps`...).

/** One numeric parameter, with its unit and valid range, as the CLI and the webviews show it. */
export interface NumberParam {
  kind: 'number';
  /** Identifier with its unit suffix, e.g. `so_sndbuf_bytes`. */
  name: string;
  label: string;
  unit:
    | 'bytes'
    | 'pages'
    | 'usec'
    | 'msec'
    | 'segments'
    | 'bits/s'
    | 'percent'
    | 'count'
    | 'shift'
    | 'ratio';
  min: number;
  max: number;
  default: number;
  /** Integer-only parameters reject fractional values. */
  integer: boolean;
  /** Suggested slider step. */
  step?: number;
  help?: string;
}

/** A whole-number parameter: the common case, written in one line per parameter. */
export function intParam(
  name: string,
  label: string,
  unit: NumberParam['unit'],
  min: number,
  max: number,
  def: number,
  help?: string,
): NumberParam {
  return { kind: 'number', name, label, unit, min, max, default: def, integer: true, help };
}

export interface ChoiceParam {
  kind: 'choice';
  name: string;
  label: string;
  options: { value: string; label: string }[];
  default: string;
  help?: string;
}

export interface BooleanParam {
  kind: 'boolean';
  name: string;
  label: string;
  default: boolean;
  help?: string;
}

export type ParamSpec = NumberParam | ChoiceParam | BooleanParam;

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** One row of a time series: `t` is the event index or time (see the model's `tUnit`), the rest are named values. */
export interface SeriesPoint {
  t: number;
  [key: string]: number | string;
}

export interface ModelResult {
  model: string;
  params: Params;
  /** Final values, named with units. */
  final: Record<string, number | string | boolean>;
  series: SeriesPoint[];
  /** Human-readable notes about what happened (e.g. "write 15 blocked after 144 bytes"). */
  notes: string[];
}

export interface Scenario {
  /** Short id used on the command line, e.g. `S3`. */
  id: string;
  title: string;
  /** Parameter overrides on top of the model's defaults. */
  params: Params;
  /** Section of docs/models.md that states the expected numbers, e.g. `docs/models.md §S3`. */
  ref: string;
}

/** A series column the UI can plot, with its unit and whether it is a limit line. */
export interface SeriesSpec {
  key: string;
  label: string;
  unit: string;
  /** Limit lines (sk_sndbuf, SO_SNDBUF, size_goal...) are drawn dashed. */
  limit?: boolean;
}

export interface ModelDefinition {
  id: string;
  title: string;
  /** Where in the kernel or passt this model lives, e.g. `net/ipv4/tcp.c: tcp_sendmsg_locked`. */
  cites: string[];
  /** What `t` counts in the series (`write`, `usec`, `event`...). */
  tUnit: string;
  params: ParamSpec[];
  series: SeriesSpec[];
  scenarios: Scenario[];
  /** Runs the model on fully validated parameters. Throws ModelInputError on contradictions. */
  run(params: Params): ModelResult;
  /**
   * Where the model meets the code: the functions its CodeLens sits on and the lines that show
   * its values inline. src/model/codeAnchors.ts reads these from every registered model.
   */
  anchors?: ModelAnchors;
  /** What the simulation panel shows for this model beyond its generic plots and tables. */
  view?: ModelView;
}

/** A picture of the state at the timeline cursor, drawn above the table of the point's values. */
export interface StepPicture {
  /** What the step did, in one line. */
  caption: string;
  /** Fill levels, e.g. a socket queue or a pipe. */
  gauges: { label: string; fill_bytes: number; capacity_bytes: number }[];
  /** Flags and other state, in one line. */
  status: string;
}

/** The same input through another variant of the model, listed beside the cursor's step. */
export interface ComparisonSpec {
  /** The other run's parameters and title, from this run's; null when there is none. */
  other(params: Params): { params: Params; title: string } | null;
  /** Point keys shown as the list's columns (numeric ones right-aligned). */
  columns: readonly { key: string; numeric?: boolean }[];
  /** Steps of the other run the list leaves out. */
  hide?: (step: Readonly<SeriesPoint>) => boolean;
  /** Rows whose value of this key equals the cursor point's are highlighted. */
  matchKey: string;
}

/** Model-specific parts of the simulation panel; pure data and functions (no DOM here). */
export interface ModelView {
  /** Drawn for every non-empty point. */
  picture?: (point: Readonly<Record<string, number | string>>, params: Params) => StepPicture;
  compare?: ComparisonSpec;
}

/** The values a simulation panel publishes for its cursor (series keys and `final.<key>`). */
export type StepValues = Readonly<Record<string, number | string | boolean>>;

/** A function a model describes: the CodeLens "▶ Simulate …" sits on its definition. */
export interface LensSpec {
  /** Function name as defined in the tree. */
  name: string;
  scenario: string | null;
  /** CodeLens title. */
  title: string;
  /**
   * The shape the body must have: at least one of these patterns must match, so a function
   * that merely shares the name (a wrapper, a stub, another project's) gets no lens.
   */
  shape: RegExp[];
  /**
   * What the code itself says about the model, e.g. which passt window variant it contains:
   * the lens names it (`label`) and opens the model with series `focus` drawn thick.
   */
  detect?: (fnText: string, allText: string) => { variant: string; label: string; focus: string };
  /** Picks the scenario from the code when the same function exists in several versions. */
  scenarioFrom?: (fnText: string, allText: string) => string;
}

/** A model value shown at the end of a line inside a modelled function. */
export interface InlineAnchorSpec {
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
  when?: (values: StepValues) => boolean;
  /** Renders the value when a number with a unit does not say it (a flag, an outcome). */
  format?: (value: number | string | boolean) => string;
}

export interface ModelAnchors {
  lenses: readonly LensSpec[];
  inline: readonly InlineAnchorSpec[];
}

/** A parameter set the model cannot run: the message says which parameter and why. */
export class ModelInputError extends Error {
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ModelInputError';
  }
}

/** Largest magnitude any byte/packet parameter may have (2^31 - 1, as the kernel's int fields). */
export const MAX_PARAM = 2 ** 31 - 1;

/**
 * Fills defaults and checks every value against its spec: type, NaN, range, integer-ness,
 * unknown names. Returns a new object; never mutates the input.
 */
export function validateParams(specs: readonly ParamSpec[], input: Params): Params {
  const out: Params = {};
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(input)) {
    if (!known.has(name)) {
      throw new ModelInputError(`unknown parameter '${name}'`, name);
    }
  }
  for (const spec of specs) {
    const v = Object.prototype.hasOwnProperty.call(input, spec.name)
      ? input[spec.name]
      : spec.default;
    switch (spec.kind) {
      case 'number': {
        if (typeof v !== 'number' || Number.isNaN(v)) {
          throw new ModelInputError(
            `${spec.name} must be a number (${spec.unit}), got ${String(v)}`,
            spec.name,
          );
        }
        if (!Number.isFinite(v) || v < spec.min || v > spec.max) {
          throw new ModelInputError(
            `${spec.name} = ${v} is outside ${spec.min}..${spec.max} ${spec.unit}`,
            spec.name,
          );
        }
        if (spec.integer && !Number.isInteger(v)) {
          throw new ModelInputError(
            `${spec.name} must be a whole number of ${spec.unit}, got ${v}`,
            spec.name,
          );
        }
        out[spec.name] = v;
        break;
      }
      case 'choice': {
        if (typeof v !== 'string' || !spec.options.some((o) => o.value === v)) {
          throw new ModelInputError(
            `${spec.name} must be one of ${spec.options.map((o) => o.value).join(', ')}, got ${String(v)}`,
            spec.name,
          );
        }
        out[spec.name] = v;
        break;
      }
      case 'boolean': {
        if (typeof v !== 'boolean') {
          throw new ModelInputError(
            `${spec.name} must be true or false, got ${String(v)}`,
            spec.name,
          );
        }
        out[spec.name] = v;
        break;
      }
    }
  }
  return out;
}

/** Parses a `--set name=value` string value according to the spec (CLI and URL state). */
export function parseParamValue(spec: ParamSpec, text: string): ParamValue {
  switch (spec.kind) {
    case 'number': {
      const t = text.trim().toLowerCase();
      const m = /^(-?[0-9.e+]+)\s*(k|ki|m|mi|g|gi)?$/.exec(t);
      if (!m) throw new ModelInputError(`${spec.name}: '${text}' is not a number`, spec.name);
      const mult: Record<string, number> = {
        k: 1e3,
        ki: 1024,
        m: 1e6,
        mi: 1024 ** 2,
        g: 1e9,
        gi: 1024 ** 3,
      };
      const n = Number(m[1]) * (m[2] ? mult[m[2]] : 1);
      if (Number.isNaN(n))
        throw new ModelInputError(`${spec.name}: '${text}' is not a number`, spec.name);
      return n;
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      throw new ModelInputError(`${spec.name}: '${text}' is not true/false`, spec.name);
    case 'choice':
      return text;
  }
}

/**
 * Runs a model with validation and the output invariants every model promises:
 * no NaN, no infinite values and no negative byte counts anywhere in the result.
 */
export function runModel(def: ModelDefinition, input: Params): ModelResult {
  const params = validateParams(def.params, input);
  const result = def.run(params);
  checkOutput(def.id, result);
  return result;
}

function checkOutput(model: string, r: ModelResult): void {
  // Hot for long series (10^5 points): classify each key once, build messages only on error.
  const countLike = new Map<string, boolean>();
  const isBad = (k: string, v: unknown): boolean => {
    if (typeof v !== 'number') return false;
    if (!Number.isFinite(v)) return true;
    if (v >= 0) return false;
    let c = countLike.get(k);
    if (c === undefined) {
      c = /bytes|pages|segs|count/.test(k);
      countLike.set(k, c);
    }
    return c;
  };
  const fail = (where: string, k: string, v: unknown): never => {
    throw new Error(`model ${model} produced ${k} = ${String(v)} at ${where}: this is a model bug`);
  };
  for (const k in r.final) if (isBad(k, r.final[k])) fail('final', k, r.final[k]);
  for (let i = 0; i < r.series.length; i++) {
    const p = r.series[i];
    for (const k in p) if (isBad(k, p[k])) fail(`series[${i}]`, k, p[k]);
  }
}
