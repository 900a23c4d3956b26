// Bench section for hovers (issue 6: p95 ≤ 20 ms over 1,000 hovers on net/ with a warm index).
// Opens the workspace index of Linux 6.1 net/ (worker threads, persistent cache in the system
// temp dir, so only the first run pays the cold build), then times hoverAt() — lookup, live
// facts from the index, Markdown with links — at 1,000 positions where a knowledge identifier
// occurs in net/, picked with a fixed-seed PRNG after 100 warm-up hovers.
// `npm run bench -- hover`, or alone: node --import tsx bench/hover.mjs
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkspaceIndex } from '../src/index/workspaceIndex.ts';
import { hoverAt } from '../src/knowledge/hoverQuery.ts';
import { KnowledgeBase } from '../src/knowledge/knowledgeBase.ts';
import { namesOf } from '../src/knowledge/schema.ts';

const HOVERS = 1000;
const WARMUP = 100;
const TARGET_MS = 20;

/** Seeded PRNG (mulberry32) so every run hovers the same positions. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

export async function run({ linux, print }) {
  if (!linux) throw new Error('Linux sources missing (scripts/fetch-sources.sh)');
  const root = join(linux, 'net');
  const t0 = performance.now();
  const ws = await WorkspaceIndex.open(root, {
    cacheDir: join(tmpdir(), 'sklens-bench-hover-cache'),
  });
  const openMs = performance.now() - t0;
  try {
    if (ws.report.cache !== 'hit') await ws.saveCache();
    const index = ws.index;
    print(
      `net/ index: ${ws.report.files} files, cache ${ws.report.cache}, opened in ${(openMs / 1000).toFixed(1)} s`,
    );

    const kb = new KnowledgeBase();
    const names = new Set(kb.all().flatMap((e) => namesOf(e)));
    const word = /[A-Za-z_][A-Za-z0-9_]*/g;
    const sites = [];
    for (const file of index.files()) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      for (const line of lines) {
        word.lastIndex = 0;
        for (let m = word.exec(line); m; m = word.exec(line))
          if (names.has(m[0])) sites.push({ line, character: m.index + 1 });
      }
    }
    const rand = prng(6);
    const link = (file, line) => `file:///tree/net/${file}#L${line + 1}`;
    const times = [];
    let answered = 0;
    for (let i = 0; i < HOVERS + WARMUP; i++) {
      const s = sites[Math.floor(rand() * sites.length)];
      const t = performance.now();
      const a = hoverAt(kb, {
        lineText: s.line,
        character: s.character,
        kind: 'code',
        index,
        link,
      });
      const ms = performance.now() - t;
      if (a) answered++;
      if (i >= WARMUP) times.push(ms);
    }
    if (answered !== HOVERS + WARMUP) throw new Error(`only ${answered} hovers answered`);
    times.sort((a, b) => a - b);
    const p95 = quantile(times, 0.95);
    print(
      `${sites.length} knowledge-identifier sites in net/; ${HOVERS} hovers after ${WARMUP} warm-up`,
    );
    print(
      `hover p50 ${quantile(times, 0.5).toFixed(3)} ms, p95 ${p95.toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms` +
        ` (target p95 ≤ ${TARGET_MS} ms)${p95 > TARGET_MS ? '  OVER TARGET' : ''}`,
    );
    return p95;
  } finally {
    ws.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const linux =
    process.env.SKLENS_LINUX ?? join(import.meta.dirname, '..', '.cache', 'sources', 'linux-6.1');
  await run({ linux, print: (l) => console.log(l) });
}
