// The kernel-macro pre-pass keeps every offset: same length, same newlines, on random
// kernel-ish inputs (fast-check) and on each idiom it rewrites; and the rewrites themselves.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { preprocess } from '../../src/parse/preprocess';

const PIECES = [
  'static ',
  'int ',
  'void ',
  'struct sock *sk',
  '__init ',
  '__releases(x) ',
  '__acquires(&l)',
  'noinline ',
  '__attribute__((unused)) ',
  '__aligned(8)',
  'EXPORT_SYMBOL(tcp_x);\n',
  'list_for_each_entry(pos, head, member) ',
  'skb_queue_walk(q, skb)\n',
  'hlist_for_each(n, h) {',
  'SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)\n',
  'BPF_CALL_2(f, struct sock *, sk, int, x)',
  'DEFINE_PER_CPU(struct foo, bar);\n',
  'struct_group(hdr, int a; int b;);\n',
  'container_of(p, struct sock, sk_node)',
  '#ifdef CONFIG_X\n',
  '#if 0\n',
  '#else\n',
  '#endif\n',
  '#define M(a) \\\n  a\n',
  '{',
  '}',
  '(',
  ')',
  ';',
  ',',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '/* c */',
  '// c\n',
  '"str\\"ing"',
  "'\\''",
  'é',
  '😀',
  'x',
  'else ',
  'if (a) ',
  'for_nexthops(fi) {',
  '/*',
  '"',
];

/** `input` with each of `parts` (first occurrence) replaced by spaces, newlines kept. */
function blanked(input: string, ...parts: string[]): string {
  let out = input;
  for (const p of parts) {
    const at = out.indexOf(p);
    assert.ok(at >= 0, p);
    out = out.slice(0, at) + p.replace(/[^\n]/g, ' ') + out.slice(at + p.length);
  }
  return out;
}

function same(input: string): void {
  const out = preprocess(input).text;
  assert.equal(out.length, input.length);
  for (let k = 0; k < input.length; k++) {
    const a = input.charCodeAt(k);
    const b = out.charCodeAt(k);
    if (a === 10 || a === 13 || b === 10 || b === 13) assert.equal(b, a, `newline at ${k}`);
  }
}

