// Issue 15.7: annotation files of the wrong shape. Every field of every entry given values of
// random wrong types (fast-check) never makes parsing throw: each wrong field is a problem,
// its entry is skipped and the valid entries beside it still load. Files over 256 KiB are not
// read; nesting past 64 levels is refused before a parser sees it (the YAML parser ran out
// of memory on 200,000 nested brackets); a failing read or parser is one problem, not a
// rejected reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  MAX_ANNOTATION_BYTES,
  MAX_ANNOTATION_DEPTH,
  parseAnnotations,
  readAnnotationFile,
  type AnnotationFormat,
} from '../../src/knowledge/annotations';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';

const kb = new KnowledgeBase();

/** A complete new entry, valid on its own. */
const good = {
  id: 'our_ring_bytes',
  kind: 'field',
  project: 'linux',
  struct: 'our_ring',
  units: 'bytes',
  summary: 'Bytes in our ring.',
};

const FIELDS = [
  'id',
  'aliases',
  'kind',
  'project',
  'struct',
  'summary',
  'units',
  'sysctl',
  'pitfalls',
  'history',
  'model',
  'lookup',
  'seeAlso',
];

function serialise(v: unknown, format: AnnotationFormat): string {
  return format === 'json' ? JSON.stringify(v) : stringify(v);
}

test('aliases given as a string is a problem on that entry, not a TypeError', () => {
  for (const format of ['json', 'yaml'] as const) {
    const text = serialise({ entries: [{ id: 'sk_sndbuf', aliases: 'x' }, good] }, format);
    const r = parseAnnotations(text, format, kb.isBuiltinName);
    assert.deepEqual(
      r.problems.map((p) => p.message),
      ['entries[0].aliases: must be an array'],
    );
    assert.deepEqual(
      r.entries.map((e) => e.id),
      ['our_ring_bytes'],
    );
  }
});

