// Issue 8, file churn: a `git checkout` of another kernel version deletes, renames and creates
// thousands of files at once. The watcher events go through NAV's ChangeBatcher (same limits as
// the index service: 300 ms quiet, 4,096 paths per batch) and expandDeletedFolders, then into
// WorkspaceIndex.removeFiles / addOrChangeFiles, as IndexService.applyBatch and
// WorkspaceEngine.refreshFiles do. The count of files really re-extracted (counted by the
// extractor itself, in the worker threads) is 0 for deletions and equals the renamed count for
// renames; files outside the churn keep their very facts objects (no full rebuild).
import { strict as assert } from 'node:assert';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FileFacts } from '../../src/index/facts';
import { WorkspaceIndex } from '../../src/index/workspaceIndex';
import {
  ChangeBatcher,
  expandDeletedFolders,
  type ChangeBatch,
  type ChangeKind,
} from '../../src/services/changeBatcher';
import { FakeTimers } from './helpers/fakeTimers';

const N = 10_000;
// tmpfs where there is one: 40,000 file operations on a disk cost seconds of system time.
const tmp = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'sklens-churn-'));
const extractLog = join(tmp, 'extracted.log');
process.env.SKLENS_TEST_EXTRACT_LOG = extractLog;
after(() => rmSync(tmp, { recursive: true, force: true }));

function extractedSince(): string[] {
  if (!existsSync(extractLog)) return [];
  const lines = readFileSync(extractLog, 'utf8').split('\n').filter(Boolean);
  // Truncated, not removed: the workers keep their O_APPEND descriptors open.
  writeFileSync(extractLog, '');
  return lines;
}

/** 10,000 generated files in 100 folders, plus a few that never change. */
function makeTree(name: string): string {
  const root = join(tmp, name);
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(root, 'gen', `d${d}`), { recursive: true });
    for (let i = d; i < N; i += 100) {
      writeFileSync(join(root, 'gen', `d${d}`, `f${i}.c`), `fn gen_${i}\ncall gen_${i} helper\n`);
    }
  }
  mkdirSync(join(root, 'net'), { recursive: true });
  writeFileSync(join(root, 'net/a.c'), 'fn helper\ncall helper a_send\n');
  writeFileSync(join(root, 'net/b.c'), 'fn a_send\n');
  return root;
}

async function open(root: string): Promise<WorkspaceIndex> {
  const ws = await WorkspaceIndex.open(root, {
    extractorModule: join(__dirname, 'helpers', 'countingExtractor.ts'),
    workers: 2,
  });
  assert.equal(ws.report.files, N + 2);
  assert.equal(extractedSince().length, N + 2);
  return ws;
}

/**
 * Feeds watcher events through the batcher and applies each batch as the index service does;
 * returns what the index reported.
 */
async function churn(
  ws: WorkspaceIndex,
  events: [ChangeKind, string][],
): Promise<{ batches: number; updated: number; removed: number }> {
  const timers = new FakeTimers();
  const batches: ChangeBatch[] = [];
  const b = new ChangeBatcher({
    delayMs: 300,
    maxPaths: 4096,
    isSource: (p) => /\.[ch]$/.test(p),
    flush: (batch) => batches.push(batch),
    timers,
  });
  for (const [kind, p] of events) b.add(kind, p);
  timers.advance(300);
  assert.equal(b.size, 0);
  let updated = 0;
  let removed = 0;
  for (const batch of batches) {
    const deleted = expandDeletedFolders(batch.deleted, ws.index.files());
    removed += ws.removeFiles(deleted);
    const r = await ws.addOrChangeFiles([...batch.changed, ...batch.createdOther]);
    updated += r.extracted;
    removed += r.removed;
  }
  return { batches: batches.length, updated, removed };
}

function snapshot(ws: WorkspaceIndex, paths: string[]): (FileFacts | undefined)[] {
  return paths.map((p) => ws.index.facts(p));
}

test('10,000 files renamed, their folder renamed, then deleted: only renames re-extract', async () => {
  // One tree and one index through a whole checkout-like sequence (creating 10,000 files is
  // the slow part on a loaded machine, so it is done once).
  const root = makeTree('churn');
  const ws = await open(root);
  try {
    const keep = snapshot(ws, ['net/a.c', 'net/b.c']);

    // 1. Every file renamed (one delete + one create event each).
    let events: [ChangeKind, string][] = [];
    for (const f of ws.index.files()) {
      if (!f.startsWith('gen/')) continue;
      const to = f.replace(/\.c$/, '_v2.c');
      renameSync(join(root, f), join(root, to));
      events.push(['delete', f], ['create', to]);
    }
    let r = await churn(ws, events);
    assert.ok(r.batches >= 5, `${r.batches} batches`);
    assert.deepEqual([r.updated, r.removed], [N, N]);
    const extracted = extractedSince();
    assert.equal(extracted.length, N, 'files re-extracted after renaming 10,000 files');
    assert.ok(extracted.every((p) => p.endsWith('_v2.c')));
    assert.equal(ws.index.files().length, N + 2);
    assert.equal(ws.index.facts('gen/d7/f7.c'), undefined);
    assert.deepEqual(
      ws.index.functionDefs('gen_7').map((d) => d.file),
      ['gen/d7/f7_v2.c'],
    );
    assert.equal(ws.index.callersOf('helper').length, N);
    assert.deepEqual(snapshot(ws, ['net/a.c', 'net/b.c']), keep);

    // 2. Their folder renamed (two events: the old folder deleted, the new one created).
    renameSync(join(root, 'gen'), join(root, 'gen-6.2'));
    r = await churn(ws, [
      ['delete', 'gen'],
      ['create', 'gen-6.2'],
    ]);
    assert.deepEqual([r.updated, r.removed], [N, N]);
    assert.equal(extractedSince().length, N, 'files re-extracted after renaming their folder');
    assert.ok(ws.index.files().every((f) => !f.startsWith('gen/')));
    assert.equal(ws.index.files().length, N + 2);
    assert.deepEqual(snapshot(ws, ['net/a.c', 'net/b.c']), keep);

    // 3. Half deleted one file at a time (5,000 events), the rest with their folder (one).
    events = [];
    for (const f of ws.index.files()) {
      if (!/^gen-6\.2\/d(\d|[1-4]\d)\//.test(f)) continue;
      rmSync(join(root, f));
      events.push(['delete', f]);
    }
    assert.equal(events.length, N / 2);
    r = await churn(ws, events);
    assert.deepEqual([r.updated, r.removed], [0, N / 2]);
    rmSync(join(root, 'gen-6.2'), { recursive: true });
    r = await churn(ws, [['delete', 'gen-6.2']]);
    assert.deepEqual([r.updated, r.removed], [0, N / 2]);
    assert.deepEqual(extractedSince(), [], 'files re-extracted after deletions');
    assert.deepEqual(ws.index.files(), ['net/a.c', 'net/b.c']);
    assert.deepEqual(snapshot(ws, ['net/a.c', 'net/b.c']), keep);
    assert.deepEqual(ws.index.callersOf('helper'), []);
  } finally {
    ws.dispose();
  }
});
