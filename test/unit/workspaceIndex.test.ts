// WorkspaceIndex: walking with globs and limits, worker extraction, the persistent cache
// (hit, touched-but-same, changed, rejected), incremental updates and cancellation.
// Mechanics run on a line-language test extractor (helpers/lineExtractor.ts) so that file
// contents, and a stuck parse, are fully controlled; one test uses the real extractor.
import { strict as assert } from 'node:assert';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { emptyFacts, type FileFacts } from '../../src/index/facts';
import { packBatch } from '../../src/index/packed';
import { FactsPipeline } from '../../src/index/pipeline';
import { ExtractPool } from '../../src/index/pool';
import { compileGlob } from '../../src/index/pathFilter';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../src/index/workspaceIndex';
import { WorkspaceEngine } from '../../src/services/workspaceEngine';
import { extractLines } from './helpers/lineExtractor';
import { engineOptions } from './helpers/engine';

const lineExtractor = join(__dirname, 'helpers', 'lineExtractor.ts');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-ws-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function tree(files: Record<string, string | Buffer>): string {
  const root = join(tmp, `t${n++}`);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const base = {
  'net/a.c': 'fn a_send\nops a_send proto sendmsg\ncall a_send helper\n',
  'net/b.c': 'fn b_sendmsg\ntable proto b_prot sendmsg b_sendmsg\n',
  'net/sub/helper.h': 'fn helper\n',
  'net/.git/objects/x.c': 'fn in_git\n',
  'Documentation/doc.c': 'fn in_docs\n',
  'net/notes.txt': 'fn not_c\n',
};

function open(root: string, extra: Partial<WorkspaceIndexOptions> = {}) {
  return WorkspaceIndex.open(root, { extractorModule: lineExtractor, workers: 2, ...extra });
}

/**
 * An open document's edit as the extension applies it: the document worker's pipeline
 * (FactsPipeline.document) reparses the text, and its packed facts replace the file's.
 */
function edit(
  into: { setPacked(f: ReturnType<typeof packBatch>['batch']['files'][number], s: string[]): void },
  docs: FactsPipeline,
  path: string,
  text: string,
): FileFacts {
  const r = docs.document(path, text);
  const { batch } = packBatch([r.facts]);
  into.setPacked(batch.files[0]!, batch.strings);
  return r.facts;
}

test('globs: ** spans folders, a bare pattern matches base names, /** matches the folder too', () => {
  assert.ok(compileGlob('**/*.c').test('a.c'));
  assert.ok(compileGlob('**/*.c').test('x/y/a.c'));
  assert.ok(!compileGlob('**/*.c').test('x/y/a.cc'));
  assert.ok(compileGlob('*.{c,h}').test('net/ipv4/tcp.h'));
  assert.ok(compileGlob('Documentation/**').test('Documentation'));
  assert.ok(compileGlob('**/.git/**').test('net/.git'));
  assert.ok(!compileGlob('Documentation/**').test('net/Documentation'));
  assert.ok(compileGlob('net/ipv?/tcp_*.c').test('net/ipv4/tcp_output.c'));
});

test('walks C files only, honours excludes and skips large and binary files with a reason', async () => {
  const root = tree({
    ...base,
    'net/big.c': 'fn big\n' + 'x'.repeat(5000),
    'net/bin.c': Buffer.from([0x66, 0x6e, 0x20, 0x62, 0, 1, 2]),
  });
  const logs: string[] = [];
  const ws = await open(root, { maxFileBytes: 1000, log: (l) => logs.push(l) });
  try {
    assert.deepEqual(ws.index.files(), ['net/a.c', 'net/b.c', 'net/bin.c', 'net/sub/helper.h']);
    assert.deepEqual(
      ws.report.skipped.map((s) => s.path),
      ['net/big.c'],
    );
    assert.match(ws.report.skipped[0]!.reason, /5007 bytes is over the limit of 1000 bytes/);
    assert.match(ws.index.facts('net/bin.c')!.problems[0]!, /binary/);
    assert.ok(logs.some((l) => l.includes('net/big.c')) && logs.some((l) => l.includes('binary')));
    assert.deepEqual(
      ws.index.calleesOf('a_send').map((e) => `${e.callee}:${e.via}`),
      ['b_sendmsg:ops:proto.sendmsg', 'helper:direct'],
    );
    assert.equal(ws.report.cache, 'off');
  } finally {
    ws.dispose();
  }
});

test('include globs narrow the tree', async () => {
  const root = tree(base);
  const ws = await open(root, { include: ['net/sub/**/*.h'] });
  try {
    assert.deepEqual(ws.index.files(), ['net/sub/helper.h']);
  } finally {
    ws.dispose();
  }
});

test('the cache is reused when valid, rehashes touched files and re-extracts changed ones', async () => {
  const root = tree(base);
  const cacheDir = join(tmp, `cache${n++}`);
  const first = await open(root, { cacheDir });
  const want = first.index.files().map((f) => first.index.facts(f));
  first.dispose();
  assert.equal(first.report.cache, 'miss');
  assert.equal(first.report.extracted, 3);

  const warm = await open(root, { cacheDir });
  warm.dispose();
  assert.deepEqual(
    [warm.report.cache, warm.report.fromCache, warm.report.extracted],
    ['hit', 3, 0],
  );
  assert.deepEqual(
    warm.index.files().map((f) => warm.index.facts(f)),
    want,
  );

  // Same bytes, new mtime (a checkout): reused through the content hash.
  utimesSync(join(root, 'net/a.c'), new Date(), new Date(Date.now() + 5000));
  // Same size, new bytes: re-extracted.
  writeFileSync(join(root, 'net/b.c'), 'fn b_sendmsX\ntable proto b_prot sendmsg b_sendmsX\n');
  const touched = await open(root, { cacheDir });
  touched.dispose();
  assert.deepEqual(
    [
      touched.report.cache,
      touched.report.fromCache,
      touched.report.rehashed,
      touched.report.extracted,
    ],
    ['partial', 1, 1, 1],
  );
  assert.deepEqual(
    touched.index.callersOf('b_sendmsX').map((e) => e.caller),
    ['a_send'],
  );
  // The rehash was written back: next time all three are plain hits.
  const again = await open(root, { cacheDir });
  again.dispose();
  assert.deepEqual([again.report.fromCache, again.report.extracted], [3, 0]);
});

test('a truncated or wrong-version cache file is discarded and rebuilt', async () => {
  const root = tree(base);
  const cacheDir = join(tmp, `cache${n++}`);
  const first = await open(root, { cacheDir });
  const file = first.cachePath!;
  first.dispose();
  const good = readFileSync(file);

  truncateSync(file, Math.floor(good.length / 2));
  const t = await open(root, { cacheDir });
  t.dispose();
  assert.match(t.report.cacheRejected ?? '', /bytes/);
  assert.equal(t.report.extracted, 3);
  assert.deepEqual(readFileSync(file), good, 'rebuilt cache is written back');

  const wrong = Buffer.from(good);
  wrong.writeUInt32LE(999, 8);
  writeFileSync(file, wrong);
  const v = await open(root, { cacheDir });
  v.dispose();
  assert.match(v.report.cacheRejected ?? '', /format 999/);
  assert.equal(v.report.extracted, 3);
});

test('removeFiles drops files and folders without touching the rest (10,000 at once)', async () => {
  const root = tree(base);
  const ws = await open(root);
  try {
    const keep = ws.index.fileInfo('net/b.c');
    for (let i = 0; i < 10_000; i++) {
      const f = emptyFacts(`gen/d${i % 100}/f${i}.c`);
      f.functions.push({
        name: `gen_${i}`,
        span: { line: 0, col: 0, endLine: 1, endCol: 1 },
        nameSpan: { line: 0, col: 0, endLine: 0, endCol: 5 },
        isStatic: true,
        isInline: false,
        kind: 'function',
      });
      ws.index.setFile(f);
    }
    assert.equal(ws.index.stats().files, 10_003);
    const removed = ws.removeFiles(
      Array.from({ length: 10_000 }, (_, i) => join(root, `gen/d${i % 100}/f${i}.c`)),
    );
    assert.equal(removed, 10_000);
    assert.equal(ws.index.stats().files, 3);
    assert.equal(ws.index.fileInfo('net/b.c'), keep, 'other files keep their stored facts');
    assert.equal(ws.removeFiles(['net/sub']), 1);
    assert.deepEqual(ws.index.files(), ['net/a.c', 'net/b.c']);
    assert.deepEqual(
      ws.index.calleesOf('a_send').map((e) => e.calleeFile),
      ['net/b.c', undefined],
    );
  } finally {
    ws.dispose();
  }
});

test('addOrChangeFiles extracts new and changed files, removes vanished ones, skips unchanged', async () => {
  const root = tree(base);
  const ws = await open(root);
  try {
    writeFileSync(join(root, 'net/c.c'), 'fn c_new\ncall c_new helper\n');
    mkdirSync(join(root, 'net/dir'));
    writeFileSync(join(root, 'net/dir/d.c'), 'fn d_new\n');
    writeFileSync(join(root, 'net/dir/skip.txt'), 'fn nope\n');
    rmSync(join(root, 'net/a.c'));
    const r = await ws.addOrChangeFiles([join(root, 'net/c.c'), 'net/dir', 'net/a.c', 'net/b.c']);
    assert.deepEqual(r, { extracted: 2, removed: 1 });
    assert.deepEqual(ws.index.files(), ['net/b.c', 'net/c.c', 'net/dir/d.c', 'net/sub/helper.h']);
    assert.deepEqual(
      ws.index.callersOf('helper').map((e) => e.caller),
      ['c_new'],
    );
  } finally {
    ws.dispose();
  }
});

test('a folder created later is filtered as the first walk would: root-relative globs, one exclusion rule', async () => {
  const root = tree(base);
  const ws = await open(root, { exclude: ['Documentation/**', '**/build'] });
  try {
    // `Documentation/**` names the top-level folder only; relative to `drivers` it would
    // have pruned drivers/Documentation. `**/build` excludes the folder and all below it.
    for (const f of [
      'drivers/a.c',
      'drivers/Documentation/x.c',
      'net/build/y.c',
      'net/build/z/w.c',
    ])
      mkdirSync(dirname(join(root, f)), { recursive: true });
    for (const f of [
      'drivers/a.c',
      'drivers/Documentation/x.c',
      'net/build/y.c',
      'net/build/z/w.c',
    ])
      writeFileSync(join(root, f), `fn f_${f.length}\n`);
    await ws.addOrChangeFiles(['drivers', 'net/build', 'net/build/z']);
    const files = ws.index.files();
    assert.ok(files.includes('drivers/a.c'));
    assert.ok(files.includes('drivers/Documentation/x.c'), files.join(' '));
    assert.ok(!files.some((f) => f.startsWith('net/build/')), files.join(' '));
    await ws.addOrChangeFiles(['net/build/y.c']);
    assert.ok(!ws.index.files().includes('net/build/y.c'));
  } finally {
    ws.dispose();
  }
});

test('an open document is re-indexed from its unsaved text', async () => {
  const root = tree(base);
  const ws = await open(root);
  const docs = await FactsPipeline.create({ extractor: extractLines });
  try {
    edit(ws, docs, 'net/a.c', 'fn a_send\ncall a_send other\n');
    assert.deepEqual(
      ws.index.calleesOf('a_send').map((e) => e.callee),
      ['other'],
    );
    assert.deepEqual(ws.index.callersOf('b_sendmsg'), []);
  } finally {
    ws.dispose();
  }
});

test('aborting stops the workers even while they are stuck in a parse', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 6; i++) files[`s${i}.c`] = `fn s${i}\nspin 60000\n`;
  const root = tree(files);
  const pool = new ExtractPool({ size: 2, extractorModule: lineExtractor });
  const ac = new AbortController();
  let got = 0;
  const job = pool.run({
    root,
    // Sizes over the batch budget: one file per batch, so both workers get one.
    files: Object.keys(files).map((p) => ({ path: p, size: 300 * 1024, mtimeMs: 0 })),
    maxFileBytes: 1e6,
    signal: ac.signal,
    onFacts: (b) => (got += b.files.length),
  });
  // Let both workers start spinning, then cancel (closing the folder).
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(pool.liveWorkers, 2);
  ac.abort(new Error('folder closed'));
  await assert.rejects(job, /folder closed/);
  // A spinning worker only stops if it is terminated, not asked: wait (bounded) for the exits.
  for (let i = 0; i < 100 && pool.liveWorkers > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(pool.liveWorkers, 0);
  assert.equal(got, 0);
});

