// The one text-to-facts entry point (src/index/pipeline.ts) and the worker around it (issues 14
// and 15): one guard for bytes and text, the time bound over pre-pass + parse + extract, a
// fresh parser after an error, files that turn into FIFOs or /dev/zero after the walk, and the
// pool's watchdog for a file stuck outside the parse.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emptyFacts, isFailed, type FileFacts } from '../../src/index/facts';
import { unpackFacts } from '../../src/index/packed';
import { FactsPipeline, guardContent } from '../../src/index/pipeline';
import { ExtractPool } from '../../src/index/pool';
import type { WalkedFile } from '../../src/index/walk';
import { readRegularFile } from '../../src/index/worker';

const tmp = mkdtempSync(join(tmpdir(), 'sklens-pipe-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const lineExtractor = join(__dirname, 'helpers', 'lineExtractor.ts');

const src = 'static int caf\u00e9_ok(void)\n{\n\treturn 0;\n}\n';

test('bytes and text of one file get the same guard: size in bytes, hash of the bytes', async () => {
  const pipe = await FactsPipeline.create();
  const fromBytes = pipe.facts('a.c', Buffer.from(src, 'utf8'));
  const fromText = pipe.facts('a.c', src);
  const fromDoc = pipe.document('a.c', src).facts;
  assert.deepEqual(fromText, fromBytes);
  assert.deepEqual(fromDoc, fromBytes);
  assert.equal(fromBytes.size, Buffer.byteLength(src), 'UTF-8 bytes, not UTF-16 units');
  // A NUL anywhere (here past 64 KiB) marks the content binary, for bytes and for text alike.
  const late = 'int a;\n'.repeat(10_000) + '\0';
  assert.match(guardContent('b.c', late, 1 << 20).facts.problems[0]!, /binary file/);
  assert.match(guardContent('b.c', Buffer.from(late), 1 << 20).facts.problems[0]!, /binary/);
  // The size limit counts bytes: 3 characters, 6 bytes.
  assert.match(guardContent('c.c', '\u00e9\u00e9\u00e9', 5).facts.problems[0]!, /6 bytes is over/);
  pipe.dispose();
});

test('the bound covers pre-pass + parse + extract: a file past it is a failure, not facts', async () => {
  // A clock that moves 600 ms each time it is read: the parse itself is quick, but the whole
  // file is over a 1000 ms bound by the end of the collect.
  let t = 0;
  const pipe = await FactsPipeline.create({ now: () => (t += 600) });
  const f = pipe.facts('a.c', src, { timeoutMs: 1000 });
  assert.deepEqual(f.functions, []);
  assert.ok(isFailed(f), f.problems.join());
  assert.match(f.problems.join(), /over the 1000 ms bound for pre-pass \+ parse \+ extract/);
  // Within the bound the same file gives its facts.
  const ok = pipe.facts('a.c', src, { timeoutMs: 1e9 });
  assert.deepEqual(
    ok.functions.map((d) => d.name),
    ['caf\u00e9_ok'],
  );
  assert.ok(!isFailed(ok));
});

test('after an error the file is retried once on a fresh parser', async () => {
  let calls = 0;
  const flaky = (path: string, text: string): FileFacts => {
    if (calls++ === 0) throw new Error('parser left in a bad state');
    const f = emptyFacts(path);
    f.functions.push({
      name: text.trim(),
      span: { line: 0, col: 0, endLine: 0, endCol: 1 },
      nameSpan: { line: 0, col: 0, endLine: 0, endCol: 1 },
      isStatic: false,
      isInline: false,
      kind: 'function',
    });
    return f;
  };
  const pipe = await FactsPipeline.create({ extractor: flaky });
  const f = pipe.facts('a.c', 'retried\n');
  assert.deepEqual(
    f.functions.map((d) => d.name),
    ['retried'],
  );
  assert.equal(pipe.replacedParsers, 1);
  // Failing twice is a failure with the reason.
  const always = await FactsPipeline.create({
    extractor: () => {
      throw new Error('broken');
    },
  });
  const g = always.facts('b.c', 'x\n');
  assert.ok(isFailed(g));
  assert.match(g.problems.join(), /on a fresh parser too: broken/);
});

test(
  'a file that became a FIFO or a /dev/zero symlink after the walk is read safely',
  { timeout: 60_000 },
  async () => {
    const root = join(tmp, 'types');
    mkdirSync(root);
    writeFileSync(join(root, 'ok.c'), 'fn ok\n');
    writeFileSync(join(root, 'grown.c'), 'fn grown\n'.repeat(100));
    // What the walk saw: three small regular files.
    const walked: WalkedFile[] = ['fifo.c', 'zero.c', 'grown.c', 'ok.c'].map((path) => ({
      path,
      size: 10,
      mtimeMs: 1,
    }));
    // What they are when the worker reads them.
    execFileSync('mkfifo', [join(root, 'fifo.c')]);
    symlinkSync('/dev/zero', join(root, 'zero.c'));
    assert.match(
      JSON.stringify(await readRegularFile(join(root, 'fifo.c'), 100)),
      /not a regular file \(a FIFO\)/,
    );
    const pool = new ExtractPool({ size: 1, extractorModule: lineExtractor });
    const got = new Map<string, FileFacts>();
    await pool.run({
      root,
      files: walked,
      maxFileBytes: 500,
      onFacts: (b) => {
        for (const f of b.files) got.set(f.path, unpackFacts(f, b.strings));
      },
    });
    pool.dispose();
    assert.match(got.get('fifo.c')!.problems.join(), /^skipped: not a regular file \(a FIFO\)$/);
    assert.match(
      got.get('zero.c')!.problems.join(),
      /^skipped: not a regular file \(a character device\)$/,
    );
    assert.match(
      got.get('grown.c')!.problems.join(),
      /^skipped: 900 bytes is over the limit of 500 bytes$/,
    );
    assert.deepEqual(
      got.get('ok.c')!.functions.map((d) => d.name),
      ['ok'],
    );
  },
);

test(
  'a file stuck outside the parse is stopped at the bound and reported, the rest indexed',
  { timeout: 60_000 },
  async () => {
    const root = join(tmp, 'stuck');
    mkdirSync(root);
    // `spin MS` busy-waits in the extractor, where no parse time bound can reach it.
    writeFileSync(join(root, 'a.c'), 'fn before\n');
    writeFileSync(join(root, 'stuck.c'), 'fn stuck\nspin 600000\n');
    writeFileSync(join(root, 'z.c'), 'fn after\n');
    const files = ['a.c', 'stuck.c', 'z.c'].map((path) => ({ path, size: 10, mtimeMs: 1 }));
    const pool = new ExtractPool({ size: 1, extractorModule: lineExtractor });
    const got = new Map<string, FileFacts>();
    await pool.run({
      root,
      files,
      maxFileBytes: 1000,
      timeoutMs: 200,
      onFacts: (b) => {
        for (const f of b.files) got.set(f.path, unpackFacts(f, b.strings));
      },
    });
    pool.dispose();
    const stuck = got.get('stuck.c')!;
    assert.ok(isFailed(stuck));
    assert.match(stuck.problems.join(), /over the 200 ms bound for pre-pass \+ parse \+ extract/);
    assert.deepEqual([...got.values()].flatMap((f) => f.functions.map((d) => d.name)).sort(), [
      'after',
      'before',
    ]);
  },
);
