// The open-document worker: a burst of updates to one document collapses to the newest text,
// whose facts equal a fresh parse; the parse runs in the worker thread.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { extractFacts } from '../../src/index/pipeline';
import { unpackFacts } from '../../src/index/packed';
import { createParser } from '../../src/parse/treeSitter';
import { DocumentWorkerClient } from '../../src/services/docWorkerClient';

const fixture = readFileSync(join(__dirname, '../fixtures/nav/edit_storm.c'), 'utf8');
const opts = { maxBytes: 1 << 22, timeoutMs: 10_000 };
const client = new DocumentWorkerClient();
after(() => client.dispose());

test('a burst of updates sends only the newest text; superseded callers get undefined', async () => {
  const texts = Array.from({ length: 20 }, (_, i) =>
    fixture.replace('int sent = 0;', `int sent = ${i};\n\tdemo_extra_${i}(dk);`),
  );
  const results = await Promise.all(texts.map((t) => client.update('demo.c', t, opts)));
  const delivered = results.filter((r) => r !== undefined);
  assert.ok(
    delivered.length >= 1 && delivered.length <= 2,
    `${delivered.length} results delivered`,
  );
  const last = results[results.length - 1];
  assert.ok(last, 'the newest text is always delivered');
  const fresh = extractFacts('demo.c', texts[19]!, await createParser(), opts);
  const got = unpackFacts(last.facts, last.strings);
  assert.deepEqual(got, fresh);
  assert.ok(got.calls.some((c) => c.callee === 'demo_extra_19'));
  assert.ok(!got.calls.some((c) => c.callee === 'demo_extra_10'));
});

test('a later edit of the same document reparses incrementally in the worker', async () => {
  await client.update('inc.c', fixture, opts);
  const r = await client.update(
    'inc.c',
    fixture.replace('dk->dk_wmem_queued = 0;', 'dk->dk_sndbuf = 0;'),
    opts,
  );
  assert.ok(r);
  assert.equal(r.incremental, true);
  assert.ok(
    unpackFacts(r.facts, r.strings).fieldAccesses.some(
      (a) => a.function === 'demo_close' && a.field === 'dk_sndbuf',
    ),
  );
  await client.idle('inc.c');
  client.close('inc.c');
  const again = await client.update('inc.c', fixture, opts);
  assert.equal(again?.incremental, false, 'a closed document starts from a fresh tree');
});
