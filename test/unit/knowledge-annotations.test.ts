// User annotations: JSON and YAML, merged over the built-ins, replaced on reload, and broken
// files reported with positions instead of breaking lookups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatOf, parseAnnotations } from '../../src/knowledge/annotations';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';

const kb = (): KnowledgeBase => new KnowledgeBase();

test('a YAML override appends pitfalls and replaces the summary of a built-in entry', () => {
  const base = kb();
  const before = base.lookup('sk_sndbuf');
  assert.ok(before);
  const yaml = [
    'entries:',
    '  - id: sk_sndbuf',
    '    summary: Our summary.',
    '    pitfalls:',
    '      - Our fleet pins it with SO_SNDBUF.',
    '  - id: my_ring_bytes',
    '    kind: field',
    '    project: linux',
    '    struct: my_ring',
    '    units: bytes',
    '    summary: Bytes in our ring.',
  ].join('\n');
  const parsed = parseAnnotations(yaml, 'yaml', base.isBuiltinName);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(base.setUserEntries(parsed.entries), []);
  const after = base.lookup('sk_sndbuf');
  assert.ok(after);
  assert.equal(after.summary.text, 'Our summary.');
  assert.equal(after.pitfalls?.length, (before.pitfalls?.length ?? 0) + 1);
  assert.equal(after.pitfalls?.at(-1)?.text, 'Our fleet pins it with SO_SNDBUF.');
  assert.equal(after.units, before.units, 'fields the user did not set stay');
  assert.equal(base.lookup('my_ring_bytes')?.struct, 'my_ring');
  assert.ok(base.hasUserLayer('sk_sndbuf'));
  assert.ok(!base.hasUserLayer('sk_rcvbuf'));
});

test('an override by alias reaches the canonical entry; JSON works the same as YAML', () => {
  const base = kb();
  const json = JSON.stringify([{ id: 'sysctl_tcp_wmem', seeAlso: ['tcp_mem', 'SO_SNDBUF'] }]);
  const parsed = parseAnnotations(json, 'json', base.isBuiltinName);
  assert.deepEqual(parsed.problems, []);
  base.setUserEntries(parsed.entries);
  const e = base.lookup('tcp_wmem');
  assert.ok(e);
  assert.ok(e.seeAlso?.includes('SO_SNDBUF'));
  assert.equal(e.seeAlso?.filter((s) => s === 'tcp_mem').length, 1, 'lists are de-duplicated');
});

test('reloading replaces the previous user layer, and an empty file removes it', () => {
  const base = kb();
  const original = base.lookup('SIOCOUTQ')?.summary.text;
  base.setUserEntries(
    parseAnnotations('- id: SIOCOUTQ\n  summary: v1\n', 'yaml', base.isBuiltinName).entries,
  );
  assert.equal(base.lookup('SIOCOUTQ')?.summary.text, 'v1');
  base.setUserEntries(
    parseAnnotations('- id: SIOCOUTQ\n  summary: v2\n', 'yaml', base.isBuiltinName).entries,
  );
  assert.equal(base.lookup('SIOCOUTQ')?.summary.text, 'v2');
  base.setUserEntries(parseAnnotations('', 'yaml', base.isBuiltinName).entries);
  assert.equal(base.lookup('SIOCOUTQ')?.summary.text, original);
});

test('broken files give positioned problems and no entries', () => {
  const base = kb();
  const badJson = parseAnnotations(
    '{\n  "entries": [\n    { "id": "x", }\n  ]\n}',
    'json',
    base.isBuiltinName,
  );
  assert.equal(badJson.entries.length, 0);
  assert.equal(badJson.problems.length, 1);
  assert.match(badJson.problems[0]?.message ?? '', /invalid JSON/);
  assert.equal(badJson.problems[0]?.line, 2);

  const badYaml = parseAnnotations(
    'entries:\n  - id: a\n   kind: [field\n',
    'yaml',
    base.isBuiltinName,
  );
  assert.equal(badYaml.entries.length, 0);
  assert.ok(badYaml.problems.length > 0);
  assert.match(badYaml.problems[0]?.message ?? '', /invalid YAML/);

  const wrongShape = parseAnnotations('just: a mapping\n', 'yaml', base.isBuiltinName);
  assert.match(wrongShape.problems[0]?.message ?? '', /expected a list of entries/);

  // Schema errors point at the offending node; valid entries in the same file still load.
  const schema = parseAnnotations(
    [
      'entries:',
      '  - id: sk_sndbuf',
      '    pitfalls: [ok]',
      '  - id: new_thing',
      '    kind: gizmo',
      '    project: linux',
      '    summary: s',
    ].join('\n'),
    'yaml',
    base.isBuiltinName,
  );
  assert.equal(schema.entries.length, 1);
  assert.equal(schema.problems.length, 1);
  assert.match(schema.problems[0]?.message ?? '', /entries\[1\]\.kind: kind must be one of/);
  assert.equal(schema.problems[0]?.line, 4);
  assert.equal(schema.problems[0]?.col, 10);
});

test('YAML is read as plain data: tags and aliases do not run or explode', () => {
  const base = kb();
  const tagged = parseAnnotations(
    '- id: SIOCOUTQ\n  summary: !!js/function "function(){}"\n',
    'yaml',
    base.isBuiltinName,
  );
  // An unknown tag is only a warning; the value stays a plain string.
  assert.equal(tagged.entries[0]?.summary?.text, 'function(){}');
  assert.match(tagged.problems[0]?.message ?? '', /Unresolved tag/);
  assert.equal(tagged.problems[0]?.severity, 'warning');
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 12; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
    );
  bomb.push('entries: []');
  const parsed = parseAnnotations(bomb.join('\n'), 'yaml', base.isBuiltinName);
  assert.equal(parsed.entries.length, 0);
  assert.ok(
    parsed.problems.some((p) => p.severity === 'error' && /alias/i.test(p.message)),
    'excessive aliases are refused',
  );
  assert.deepEqual(parsed.problems[0], {
    message: "unknown top-level key 'a'",
    line: 0,
    col: 0,
    severity: 'warning',
  });
});

test('file formats by name', () => {
  assert.equal(formatOf('.sklens/annotations.json'), 'json');
  assert.equal(formatOf('annotations.yaml'), 'yaml');
  assert.equal(formatOf('annotations.YML'), 'yaml');
  assert.equal(formatOf('annotations.toml'), undefined);
});