test('a file that kills its worker is reported with a reason; the rest of its batch is indexed', async () => {
  const root = tree({
    ...base,
    'net/crash.c': 'fn before_crash\ncrash\n',
  });
  const logs: string[] = [];
  const ws = await open(root, { log: (l) => logs.push(l) });
  try {
    assert.deepEqual(ws.index.files(), ['net/a.c', 'net/b.c', 'net/crash.c', 'net/sub/helper.h']);
    assert.match(ws.index.facts('net/crash.c')!.problems[0]!, /worker died on this file twice/);
    assert.deepEqual(
      ws.index.calleesOf('a_send').map((e) => e.callee),
      ['b_sendmsg', 'helper'],
    );
    assert.ok(logs.some((l) => l.startsWith('net/crash.c: not indexed: ')));
  } finally {
    ws.dispose();
  }
});

test('WorkspaceIndex.open rejects with the abort reason', async () => {
  const root = tree(base);
  const ac = new AbortController();
  const opening = open(root, {
    signal: ac.signal,
    onProgress: (p) => {
      if (p.phase === 'extract') ac.abort(new Error('folder closed'));
    },
  });
  await assert.rejects(opening, /folder closed/);
});

test('the real extractor through the workers gives the same index as a warm cache', async () => {
  const root = join(__dirname, '..', 'fixtures', 'tree-ops');
  const cacheDir = join(tmp, `cache${n++}`);
  const cold = await WorkspaceIndex.open(root, { cacheDir, workers: 2 });
  cold.dispose();
  const warm = await WorkspaceIndex.open(root, { cacheDir, workers: 2 });
  warm.dispose();
  assert.equal(warm.report.cache, 'hit');
  assert.deepEqual(warm.index.stats(), cold.index.stats());
  for (const fn of ['sock_sendmsg', 'sock_recvmsg', 'tcp_sendmsg', 'check_room']) {
    assert.deepEqual(warm.index.calleesOf(fn), cold.index.calleesOf(fn), fn);
    assert.deepEqual(warm.index.callersOf(fn), cold.index.callersOf(fn), fn);
  }
  assert.deepEqual(
    cold.index.callersOf('tcp_sendmsg').map((e) => `${e.caller}:${e.via}`),
    ['sock_sendmsg:ops:proto.sendmsg'],
  );
});

