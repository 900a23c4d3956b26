// What a user is told while an index is not ready, and when a build indexed nothing or far
// fewer files than the C files it met (src/services/indexState.ts).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { coverageWarning, etaText, notReadyText } from '../../src/services/indexState';

test('navigation while indexing says how far the index is, not "no definition found"', () => {
  assert.equal(
    notReadyText('linux', { kind: 'indexing', phase: 'extract', done: 1200, total: 55418 }),
    'SKLens is still indexing linux (1,200 of 55,418 files)',
  );
  assert.match(notReadyText('linux', { kind: 'starting' })!, /still indexing linux/);
  assert.match(
    notReadyText('linux', { kind: 'indexing', phase: 'scan', done: 0, total: 0 })!,
    /looking for C files/,
  );
  assert.match(notReadyText('x', { kind: 'error', message: 'cancelled' })!, /could not index x/);
  const stats = { files: 1, functions: 1, calls: 0, fieldAccesses: 0, macros: 0, structs: 0 };
  assert.equal(
    notReadyText('x', {
      kind: 'ready',
      stats: stats as never,
      ms: 1,
      cachedFiles: 0,
      parsedFiles: 1,
    }),
    undefined,
  );
});

test('a build of 0 files, or of far fewer than the C files met, is a warning with reasons', () => {
  const links = Array.from({ length: 40 }, (_, i) => ({
    path: `net/l${i}.c`,
    reason: 'a symlink (sklens.index.followSymlinks is off)',
  }));
  const w = coverageWarning('ws', 0, [
    ...links,
    { path: 'big.c', reason: '3000000 bytes is over the limit of 2097152 bytes' },
  ]);
  assert.match(w!, /^SKLens indexed no files in ws; 41 skipped \(40 entries: a symlink/);
  assert.match(w!, /1 entry: 3000000 bytes is over the limit/);
  assert.match(coverageWarning('ws', 10, links)!, /indexed only 10 of 50 C files in ws/);
  assert.match(coverageWarning('ws', 0, [])!, /found no C files to index in ws/);
  // Most files indexed: nothing to say.
  assert.equal(coverageWarning('ws', 100, links), undefined);
  // Folders skipped (loops) are not C files missed.
  assert.equal(coverageWarning('ws', 5, [{ path: 'a/up', reason: 'a symlink loop' }]), undefined);
});

test('the progress notification says the time left from the rate so far', () => {
  assert.equal(etaText(0, 100, 5000), undefined, 'no rate yet');
  assert.equal(etaText(10, 100, 500), undefined, 'under a second is no rate');
  // 1,000 files in 10 s: 54,000 more take 540 s.
  assert.equal(etaText(1000, 54_000, 10_000), 'about 9 min left');
  assert.equal(etaText(1000, 2_000, 10_000), 'about 20 s left');
  assert.equal(etaText(1000, 0, 10_000), 'about 1 s left');
  assert.equal(etaText(10, 100_000, 10_000), 'about 27.8 h left');
});
