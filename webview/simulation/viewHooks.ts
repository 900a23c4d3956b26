// The model-specific parts of the simulation panel, read generically from the model's `view`
// (src/model/types.ts: ModelView): the hooks give data, this file turns it into what the step
// view draws. No DOM here, so the unit tests run it with models of their own.
import {
  runModel,
  type ComparisonSpec,
  type ModelDefinition,
  type Params,
  type SeriesPoint,
  type StepPicture,
} from '../../src/model/types';

type Point = Readonly<Record<string, number | string>>;

/** The model's picture of the state at the cursor, or null (no hook, or an empty point). */
export function stepPicture(
  def: ModelDefinition,
  point: Point,
  params: Params,
): StepPicture | null {
  if (!def.view?.picture || Object.keys(point).length === 0) return null;
  return def.view.picture(point, params);
}

/** The comparison's other run, keyed by its parameters. */
export interface OtherRun {
  key: string;
  title: string;
  steps: readonly SeriesPoint[];
}

/**
 * The other run the model compares this one with: `cached` when its parameters are the same,
 * a fresh run otherwise, null when the model compares nothing or the other run cannot run.
 */
export function otherRun(
  def: ModelDefinition,
  params: Params,
  cached: OtherRun | null,
): OtherRun | null {
  const other = def.view?.compare?.other(params);
  if (!other) return null;
  const key = JSON.stringify(other.params);
  if (cached?.key === key) return cached;
  try {
    return { key, title: other.title, steps: runModel(def, other.params).series };
  } catch {
    return null;
  }
}

export interface ComparisonRow {
  cells: { text: string; numeric: boolean }[];
  /** The row belongs to the same step group (e.g. the same epoll pass) as the cursor. */
  current: boolean;
}

/** The other run's steps as table rows, those matching the cursor point marked. */
export function comparisonRows(
  spec: ComparisonSpec,
  steps: readonly SeriesPoint[],
  point: Point,
): ComparisonRow[] {
  const at = point[spec.matchKey];
  return steps
    .filter((s) => !spec.hide?.(s))
    .map((s) => ({
      cells: spec.columns.map((c) => ({ text: String(s[c.key] ?? ''), numeric: !!c.numeric })),
      current: at !== undefined && s[spec.matchKey] === at,
    }));
}