test('an edited document reparses incrementally and matches a fresh extraction of the text', async () => {
  const root = join(__dirname, '..', 'fixtures', 'tree-ops');
  const ws = await WorkspaceIndex.open(root, { workers: 1 });
  const docs = await FactsPipeline.create();
  try {
    const path = 'net/tcp_lite.c';
    let text = readFileSync(join(root, path), 'utf8');
    const fresh = await FactsPipeline.create();
    const extract = (p: string, t: string) => fresh.facts(p, t);
    const strip = (f: FileFacts) => ({ ...f, mtimeMs: 0, hash: '', size: 0 });
    // Three one-character edits in a row, each reparsed from the previous tree.
    for (const [from, to] of [
      ['tcp_close(struct', 'tcp_closX(struct'],
      ['.close\t\t= tcp_close', '.close\t\t= tcp_closX'],
      ['return size;', 'return sizf;'],
    ] as const) {
      text = text.replace(from, to);
      const got = edit(ws, docs, path, text);
      assert.deepEqual(strip(got), strip(extract(path, text)));
      assert.deepEqual(got, extract(path, text), 'the same size and hash as the file would have');
    }
    assert.deepEqual(
      ws.index.callersOf('tcp_closX').map((e) => `${e.caller}:${e.via}`),
      ['sock_close:ops:proto.close'],
    );
    assert.deepEqual(ws.index.functionDefs('tcp_close'), []);
  } finally {
    ws.dispose();
  }
});

