// Issue 15 item 10: hundreds of partial-parse warnings become one summary line in the output
// channel (count, the top files) with the full list kept for "SKLens: Show Parse Problems".
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProblemSummary, SUMMARY_TOP_FILES } from '../../src/services/problemSummary';

function kernelLike(): ProblemSummary {
  // 844 problems over 300 files, as a Linux net/ tree gives: file i has 1 + (i % 7) problems.
  const s = new ProblemSummary();
  let n = 0;
  for (let i = 0; n < 844; i++) {
    for (let k = 0; k <= i % 7 && n < 844; k++, n++)
      s.add(`net/ipv4/f${String(i).padStart(3, '0')}.c`, `partial parse: error at line ${k + 1}`);
  }
  return s;
}

test('844 partial parses summarise as one line: the count and the top files by problem count', () => {
  const s = kernelLike();
  const line = s.summaryLine('linux', 'run "SKLens: Show Parse Problems" for the list')!;
  assert.ok(!line.includes('\n'), 'one line');
  assert.match(line, /^linux: 844 indexing problems in \d+ files/);
  assert.match(line, /Show Parse Problems/);
  const named = [...line.matchAll(/net\/ipv4\/f\d+\.c \((\d+)\)/g)];
  assert.equal(named.length, SUMMARY_TOP_FILES);
  // Most first: every named file has the maximum count (7) here.
  assert.deepEqual(
    named.map((m) => Number(m[1])),
    Array(SUMMARY_TOP_FILES).fill(7),
  );
  assert.ok(line.length < 400, `summary is short: ${line.length} chars`);
});

test('the details list every problem, most-affected file first', () => {
  const s = kernelLike();
  const text = s.details('linux');
  assert.equal((text.match(/partial parse: /g) ?? []).length, 844);
  assert.equal(s.count, 844);
  const firstFile = /^(net\/\S+) \((\d+)\)$/m.exec(text)!;
  assert.equal(firstFile[2], '7');
});

test('a refresh replaces the problems of the files it reindexed', () => {
  const s = kernelLike();
  const fresh = new ProblemSummary();
  fresh.add('net/ipv4/f006.c', 'partial parse: error at line 9');
  s.forget(['net/ipv4/f006.c', 'net/ipv4/f013.c']);
  s.merge(fresh);
  assert.equal(s.count, 844 - 7 - 7 + 1);
  assert.match(s.details('linux'), /f006\.c \(1\)\n {4}partial parse: error at line 9/);
  assert.equal(new ProblemSummary().summaryLine('x', 'hint'), undefined);
});
