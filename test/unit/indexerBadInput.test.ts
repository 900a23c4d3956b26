// Issue 8, bad input through the INDEXER (test/unit/badInput.test.ts covers extractFacts alone):
// a tree mixing good C files with 400 mutants (truncated, random bytes, NUL, invalid UTF-8,
// CRLF), a binary object, a file over the size limit, a 100k-line generated file and a
// megabyte-long line goes through WorkspaceIndex with the real extractor in worker threads.
// Nothing throws, every bad file is indexed partially or skipped with a reason in the log (the
// SKLens output channel), and the good files' facts equal those of an index of the good files
// alone. The longest single-file parse is measured and printed, never asserted.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { FactsPipeline } from '../../src/index/pipeline';
import { WorkspaceIndex } from '../../src/index/workspaceIndex';

const fixturesDir = join(__dirname, '..', 'fixtures');
const seeds = readdirSync(fixturesDir)
  .filter((n) => n.endsWith('.c'))
  .sort()
  .map((n) => ({ name: n, bytes: readFileSync(join(fixturesDir, n)) }));

const MUTANTS = 400;
const LIMIT_BYTES = 2 * 1024 * 1024;

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const SNIPPETS = ['{', '}', '(', ')', '/*', '"', '#if 0\n', '#endif\n', '\\\n', 'struct {'].map(
  (s) => Buffer.from(s),
);

/** A byte-level mutant: truncation, random bytes (invalid UTF-8, NUL), token noise, CRLF. */
function mutate(src: Buffer, rand: () => number): Buffer {
  let b = src;
  const ops = 1 + Math.floor(rand() * 6);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rand() * (b.length + 1));
    switch (Math.floor(rand() * 6)) {
      case 0:
        b = b.subarray(0, at);
        break;
      case 1: {
        const junk = Buffer.alloc(1 + Math.floor(rand() * 24));
        for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(rand() * 256);
        b = Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
        break;
      }
      case 2:
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          b.subarray(at),
        ]);
        break;
      case 3:
        b = Buffer.concat([
          b.subarray(0, at),
          SNIPPETS[Math.floor(rand() * SNIPPETS.length)]!,
          b.subarray(at),
        ]);
        break;
      case 4:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + Math.floor(rand() * 60))]);
        break;
      default:
        b = Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    }
  }
  return b;
}

/** 100,000 lines: 20,000 five-line functions. */
function generated(): string {
  let s = '';
  for (let k = 0; k < 20000; k++) s += `int gen_${k}(void)\n{\n\treturn ${k};\n}\n\n`;
  return s;
}

