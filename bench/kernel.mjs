// The whole kernel (issue 13): SKLens against cscope on all of Linux 6.1 (ctx.linuxFull) and on
// net/ + include/ (ctx.linux), each tool run in this same process run on the same files:
//   cold index        `sklens index` (cache and store written)  vs  `cscope -b -q -k`
//   peak RSS, cold    of the sklens process (its worker threads included)
//   warm re-open      dist/openProbe.js: the tree opened as the extension opens it (its store
//                     under an empty overlay), ready after the store's header; then the
//                     catch-up walk that finds what changed on disk, which runs after ready
//   callers, warm     `sklens callers <tree> tcp_sendmsg` (answered from the store)  vs
//                     `cscope -d -L3 tcp_sendmsg`, fresh processes interleaved, Node's start
//                     included
//   on disk           the cache and the store  vs  cscope.out + its -q inverted index
// Prints the figures with the goals; it never fails on a figure. Heavy: the whole
// tree's cold index takes minutes on every core. SKLENS_KERNEL_BENCH_TREES=net leaves the
// whole tree out; SKLENS_KERNEL_BENCH_RUNS sets the query runs (default 9).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { walkTree } from '../src/index/walk.ts';
import { folderBytes, loadAverage, mb, median, spawn } from './_proc.mjs';

const NAME = 'tcp_sendmsg';
const NET = ['net/**/*.{c,h}', 'include/**/*.h'];

/** One tree's row of figures. */
async function measure({ repo, label, root, include, print }) {
  const tmp = mkdtempSync(join(tmpdir(), 'sklens-kernel-bench-'));
  try {
    const walked = await walkTree(root, include ? { include } : {});
    const bytes = walked.files.reduce((n, f) => n + f.size, 0);
    print(`-- ${label}: ${walked.files.length} files, ${mb(bytes)}`);
    const list = join(tmp, 'cscope.files');
    writeFileSync(list, walked.files.map((f) => f.path).join('\n') + '\n');
    const csOut = join(tmp, 'cscope.out');
    const cs = spawn('cscope', ['-b', '-q', '-k', '-i', list, '-f', csOut], root);
    const csBytes = folderBytes(tmp, (n) => n.startsWith('cscope.') && n !== 'cscope.files');

    const cli = join(repo, 'dist/cli.js');
    const cacheDir = join(tmp, 'cache');
    const inc = (include ?? []).flatMap((g) => ['--include', g]);
    const index = () =>
      spawn(process.execPath, [cli, 'index', root, ...inc, '--cache-dir', cacheDir, '--json']);
    const cold = index();
    const probe = spawn(process.execPath, [
      join(repo, 'dist/openProbe.js'),
      root,
      cacheDir,
      NAME,
      ...inc,
    ]);
    const warm = JSON.parse(probe.out.trim().split('\n').pop() || '{}');
    const disk = (ext) => folderBytes(cacheDir, (n) => n.endsWith(ext));

    const runs = Number(process.env.SKLENS_KERNEL_BENCH_RUNS) || 9;
    const q = { sklens: [], cscope: [], node: [] };
    let rows = { sklens: 0, cscope: 0 };
    let queryRss = 0;
    for (let i = 0; i < runs; i++) {
      const s = spawn(process.execPath, [
        cli,
        'callers',
        root,
        NAME,
        ...inc,
        '--cache-dir',
        cacheDir,
      ]);
      q.sklens.push(s.ms);
      queryRss = Math.max(queryRss, s.rssKb);
      rows.sklens = s.out.trim().split('\n').filter(Boolean).length;
      const c = spawn('cscope', ['-d', '-f', csOut, '-L3', NAME], root);
      q.cscope.push(c.ms);
      rows.cscope = c.out.trim().split('\n').filter(Boolean).length;
      q.node.push(spawn(process.execPath, ['-e', '0']).ms);
    }
    const [qs, qc, qn] = [q.sklens, q.cscope, q.node].map(median);
    const mark = (ok) => (ok ? 'met' : 'NOT MET');
    const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
    const gb = (kb) => `${(kb / 1048576).toFixed(2)} GB`;
    print(
      `cold index: sklens ${s(cold.ms)}, cscope -b -q -k ${s(cs.ms)}: ` +
        `${(cold.ms / cs.ms).toFixed(2)}x (goal <= 1.5x: ${mark(cold.ms <= 1.5 * cs.ms)})`,
    );
    print(
      `peak RSS, cold: ${gb(cold.rssKb)} (goal <= 1.5 GB: ${mark(cold.rssKb <= 1.5 * 1048576)})`,
    );
    if (warm.fromStore !== true)
      print(`warm re-open: the store was not used (${probe.out.trim()})`);
    print(
      `warm re-open (the extension's engine, dist/openProbe.js): ready in ${warm.openMs} ms, ` +
        `RSS after open ${warm.rssAfterOpenMb} MB (goal <= 1 s: ${mark(warm.openMs <= 1000)}; ` +
        `RSS <= 300 MB: ${mark(warm.rssAfterOpenMb <= 300)}); first callers ${warm.callersMs} ms ` +
        `(${warm.callers} rows); Ctrl+T on the host ${warm.searchMs?.tcpsndbuf} ms for ` +
        `'tcpsndbuf', ${warm.searchMs?.t} ms for 't'; catch-up walk after ready ${s(warm.catchUpMs)} ` +
        `(${warm.changed} changed, ${warm.deleted} deleted), RSS then ${warm.rssMb} MB, ` +
        `process ${s(probe.ms)} with node start-up`,
    );
    print(
      `callers ${NAME}, warm, median of ${runs}: sklens ${qs.toFixed(0)} ms (${rows.sklens} rows, ` +
        `peak RSS ${(queryRss / 1024).toFixed(0)} MB), cscope -d -L3 ${qc.toFixed(0)} ms ` +
        `(${rows.cscope} rows): ${(qs / qc).toFixed(1)}x (goal <= 5x: ${mark(qs <= 5 * qc)}); ` +
        `node -e 0 alone ${qn.toFixed(0)} ms`,
    );
    const onDisk = disk('.sklens-index') + disk('.sklens-store');
    print(
      `on disk: cache ${mb(disk('.sklens-index'))} + store ${mb(disk('.sklens-store'))} = ` +
        `${mb(onDisk)} (goal <= 1 GB: ${mark(onDisk <= 1024 ** 3)}); cscope ${mb(csBytes)}`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function run({ repo, linux, linuxFull, print }) {
  if (!linux) throw new Error('real sources missing (scripts/fetch-sources.sh)');
  print(`load average ${loadAverage()} at the start`);
  await measure({ repo, label: 'net/ + include/', root: linux, include: NET, print });
  if (process.env.SKLENS_KERNEL_BENCH_TREES === 'net') return;
  if (!linuxFull) throw new Error('the whole tree is missing (scripts/fetch-sources.sh)');
  await measure({ repo, label: 'all of Linux 6.1', root: linuxFull, print });
  print(`load average ${loadAverage()} at the end`);
}
