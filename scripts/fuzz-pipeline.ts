// Fuzzes the per-file pipeline (pre-pass + parse + extract, src/index/pipeline.ts) the way the
// indexer runs it: mutated copies of real kernel files go through one index worker
// (ExtractPool, size 1: one core), with unmutated control files interleaved among them. Counts
//   crashes   a file whose facts are a parser fault the retry did not cure, a dead worker
//             twice, an exception, or a job that failed
//   hangs     files stopped at the per-file time bound
//   poisoned  control files whose facts differ from their facts before the mutants
// and prints the figures. Not a CI test (minutes of CPU): `npm run bench -- fuzz`, or
//   node --import tsx scripts/fuzz-pipeline.ts [--mutants N] [--seed S] [--bound MS]
// with SKLENS_LINUX naming a Linux tree (its net/ files are the corpus).
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpackFacts, type PackedBatch } from '../src/index/packed';
import { ExtractPool } from '../src/index/pool';
import type { WalkedFile } from '../src/index/walk';
import type { FileFacts } from '../src/index/facts';

export interface FuzzOptions {
  linux: string;
  mutants: number;
  seed: number;
  /** Per-file bound on pre-pass + parse + extract, ms. */
  boundMs: number;
  /** Corpus files larger than this are left out (keeps a run to minutes). */
  maxFileBytes: number;
  controls: number;
  print: (line: string) => void;
}

export interface FuzzResult {
  mutants: number;
  corpus: number;
  controls: number;
  crashes: string[];
  hangs: string[];
  poisoned: string[];
  /** Mutants with some other recorded problem (syntax errors, invalid UTF-8, binary...). */
  withProblems: number;
  /** Wall time of the run, ms. */
  ms: number;
}

/** xorshift32: the same mutants for the same seed. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

const HALF_TYPED = [
  'a(;',
  '(',
  ')',
  '{',
  '}',
  '[',
  '"',
  "'",
  '/*',
  '#if ',
  '#endif\n',
  '->',
  'struct ',
  '\\\n',
  ',',
  ';;',
];

/** One mutation of `src` (bytes), chosen by `r`; `what` names it for the report. */
function mutate(src: Buffer, r: (n: number) => number): { bytes: Buffer; what: string } {
  const at = r(src.length + 1);
  switch (r(7)) {
    case 0: {
      const b = Buffer.from(src);
      const flips = 1 + r(8);
      for (let k = 0; k < flips && b.length > 0; k++) b[r(b.length)]! ^= 1 << r(8);
      return { bytes: b, what: `${flips} byte flips` };
    }
    case 1:
      return { bytes: src.subarray(0, at), what: `truncated at ${at}` };
    case 2: {
      const tok = HALF_TYPED[r(HALF_TYPED.length)]!;
      const times = r(4) === 0 ? 1 + r(2000) : 1 + r(3);
      const ins = Buffer.from(tok.repeat(times));
      return {
        bytes: Buffer.concat([src.subarray(0, at), ins, src.subarray(at)]),
        what: `'${tok}'x${times} at ${at}`,
      };
    }
    case 3: {
      // Delete braces: every k-th `{` or `}` from a point on.
      const b: number[] = [];
      const k = 1 + r(5);
      let seen = 0;
      for (let i = 0; i < src.length; i++) {
        const c = src[i]!;
        if (i >= at && (c === 0x7b || c === 0x7d) && seen++ % k === 0) continue;
        b.push(c);
      }
      return { bytes: Buffer.from(b), what: `every ${k}th brace deleted from ${at}` };
    }
    case 4: {
      const lines = src.toString('latin1').split('\n');
      const i = r(lines.length);
      const n = 1 + r(20);
      const times = 1 + r(50);
      const block = lines.slice(i, i + n);
      const out = [
        ...lines.slice(0, i),
        ...Array<string[]>(times).fill(block).flat(),
        ...lines.slice(i),
      ];
      return {
        bytes: Buffer.from(out.join('\n'), 'latin1'),
        what: `${n} lines at ${i} duplicated ${times}x`,
      };
    }
    case 5: {
      const len = r(4096);
      return {
        bytes: Buffer.concat([src.subarray(0, at), src.subarray(at + len)]),
        what: `${len} bytes cut at ${at}`,
      };
    }
    default: {
      // Splice in a chunk from elsewhere in the file (a bad paste).
      const from = r(src.length + 1);
      const len = r(2048);
      return {
        bytes: Buffer.concat([
          src.subarray(0, at),
          src.subarray(from, from + len),
          src.subarray(at),
        ]),
        what: `${len} bytes from ${from} pasted at ${at}`,
      };
    }
  }
}

function corpusOf(linux: string, maxBytes: number): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.[ch]$/.test(e.name) && statSync(p).size <= maxBytes) out.push(p);
    }
  };
  walk(join(linux, 'net'));
  return out;
}

/** Facts without what differs between copies of one file (path, mtime). */
function comparable(f: FileFacts): string {
  return JSON.stringify({ ...f, path: '', mtimeMs: 0 });
}