const tmp = mkdtempSync(join(tmpdir(), 'sklens-badidx-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(tmp, 'tree');
const bad = new Map<string, Buffer>();

function put(rel: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

before(() => {
  for (const s of seeds) put(`good/${s.name}`, s.bytes);
  const rand = rng(8);
  for (let k = 0; k < MUTANTS; k++) {
    const m = mutate(seeds[k % seeds.length]!.bytes, rand);
    bad.set(`fuzz/m${k}.c`, m);
  }
  bad.set(
    'odd/blob.c',
    Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0\0\0'), Buffer.alloc(4096, 7)]),
  );
  bad.set('odd/huge.c', Buffer.from('int over_the_limit;\n'.repeat(LIMIT_BYTES / 20 + 1)));
  bad.set(
    'odd/utf8.c',
    Buffer.concat([
      Buffer.from('/* caf'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(' */\nint after_bad_utf8(void)\n{\n\treturn 1;\n}\n'),
    ]),
  );
  bad.set(
    'odd/crlf.c',
    Buffer.from(
      'int crlf_a(void)\r\n{\r\n\treturn 0;\r\n}\r\n\r\nint crlf_b(void)\r\n{\r\n\treturn crlf_a();\r\n}\r\n',
    ),
  );
  bad.set('odd/generated.c', Buffer.from(generated()));
  bad.set(
    'odd/longline.c',
    Buffer.from(
      `static const int table[] = { ${'1, '.repeat(350_000)}1 };\nint after_long_line(void) { return table[0]; }\n`,
    ),
  );
  // A NUL past the first 8000 bytes (git's window): the guard checks the whole file.
  bad.set(
    'odd/late_nul.c',
    Buffer.from(
      `${'/* pad */\n'.repeat(900)}int before_nul;\0\nint after_nul(void) { return 0; }\n`,
    ),
  );
  for (const [p, b] of bad) put(p, b);
});

test('bad files are indexed partially or skipped with a reason; the good files stay intact', async () => {
  const log: string[] = [];
  const ws = await WorkspaceIndex.open(root, {
    workers: 2,
    maxFileBytes: LIMIT_BYTES,
    log: (l) => log.push(l),
  });
  const good = await WorkspaceIndex.open(root, {
    workers: 1,
    maxFileBytes: LIMIT_BYTES,
    include: ['good/**/*.c'],
  });
  try {
    const r = ws.report;
    assert.equal(r.files + r.skipped.length, seeds.length + bad.size);

    // Over the size limit: skipped by the walk, with the sizes in the reason.
    assert.deepEqual(
      r.skipped.map((s) => s.path),
      ['odd/huge.c'],
    );
    assert.match(r.skipped[0]!.reason, /over the limit of 2097152 bytes/);
    assert.ok(
      log.some((l) => /^skipped odd\/huge\.c: .*over the limit/.test(l)),
      log.join('\n'),
    );
    assert.equal(ws.index.facts('odd/huge.c'), undefined);

    // Binary: kept as an empty entry with its reason, and logged.
    assert.match(ws.index.facts('odd/blob.c')!.problems.join(), /binary/);
    assert.ok(log.some((l) => /^odd\/blob\.c: .*binary/.test(l)));

    const defs = (path: string) => ws.index.facts(path)!.functions.map((d) => d.name);
    assert.ok(defs('odd/utf8.c').includes('after_bad_utf8'));
    assert.ok(
      log.some((l) => /^odd\/utf8\.c: .*invalid UTF-8/.test(l)),
      'invalid UTF-8 logged',
    );
    const crlf = ws.index.facts('odd/crlf.c')!.functions;
    assert.deepEqual(
      crlf.map((d) => `${d.name}:${d.nameSpan.line}`),
      ['crlf_a:0', 'crlf_b:5'],
    );
    assert.deepEqual(
      ws.index.callersOf('crlf_a').map((e) => e.caller),
      ['crlf_b'],
    );
    assert.equal(defs('odd/generated.c').length, 20000);
    // A 1 MB line: indexed, or (on a slow or loaded machine) stopped at the per-file bound
    // on pre-pass + parse + extract with that reason; never a hang.
    const longline = ws.index.facts('odd/longline.c')!;
    assert.ok(
      defs('odd/longline.c').includes('after_long_line') ||
        /^not indexed: over the \d+ ms bound/.test(longline.problems.join()),
      longline.problems.join(),
    );
    // A NUL anywhere makes the file binary to the extractor (tree-sitter would stop there).
    assert.match(ws.index.facts('odd/late_nul.c')!.problems.join(), /binary/);
    assert.ok(log.some((l) => /^odd\/late_nul\.c: .*binary/.test(l)));

    // Every mutant has an entry (partial facts or a reason); none failed extraction outright.
    let partial = 0;
    let binary = 0;
    let withFunctions = 0;
    for (let k = 0; k < MUTANTS; k++) {
      const f = ws.index.facts(`fuzz/m${k}.c`);
      assert.ok(f, `fuzz/m${k}.c has no entry`);
      assert.ok(!f.problems.some((p) => p.startsWith('extraction failed')), f.problems.join());
      for (const d of f.functions) assert.ok(d.name.length > 0 && d.span.line <= d.span.endLine);
      if (f.problems.some((p) => /binary/.test(p))) binary++;
      else if (f.problems.length > 0) partial++;
      if (f.functions.length > 0) withFunctions++;
      for (const p of f.problems) assert.ok(log.includes(`fuzz/m${k}.c: ${p}`), `unlogged: ${p}`);
    }
    assert.ok(partial > 0 && withFunctions > MUTANTS / 2, `${partial} partial, ${withFunctions}`);

    // The rest of the index is intact: the good files' facts equal those of a clean index.
    for (const s of seeds) {
      const p = `good/${s.name}`;
      assert.deepEqual(ws.index.facts(p), good.index.facts(p), p);
    }
    console.log(
      `indexer fuzz: ${MUTANTS} mutants (${partial} partial with a reason, ${binary} skipped as ` +
        `binary, ${withFunctions} with functions), ${bad.size - MUTANTS} pathological files, ` +
        `${r.skipped.length} skipped by size; ${r.files} files indexed in ${r.ms.toFixed(0)} ms`,
    );
  } finally {
    ws.dispose();
    good.dispose();
  }
});

test('longest single-file parse of the pathological files (measured, printed, not asserted)', async () => {
  // In process, one file at a time: the worker pool does not report per-file times. The
  // mutants are fixture-sized; the pathological files are where parse time goes.
  const pipe = await FactsPipeline.create();
  const extract = (p: string, c: Uint8Array | string) => pipe.facts(p, c);
  let longest = { ms: 0, path: '' };
  let files = 0;
  for (const [p, b] of bad) {
    if (b.length > LIMIT_BYTES || p.startsWith('fuzz/')) continue;
    const t0 = performance.now();
    const f = extract(p, b);
    const ms = performance.now() - t0;
    files++;
    assert.equal(f.path, p);
    if (ms > longest.ms) longest = { ms, path: p };
  }
  console.log(
    `longest parse+extract seen: ${longest.ms.toFixed(0)} ms (${longest.path}) over ${files} pathological files`,
  );
  assert.ok(longest.path !== '');
});