/** Values of every JSON type, nested a little. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, 0, -1, 1.5, true, false, '', ' ', 'x', [], {}, [null], { text: 1 }),
);

test('random values in any field never make parsing throw; valid entries beside them load', () => {
  fc.assert(
    fc.property(
      fc.array(fc.dictionary(fc.constantFrom(...FIELDS, 'extra'), anyValue, { maxKeys: 6 }), {
        maxLength: 4,
      }),
      fc.constantFrom('sk_sndbuf', 'our_thing', 5, null),
      fc.constantFrom<AnnotationFormat>('json', 'yaml'),
      fc.boolean(),
      (entries, id, format, bare) => {
        const list = [...entries.map((e) => ({ id, ...e })), good];
        const text = serialise(bare ? list : { entries: list }, format);
        const r = parseAnnotations(text, format, kb.isBuiltinName);
        for (const p of r.problems) {
          assert.ok(!p.message.includes('\n'), p.message);
          assert.ok(Number.isInteger(p.line) && p.line >= 0 && Number.isInteger(p.col));
        }
        // The valid entry always loads (it is last, so its id wins any clash).
        assert.ok(r.entries.some((e) => e.id === 'our_ring_bytes' && e.kind === 'field'));
        // Loaded entries have fields of the right types only.
        for (const e of r.entries) {
          assert.equal(typeof e.id, 'string');
          if (e.aliases !== undefined)
            assert.ok(Array.isArray(e.aliases) && e.aliases.every((a) => typeof a === 'string'));
          if (e.summary !== undefined) assert.equal(typeof e.summary.text, 'string');
          for (const k of ['pitfalls', 'history', 'lookup', 'seeAlso'] as const)
            if (e[k] !== undefined) assert.ok(Array.isArray(e[k]), k);
        }
        // And the knowledge base takes them.
        new KnowledgeBase().setUserEntries(r.entries);
      },
    ),
    { numRuns: 400, seed: 15_7 },
  );
});

test('random top-level documents never make parsing throw', () => {
  fc.assert(
    fc.property(
      anyValue,
      fc.constantFrom<AnnotationFormat>('json', 'yaml'),
      fc.boolean(),
      (v, format, wrap) => {
        const text = serialise(wrap ? { entries: v } : v, format) ?? '';
        const r = parseAnnotations(text, format, kb.isBuiltinName);
        assert.ok(Array.isArray(r.entries) && Array.isArray(r.problems));
      },
    ),
    { numRuns: 300, seed: 15_7 },
  );
});

test('a file over 256 KiB is not read: one line, and only its size was asked', async () => {
  let reads = 0;
  const r = await readAnnotationFile(
    {
      format: 'yaml',
      size: () => Promise.resolve(50 * 1024 * 1024),
      read: () => {
        reads++;
        return Promise.resolve('');
      },
    },
    kb.isBuiltinName,
  );
  assert.equal(reads, 0);
  assert.deepEqual(
    r.problems.map((p) => p.message),
    [`the file is 52428800 bytes, over the limit of ${MAX_ANNOTATION_BYTES} bytes: not read`],
  );
  // The same limit on text handed to the parser directly: a valid but huge file is refused.
  const one = '  - {id: ring, kind: field, project: linux, summary: Bytes in our ring.}\n';
  const huge = `entries:\n${one.repeat(Math.ceil(MAX_ANNOTATION_BYTES / one.length) + 1)}`;
  assert.ok(huge.length > MAX_ANNOTATION_BYTES);
  const p = parseAnnotations(huge, 'yaml', kb.isBuiltinName);
  assert.equal(p.entries.length, 0);
  assert.match(p.problems[0]?.message ?? '', /over the limit/);
});

test('nesting past the limit is refused before parsing; brackets in quotes and comments are not nesting', () => {
  const n = 1000;
  const deep: [string, AnnotationFormat][] = [
    ['['.repeat(n) + ']'.repeat(n), 'json'],
    ['['.repeat(n) + ']'.repeat(n), 'yaml'],
    ['{"a":'.repeat(n) + '1' + '}'.repeat(n), 'json'],
    [`${'- '.repeat(n)}x`, 'yaml'],
    // Each level of a block mapping indents by one column or more.
    [Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1', 'yaml'],
    // A quote inside a word is not a quoted scalar, so it hides nothing.
    [`- summary: it's\n  x: ${'['.repeat(n)}`, 'yaml'],
  ];
  for (const [text, format] of deep) {
    const r = parseAnnotations(text, format, kb.isBuiltinName);
    assert.deepEqual(
      r.problems.map((p) => p.message),
      [`nested deeper than ${MAX_ANNOTATION_DEPTH} levels: not read`],
      text.slice(0, 30),
    );
  }
  const fine = [
    'entries:',
    `  # ${'['.repeat(100)}`,
    '  - id: our_ring_bytes',
    '    kind: field',
    '    project: linux',
    `    summary: "${'['.repeat(100)} and \\" ${'{'.repeat(100)}"`,
    `    pitfalls: ['${'['.repeat(100)} it''s']`,
  ].join('\n');
  const r = parseAnnotations(fine, 'yaml', kb.isBuiltinName);
  assert.deepEqual(r.problems, []);
  assert.equal(r.entries.length, 1);
});

test('a failing stat, read or parser is one problem, never a rejection', async () => {
  const fail = (): Promise<never> => Promise.reject(new Error('EACCES: permission denied\nmore'));
  const a = await readAnnotationFile(
    { format: 'json', size: fail, read: () => Promise.resolve('[]') },
    kb.isBuiltinName,
  );
  assert.deepEqual(
    a.problems.map((p) => p.message),
    ['cannot read the file: EACCES: permission denied'],
  );
  const b = await readAnnotationFile(
    { format: 'json', size: () => Promise.resolve(2), read: fail },
    kb.isBuiltinName,
  );
  assert.equal(b.problems.length, 1);
  const c = await readAnnotationFile(
    {
      format: 'json',
      size: () => Promise.resolve(2),
      read: () => Promise.resolve('[{"id": "x"}]'),
    },
    () => {
      throw new Error('a bug in the caller');
    },
  );
  assert.deepEqual(
    c.problems.map((p) => p.message),
    ['cannot parse the file: a bug in the caller'],
  );
});
