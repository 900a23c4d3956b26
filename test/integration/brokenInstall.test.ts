// A broken install must say so: a copy of the bundle without its grammars/ folder beside it
// (dist/ moved elsewhere) cannot load the C grammar, so every file fails in the index workers.
// `sklens index` then exits 1 with the reason on stderr, instead of reporting "0 functions"
// as if the tree had none; the working bundle indexes the same tree.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const repo = join(__dirname, '..', '..');
const sample = join(repo, 'sample');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-broken-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('sklens index from a bundle without its grammars fails with the reason', () => {
  const dist = join(repo, 'dist');
  assert.ok(existsSync(join(dist, 'cli.js')), 'dist/cli.js missing: run node esbuild.mjs');
  cpSync(dist, join(tmp, 'dist'), { recursive: true });
  const run = (cli: string) =>
    spawnSync(process.execPath, [cli, 'index', sample, '--no-cache'], {
      encoding: 'utf8',
      cwd: tmp,
      env: { ...process.env, SKLENS_GRAMMARS: '' },
    });
  const broken = run(join(tmp, 'dist', 'cli.js'));
  assert.equal(broken.status, 1, broken.stdout + broken.stderr);
  assert.match(broken.stderr, /no file could be indexed/);
  assert.match(broken.stderr, /grammars/);
  const good = run(join(dist, 'cli.js'));
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /[1-9]\d* functions/);
});
