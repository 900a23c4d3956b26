// Index store (issue 13): a cold index of Linux net/ + include/ written as the on-disk store
// (src/index/store), then `callers tcp_sendmsg` in fresh processes from the store against
// `cscope -d -L3` on a database of the same files, and against today's `sklens callers`
// (whole cache decoded). Prints the ratios, the store's open time and RSS after open, and the
// sizes. The store query runs through dist/storeQuery.js (the store alone) and through the
// `sklens` CLI, which reads the store its cold index wrote beside the cache.
// Heavy: one cold index on every core. SKLENS_STORE_BENCH_CACHE=DIR reuses the index cache a
// previous run left in DIR (same tree and include globs) instead.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mb, median, spawn } from './_proc.mjs';
import { decodeCache } from '../src/index/cache.ts';
import { StoreReader } from '../src/index/store/reader.ts';
import { writeStore } from '../src/index/store/writer.ts';
import { walkTree } from '../src/index/walk.ts';

const INCLUDE = ['net/**/*.{c,h}', 'include/**/*.h'];
const NAME = 'tcp_sendmsg';
const RUNS = 9;
export async function run({ repo, linux, print }) {
  if (!linux) throw new Error('real sources missing (scripts/fetch-sources.sh)');
  const tmp = mkdtempSync(join(tmpdir(), 'sklens-store-bench-'));
  try {
    const walked = await walkTree(linux, { include: INCLUDE });
    const bytes = walked.files.reduce((n, f) => n + f.size, 0);
    print(`net/ + include/: ${walked.files.length} files, ${mb(bytes)}`);

    // cscope over the same files, relative names from the tree's root (docs/callees-vs-cscope.md).
    const list = join(tmp, 'cscope.files');
    writeFileSync(list, walked.files.map((f) => f.path).join('\n') + '\n');
    const csOut = join(tmp, 'cscope.out');
    const cs = spawn('cscope', ['-b', '-q', '-k', '-i', list, '-f', csOut], linux);
    const csBytes = readdirSync(tmp)
      .filter((n) => n.startsWith('cscope.') && n !== 'cscope.files')
      .reduce((n, f) => n + statSync(join(tmp, f)).size, 0);
    print(`cscope -b -q -k: ${(cs.ms / 1000).toFixed(1)} s, database ${mb(csBytes)}`);

    const envCache = process.env.SKLENS_STORE_BENCH_CACHE;
    const cacheDir = envCache || join(tmp, 'cache');
    const includeArgs = INCLUDE.flatMap((g) => ['--include', g]);
    const cli = join(repo, 'dist/cli.js');
    if (!envCache) {
      const cold = spawn(process.execPath, [
        cli,
        'index',
        linux,
        ...includeArgs,
        '--cache-dir',
        cacheDir,
        '--json',
      ]);
      print(`cold index (dist/cli.js index, cache written): ${(cold.ms / 1000).toFixed(1)} s`);
    } else print(`cold index skipped: reusing the cache in ${envCache}`);
    const cacheFile = join(
      cacheDir,
      readdirSync(cacheDir).find((n) => n.endsWith('.sklens-index')),
    );
    const buf = readFileSync(cacheFile);
    const head = JSON.parse(buf.toString('utf8', 48, 48 + buf.readUInt32LE(12)));
    const decoded = decodeCache(buf, { root: head.root, fingerprint: head.fingerprint });
    if (!decoded.ok) throw new Error(`cache unreadable: ${decoded.reason}`);
    const store = join(tmp, 'tree.sklens-store');
    const w0 = performance.now();
    const storeBytes = writeStore(
      store,
      { root: head.root, fingerprint: head.fingerprint },
      decoded,
    );
    print(
      `store written from the cache's packed facts: ${((performance.now() - w0) / 1000).toFixed(1)} s, ` +
        `${mb(storeBytes)} (today's cache: ${mb(buf.length)})`,
    );

    // Open in process: the prefix and trailer only.
    const opens = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      StoreReader.open(store).close();
      opens.push(performance.now() - t);
    }
    const r = StoreReader.open(store);
    const q0 = performance.now();
    const edges = r.callersOf(NAME).length;
    const q1 = performance.now();
    print(
      `in process: open ${median(opens).toFixed(2)} ms (median of 20), first callers ${NAME} ` +
        `${(q1 - q0).toFixed(1)} ms, ${edges} edges, ${r.pagesRead} of ` +
        `${Math.ceil((storeBytes - 64) / 4096)} pages read`,
    );
    r.close();

    // Fresh processes, interleaved so machine load falls on all three alike.
    const sq = join(repo, 'dist/storeQuery.js');
    const times = { node: [], store: [], cscope: [], sklens: [] };
    const cpu = { node: [], store: [], cscope: [] };
    let stats = '';
    let csRows = 0;
    for (let i = 0; i < RUNS; i++) {
      const b = spawn(process.execPath, ['-e', '0']);
      times.node.push(b.ms);
      cpu.node.push(b.cpu);
      const s = spawn(process.execPath, [sq, store, 'callers', NAME, '--stats']);
      times.store.push(s.ms);
      cpu.store.push(s.cpu);
      stats = s.err.trim();
      const c = spawn('cscope', ['-d', '-f', csOut, '-L3', NAME], linux);
      times.cscope.push(c.ms);
      cpu.cscope.push(c.cpu);
      csRows = c.out.trim().split('\n').filter(Boolean).length;
      if (i < 3) {
        const args = [cli, 'callers', linux, NAME, ...includeArgs, '--cache-dir', cacheDir];
        times.sklens.push(spawn(process.execPath, args).ms);
      }
    }
    const [n, st, c, sk] = [times.node, times.store, times.cscope, times.sklens].map(median);
    const [nc, stc, cc] = [cpu.node, cpu.store, cpu.cscope].map(median);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    print(`wall ms, median of ${RUNS} (load average ${load}); CPU ms (user + system) in brackets`);
    print(`node -e 0 (process start alone): ${n.toFixed(1)} [${nc.toFixed(0)}]`);
    print(`cscope -d -L3 ${NAME}: ${c.toFixed(1)} [${cc.toFixed(0)}], ${csRows} rows`);
    const target = st <= 5 * c ? '' : '  OVER TARGET (5x cscope)';
    print(
      `store, node dist/storeQuery.js callers ${NAME}: ${st.toFixed(1)} [${stc.toFixed(0)}] = ` +
        `${(st / c).toFixed(1)}x cscope wall` +
        (cc > 0 ? `, ${(stc / cc).toFixed(1)}x CPU` : ' (cscope under the 10 ms CPU resolution)') +
        target,
    );
    print(`  of which Node's own start: ${n.toFixed(1)} [${nc.toFixed(0)}]; last run: ${stats}`);
    print(
      `dist/cli.js callers (the store beside the cache, files it names checked): ${sk.toFixed(0)} = ` +
        `${(sk / c).toFixed(0)}x cscope (median of 3)`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
