// The state of one workspace folder's index, as the status bar and commands show it.
import type { IndexStats } from '../index/api';

export type IndexState =
  | { kind: 'starting' }
  | {
      kind: 'indexing';
      phase: string;
      done: number;
      total: number;
      /** Files indexed ahead of the tree (open editors and their folders) that answer now. */
      early?: number;
    }
  | { kind: 'ready'; stats: IndexStats; ms: number; cachedFiles: number; parsedFiles: number }
  | { kind: 'error'; message: string };

/**
 * Why a folder's index cannot answer a query yet, as Definition, References and Call Hierarchy
 * say it instead of a bare "no definition found"; undefined once it is ready.
 */
export function notReadyText(folder: string, s: IndexState): string | undefined {
  const n = (x: number) => x.toLocaleString('en-US');
  switch (s.kind) {
    case 'ready':
      return undefined;
    case 'starting':
      return `SKLens is still indexing ${folder} (starting)`;
    case 'error':
      return `SKLens could not index ${folder}: ${s.message}`;
    case 'indexing':
      if (s.phase === 'scan') return `SKLens is still indexing ${folder} (looking for C files)`;
      if (s.phase === 'cache') {
        return `SKLens is still indexing ${folder} (reading its cache: ${n(s.done)} of ${n(s.total)} files)`;
      }
      if (s.phase === 'save') return `SKLens is still indexing ${folder} (saving its cache)`;
      return `SKLens is still indexing ${folder} (${n(s.done)} of ${n(s.total)} files)`;
  }
}

/**
 * A warning when a build indexed no files, or far fewer than the C files the walk met (links
 * not followed, files too large, FIFOs...): a user should see that, not only the log.
 * `skipped` is the walk's list; only C-named entries count as C files missed.
 */
export function coverageWarning(
  folder: string,
  indexed: number,
  skipped: readonly { path: string; reason: string }[],
): string | undefined {
  const missed = skipped.filter((s) => /\.[ch]$/.test(s.path));
  const seen = indexed + missed.length;
  if (indexed > 0 && indexed * 2 >= seen) return undefined;
  // The most frequent reasons, with numbers folded so that "12345 bytes…" groups together.
  const reasons = new Map<string, { text: string; count: number }>();
  for (const s of skipped) {
    const key = s.reason.replace(/\d[\d,]*/g, 'N').replace(/ (as|through the symlink|to) \S+$/, '');
    const r = reasons.get(key);
    if (r) r.count++;
    else reasons.set(key, { text: s.reason, count: 1 });
  }
  const top = [...reasons.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, 3)
    .map((r) => `${r.count} ${r.count === 1 ? 'entry' : 'entries'}: ${r.text}`)
    .join('; ');
  if (indexed === 0 && skipped.length === 0) {
    return `SKLens found no C files to index in ${folder} (check sklens.index.include and sklens.index.exclude).`;
  }
  const what =
    indexed === 0
      ? `SKLens indexed no files in ${folder}`
      : `SKLens indexed only ${indexed} of ${seen} C files in ${folder}`;
  return `${what}; ${skipped.length} skipped (${top}).`;
}

/**
 * The time left, from the rate so far: `done` files in `elapsedMs`, `left` to go ("about 4 min
 * left"). Undefined until there is a rate worth showing (a second and some files done).
 */
export function etaText(done: number, left: number, elapsedMs: number): string | undefined {
  if (!(done > 0 && elapsedMs >= 1000 && left >= 0)) return undefined;
  const s = (left * elapsedMs) / done / 1000;
  if (s < 60) return `about ${Math.max(1, Math.round(s))} s left`;
  if (s < 3600) return `about ${Math.round(s / 60)} min left`;
  return `about ${(s / 3600).toFixed(1)} h left`;
}
