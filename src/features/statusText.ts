// The status-bar text and tooltip for the index state of each folder. Pure (unit-tested); the
// item itself lives in statusBar.ts.
import type { IndexState } from '../services/indexState';

/** Compact count: 1234 -> 1.2k, 123456 -> 123k. */
export function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** The status-bar text and tooltip lines for a set of folder states. */
export function statusText(states: { folder: string; state: IndexState }[]): {
  text: string;
  lines: string[];
} {
  if (states.length === 0) return { text: '$(circle-slash) SKLens', lines: ['No folder open.'] };
  const lines: string[] = [];
  let busy: IndexState | undefined;
  let failed = false;
  const total = { files: 0, functions: 0, calls: 0, fieldAccesses: 0 };
  for (const { folder, state } of states) {
    switch (state.kind) {
      case 'starting':
        busy ??= state;
        lines.push(`${folder}: starting`);
        break;
      case 'indexing':
        busy = state;
        lines.push(
          `${folder}: ${state.phase} ${state.done}/${state.total} files` +
            (state.early
              ? `; ${state.early} files of the open editors' folders answer already`
              : ''),
        );
        break;
      case 'ready':
        total.files += state.stats.files;
        total.functions += state.stats.functions;
        total.calls += state.stats.calls;
        total.fieldAccesses += state.stats.fieldAccesses;
        lines.push(
          `${folder}: ${state.stats.files} files, ${state.stats.functions} functions, ` +
            `${state.stats.calls} calls, ${state.stats.fieldAccesses} field accesses ` +
            `(${state.cachedFiles} from cache, ${state.parsedFiles} parsed, ${Math.round(state.ms)} ms)`,
        );
        break;
      case 'error':
        failed = true;
        lines.push(`${folder}: ${state.message}`);
        break;
    }
  }
  if (busy?.kind === 'indexing') {
    // Before the walk has counted the files there is no total to show.
    if (busy.phase === 'scan') return { text: '$(sync~spin) SKLens: looking for C files', lines };
    return { text: `$(sync~spin) SKLens ${busy.done}/${busy.total}`, lines };
  }
  if (busy) return { text: '$(sync~spin) SKLens', lines };
  const counts = `${compact(total.functions)} fn · ${compact(total.calls)} calls`;
  return { text: `${failed ? '$(warning)' : '$(type-hierarchy)'} SKLens ${counts}`, lines };
}
