// A/B check of a change to collect() (src/index/extract.ts) or to the pre-pass
// (src/parse/preprocess.ts): runs the pre-pass of a git revision (default HEAD) and the working
// tree's over every .c/.h under the given folders and compares their output, then runs both
// extractors over the same parse, diffs the facts as JSON (any difference is a failure, exit 1)
// and prints the CPU time of each collect(). Rounds after the first are timed, alternating
// which runs first.
//
//   node --import tsx scripts/extract-ab.ts [--rev REV] [--rounds N] [DIR|FILE ...]
//   (default: Linux net/ and passt from the source cache)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linuxRoot, passtRoot } from '../test/integration/sources';
import { emptyFacts, type FileFacts } from '../src/index/facts';
import { collect as collectNew } from '../src/index/extract';
import { preprocess } from '../src/parse/preprocess';
import { createParser, type Node, type Parser } from '../src/parse/treeSitter';

type Collect = (facts: FileFacts, src: string, root: Node, parser: Parser) => void;
type Preprocess = (src: string) => { text: string; edits: number };

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.[ch]$/.test(e.name)) out.push(p);
  }
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let rev = 'HEAD';
  let rounds = 2;
  const roots: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--rev') rev = argv[++k];
    else if (argv[k] === '--rounds') rounds = Math.max(1, Number(argv[++k]));
    else roots.push(argv[k]);
  }
  if (roots.length === 0) roots.push(join(linuxRoot(), 'net'), passtRoot());
  const repo = join(__dirname, '..');
  const show = (file: string): string =>
    execFileSync('git', ['show', `${rev}:${file}`], { cwd: repo, encoding: 'utf8' });
  // Beside the current ones, so that their relative imports resolve; removed on exit.
  const oldPath = join(repo, 'src/index', `.extract-ab-${process.pid}.ts`);
  const oldPrePath = join(repo, 'src/parse', `.preprocess-ab-${process.pid}.ts`);
  writeFileSync(oldPath, show('src/index/extract.ts'));
  writeFileSync(oldPrePath, show('src/parse/preprocess.ts'));
  try {
    const collectOld = ((await import(oldPath)) as { collect: Collect }).collect;
    const preOld = ((await import(oldPrePath)) as { preprocess: Preprocess }).preprocess;
    const files: string[] = [];
    for (const r of roots) {
      if (statSync(r).isDirectory()) walk(r, files);
      else files.push(r);
    }
    const parser = await createParser();
    let oldMs = 0;
    let newMs = 0;
    let diffs = 0;
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      if (src.indexOf('\0') >= 0) continue;
      const pre = preprocess(src);
      const preA = preOld(src);
      if (preA.text !== pre.text || preA.edits !== pre.edits) {
        diffs++;
        if (diffs <= 5) {
          let k = 0;
          while (preA.text[k] === pre.text[k]) k++;
          console.log(
            `PRE-PASS DIFF ${f} at ${k} (edits ${preA.edits} / ${pre.edits})\n` +
              `  ${rev}: ${JSON.stringify(preA.text.slice(Math.max(0, k - 80), k + 80))}\n` +
              `  new: ${JSON.stringify(pre.text.slice(Math.max(0, k - 80), k + 80))}`,
          );
        }
        continue;
      }
      const tree = parser.parse(pre.text);
      if (tree === null) continue;
      try {
        for (let round = 0; round < rounds; round++) {
          const a = emptyFacts(f, 0, 0, '');
          const b = emptyFacts(f, 0, 0, '');
          const order: [Collect, FileFacts, boolean][] = [
            [collectOld, a, true],
            [collectNew, b, false],
          ];
          if (round % 2 === 1) order.reverse();
          for (const [fn, facts, isOld] of order) {
            const t0 = cpuMs();
            fn(facts, src, tree.rootNode, parser);
            const dt = cpuMs() - t0;
            if (round > 0 || rounds === 1) {
              if (isOld) oldMs += dt;
              else newMs += dt;
            }
          }
          if (round > 0) continue;
          const ja = JSON.stringify(a);
          const jb = JSON.stringify(b);
          if (ja === jb) continue;
          diffs++;
          if (diffs <= 5) {
            let k = 0;
            while (ja[k] === jb[k]) k++;
            const at = Math.max(0, k - 160);
            console.log(
              `DIFF ${f}\n  ${rev}: ${ja.slice(at, k + 160)}\n  new: ${jb.slice(at, k + 160)}`,
            );
          }
        }
      } finally {
        tree.delete();
      }
    }
    console.log(
      `${files.length} files, ${diffs} with different facts; collect() CPU: ${rev} ${oldMs.toFixed(0)} ms, ` +
        `working tree ${newMs.toFixed(0)} ms (${(newMs / Math.max(oldMs, 1)).toFixed(2)}x)`,
    );
    return diffs === 0 ? 0 : 1;
  } finally {
    rmSync(oldPath, { force: true });
    rmSync(oldPrePath, { force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
