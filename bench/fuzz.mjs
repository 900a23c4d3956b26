// Bench section: the per-file pipeline fuzz of issue 15 (scripts/fuzz-pipeline.ts): mutated
// Linux net/ files through one index worker, with unmutated controls among them. Prints the
// crash, over-the-bound and poisoned-control counts; SKLENS_FUZZ_MUTANTS (default 1,000) and
// SKLENS_FUZZ_SEED choose the run. `npm run bench -- fuzz`; the 10,000-mutant run of
// docs/reliability.md is the script itself: node --import tsx scripts/fuzz-pipeline.ts
import { fuzzPipeline, printResult } from '../scripts/fuzz-pipeline.ts';

export async function run(ctx) {
  if (!ctx.linux) {
    ctx.print('fuzz: no Linux tree (SKLENS_LINUX), skipped');
    return;
  }
  const o = {
    linux: ctx.linux,
    mutants: Number(process.env.SKLENS_FUZZ_MUTANTS ?? 1000),
    seed: Number(process.env.SKLENS_FUZZ_SEED ?? 1),
    boundMs: 10_000,
    maxFileBytes: 48 * 1024,
    controls: 20,
    print: ctx.print,
  };
  printResult(await fuzzPipeline(o), o);
}