test('file problems reach onProblem as (file, reason), also for a path with ": " in it', async () => {
  const root = tree({
    ...base,
    'net/odd: big.c': 'fn big\n' + 'x'.repeat(5000),
    'net/odd: bin.c': Buffer.from([0x66, 0x6e, 0x20, 0x62, 0, 1, 2]),
  });
  const problems: [string, string][] = [];
  const logs: string[] = [];
  const ws = await open(root, {
    maxFileBytes: 1000,
    onProblem: (file, reason) => problems.push([file, reason]),
    log: (l) => logs.push(l),
  });
  try {
    const byFile = new Map(problems);
    assert.match(
      byFile.get('net/odd: big.c') ?? '',
      /^5007 bytes is over the limit of 1000 bytes$/,
    );
    assert.match(byFile.get('net/odd: bin.c') ?? '', /binary/);
    assert.deepEqual(logs, [], 'file problems do not also go to the log');
  } finally {
    ws.dispose();
  }
});

test('an edited-and-saved document: its facts are written to the cache and survive a reload', async () => {
  // The extension's path: WorkspaceEngine builds the index, the document worker's facts come
  // in through setPackedFacts, and the index service's timer calls saveCache.
  const root = tree({
    'net/a.c': 'int a_send(void)\n{\n\treturn a_old();\n}\n',
    'net/b.c': 'int b_send(void)\n{\n\treturn 0;\n}\n',
  });
  const cacheDir = join(root, '..', `cache${n++}`);
  const opts = engineOptions();
  const edited = 'int a_send(void)\n{\n\treturn a_edited();\n}\n';
  const engine = new WorkspaceEngine(root, cacheDir);
  const docs = await FactsPipeline.create();
  try {
    await engine.build(opts);
    const r = docs.document('net/a.c', edited);
    const { batch } = packBatch([r.facts]);
    engine.setPackedFacts(batch.files[0]!, batch.strings);
    writeFileSync(join(root, 'net/a.c'), edited); // the user saves
    await engine.saveCache();
  } finally {
    engine.dispose();
    docs.dispose();
  }
  const again = new WorkspaceEngine(root, cacheDir);
  try {
    const built = await again.build(opts);
    assert.deepEqual(
      again.index.calleesOf('a_send').map((e) => e.callee),
      ['a_edited'],
    );
    // Both files from the cache (the edited one by its content hash), none parsed again.
    assert.equal(built.parsedFiles, 0);
    assert.equal(built.cachedFiles, 2);
  } finally {
    again.dispose();
  }
});
