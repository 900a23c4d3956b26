// `node dist/storeQuery.js <store> callers|callees|defs|fields <name> [--json]`: one query
// answered from an index store file (format.ts) in place, printed as `sklens callers` prints
// (file:line name [via]). A standalone entry for bench/indexStore.mjs until the `sklens` CLI
// reads the store itself (docs/index-store.md). A bad or damaged store: one line on stderr
// and exit 2. With --stats, a last stderr line gives the open and query times, the pages read
// and the resident set: `storeQuery: open 0.3 ms, query 2.1 ms, 9 pages, rss 45 MB`.
import { StoreError } from './format';
import { StoreReader } from './reader';

const USAGE = 'usage: storeQuery <store> callers|callees|defs|fields <name> [--json] [--stats]';

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const json = argv.includes('--json');
  const stats = argv.includes('--stats');
  const [file, what, name, ...extra] = argv.filter((a) => a !== '--json' && a !== '--stats');
  if (!file || !what || !name || extra.length > 0) {
    err(USAGE + '\n');
    return 2;
  }
  let store: StoreReader | undefined;
  try {
    const t0 = performance.now();
    store = StoreReader.open(file);
    const t1 = performance.now();
    let rows: object[];
    let lines: string[];
    if (what === 'callers' || what === 'callees') {
      const edges = what === 'callers' ? store.callersOf(name) : store.calleesOf(name);
      const r = edges.map((e) => ({
        name: what === 'callers' ? e.caller : e.callee,
        file: e.file,
        line: e.span.line + 1,
        via: e.via,
      }));
      rows = r;
      lines = r.map((x) => `${x.file}:${x.line} ${x.name} [${x.via}]`);
    } else if (what === 'defs') {
      const r = store
        .functionDefs(name)
        .map((d) => ({ name, file: d.file, line: d.item.nameSpan.line + 1 }));
      rows = r;
      lines = r.map((x) => `${x.file}:${x.line} ${x.name}`);
    } else if (what === 'fields') {
      const r = store.fieldAccesses(name).map((a) => ({
        access: a.item.access,
        function: a.item.function,
        file: a.file,
        line: a.item.span.line + 1,
      }));
      rows = r;
      lines = r.map((x) => `${x.file}:${x.line} ${x.access.padEnd(5)} ${x.function ?? ''}`);
    } else {
      err(USAGE + '\n');
      return 2;
    }
    const t2 = performance.now();
    out(json ? JSON.stringify(rows) + '\n' : lines.map((l) => l + '\n').join(''));
    if (stats) {
      const rss = (process.memoryUsage().rss / 1048576).toFixed(1);
      err(
        `storeQuery: open ${(t1 - t0).toFixed(2)} ms, query ${(t2 - t1).toFixed(2)} ms, ` +
          `${store.pagesRead} pages, rss ${rss} MB\n`,
      );
    }
    return 0;
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    err(`storeQuery: ${e.message}\n`);
    return 2;
  } finally {
    store?.close();
  }
}

if (require.main === module) {
  process.exitCode = main(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  );
}