describe('preprocess', () => {
  it('preserves length and newlines on random kernel-ish inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }), (parts) => {
        same(parts.join(''));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('preserves length and newlines on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => same(s)),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('returns the input itself when there is nothing to rewrite', () => {
    const src = 'int f(int a)\n{\n\treturn a + 1;\n}\n';
    const r = preprocess(src);
    assert.equal(r.edits, 0);
    assert.equal(r.text, src);
  });

  const cases: [string, string, string][] = [
    ['annotation words', 'static int __init __cold f(void)', 'static int               f(void)'],
    [
      'annotation calls',
      'void f(void) __releases(&sk->lock)\n{',
      blanked('void f(void) __releases(&sk->lock)\n{', '__releases(&sk->lock)'),
    ],
    [
      'attribute',
      'int x __attribute__((aligned(8)));',
      blanked('int x __attribute__((aligned(8)));', '__attribute__((aligned(8)))'),
    ],
    ['EXPORT_SYMBOL', 'EXPORT_SYMBOL_GPL(tcp_x);\nint y;', '                         \nint y;'],
    [
      'loop-head macro',
      'void f(void)\n{\n\tlist_for_each_entry(p, h, m) {\n',
      'void f(void)\n{\n\twhile              (p, h, m) {\n',
    ],
    [
      'block macro',
      'void f(void)\n{\n\tfor_nexthops(fi) {\n',
      'void f(void)\n{\n\twhile       (fi) {\n',
    ],
    ['short block macro', 'void f(void)\n{\n\tfoo(x) {\n', 'void f(void)\n{\n\tif (x) {\n'],
    [
      'a call is kept',
      'void f(void)\n{\n\tfoo_for_each(x);\n',
      'void f(void)\n{\n\tfoo_for_each(x);\n',
    ],
    [
      'SYSCALL_DEFINE',
      'SYSCALL_DEFINE2(listen, int, fd, int, backlog)\n{',
      'SYSCALL_DEFINE2(listen)(int  fd, int  backlog)\n{',
    ],
    ['per-cpu', 'DEFINE_PER_CPU(int, tcp_x);', '               int  tcp_x ;'],
    [
      'struct_group',
      'struct_group(h, int a; int b;);',
      blanked('struct_group(h, int a; int b;);', 'struct_group(h,', ');'),
    ],
    ['container_of', 'container_of(p, struct sock, m)', 'container_of(p,        sock, m)'],
    [
      '#if 0',
      '#if 0\nint f(void) { }\n#endif\n',
      blanked('#if 0\nint f(void) { }\n#endif\n', 'int f(void) { }'),
    ],
    [
      'unbalanced #else',
      '{\n#ifdef A\n\tif (a) {\n#else\n\tif (b) {\n#endif\n\t}\n}',
      '{\n        \n\tif (a) {\n     \n         \n      \n\t}\n}',
    ],
    [
      'else-first conditional',
      '{\n\tif (a)\n\t\tx();\n#if B\n\telse if (b)\n\t\ty();\n#endif\n}',
      '{\n\tif (a)\n\t\tx();\n     \n\telse if (b)\n\t\ty();\n      \n}',
    ],
    ['strings and comments untouched', '"__init" /* __init */ x', '"__init" /* __init */ x'],
  ];
  for (const [name, input, expected] of cases) {
    it(`rewrites: ${name}`, () => {
      assert.equal(preprocess(input).text, expected);
      same(input);
    });
  }

  // Issue 15.3: `f(a;` at file scope is tried as an unterminated macro invocation, whose `(`
  // never closes. The parenthesis matcher used to rescan the rest of the file at every line.
  const parenWork = (src: string): number => {
    const stats = { parenScan: 0 };
    preprocess(src, stats);
    return stats.parenScan;
  };
  const shapes: [string, (n: number) => string][] = [
    ['unclosed invocations, one a line', (n) => 'f(a;\n'.repeat(n)],
    ['invocations closed at the end of one line', (n) => 'f(a;'.repeat(n) + ')'.repeat(n)],
    ['nested block-head candidates', (n) => '{ xy; fn((x)'.repeat(n) + ')'.repeat(n)],
  ];
  for (const [name, make] of shapes) {
    it(`matches parentheses in linear work: ${name}`, () => {
      const small = parenWork(make(2000));
      const large = parenWork(make(8000));
      assert.ok(small > 0);
      assert.ok(large / small <= 5, `4x the input, ${(large / small).toFixed(1)}x the work`);
    });
  }

  it('reads nested type-argument macros in linear work', () => {
    // container_of(container_of(...(p, struct t, m)..., struct t, m): each inner argument
    // list lies inside the outer one, whose keywords were blanked by the outer scan.
    const make = (n: number) =>
      `int x = ${'container_of('.repeat(n)}p${', struct t, m)'.repeat(n)};\n`;
    const work = (src: string) => {
      const stats = { parenScan: 0, typeArgScan: 0 };
      const r = preprocess(src, stats);
      assert.ok(!r.text.includes('struct'));
      return stats.typeArgScan;
    };
    const small = work(make(1000));
    const large = work(make(4000));
    assert.ok(small > 0);
    assert.ok(large / small <= 5, `4x the input, ${(large / small).toFixed(1)}x the work`);
  });

  it('pre-processes 2 MB of unclosed invocations', () => {
    const src = 'f(a;\n'.repeat(400_000);
    const work = parenWork(src);
    assert.ok(work <= 4 * src.length, `${work} characters scanned for ${src.length}`);
    assert.equal(preprocess(src).text.length, src.length);
  });
});
