// Cache faults on a real tree (passt), through the bundled CLI as separate processes:
// kill -9 in the middle of a cache write (first write, and rewrite over a valid cache), a
// truncated and a wrong-version cache file, and two processes indexing the same tree at once.
// The writer is slowed by SKLENS_CACHE_WRITE_DELAY_MS (src/index/cache.ts) so the kill lands
// mid-write.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { passtRoot } from './sources';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-cachefault-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
// A private copy of the real passt tree: one test changes a file's mtime.
const tree = join(tmp, 'passt');
cpSync(passtRoot(), tree, { recursive: true });
let n = 0;

/** `sklens index` in a child; returns its text report. */
function index(cacheDir: string): { out: string; files: number } {
  const r = spawnSync(process.execPath, [cli, 'index', tree, '--cache-dir', cacheDir], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const m = /^(\d+) files/.exec(r.stdout);
  return { out: r.stdout, files: Number(m?.[1]) };
}

const cacheFiles = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sklens-index')) : [];
const temps = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : [];

/** Starts an indexing child with a slow cache writer and kills it (SIGKILL) once its temp file has data. */
async function killMidWrite(cacheDir: string): Promise<void> {
  const child = spawn(process.execPath, [cli, 'index', tree, '--cache-dir', cacheDir], {
    env: { ...process.env, SKLENS_CACHE_WRITE_DELAY_MS: '200' },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
  // Bounded wait for the temp file: indexing passt takes a few seconds, a write of ~1 MB in
  // 64 KiB chunks 200 ms apart takes seconds more.
  for (let i = 0; i < 1200; i++) {
    const t = temps(cacheDir)[0];
    if (t && statSync(join(cacheDir, t)).size > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(temps(cacheDir).length > 0, 'the child started writing its cache');
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
}

test('kill -9 during the first cache write: no cache file appears; the next start rebuilds', async () => {
  const dir = join(tmp, `c${n++}`);
  await killMidWrite(dir);
  assert.deepEqual(cacheFiles(dir), [], 'the partial file was never renamed into place');
  const next = index(dir);
  assert.match(next.out, /cache: miss/);
  assert.equal(cacheFiles(dir).length, 1);
  assert.match(index(dir).out, /cache: hit/);
});

test('kill -9 while rewriting over a valid cache: the old cache stays valid and is used', async () => {
  const dir = join(tmp, `c${n++}`);
  const first = index(dir);
  const file = join(dir, cacheFiles(dir)[0]!);
  const before = readFileSync(file);
  // Touch one source (same bytes, new mtime) so the child has a reason to rewrite the cache.
  const src = join(tree, 'tcp.c');
  const st = statSync(src);
  try {
    utimesSync(src, st.atime, new Date(st.mtimeMs + 2000));
    await killMidWrite(dir);
    assert.deepEqual(
      readFileSync(file),
      before,
      'the cache file is untouched by the killed writer',
    );
    const next = index(dir);
    assert.doesNotMatch(next.out, /discarded/);
    assert.match(next.out, new RegExp(`cache: hit; ${first.files} from cache, 0 parsed`));
  } finally {
    utimesSync(src, st.atime, st.mtime);
  }
});

test('a truncated or wrong-version cache file is discarded and rebuilt', () => {
  const dir = join(tmp, `c${n++}`);
  const first = index(dir);
  const file = join(dir, cacheFiles(dir)[0]!);
  const good = readFileSync(file);
  truncateSync(file, good.length - 1000);
  const t = index(dir);
  assert.match(t.out, /cache: miss \(discarded: cache is \d+ bytes, its header says \d+\)/);
  assert.equal(t.files, first.files);
  assert.match(index(dir).out, /cache: hit/);
  const wrong = Buffer.from(readFileSync(file));
  wrong.writeUInt32LE(wrong.readUInt32LE(8) + 1, 8);
  writeFileSync(file, wrong);
  assert.match(index(dir).out, /cache: miss \(discarded: cache format \d+, expected \d+\)/);
  const flipped = Buffer.from(readFileSync(file));
  flipped[flipped.length - 3]! ^= 0xff;
  writeFileSync(file, flipped);
  assert.match(index(dir).out, /discarded: cache checksum mismatch/);
});

test('two processes indexing the same tree into one cache leave a valid cache', async () => {
  const dir = join(tmp, `c${n++}`);
  const run = () =>
    new Promise<number | null>((resolve) => {
      const c = spawn(process.execPath, [cli, 'index', tree, '--cache-dir', dir], {
        stdio: 'ignore',
      });
      c.on('exit', (code) => resolve(code));
    });
  assert.deepEqual(await Promise.all([run(), run()]), [0, 0]);
  assert.equal(cacheFiles(dir).length, 1);
  assert.deepEqual(temps(dir), []);
  assert.match(index(dir).out, /cache: hit/);
});
