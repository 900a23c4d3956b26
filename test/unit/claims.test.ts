import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkDocument, extractClaims, nameSimilarity, rewriteClaim } from '../../src/graph/claims';
import { fakeIndex } from './helpers/fakeIndex';
import { tcpFake } from './tcpFake';

const fixtures = join(__dirname, '../fixtures/claims');

test('the fake-tree sample document reproduces its answer key exactly', () => {
  const text = readFileSync(join(fixtures, 'fake-tcp.md'), 'utf8');
  const key = JSON.parse(
    readFileSync(join(fixtures, 'fake-tcp.expected.json'), 'utf8'),
  ) as unknown[];
  const got = checkDocument(tcpFake(), text).map((c) => ({
    subject: c.subject,
    kind: c.kind,
    object: c.object,
    status: c.status,
    actual: c.actual,
    successor: c.successor,
    evidence: c.evidence,
  }));
  assert.deepEqual(got, key);
});

test('claim forms: only from/by, by only, used by, uses, calls, lists with commas and and', () => {
  const forms: [string, string, string, string[]][] = [
    ['a_fn is called only from b_fn.', 'only_called_by', 'a_fn', ['b_fn']],
    ['a_fn is only called by b_fn.', 'only_called_by', 'a_fn', ['b_fn']],
    ['a_fn is called by only b_fn.', 'only_called_by', 'a_fn', ['b_fn']],
    ['`a_fn()` is called by b_fn, c_fn, and d_fn.', 'called_by', 'a_fn', ['b_fn', 'c_fn', 'd_fn']],
    ['a_fn is used by b_fn and c_fn.', 'called_by', 'a_fn', ['b_fn', 'c_fn']],
    ['b_fn and c_fn use a_fn.', 'called_by', 'a_fn', ['b_fn', 'c_fn']],
    ['b_fn uses a_fn.', 'called_by', 'a_fn', ['b_fn']],
    ['a_fn calls b_fn and c_fn when idle.', 'calls', 'a_fn', ['b_fn', 'c_fn']],
    ['a_fn (the slow path) is only called by b_fn.', 'only_called_by', 'a_fn', ['b_fn']],
    ['The socket is used by everyone.', '', '', []],
  ];
  for (const [text, kind, subject, object] of forms) {
    const got = extractClaims(text).map((c) => [c.kind, c.subject, c.object]);
    assert.deepEqual(got, kind ? [[kind, subject, object]] : [], text);
  }
});

test('two clauses in one sentence are two claims, with offsets and lines', () => {
  const text = 'intro line\nx_fn calls y_fn, and z_fn calls w_fn.';
  const got = extractClaims(text);
  assert.deepEqual(
    got.map((c) => [c.kind, c.subject, c.object, c.line]),
    [
      ['calls', 'x_fn', ['y_fn'], 1],
      ['calls', 'z_fn', ['w_fn'], 1],
    ],
  );
  assert.equal(text.slice(got[0]!.start, got[0]!.end), 'x_fn calls y_fn');
  assert.equal(text.slice(got[1]!.start, got[1]!.end), 'z_fn calls w_fn');
});

test('quick-fix sentences state what the tree says', () => {
  const r = checkDocument(tcpFake(), readFileSync(join(fixtures, 'fake-tcp.md'), 'utf8'));
  const by = (s: string) => r.find((c) => c.subject === s)!;
  assert.equal(rewriteClaim(by('tcp_clamp_window')), null);
  assert.equal(
    rewriteClaim(by('tcp_grow_window')),
    'tcp_grow_window is called by tcp_data_queue_ofo and tcp_event_data_recv.',
  );
  assert.equal(
    rewriteClaim(by('sk_stream_alloc_skb')),
    'tcp_stream_alloc_skb (formerly sk_stream_alloc_skb) is called by tcp_fragment, tcp_mtu_probe and tcp_sendmsg_locked.',
  );
  assert.equal(
    rewriteClaim(by('tcp_dma_try_early_copy')),
    'tcp_dma_try_early_copy no longer exists in this tree.',
  );
  assert.equal(rewriteClaim(by('tcp_sendmsg')), null);
});

