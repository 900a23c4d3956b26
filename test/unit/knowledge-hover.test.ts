// The hover decision without VS Code: identifier under the cursor, which documents hover what,
// live facts from an index, and model links that the registry can actually open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  documentKind,
  hoverAt,
  identifierAt,
  modelAvailable,
} from '../../src/knowledge/hoverQuery';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { findModel } from '../../src/model/registry';
import { fakeIndex } from './helpers/fakeIndex';

const kb = new KnowledgeBase();
const link = (file: string, line: number): string => `file:///t/${file}#L${line + 1}`;

test('identifierAt finds the word under or just after the cursor', () => {
  const line = '\tsk->sk_wmem_queued += skb->truesize; /* SO_SNDBUF */';
  assert.deepEqual(identifierAt(line, 6), { word: 'sk_wmem_queued', start: 5, end: 19 });
  assert.deepEqual(identifierAt(line, 19), { word: 'sk_wmem_queued', start: 5, end: 19 });
  assert.equal(identifierAt(line, 0), undefined);
  assert.equal(identifierAt(line, line.indexOf('SO_SNDBUF') + 3)?.word, 'SO_SNDBUF');
  assert.equal(identifierAt('net.ipv4.tcp_wmem', 12)?.word, 'tcp_wmem');
});

test('document kinds: C code, kernel Documentation, other prose', () => {
  assert.equal(documentKind('c', '/k/net/core/sock.c'), 'code');
  assert.equal(documentKind('cpp', '/k/include/net/sock.h'), 'code');
  assert.equal(
    documentKind('restructuredtext', '/k/Documentation/networking/ip-sysctl.rst'),
    'kernel-doc',
  );
  assert.equal(documentKind('plaintext', '/k/Documentation/networking/x.txt'), 'kernel-doc');
  assert.equal(documentKind('plaintext', '/home/me/notes.txt'), 'doc');
  assert.equal(documentKind('python', '/k/tools/x.py'), undefined);
});

test('comments and prose hover sysctl names; plain prose hovers nothing else', () => {
  const rst = 'tcp_wmem - vector of 3 INTEGERs: min, default, max';
  const a = hoverAt(kb, { lineText: rst, character: 2, kind: 'doc', link });
  assert.equal(a?.entry.id, 'tcp_wmem');
  assert.match(a?.markdown ?? '', /default `4096 16384 4194304`/);
  assert.equal(
    hoverAt(kb, { lineText: 'see SO_SNDBUF', character: 6, kind: 'doc', link }),
    undefined,
  );
  assert.equal(
    hoverAt(kb, { lineText: 'see SO_SNDBUF', character: 6, kind: 'kernel-doc', link })?.entry.id,
    'SO_SNDBUF',
  );
  const comment = ' * Caller must hold sk_wmem_queued below sk_sndbuf';
  assert.equal(
    hoverAt(kb, { lineText: comment, character: 42, kind: 'code', link })?.entry.id,
    'sk_sndbuf',
  );
  assert.equal(
    hoverAt(kb, { lineText: '\tint not_an_entry;', character: 8, kind: 'code', link }),
    undefined,
  );
});

test('with an index the hover counts writes and reads and links them', () => {
  const index = fakeIndex({
    uses: [
      ['sk_sndbuf', 'write', 'net/core/sock.c:2129', 'sock'],
      ['sk_sndbuf', 'write', 'net/core/sock.c:1155', 'sock'],
      ['sk_sndbuf', 'read', 'include/net/sock.h:1073', 'sock'],
    ],
    defs: { sk_setsockopt: 'net/core/sock.c:1085-1085' },
  });
  const a = hoverAt(kb, {
    lineText: 'sk->sk_sndbuf',
    character: 6,
    kind: 'code',
    index,
    indexState: 'ready',
    link,
  });
  assert.ok(a);
  assert.match(a.markdown, /\*\*In this tree\*\*: 2 writes · 1 read/);
  assert.match(
    a.markdown,
    /writes: \[net\/core\/sock\.c:1155\]\(file:\/\/\/t\/net\/core\/sock\.c#L1155\), \[net\/core\/sock\.c:2129\]/,
  );
  assert.match(a.markdown, /\[`sk_setsockopt`\]\(file:\/\/\/t\/net\/core\/sock\.c#L1085/);
  assert.equal(a.start, 4);
  assert.equal(a.end, 13);
});

test('model links open registered models and scenarios only', () => {
  const known = new Set<string>();
  for (const e of kb.all()) {
    if (!e.model) continue;
    const m = findModel(e.model.model);
    assert.ok(m, `${e.id}: model ${e.model.model} is not registered`);
    known.add(e.model.model);
    assert.ok(
      m.scenarios.some((s) => s.id === e.model?.scenario),
      `${e.id}: model ${e.model.model} has no scenario ${e.model.scenario}`,
    );
    assert.ok(modelAvailable(e));
  }
  for (const id of [
    'setsockopt',
    'send-path',
    'passt-window',
    'tsq',
    'passt-splice',
    'tcp-receive',
    'tcp-mem',
  ])
    assert.ok(known.has(id), `no entry links to ${id}`);
  const sndbuf = hoverAt(kb, { lineText: 'sk_sndbuf', character: 1, kind: 'code', link });
  assert.match(sndbuf?.markdown ?? '', /command:sklens\.openSimulation\?/);
});
