// `node dist/openProbe.js <root> <cacheDir> [name] [--include GLOB]...`: opens a folder's
// index as the extension does (src/services/workspaceEngine.ts: from its store when it holds,
// else a cold build that writes one), answers `callers <name>` and two symbol searches from
// it (on this thread, then through the search worker), then runs the catch-up walk, printing
// one JSON line: {fromStore, openMs, rssAfterOpenMb, callersMs, callers, searchMs,
// searchWorkerMs, catchUpMs, changed, deleted, rssMb}. For `npm run bench -- kernel` (the
// issue's "warm re-open" row); not shipped in the extension.
import { resolve } from 'node:path';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_BYTES } from '../index/defaults';
import { WorkspaceEngine } from './workspaceEngine';

async function main(argv: string[]): Promise<number> {
  const include: string[] = [];
  const pos: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--include' && i + 1 < argv.length) include.push(argv[++i]!);
    else pos.push(argv[i]!);
  }
  const [rootArg, cacheArg, name = 'tcp_sendmsg'] = pos;
  if (!rootArg || !cacheArg) {
    process.stderr.write('usage: openProbe <root> <cacheDir> [name] [--include GLOB]...\n');
    return 2;
  }
  // As the extension passes them: absolute (a store records the absolute root it indexed).
  const root = resolve(rootArg);
  const cacheDir = resolve(cacheArg);
  const mb = () => Math.round(process.memoryUsage().rss / 1048576);
  const engine = new WorkspaceEngine(root, cacheDir);
  try {
    const t0 = performance.now();
    const r = await engine.build({
      include: include.length > 0 ? include : DEFAULT_INCLUDE,
      exclude: DEFAULT_EXCLUDE,
      maxFileSizeBytes: DEFAULT_MAX_FILE_BYTES,
      followSymlinks: true,
      workerThreads: 0,
      signal: new AbortController().signal,
      onProgress: () => {},
      // Whole-index events (a store not used, a cache not written) go to stderr.
      onProblem: (file, reason) => {
        if (file === '') process.stderr.write(`openProbe: ${reason}\n`);
      },
    });
    const openMs = performance.now() - t0;
    const rssAfterOpenMb = mb();
    const t1 = performance.now();
    const callers = engine.index.callersOf(name).length;
    const callersMs = performance.now() - t1;
    // Ctrl+T on the host: a word, and one letter (the widest scan of the names).
    const search: Record<string, number> = {};
    for (const q of ['tcpsndbuf', 't']) {
      const ts = performance.now();
      engine.index.searchSymbols(q, 100);
      search[q] = Math.round(performance.now() - ts);
    }
    // The same through the search worker, as Ctrl+T runs now (the host waits, not blocked).
    const searchWorker: Record<string, number> = {};
    for (const q of ['tcpsndbuf', 't']) {
      const ts = performance.now();
      await engine.searchSymbols(q, 100);
      searchWorker[q] = Math.round(performance.now() - ts);
    }
    const t2 = performance.now();
    const d = r.catchUp ? await r.catchUp() : { changed: [], deleted: [] };
    const catchUpMs = performance.now() - t2;
    process.stdout.write(
      JSON.stringify({
        fromStore: r.fromStore === true,
        openMs: Math.round(openMs),
        rssAfterOpenMb,
        callersMs: Math.round(callersMs),
        callers,
        searchMs: search,
        searchWorkerMs: searchWorker,
        catchUpMs: Math.round(catchUpMs),
        changed: d.changed.length,
        deleted: d.deleted.length,
        rssMb: mb(),
      }) + '\n',
    );
    return 0;
  } finally {
    engine.dispose();
  }
}

void main(process.argv.slice(2)).then(
  (rc) => (process.exitCode = rc),
  (e: unknown) => {
    process.stderr.write(`openProbe: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
