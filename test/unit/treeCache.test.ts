// The tree cache: an incrementally reparsed tree equals a fresh parse of the same text, the
// edit derived from the pre-processed texts covers pre-pass changes far from the typed
// character, and evicted or replaced trees are deleted.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it, test } from 'node:test';
import { collect } from '../../src/index/extract';
import { emptyFacts } from '../../src/index/facts';
import { extractFacts } from '../../src/index/pipeline';
import { preprocess } from '../../src/parse/preprocess';
import { diffEdit, pointAt, TreeCache } from '../../src/parse/treeCache';
import { createParser, type Parser } from '../../src/parse/treeSitter';

const fixture = readFileSync(
  join(__dirname, '..', 'fixtures', 'basic_defs_calls_fields.c'),
  'utf8',
);

/** Deterministic pseudo-random numbers (xorshift), so a failure replays. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe('TreeCache', () => {
  let parser: Parser;
  before(async () => {
    parser = await createParser();
  });

  const fresh = (text: string): string => {
    const t = parser.parse(preprocess(text).text);
    assert.ok(t !== null);
    const s = t.rootNode.toString();
    t.delete();
    return s;
  };

  it('reparses 200 random edits (and their undos) to the tree a fresh parse gives', () => {
    const cache = new TreeCache(parser);
    const rand = rng(42);
    const inserts = [
      '{',
      '}',
      ';',
      'x',
      '\n',
      ' sk->a = 1;',
      '#else\n',
      '(',
      ')',
      'for_each_x(a) {',
    ];
    const original = fixture;
    const base = cache.update('file:///a.c', 0, original);
    assert.ok(base !== null && !base.rootNode.hasError, 'the fixture parses without errors');
    let version = 0;
    let compared = 0;
    for (let k = 0; k < 200; k++) {
      const at = Math.floor(rand() * original.length);
      const del = rand() < 0.5 ? Math.floor(rand() * 4) : 0;
      const ins = inserts[Math.floor(rand() * inserts.length)];
      const edited = original.slice(0, at) + ins + original.slice(at + del);
      const t1 = cache.update('file:///a.c', ++version, edited);
      assert.ok(t1 !== null);
      // Error recovery may legitimately differ between an incremental and a fresh parse;
      // error-free results may not.
      const f1 = fresh(edited);
      if (!f1.includes('ERROR') && !f1.includes('MISSING')) {
        assert.equal(t1.rootNode.toString(), f1, `edit ${k} at ${at}: ${JSON.stringify(ins)}`);
        compared++;
      }
      const t2 = cache.update('file:///a.c', ++version, original);
      assert.ok(t2 !== null);
      assert.equal(t2.rootNode.toString(), fresh(original), `undo of edit ${k} at ${at}`);
    }
    assert.ok(compared > 20, `enough error-free edits compared (${compared})`);
    cache.dispose();
  });

  it('a brace typed inside #ifdef re-blanks an #else branch far below', () => {
    const before = 'void f(void)\n{\n#ifdef A\n\tif (a)\n#else\n\tif (b)\n#endif\n\t\tg();\n}\n';
    const after = before
      .replace('if (a)', 'if (a) {')
      .replace('if (b)', 'if (b) {')
      .replace('g();\n', 'g();\n\t}\n');
    const cache = new TreeCache(parser);
    cache.update('u', 1, before);
    const t = cache.update('u', 2, after);
    assert.ok(t !== null);
    assert.equal(t.rootNode.toString(), fresh(after));
    assert.ok(!t.rootNode.hasError, 'the #else branch is blanked, so the tree has no error');
    cache.dispose();
  });

  it('returns the cached tree for a known version and deletes evicted trees', () => {
    const cache = new TreeCache(parser, { maxEntries: 2 });
    const a = cache.update('a', 1, 'int a;');
    assert.equal(cache.get('a', 1), a);
    assert.equal(cache.update('a', 1, 'ignored'), a);
    cache.update('b', 1, 'int b;');
    cache.update('c', 1, 'int c;');
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a', 1), undefined, 'least recently used document evicted');
    // A deleted tree throws (or is unusable) when touched: it must not be reachable.
    cache.delete('b');
    assert.equal(cache.get('b', 1), undefined);
    assert.equal(cache.size, 1);
    cache.dispose();
    assert.equal(cache.size, 0);
  });

  it('facts of a cached, incrementally edited tree equal extractFacts of the text', () => {
    const cache = new TreeCache(parser);
    cache.update('f', 1, fixture);
    const edited = fixture.replace('sk_mem_charge(sk,', 'sk_mem_uncharge(sk,');
    const tree = cache.update('f', 2, edited);
    assert.ok(tree !== null);
    const a = emptyFacts('f.c');
    collect(a, edited, tree.rootNode, parser);
    const b = extractFacts('f.c', edited, parser);
    assert.ok(a.calls.some((c) => c.callee === 'sk_mem_uncharge'));
    assert.deepEqual({ ...a, hash: '', size: 0 }, { ...b, hash: '', size: 0 });
    cache.dispose();
  });

  it('diffEdit and pointAt give tree-sitter edits in UTF-16 units', () => {
    assert.deepEqual(pointAt('ab\ncé\nx', 6), { row: 2, column: 0 });
    assert.deepEqual(pointAt('ab\ncé\nx', 5), { row: 1, column: 2 });
    assert.equal(diffEdit('same', 'same'), null);
    const e = diffEdit('int a;\nint b;\n', 'int a;\nint bc;\n');
    assert.deepEqual(e, {
      startIndex: 12,
      oldEndIndex: 12,
      newEndIndex: 13,
      startPosition: { row: 1, column: 5 },
      oldEndPosition: { row: 1, column: 5 },
      newEndPosition: { row: 1, column: 6 },
    });
  });
});

test('diffEdit agrees with a character-by-character reference on random edits, block boundaries included', () => {
  const reference = (a: string, b: string) => {
    const max = Math.min(a.length, b.length);
    let pre = 0;
    while (pre < max && a[pre] === b[pre]) pre++;
    let suf = 0;
    while (suf < max - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
    return { startIndex: pre, oldEndIndex: a.length - suf, newEndIndex: b.length - suf };
  };
  let s = 12345;
  const rnd = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const alphabet = 'ab\n{};x';
  for (let k = 0; k < 500; k++) {
    const len = [0, 1, 511, 512, 513, 1024, 1500, 3000][rnd(8)]!;
    let a = '';
    for (let i = 0; i < len; i++) a += alphabet[rnd(alphabet.length)];
    const at = rnd(a.length + 1);
    const cut = rnd(5);
    const ins = alphabet.slice(0, rnd(4));
    const b = a.slice(0, at) + ins + a.slice(at + cut);
    const got = diffEdit(a, b);
    if (a === b) {
      assert.equal(got, null);
      continue;
    }
    const want = reference(a, b);
    assert.ok(got);
    assert.deepEqual(
      [got.startIndex, got.oldEndIndex, got.newEndIndex],
      [want.startIndex, want.oldEndIndex, want.newEndIndex],
      `case ${k}`,
    );
    assert.deepEqual(got.startPosition, pointAt(a, want.startIndex));
    assert.deepEqual(got.oldEndPosition, pointAt(a, want.oldEndIndex));
    assert.deepEqual(got.newEndPosition, pointAt(b, want.newEndIndex));
  }
});