export async function fuzzPipeline(o: FuzzOptions): Promise<FuzzResult> {
  const t0 = performance.now();
  const corpus = corpusOf(o.linux, o.maxFileBytes);
  if (corpus.length === 0)
    throw new Error(`no .c/.h files of at most ${o.maxFileBytes} bytes under ${o.linux}/net`);
  const r = rng(o.seed);
  const dir = mkdtempSync(join(tmpdir(), 'sklens-fuzz-'));
  const pool = new ExtractPool({ size: 1 });
  const res: FuzzResult = {
    mutants: 0,
    corpus: corpus.length,
    controls: 0,
    crashes: [],
    hangs: [],
    poisoned: [],
    withProblems: 0,
    ms: 0,
  };
  try {
    // Control files: unmutated copies, indexed first on their own.
    mkdirSync(join(dir, 'c'));
    const controls: WalkedFile[] = [];
    for (let k = 0; k < o.controls; k++) {
      const src = readFileSync(corpus[Math.floor((k * corpus.length) / o.controls)]!);
      const path = `c/${k}.c`;
      writeFileSync(join(dir, path), src);
      controls.push({ path, size: src.length, mtimeMs: 0 });
    }
    const run = async (files: WalkedFile[]): Promise<Map<string, FileFacts>> => {
      const got = new Map<string, FileFacts>();
      await pool.run({
        root: dir,
        files,
        maxFileBytes: 2 * 1024 * 1024,
        timeoutMs: o.boundMs,
        onFacts: (b: PackedBatch) => {
          for (const f of b.files) got.set(f.path, unpackFacts(f, b.strings));
        },
      });
      return got;
    };
    const before = await run(controls);
    res.controls = controls.length;
    const CHUNK = 500;
    const what = new Map<string, string>();
    for (let done = 0; done < o.mutants; done += CHUNK) {
      rmSync(join(dir, 'm'), { recursive: true, force: true });
      mkdirSync(join(dir, 'm'));
      const files: WalkedFile[] = [];
      const n = Math.min(CHUNK, o.mutants - done);
      for (let k = 0; k < n; k++) {
        const file = corpus[r(corpus.length)]!;
        const m = mutate(readFileSync(file), r);
        const path = `m/${done + k}.c`;
        writeFileSync(join(dir, path), m.bytes);
        what.set(path, `${file.slice(o.linux.length + 1)}: ${m.what}`);
        files.push({ path, size: m.bytes.length, mtimeMs: 0 });
        // A control after every 10 mutants, in the same worker: it must not see their damage.
        if (k % 10 === 9) files.push(controls[(done + k) % controls.length]!);
      }
      let got: Map<string, FileFacts>;
      try {
        got = await run(files);
      } catch (e) {
        res.crashes.push(`job ${done}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      for (const f of files) {
        const facts = got.get(f.path);
        if (!facts) {
          res.crashes.push(`${f.path}: no facts came back`);
          continue;
        }
        if (f.path.startsWith('c/')) {
          if (comparable(facts) !== comparable(before.get(f.path)!))
            res.poisoned.push(`${f.path} after mutant ${done}`);
          continue;
        }
        res.mutants++;
        const failed = facts.problems.filter((p) => p.startsWith('not indexed: '));
        if (failed.some((p) => /bound/.test(p)))
          res.hangs.push(`${what.get(f.path)} (${failed.join('; ')})`);
        else if (failed.length > 0) res.crashes.push(`${what.get(f.path)} (${failed.join('; ')})`);
        else if (facts.problems.length > 0) res.withProblems++;
      }
      o.print(
        `  ${done + n} mutants: ${res.crashes.length} crashes, ${res.hangs.length} over the bound, ${res.poisoned.length} poisoned controls`,
      );
    }
    const after = await run(controls);
    for (const c of controls) {
      if (comparable(after.get(c.path)!) !== comparable(before.get(c.path)!))
        res.poisoned.push(`${c.path} at the end`);
    }
  } finally {
    pool.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  res.ms = performance.now() - t0;
  return res;
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

export function printResult(res: FuzzResult, o: FuzzOptions): void {
  o.print(
    `fuzz: ${res.mutants} mutants of ${res.corpus} net/ files (seed ${o.seed}, bound ${o.boundMs} ms), ` +
      `${res.controls} controls: ${res.crashes.length} crashes, ${res.hangs.length} over the bound, ` +
      `${res.poisoned.length} poisoned controls; ${res.withProblems} mutants with syntax problems; ` +
      `${(res.ms / 1000).toFixed(0)} s`,
  );
  for (const c of res.crashes.slice(0, 10)) o.print(`  crash: ${c}`);
  for (const h of res.hangs.slice(0, 10)) o.print(`  over the bound: ${h}`);
  for (const p of res.poisoned.slice(0, 10)) o.print(`  poisoned: ${p}`);
}

if (require.main === module) {
  const linux = process.env.SKLENS_LINUX;
  if (!linux) {
    process.stderr.write('fuzz-pipeline: set SKLENS_LINUX to a Linux source tree\n');
    process.exit(2);
  }
  const o: FuzzOptions = {
    linux,
    mutants: arg('mutants', 10_000),
    seed: arg('seed', 1),
    boundMs: arg('bound', 10_000),
    maxFileBytes: arg('max-bytes', 48 * 1024),
    controls: arg('controls', 20),
    print: (line) => console.log(line),
  };
  void fuzzPipeline(o).then(
    (res) => {
      printResult(res, o);
      process.exit(res.crashes.length + res.hangs.length + res.poisoned.length > 0 ? 1 : 0);
    },
    (e: unknown) => {
      process.stderr.write(`fuzz-pipeline: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
