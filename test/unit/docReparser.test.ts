// The incremental reparse of open documents (PARSE's tree cache + collect): an edit storm whose
// facts after every edit must equal a fresh parse of the same text (issue 8: "afterwards the
// index equals a fresh index of the same files").
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { CollectMemos } from '../../src/index/extract';
import { extractFacts, FactsPipeline } from '../../src/index/pipeline';
import { createParser, type Parser } from '../../src/parse/treeSitter';

const fixture = readFileSync(join(__dirname, '../fixtures/nav/edit_storm.c'), 'utf8');
const opts = { maxBytes: 1 << 22, timeoutMs: 10_000 };

let incParser: Parser;
let freshParser: Parser;
before(async () => {
  incParser = await createParser();
  freshParser = await createParser();
});

/** Deterministic pseudo-random numbers (a 32-bit LCG), so a failure is reproducible. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const SNIPPETS = [
  'x',
  ';',
  '{',
  '}',
  ')',
  '(',
  '\n',
  'dk->dk_sndbuf = 1;\n',
  '#else\n',
  '/*',
  '*/',
  'static int demo_new(struct demo_sock *dk)\n{\n\treturn demo_push(dk);\n}\n',
  'INDIRECT_CALL_1(',
  '"',
  // File-scope state that later functions read: a struct's field types, a global's tag.
  'struct demo_peer { struct demo_sock *dk; int dk_sndbuf; };\n',
  'static struct demo_sock *demo_global;\n',
  'demo_global->dk_sndbuf = 2;\n',
];

test('after every edit of a storm the incremental facts equal a fresh parse', () => {
  const r = new FactsPipeline(incParser);
  let text = fixture;
  const next = rng(0x5eed);
  let incremental = 0;
  let reused = 0;
  let walked = 0;
  assert.equal(r.document('demo.c', text, opts).incremental, false);
  for (let k = 0; k < 150; k++) {
    const at = next(text.length + 1);
    const op = next(3);
    if (op === 0) text = text.slice(0, at) + SNIPPETS[next(SNIPPETS.length)] + text.slice(at);
    else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + next(12));
    else {
      // Undo-like: restore a region of the original, as typing back a deleted line does.
      const from = next(fixture.length);
      text = text.slice(0, at) + fixture.slice(from, from + next(40)) + text.slice(at);
    }
    const got = r.document('demo.c', text, opts);
    if (got.incremental) incremental++;
    reused += got.reusedNodes;
    walked += got.walkedNodes;
    const want = extractFacts('demo.c', text, freshParser, opts);
    assert.deepEqual(got.facts, want, `facts differ after edit ${k}`);
  }
  assert.ok(incremental > 100, `only ${incremental} of 150 reparses were incremental`);
  // The facts of unchanged top-level nodes were reused, not walked again.
  assert.ok(reused > 2 * walked, `${reused} top-level nodes reused, ${walked} walked`);
  // And back to the original text: the same facts as a fresh parse of the file.
  assert.deepEqual(
    r.document('demo.c', fixture, opts).facts,
    extractFacts('demo.c', fixture, freshParser, opts),
  );
  r.dispose();
});

test('the reparser finds the fixture idioms and keeps a bounded number of trees', () => {
  const r = new FactsPipeline(incParser, { documents: 2 });
  const f = r.document('demo.c', fixture, opts).facts;
  assert.deepEqual(
    f.functions.map((d) => d.name),
    ['demo_push_one', 'demo_push', 'demo_sendmsg', 'demo_close', 'demo_sock_sendmsg'],
  );
  assert.ok(f.calls.some((c) => c.via.kind === 'ops' && c.via.member === 'close'));
  assert.ok(f.calls.some((c) => c.via.kind === 'indirect' && c.callee === 'other_sendmsg'));
  assert.ok(f.fieldAccesses.some((a) => a.field === 'dk_wmem_queued' && a.access === 'write'));
  r.document('b.c', 'int b(void) { return 0; }\n', opts);
  r.document('c.c', 'int c(void) { return 0; }\n', opts);
  assert.equal(r.size, 2);
  const big = r.document('big.c', 'x'.repeat(100), { ...opts, maxBytes: 10 });
  assert.match(big.facts.problems[0]!, /100 bytes is over the limit of 10 bytes/);
  const nul = r.document('nul.c', 'int a;\0', opts);
  assert.match(nul.facts.problems[0]!, /binary/);
  r.dispose();
  assert.equal(r.size, 0);
});

test('collect memos are kept per document, the least recently updated dropped past capacity', () => {
  const memos = new CollectMemos(2);
  const a = memos.get('a.c');
  memos.get('b.c');
  assert.equal(memos.get('a.c'), a, 'the same memo for the same document');
  memos.get('c.c'); // b.c is now the least recently used
  assert.equal(memos.size, 2);
  assert.equal(memos.get('a.c'), a);
  assert.notEqual(memos.get('b.c'), undefined);
  assert.equal(memos.size, 2);
  memos.delete('a.c');
  assert.equal(memos.size, 1);
});
