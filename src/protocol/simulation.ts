// Messages between the simulation panel's host (src/panels/simulationPanel.ts) and its webview
// (webview/simulation/). The webview runs the model itself (the model library is bundled for
// the browser); the host only says what to open and carries what a webview cannot do alone:
// saving files, the clipboard, and the inline values shown in the editor.
// Every inbound message is checked by the `is...` guards below before it is used.
import type { Params } from '../model/types';

/** What the panel shows; saved with setState and restored by the serializer. */
export interface SimulationState {
  model: string;
  scenario: string | null;
  params: Params;
  /** Selected point of the series (timeline cursor), or null for the final values. */
  cursor: number | null;
  /**
   * A series to emphasise, e.g. the passt window variant the open code contains
   * (`wnd_merged_bytes`); its value at the cursor is also sent as `focus_bytes`.
   */
  focus?: string;
}

export type HostToWebview =
  | { type: 'open'; state: SimulationState }
  | { type: 'saved'; requestId: number; ok: boolean; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'state'; state: SimulationState }
  /** Values at the cursor, for the inline editor decorations (keys are series/final keys). */
  | { type: 'values'; model: string; values: Record<string, number | string | boolean> }
  | {
      type: 'save';
      requestId: number;
      format: 'csv' | 'svg' | 'png' | 'json';
      /** A plain file name with the format's extension (isExportName). */
      suggestedName: string;
      /** Text for csv/svg/json; for png a `data:image/png;base64,` URL (isPngDataUrl). */
      data: string;
    }
  | { type: 'copy'; text: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** Every string a webview sends is bounded: a label, a model id, a log line. */
const MAX_STRING_CHARS = 2000;
const isScalar = (v: unknown): v is number | string | boolean =>
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.length <= MAX_STRING_CHARS) ||
  typeof v === 'boolean';
const isShortString = (v: unknown, max = 100): v is string =>
  typeof v === 'string' && v.length <= max;

function isRecordOfScalars(
  v: unknown,
  maxKeys = 500,
): v is Record<string, number | string | boolean> {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return keys.length <= maxKeys && keys.every((k) => k.length <= 100 && isScalar(v[k]));
}

export function isSimulationState(v: unknown): v is SimulationState {
  return (
    isObj(v) &&
    typeof v.model === 'string' &&
    v.model.length <= 100 &&
    (v.scenario === null || (typeof v.scenario === 'string' && v.scenario.length <= 100)) &&
    isRecordOfScalars(v.params, 200) &&
    (v.cursor === null ||
      (typeof v.cursor === 'number' && Number.isInteger(v.cursor) && v.cursor >= 0)) &&
    (v.focus === undefined || (typeof v.focus === 'string' && /^\w{1,100}$/.test(v.focus)))
  );
}

/** Limits on what a webview may ask the host to write (a PNG of a big plot is a few MB). */
export const MAX_SAVE_CHARS = 32 * 1024 * 1024;
/** CSV, SVG and JSON exports: a plot's series as text is well under this. */
export const MAX_TEXT_SAVE_CHARS = 8 * 1024 * 1024;
export const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';
/** The 8-byte signature every PNG starts with (89 'PNG' 0D 0A 1A 0A), as base64 encodes it. */
const PNG_SIGNATURE_B64 = /^iVBORw0KGg[o-r]/;

/**
 * A name for the save dialog: a plain file name (letters, digits, `_`, `-`, `.`; no separator,
 * not `.` or `..`, not hidden), at most 100 characters, ending in the format's extension.
 */
export function isExportName(name: unknown, format: string): name is string {
  return (
    typeof name === 'string' &&
    /^[\w-][\w.-]{0,99}$/.test(name) &&
    name.endsWith(`.${format}`) &&
    name.length > format.length + 1
  );
}

/**
 * A PNG export: a `data:image/png;base64,` URL of bounded size whose payload is well-formed
 * base64 (length a multiple of 4, padding only at the end) and starts with the PNG signature.
 */
export function isPngDataUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > MAX_SAVE_CHARS || !v.startsWith(PNG_DATA_URL_PREFIX))
    return false;
  const b64 = v.slice(PNG_DATA_URL_PREFIX.length);
  return b64.length % 4 === 0 && PNG_SIGNATURE_B64.test(b64) && /^[A-Za-z0-9+/]*={0,2}$/.test(b64);
}

function isSaveData(format: unknown, data: unknown): boolean {
  if (format === 'png') return isPngDataUrl(data);
  if (typeof data !== 'string' || data.length > MAX_TEXT_SAVE_CHARS) return false;
  if (format === 'svg') return data.startsWith('<svg');
  return format === 'csv' || format === 'json';
}

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObj(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'state':
      return isSimulationState(v.state);
    case 'values':
      return isShortString(v.model) && isRecordOfScalars(v.values);
    case 'save':
      return (
        typeof v.requestId === 'number' &&
        Number.isInteger(v.requestId) &&
        (v.format === 'csv' || v.format === 'svg' || v.format === 'png' || v.format === 'json') &&
        isExportName(v.suggestedName, v.format) &&
        isSaveData(v.format, v.data)
      );
    case 'copy':
      return typeof v.text === 'string' && v.text.length <= 10000;
    case 'log':
      return (
        (v.level === 'info' || v.level === 'warn' || v.level === 'error') &&
        isShortString(v.message, MAX_STRING_CHARS)
      );
    default:
      return false;
  }
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObj(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'open':
      return isSimulationState(v.state);
    case 'saved':
      return (
        typeof v.requestId === 'number' &&
        typeof v.ok === 'boolean' &&
        typeof v.message === 'string'
      );
    default:
      return false;
  }
}
