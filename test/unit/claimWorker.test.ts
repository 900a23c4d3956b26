// Issue 15 item 4: the extension checks a document's claims in a worker thread. The host only
// answers bounded index queries (at most RELATIONS_PER_QUERY relations or NAMES_PER_QUERY
// names a message); results equal the CLI's checkDocument.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  checkClaimsWith,
  ClaimQueryAnswerer,
  NAMES_PER_QUERY,
  RELATIONS_PER_QUERY,
  type ClaimQuery,
} from '../../src/graph/claimQueries';
import { checkDocument, extractClaims } from '../../src/graph/claims';
import { ClaimWorkerClient } from '../../src/services/claimWorkerClient';
import { fakeIndex } from './helpers/fakeIndex';
import { tcpFake } from './tcpFake';

const sample = readFileSync(join(__dirname, '../fixtures/claims/fake-tcp.md'), 'utf8');
const client = new ClaimWorkerClient();
after(() => client.dispose());

test('the worker gives the same results as checkDocument, answering queries from the host', async () => {
  const index = tcpFake();
  const before = client.stats.queries;
  const got = await client.check(index, sample);
  assert.deepEqual(got, checkDocument(index, sample));
  assert.ok(got.length > 5);
  assert.ok(client.stats.queries > before, 'the host answered the worker’s queries');
});

test('every host answer is bounded: relations in chunks, function names in pages', () => {
  // 12,000 functions and 300 claims (150 about functions that are gone): many chunks and pages.
  const defs: Record<string, string> = {};
  for (let i = 0; i < 12000; i++) defs[`fn${i}_alloc_part`] = `a.c:${i + 1}-${i + 1}`;
  const index = fakeIndex({ defs, calls: [] });
  const lines: string[] = [];
  for (let i = 0; i < 150; i++) {
    lines.push(`fn${i}_alloc_part is called by g${i}_x.`);
    lines.push(`old${i}_alloc_part_thing is called by g${i}_x.`);
  }
  const text = lines.join('\n');
  const host = new ClaimQueryAnswerer(index);
  const asked: ClaimQuery[] = [];
  const spy = { answer: (q: ClaimQuery) => (asked.push(q), host.answer(q)) };
  const got = checkClaimsWith(index, extractClaims(text), spy);
  assert.deepEqual(got, checkDocument(index, text));
  const rel = asked.filter((q) => q.type === 'relations');
  const pages = asked.filter((q) => q.type === 'functionNames');
  assert.ok(rel.length > 2 && pages.length >= Math.ceil(12000 / NAMES_PER_QUERY));
  for (const q of rel) assert.ok(q.items.length <= RELATIONS_PER_QUERY);
});

test('a worker failure rejects the check with the reason', async () => {
  const broken = {
    ...tcpFake(),
    callersOf: () => {
      throw new Error('index closed');
    },
  };
  await assert.rejects(client.check(broken, sample), /index closed/);
});
