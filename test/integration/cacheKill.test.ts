// Issue 8, cache faults at random moments (complementing test/integration/cache.test.ts, which
// kills the writer at chosen points): `sklens index` children on a generated tree are killed
// with SIGKILL at random times across their whole run (walk, extraction, cache write, rename),
// several times, sometimes while a second process indexes the same tree into the same cache.
// After every kill the cache folder holds either nothing or a complete, checksummed cache, and
// the next start answers exactly as a fresh index (`sklens defs` from the cache = without it).
// The writer is slowed a little by SKLENS_CACHE_WRITE_DELAY_MS (src/index/cache.ts) so that
// some kills land mid-write; each kill's moment and what it hit are printed.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
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
import { after, test } from 'node:test';
import { decodeCache } from '../../src/index/cache';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-cachekill-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const tree = join(tmp, 'tree');
const cacheDir = join(tmp, 'cache');

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** A kernel-style file: a few static helpers and an exported function calling them. */
function source(k: number, rev: number): string {
  let s = `// generated file ${k}, revision ${rev}\n#include <linux/types.h>\n\n`;
  for (let j = 0; j < 6; j++) {
    s += `static int f${k}_h${j}(struct sock *sk, int len)\n{\n\tif (sk->sk_wmem_queued > len)\n\t\treturn -EAGAIN;\n\treturn len + ${j + rev};\n}\n\n`;
  }
  s += `int f${k}_main(struct sock *sk)\n{\n\tint n = 0;\n\n`;
  for (let j = 0; j < 6; j++) s += `\tn += f${k}_h${j}(sk, ${j});\n`;
  s += `\treturn n + f${(k + 1) % 300}_main(sk);\n}\n`;
  return s;
}

function cli1(args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const caches = () => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);

/** The cache file is absent or complete: magic, length and checksum hold. */
function cacheState(): 'none' | 'valid' {
  const files = caches().filter((f) => f.endsWith('.sklens-index'));
  if (files.length === 0) return 'none';
  assert.equal(files.length, 1, files.join());
  const r = decodeCache(readFileSync(join(cacheDir, files[0]!)), { root: tree, fingerprint: '' });
  // The fingerprint is the CLI bundle's; any other reason means a damaged file in place.
  assert.ok(
    !r.ok && /another extractor version/.test(r.reason),
    `cache in place is damaged: ${!r.ok && r.reason}`,
  );
  return 'valid';
}

function indexer(): { exited: Promise<NodeJS.Signals | null>; kill: () => void } {
  const child = spawn(process.execPath, [cli, 'index', tree, '--cache-dir', cacheDir], {
    env: { ...process.env, SKLENS_CACHE_WRITE_DELAY_MS: '30' },
    stdio: 'ignore',
  });
  return {
    exited: new Promise((r) => child.on('exit', (_c, sig) => r(sig))),
    kill: () => child.kill('SIGKILL'),
  };
}

/**
 * Whether some file in the cache folder was written since `sinceMs` (epoch): a writer is at
 * work. Judged from the folder alone, so it holds however the writer names its files.
 */
function written(sinceMs: number): boolean {
  return caches().some((f) => {
    try {
      return statSync(join(cacheDir, f)).mtimeMs > sinceMs;
    } catch {
      return false; // renamed away meanwhile
    }
  });
}

test('kill -9 at random moments, alone or beside a second indexer: the cache is whole or absent', async () => {
  for (let k = 0; k < 300; k++) {
    mkdirSync(join(tree, `net/d${k % 10}`), { recursive: true });
    writeFileSync(join(tree, `net/d${k % 10}/f${k}.c`), source(k, 0));
  }
  await indexer().exited;
  assert.equal(cacheState(), 'valid');
  const rand = rng(20261121);
  /** Rewrites 60 files: each run then parses them and rewrites the cache. */
  const churn = (rev: number) => {
    for (let j = 0; j < 60; j++) {
      const k = Math.floor(rand() * 300);
      writeFileSync(join(tree, `net/d${k % 10}/f${k}.c`), source(k, rev));
    }
  };
  // How long such a run takes here decides the range of kill moments.
  churn(1);
  const t0 = performance.now();
  await indexer().exited;
  const runMs = performance.now() - t0;
  const seen: string[] = [];
  const ROUNDS = 8;
  for (let round = 0; round < ROUNDS; round++) {
    churn(round + 2);
    const pair = round % 3 === 2;
    const a = indexer();
    const b = pair ? indexer() : undefined;
    // Odd rounds: any moment of the run. Even rounds: a moment inside the cache write.
    const t1 = performance.now();
    const startedMs = Date.now();
    if (round % 2 === 0) {
      while (performance.now() - t1 < 4 * runMs && !written(startedMs))
        await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, rand() * 40));
    } else await new Promise((r) => setTimeout(r, rand() * runMs));
    const at = Math.round(performance.now() - t1);
    const midWrite = written(startedMs);
    a.kill();
    const sig = await a.exited;
    if (b) await b.exited;
    const state = cacheState();
    seen.push(
      `round ${round}: kill at ${at} ms${pair ? ' beside a second indexer' : ''} ` +
        `(${sig === 'SIGKILL' ? (midWrite ? 'during or after a write' : 'before any write') : 'already done'}) -> cache ${state}`,
    );
    // The next start works from whatever is there and writes a whole cache.
    const next = cli1(['index', tree, '--cache-dir', cacheDir]);
    assert.match(next, /^300 files/, next);
    assert.match(next, /cache: (hit|partial|miss)/);
    assert.equal(cacheState(), 'valid');
  }
  // Stray temp files of killed writers are left for the age-based sweep, never read.
  const fromCache = cli1(['defs', tree, '--cache-dir', cacheDir]);
  const fresh = cli1(['defs', tree, '--no-cache']);
  assert.equal(fromCache, fresh, 'the recovered cache answers as a fresh index');
  assert.match(
    cli1(['index', tree, '--cache-dir', cacheDir]),
    /cache: hit; 300 from cache, 0 parsed/,
  );
  console.log(
    `cache kill rounds (a 60-file run takes ${runMs.toFixed(0)} ms):\n  ${seen.join('\n  ')}`,
  );
});
