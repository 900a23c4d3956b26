// The index the extension answers from once a tree has a store (src/index/layeredIndex.ts):
// a store under an overlay of changed files answers as one MemoryCodeIndex of the tree as it
// now is, and the engine opens a folder from its store without extracting a file, then
// catches up with what changed on disk.
import { strict as assert } from 'node:assert';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MemoryCodeIndex } from '../../src/index/codeIndex';
import { type FileFacts } from '../../src/index/facts';
import { LayeredIndex } from '../../src/index/layeredIndex';
import { FactsPipeline } from '../../src/index/pipeline';
import { StoreReader } from '../../src/index/store/reader';
import { writeStore } from '../../src/index/store/writer';
import { WorkspaceEngine } from '../../src/services/workspaceEngine';
import { engineOptions } from './helpers/engine';
import { facts as factsOf, fn, span } from './helpers/facts';

const key = { root: '/tree', fingerprint: 'test' };
const fx = join(__dirname, '..', 'fixtures');
let dir: string;
let facts: FileFacts[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sklens-layered-'));
  const pipeline = await FactsPipeline.create();
  facts = readdirSync(fx)
    .filter((n) => n.endsWith('.c'))
    .sort()
    .map((n) => pipeline.facts(n, readFileSync(join(fx, n))));
  pipeline.dispose();
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Every name worth asking about in these facts. */
function names(fs: FileFacts[]): string[] {
  const out = new Set<string>(['no_such_name']);
  for (const f of fs) {
    for (const d of f.functions) out.add(d.name);
    for (const c of f.calls) out.add(c.callee);
    for (const a of f.fieldAccesses) out.add(a.field);
    for (const m of f.macros) out.add(m.name);
    for (const s of f.structs) out.add(s.name);
    for (const r of f.refs) out.add(r.name);
  }
  return [...out].sort();
}

/** Order-free form of an answer: each element as JSON, sorted. */
const bag = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

test('a store under an overlay answers as the index of the tree as it now is', () => {
  const base = new MemoryCodeIndex(facts);
  const file = join(dir, 'base.sklens-store');
  writeStore(file, key, base.packed());
  // The tree now: one file edited (a call gone, a new function calling tcp_sendmsg), one
  // deleted, one new.
  const edited = structuredClone(facts[1]!);
  const dropped = edited.calls.pop();
  assert.ok(dropped, 'the edited fixture has calls');
  edited.functions.push(fn('layer_new_fn', 900, 905));
  edited.calls.push({
    caller: 'layer_new_fn',
    callee: 'tcp_sendmsg',
    via: { kind: 'direct' },
    span: span(901, 2),
  });
  const deleted = facts[2]!.path;
  const added = structuredClone(facts[0]!);
  added.path = 'net/added_copy.c';
  const now = [...facts.filter((_f, i) => i !== 1 && i !== 2), edited, added];
  const expected = new MemoryCodeIndex(now);

  const store = StoreReader.open(file, key);
  const layered = new LayeredIndex(store, new MemoryCodeIndex([edited, added]));
  layered.forget([deleted]);
  try {
    let nonEmpty = 0;
    for (const name of names([...facts, edited])) {
      const strip = (es: { calleeFile?: string }[]) => es.map(({ calleeFile: _c, ...e }) => e);
      assert.deepEqual(bag(layered.functionDefs(name)), bag(expected.functionDefs(name)), name);
      assert.deepEqual(
        bag(strip(layered.callersOf(name))),
        bag(strip(expected.callersOf(name))),
        `callers ${name}`,
      );
      assert.deepEqual(
        bag(strip(layered.calleesOf(name))),
        bag(strip(expected.calleesOf(name))),
        `callees ${name}`,
      );
      assert.deepEqual(bag(layered.fieldAccesses(name)), bag(expected.fieldAccesses(name)), name);
      assert.deepEqual(bag(layered.macroDefs(name)), bag(expected.macroDefs(name)), name);
      assert.deepEqual(bag(layered.structDefs(name)), bag(expected.structDefs(name)), name);
      assert.deepEqual(layered.references(name), expected.references(name), `refs ${name}`);
      assert.deepEqual(layered.nameUses(name), expected.nameUses(name), `uses ${name}`);
      if (expected.references(name).length > 0) nonEmpty++;
    }
    assert.ok(nonEmpty > 50, `${nonEmpty} names with answers`);
    assert.deepEqual(layered.files(), expected.files());
    assert.deepEqual(layered.stats(), expected.stats(), "the tree's totals");
    assert.ok(layered.callersOf('tcp_sendmsg').some((e) => e.caller === 'layer_new_fn'));
    assert.ok(!layered.files().includes(deleted));
    // Per-file facts come from the overlay: the edited file has them, store files do not.
    assert.ok(layered.facts(edited.path)?.functions.some((d) => d.name === 'layer_new_fn'));
    assert.ok(layered.functionAt(edited.path, 902, 0));
    // Symbol search finds store names and overlay names, best first.
    const some = facts[3]!.functions[0]!.name;
    assert.equal(layered.searchSymbols(some, 5)[0]?.name, some);
    assert.equal(layered.searchSymbols('layer_new', 5)[0]?.name, 'layer_new_fn');
    // Every kind, fields (with their struct) and ops tables included, as the in-memory index.
    const field = facts.flatMap((f) => f.structs).find((st) => st.fields.length > 0)!.fields[0]!;
    const table = facts.flatMap((f) => f.opsTables)[0]!;
    assert.ok(field && table, 'the fixtures have a struct field and an ops table');
    for (const q of [some.slice(0, 4), field.name, table.name, 'sk_', 'e']) {
      const hits = layered.searchSymbols(q, 10);
      assert.deepEqual(hits, expected.searchSymbols(q, 10), `search ${q}`);
    }
    assert.ok(layered.searchSymbols(field.name, 10).some((h) => h.kind === 'field'));
    assert.ok(layered.searchSymbols(table.name, 10).some((h) => h.kind === 'opsTable'));
  } finally {
    layered.close();
  }
});

test('the engine opens a folder from its store without parsing, then catches up', async () => {
  const tree = join(dir, 'tree');
  cpSync(fx, tree, { recursive: true, filter: (s) => !s.includes('claims') });
  const cache = join(dir, 'cache');
  const first = new WorkspaceEngine(tree, cache);
  let cold;
  try {
    cold = await first.build(engineOptions());
    assert.ok(cold.parsedFiles > 5, 'the cold build parses the tree');
    assert.equal(first.fromStore, true, 'after the cold build it answers from the store');
    assert.ok(first.index.callersOf('tcp_sendmsg').length > 0);
  } finally {
    first.dispose();
  }
  // Edit one file on disk while the folder is closed.
  const target = join(tree, 'basic_defs_calls_fields.c');
  writeFileSync(
    target,
    readFileSync(target, 'utf8') +
      '\nint layer_added(void)\n{\n\treturn tcp_sendmsg(0, 0, 0);\n}\n',
  );
  utimesSync(target, new Date(), new Date(Date.now() + 5000));
  const second = new WorkspaceEngine(tree, cache);
  try {
    const warm = await second.build(engineOptions());
    assert.equal(warm.fromStore, true);
    assert.equal(warm.parsedFiles, 0, 'nothing is parsed to open from the store');
    assert.equal(warm.stats.files, cold.stats.files);
    assert.ok(!second.index.callersOf('tcp_sendmsg').some((e) => e.caller === 'layer_added'));
    const d = await warm.catchUp!();
    assert.deepEqual(d, { changed: ['basic_defs_calls_fields.c'], deleted: [] });
    const r = await second.refreshFiles(d.changed, d.deleted, engineOptions());
    assert.equal(r.updated, 1);
    assert.ok(second.index.callersOf('tcp_sendmsg').some((e) => e.caller === 'layer_added'));
    assert.ok(second.index.facts('basic_defs_calls_fields.c'), 'the changed file has its facts');
    // Ctrl+T through the search worker (the store's part) answers as the host's own search,
    // the changed file's store rows skipped and its overlay rows found.
    for (const q of ['layer_added', 'tcp', 'sk_', 'e']) {
      assert.deepEqual(
        await second.searchSymbols(q, 20),
        second.index.searchSymbols(q, 20),
        `worker search ${q}`,
      );
    }
    assert.equal((await second.searchSymbols('layer_added', 5))?.[0]?.name, 'layer_added');
    await second.refreshFiles([], ['basic_defs_calls_fields.c'], engineOptions());
    assert.ok(!second.index.files().includes('basic_defs_calls_fields.c'));
    assert.ok(!second.index.callersOf('tcp_sendmsg').some((e) => e.caller === 'layer_added'));
  } finally {
    second.dispose();
  }
});

test('forgetting a folder drops every store file below it, and only those', () => {
  const inFolders = facts.slice(0, 4).map((f, i) => ({
    ...structuredClone(f),
    path: ['net/ipv4/a.c', 'net/ipv4/sub/b.c', 'net/ipv6/c.c', 'net/ipv4x.c'][i]!,
  }));
  const file = join(dir, 'folders.sklens-store');
  writeStore(file, key, new MemoryCodeIndex(inFolders).packed());
  const layered = new LayeredIndex(StoreReader.open(file, key));
  try {
    layered.forget(['net/ipv4/']);
    const left = inFolders.filter((f) => f.path === 'net/ipv6/c.c' || f.path === 'net/ipv4x.c');
    assert.deepEqual(layered.files(), ['net/ipv4x.c', 'net/ipv6/c.c']);
    assert.deepEqual(layered.stats(), new MemoryCodeIndex(left).stats());
    const gone = inFolders[0]!.functions[0]!.name;
    assert.deepEqual(layered.functionDefs(gone), new MemoryCodeIndex(left).functionDefs(gone));
  } finally {
    layered.close();
  }
});

test('symbol search over a store keeps the best names at every limit, as the in-memory index', () => {
  // Names built so that exact, prefix, word-start and mid-word matches, subsequences and case
  // differences of the same queries are spread over the string table in every order.
  const words = ['tcp', 'snd', 'buf', 'sk', 'Snd', 'xsnd', 'mem', 'TCP', 't'];
  const names = new Set<string>();
  for (const a of words) {
    names.add(a);
    for (const b of words) {
      names.add(`${a}_${b}`);
      names.add(`${a}${b}`);
    }
  }
  const list = [...names];
  // Spread over files in an order unrelated to the names' scores.
  const files = [0, 1, 2, 3].map((k) =>
    factsOf(`f${k}.c`, {
      functions: list.filter((_n, i) => (i * 7) % 4 === k).map((n, i) => fn(n, i * 3, i * 3 + 1)),
    }),
  );
  const file = join(dir, 'names.sklens-store');
  const mem = new MemoryCodeIndex(files);
  writeStore(file, key, mem.packed());
  const layered = new LayeredIndex(StoreReader.open(file, key));
  try {
    for (const q of ['snd', 'tcp', 'sndbuf', 't', 's_b', 'SND', 'mem', 'xsnd', 'tsb', 'Tcp_s'])
      for (const limit of [1, 2, 3, 5, 8, 40])
        assert.deepEqual(
          layered.searchSymbols(q, limit),
          mem.searchSymbols(q, limit),
          `${q} ${limit}`,
        );
  } finally {
    layered.close();
  }
});
