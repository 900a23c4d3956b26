// Definition recall and precision of SKLens's extractor against universal-ctags' function
// definitions (`--kinds-C=f`), compared as (name, file) pairs over every .c/.h under a folder.
// Definitions made by a macro (SYSCALL_DEFINEn, BPF_CALL_n, ...) are compared by the macro's
// name, which is what ctags reports for them.
//
//   node --import tsx scripts/recall.ts [DIR] [--misses N] [--json]
//   (default DIR: .cache/sources/linux-6.1/net)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { extractFacts } from '../src/index/pipeline';
import { createParser } from '../src/parse/treeSitter';

export interface RecallResult {
  files: number;
  ctags: number;
  ours: number;
  matched: number;
  recall: number;
  precision: number;
  misses: string[];
  extras: string[];
  bytes: number;
  extractMs: number;
  /** CPU time of extractFacts (user+system), ms: the machine may be shared. */
  extractCpuMs: number;
  problems: number;
}

function cFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) cFiles(p, out);
    else if (/\.[ch]$/.test(name)) out.push(p);
  }
  return out;
}

/** ctags' (name, file) pairs for `files` (paths relative to `root`). */
function ctagsPairs(root: string, files: string[]): Set<string> {
  const out = execFileSync(
    'ctags',
    ['-x', '--kinds-C=f', '--language-force=C', '--_xformat=%N\t%F', '-L', '-'],
    { cwd: root, input: files.join('\n'), encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const pairs = new Set<string>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    pairs.add(`${line.slice(0, tab)}\t${line.slice(tab + 1)}`);
  }
  return pairs;
}

export async function measureRecall(root: string): Promise<RecallResult> {
  const abs = cFiles(root);
  const rel = abs.map((f) => relative(root, f));
  const theirs = ctagsPairs(root, rel);
  const parser = await createParser();
  const ours = new Set<string>();
  let bytes = 0;
  let extractMs = 0;
  let extractCpuMs = 0;
  let problems = 0;
  for (let k = 0; k < abs.length; k++) {
    const buf = readFileSync(abs[k]);
    bytes += buf.length;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const facts = extractFacts(rel[k], buf, parser);
    const c1 = process.cpuUsage(c0);
    extractMs += performance.now() - t0;
    extractCpuMs += (c1.user + c1.system) / 1000;
    if (facts.problems.length > 0) problems++;
    for (const d of facts.functions) ours.add(`${d.macro ?? d.name}\t${rel[k]}`);
  }
  const misses = [...theirs].filter((p) => !ours.has(p)).sort();
  const extras = [...ours].filter((p) => !theirs.has(p)).sort();
  const matched = theirs.size - misses.length;
  return {
    files: abs.length,
    ctags: theirs.size,
    ours: ours.size,
    matched,
    recall: theirs.size === 0 ? 1 : matched / theirs.size,
    precision: ours.size === 0 ? 1 : matched / ours.size,
    misses,
    extras,
    bytes,
    extractMs,
    extractCpuMs,
    problems,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const mi = args.indexOf('--misses');
  const showMax = mi >= 0 ? Number(args[mi + 1]) : 50;
  const dir = args.find((a, k) => !a.startsWith('--') && args[k - 1] !== '--misses');
  const root = dir ?? '.cache/sources/linux-6.1/net';
  const r = await measureRecall(root);
  if (json) {
    console.log(JSON.stringify(r));
    return;
  }
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  console.log(
    `${root}: ${r.files} files, ctags ${r.ctags} definitions, SKLens ${r.ours}, matched ${r.matched}`,
  );
  console.log(`recall ${pct(r.recall)}  precision ${pct(r.precision)}`);
  const mb = r.bytes / 1e6;
  console.log(
    `extractFacts: ${mb.toFixed(1)} MB in ${(r.extractMs / 1000).toFixed(2)} s wall, ${(r.extractCpuMs / 1000).toFixed(2)} s CPU = ${(mb / (r.extractCpuMs / 1000)).toFixed(2)} MB/s per core; ${r.problems} files with problems`,
  );
  console.log(`misses (${r.misses.length}):`);
  for (const m of r.misses.slice(0, showMax)) console.log(`  ${m.replace('\t', '  ')}`);
  console.log(`extras (${r.extras.length}):`);
  for (const m of r.extras.slice(0, showMax)) console.log(`  ${m.replace('\t', '  ')}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
