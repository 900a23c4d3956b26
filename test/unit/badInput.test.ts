// Bad input through the parser and extractFacts (issue 8, "Bad input"): mutated kernel-style
// C (truncated, random bytes, deep nesting, CRLF, megabyte lines, NUL bytes, invalid UTF-8,
// huge generated files) never throws or hangs; binary and oversized files are skipped with a
// reason, invalid UTF-8 is decoded with replacement and said so, and a parse over its time
// bound is abandoned with a reason.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { extractFacts } from '../../src/index/pipeline';
import { createParser, type Parser } from '../../src/parse/treeSitter';

const fixturesDir = join(__dirname, '..', 'fixtures');
const seeds = readdirSync(fixturesDir)
  .filter((n) => n.endsWith('.c'))
  .map((n) => readFileSync(join(fixturesDir, n), 'utf8'));

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  ';',
  '#if 0\n',
  '#else\n',
  '#endif\n',
  '/*',
  '"',
  "'",
  '\\\n',
  'list_for_each_entry(a, b, c) {',
  'SYSCALL_DEFINE1(x, int, a)',
  '__attribute__((',
  '->',
  '\r\n',
  'INDIRECT_CALL_2(f, a, b, x)',
  'struct_group(g,',
  'container_of(p, struct',
  '\u{1F600}',
  '\uD800',
];

function mutate(src: string, rand: () => number): string {
  let s = src;
  const ops = 1 + Math.floor(rand() * 8);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rand() * (s.length + 1));
    switch (Math.floor(rand() * 5)) {
      case 0:
        s = s.slice(0, at); // truncated
        break;
      case 1:
        s = s.slice(0, at) + TOKENS[Math.floor(rand() * TOKENS.length)] + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + Math.floor(rand() * 40));
        break;
      case 3: {
        let junk = '';
        for (let j = 0; j < 20; j++) junk += String.fromCharCode(1 + Math.floor(rand() * 0xfffe));
        s = s.slice(0, at) + junk + s.slice(at);
        break;
      }
      default:
        s = s.replace(/\n/g, '\r\n');
    }
  }
  return s;
}

describe('bad input', () => {
  let parser: Parser;
  before(async () => {
    parser = await createParser();
  });

  it('survives 2000 mutated files without throwing, facts well-formed', () => {
    const rand = rng(1234);
    let partial = 0;
    for (let k = 0; k < 2000; k++) {
      const src = mutate(seeds[k % seeds.length], rand);
      const f = extractFacts(`fuzz${k}.c`, src, parser, { timeoutMs: 2000 });
      assert.equal(f.path, `fuzz${k}.c`);
      for (const d of f.functions) assert.ok(d.name.length > 0 && d.span.line <= d.span.endLine);
      for (const c of f.calls) assert.ok(c.callee.length > 0);
      if (f.problems.length > 0) partial++;
      assert.ok(!f.problems.some((p) => p.startsWith('extraction failed')), f.problems.join('; '));
    }
    assert.ok(partial > 0, 'some mutants are reported as partial parses');
  });

  it('survives deep nesting, megabyte lines and a 100k-line generated file', () => {
    const deep = `int f(void) { return ${'('.repeat(50000)}1${')'.repeat(50000)}; }\n`;
    const braces = `void g(void) ${'{'.repeat(20000)}${'}'.repeat(20000)}\n`;
    const longLine = `int x = ${'1 + '.repeat(300000)}1;\n`;
    let big = '';
    for (let k = 0; k < 100000; k++) big += `int v${k}(void) { return w${k}(${k}); }\n`;
    for (const [name, src] of [
      ['deep', deep],
      ['braces', braces],
      ['long line', longLine],
      ['generated', big],
    ] as const) {
      const f = extractFacts(`${name}.c`, src, parser, { maxBytes: 16 << 20, timeoutMs: 60_000 });
      assert.ok(
        !f.problems.some((p) => p.startsWith('extraction failed')),
        `${name}: ${f.problems}`,
      );
      if (name === 'generated') assert.equal(f.functions.length, 100000);
    }
  });

  it('abandons a parse over its time bound, with a reason', () => {
    let big = '';
    for (let k = 0; k < 20000; k++) big += `int v${k}(void) { return w${k}(${k}); }\n`;
    const f = extractFacts('slow.c', big, parser, { timeoutMs: 0.001 });
    assert.equal(f.functions.length, 0);
    assert.match(
      f.problems.join(),
      /^not indexed: over the 0.001 ms bound for pre-pass \+ parse \+ extract/,
    );
    // The parser is usable afterwards.
    const g = extractFacts('ok.c', 'int ok(void) { return 0; }\n', parser);
    assert.deepEqual(
      g.functions.map((d) => d.name),
      ['ok'],
    );
  });

  it('skips binary files and oversized files, and decodes invalid UTF-8 with replacement', () => {
    const bin = extractFacts('a.o', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]), parser);
    assert.match(bin.problems.join(), /binary/);
    const nulText = extractFacts('b.c', 'int a;\0int b;', parser);
    assert.match(nulText.problems.join(), /binary/);
    const huge = extractFacts('c.c', 'int a;\n'.repeat(1000), parser, { maxBytes: 100 });
    assert.match(huge.problems.join(), /over the limit of 100 bytes/);
    assert.equal(huge.functions.length, 0);
    const bad = Buffer.concat([
      Buffer.from('int caf'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('(void) { return 0; }\nint ok(void) { return 1; }\n'),
    ]);
    const f = extractFacts('d.c', bad, parser);
    assert.match(f.problems.join(), /invalid UTF-8/);
    assert.ok(f.functions.some((d) => d.name === 'ok'));
  });
});