test('name similarity counts shared words', () => {
  assert.equal(nameSimilarity('sk_stream_alloc_skb', 'tcp_stream_alloc_skb'), 3 / 5);
  assert.equal(nameSimilarity('a_b', 'c_d'), 0);
});

// Issue 15 item 4: extraction was quadratic (a line lookup from offset 0 per claim, and
// pattern scans over whole paragraphs). Work is counted, not timed: 4x the text must cost at
// most ~4x the steps.
function claimsDoc(claims: number): string {
  const out: string[] = [];
  for (let i = 0; i < claims; i++)
    out.push(`f_${i}_x is called only from g_${i}_y and h_${i}_z. k_${i} calls m_${i}_n.\n`);
  return out.join('');
}

/** One paragraph without a full stop: a name list with a `uses` every 50 names. */
function listDoc(names: number): string {
  const out: string[] = [];
  for (let i = 0; i < names; i++) out.push(i % 50 === 49 ? `a_${i}_b uses ` : `a_${i}_b, `);
  return out.join('');
}

test('claim extraction does linear work: 4x the claims cost at most ~4x the steps', () => {
  const small = { steps: 0 };
  const big = { steps: 0 };
  const a = extractClaims(claimsDoc(1000), small);
  const b = extractClaims(claimsDoc(4000), big);
  assert.equal(a.length, 2000);
  assert.equal(b.length, 8000);
  const ratio = big.steps / small.steps;
  assert.ok(ratio < 4.5, `steps ${small.steps} -> ${big.steps} (x${ratio.toFixed(2)})`);
  // Lines are still exact: each claim pair is on its own line.
  assert.deepEqual(
    b.slice(-2).map((c) => [c.subject, c.line]),
    [
      ['f_3999_x', 3999],
      ['k_3999', 3999],
    ],
  );
});

test('a paragraph without sentence breaks does linear work: 4x the text, at most ~4x the steps', () => {
  const small = { steps: 0 };
  const big = { steps: 0 };
  extractClaims(listDoc(5000), small);
  const claims = extractClaims(listDoc(20000), big);
  assert.ok(claims.length > 0, 'the `uses` claims inside the paragraph are still found');
  const ratio = big.steps / small.steps;
  assert.ok(ratio < 4.5, `steps ${small.steps} -> ${big.steps} (x${ratio.toFixed(2)})`);
});

test('successor search looks up name words: more functions in the tree cost steps once, not per claim', () => {
  // 500 claims about functions gone from the tree, checked against F and 4F unrelated ones.
  const doc = Array.from({ length: 500 }, (_, j) => `g${j}_qq_missing is called by h${j}_qq.\n`);
  const tree = (functions: number) =>
    fakeIndex({
      defs: Object.fromEntries(
        Array.from({ length: functions }, (_, i) => [
          `f${i}_part_${i % 10}`,
          `a.c:${i + 1}-${i + 1}`,
        ]),
      ),
      calls: [],
    });
  const work = (functions: number) => {
    const w = { steps: 0 };
    const r = checkDocument(tree(functions), doc.join(''), w);
    assert.equal(r.length, 500);
    assert.ok(r.every((c) => c.status === 'gone'));
    return w.steps;
  };
  const extra = work(8000) - work(2000);
  // Each added function is visited once while building the word index; a walk per gone claim
  // would cost 500 steps per added function.
  assert.ok(extra / 6000 < 4, `extra steps per added function: ${(extra / 6000).toFixed(1)}`);
});

test('successor search finds the same successor through the word index', () => {
  const ix = fakeIndex({
    defs: { tcp_stream_alloc_skb: 'a.c:1-5', tcp_fragment: 'a.c:10-20', other_alloc: 'a.c:30-31' },
    calls: [['tcp_fragment', 'tcp_stream_alloc_skb', 'direct', 'a.c:12']],
  });
  const [c] = checkDocument(ix, 'sk_stream_alloc_skb is called only from tcp_fragment.');
  assert.equal(c!.status, 'renamed');
  assert.equal(c!.successor, 'tcp_stream_alloc_skb');
});
