// Messages between the call-graph panel's host (src/panels/graphPanel.ts) and its webview
// (webview/graph/). The host owns the index: the webview asks for a neighbourhood by request id
// and gets a CallGraph back; layout happens in the webview (a Worker), and the host does what
// a webview cannot: open a definition, save an export, read the layout worker's script.
// Every inbound message is checked by the `is...` guards below before it is used.
import type { CallGraph, Direction } from '../graph/callGraph';

/** What the panel shows; saved with setState and restored by the serializer. */
export interface GraphViewState {
  centre: string;
  depth: number;
  direction: Direction;
  memoryOnly: boolean;
  /** Text in the node search box. */
  search: string;
  /** Pan/zoom of the canvas (screen px offset and scale). */
  view: { x: number; y: number; k: number } | null;
}

export type GraphExportFormat = 'dot' | 'mermaid' | 'svg' | 'json';

export type HostToWebview =
  /** Show this state (fresh panel, or retargeted from the editor). */
  | { type: 'open'; state: GraphViewState }
  /** The layout worker's source, for a blob: Worker (webview resource URLs cannot start Workers). */
  | { type: 'worker'; source: string }
  | { type: 'graph'; requestId: number; graph: CallGraph }
  | { type: 'error'; requestId: number; message: string }
  | { type: 'saved'; requestId: number; ok: boolean; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'state'; state: GraphViewState }
  | {
      type: 'request';
      requestId: number;
      centre: string;
      depth: number;
      direction: Direction;
      memoryOnly: boolean;
    }
  | { type: 'openDefinition'; fn: string; file: string | null; line: number | null }
  | {
      type: 'export';
      requestId: number;
      format: GraphExportFormat;
      /** The SVG text for `svg` (drawn from the laid-out graph); empty for the text formats, which the host renders. */
      data: string;
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export const MAX_DEPTH = 6;
/** An SVG of 500 nodes is well under this. */
export const MAX_EXPORT_CHARS = 16 * 1024 * 1024;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFnName = (v: unknown): v is string =>
  typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(v);
const isDirection = (v: unknown): v is Direction => v === 'in' || v === 'out' || v === 'both';
const isDepth = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_DEPTH;
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A path relative to the indexed folder, as the index names files: no `..` segment whichever
 * separator splits it (`..\\..\\etc\\passwd` is a traversal on Windows), not absolute in POSIX
 * or Windows form, no NUL, bounded. This is only the first filter: the host still resolves
 * the path and opens it only if its real path is inside a workspace folder
 * (src/panels/insideWorkspace.ts).
 */
export function isRelativeFile(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v.length > 0 &&
    v.length <= 1000 &&
    !v.includes('\0') &&
    !/^([/\\]|[A-Za-z]:)/.test(v) &&
    !v.split(/[/\\]/).includes('..')
  );
}

export function isGraphViewState(v: unknown): v is GraphViewState {
  return (
    isObj(v) &&
    isFnName(v.centre) &&
    isDepth(v.depth) &&
    isDirection(v.direction) &&
    typeof v.memoryOnly === 'boolean' &&
    typeof v.search === 'string' &&
    v.search.length <= 200 &&
    (v.view === null ||
      (isObj(v.view) &&
        isFinite(v.view.x) &&
        isFinite(v.view.y) &&
        isFinite(v.view.k) &&
        v.view.k > 0 &&
        v.view.k <= 50))
  );
}

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObj(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'state':
      return isGraphViewState(v.state);
    case 'request':
      return (
        isId(v.requestId) &&
        isFnName(v.centre) &&
        isDepth(v.depth) &&
        isDirection(v.direction) &&
        typeof v.memoryOnly === 'boolean'
      );
    case 'openDefinition':
      return (
        isFnName(v.fn) &&
        (v.file === null || isRelativeFile(v.file)) &&
        (v.line === null || (typeof v.line === 'number' && Number.isInteger(v.line) && v.line >= 1))
      );
    case 'export':
      return (
        isId(v.requestId) &&
        (v.format === 'dot' ||
          v.format === 'mermaid' ||
          v.format === 'svg' ||
          v.format === 'json') &&
        typeof v.data === 'string' &&
        v.data.length <= MAX_EXPORT_CHARS &&
        (v.format !== 'svg' || v.data.startsWith('<svg'))
      );
    case 'log':
      return (
        (v.level === 'info' || v.level === 'warn' || v.level === 'error') &&
        typeof v.message === 'string' &&
        v.message.length <= 2000
      );
    default:
      return false;
  }
}

function isGraph(v: unknown): v is CallGraph {
  return (
    isObj(v) &&
    typeof v.centre === 'string' &&
    Array.isArray(v.nodes) &&
    Array.isArray(v.edges) &&
    Array.isArray(v.notes) &&
    v.nodes.every(
      (n) =>
        isObj(n) &&
        typeof n.id === 'string' &&
        typeof n.subsystem === 'string' &&
        typeof n.memory === 'boolean' &&
        typeof n.depth === 'number',
    ) &&
    v.edges.every(
      (e) =>
        isObj(e) &&
        typeof e.from === 'string' &&
        typeof e.to === 'string' &&
        typeof e.via === 'string' &&
        typeof e.kind === 'string',
    )
  );
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObj(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'open':
      return isGraphViewState(v.state);
    case 'worker':
      return typeof v.source === 'string';
    case 'graph':
      return isId(v.requestId) && isGraph(v.graph);
    case 'error':
      return isId(v.requestId) && typeof v.message === 'string';
    case 'saved':
      return isId(v.requestId) && typeof v.ok === 'boolean' && typeof v.message === 'string';
    default:
      return false;
  }
}

export function defaultGraphState(centre: string): GraphViewState {
  return { centre, depth: 2, direction: 'both', memoryOnly: false, search: '', view: null };
}
