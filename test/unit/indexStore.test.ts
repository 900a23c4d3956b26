// The on-disk index store (src/index/store): answers equal MemoryCodeIndex's on the fixtures
// for every name, opening reads no page and a query reads only the pages of its names, and a
// damaged file is reported with a reason, never crashed on.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MemoryCodeIndex } from '../../src/index/codeIndex';
import { FactsPipeline } from '../../src/index/pipeline';
import { emptyFacts, type FileFacts } from '../../src/index/facts';
import { packBatch } from '../../src/index/packed';
import { PAGE_BYTES, PREFIX_BYTES, StoreError } from '../../src/index/store/format';
import { StoreReader } from '../../src/index/store/reader';
import { main } from '../../src/index/store/query';
import { writeStore } from '../../src/index/store/writer';
import { fn, span } from './helpers/facts';

const key = { root: '/tree', fingerprint: 'test' };
let dir: string;
let facts: FileFacts[];

/** Hand-made facts for what the fixtures lack: static name clashes and a header's static inline. */
function clashes(): FileFacts[] {
  const a = emptyFacts('net/a.c');
  a.functions.push(fn('init_one', 1, 5, { isStatic: true }), fn('user_a', 10, 20));
  a.calls.push(
    { caller: 'user_a', callee: 'init_one', via: { kind: 'direct' }, span: span(12, 2) },
    { caller: 'user_a', callee: 'stub', via: { kind: 'direct' }, span: span(13, 2) },
    { caller: null, callee: 'init_one', via: { kind: 'direct' }, span: span(30, 0) },
  );
  const b = emptyFacts('net/b.c');
  b.functions.push(fn('init_one', 1, 5, { isStatic: true }), fn('stub', 7, 9));
  b.calls.push({ caller: 'stub', callee: 'init_one', via: { kind: 'direct' }, span: span(8, 2) });
  const h = emptyFacts('include/c.h');
  h.functions.push(fn('stub', 3, 3, { isStatic: true, isInline: true }));
  h.fieldAccesses.push({
    function: 'stub',
    struct: null,
    field: 'len',
    access: 'write',
    span: span(3, 20),
  });
  return [a, b, h];
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sklens-store-'));
  const pipeline = await FactsPipeline.create();
  const fx = join(__dirname, '..', 'fixtures');
  facts = readdirSync(fx)
    .filter((n) => n.endsWith('.c'))
    .sort()
    .map((n) => pipeline.facts(n, readFileSync(join(fx, n))));
  pipeline.dispose();
  facts.push(...clashes());
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Every name a query may be asked about: functions, callees, members, fields, macros, structs. */
function names(fs: FileFacts[]): { fns: string[]; fields: string[]; types: string[] } {
  const fns = new Set<string>();
  const fields = new Set<string>();
  const types = new Set<string>();
  for (const f of fs) {
    for (const d of f.functions) fns.add(d.name);
    for (const c of f.calls) {
      fns.add(c.callee);
      if (c.caller) fns.add(c.caller);
    }
    for (const t of f.opsTables) for (const m of t.members) fns.add(m.fn);
    for (const a of f.fieldAccesses) fields.add(a.field);
    for (const m of f.macros) types.add(m.name);
    for (const s of f.structs) types.add(s.name);
  }
  fns.add('no_such_function');
  return { fns: [...fns].sort(), fields: [...fields].sort(), types: [...types].sort() };
}

function assertSameAnswers(mem: MemoryCodeIndex, store: StoreReader, fs: FileFacts[]): number {
  const { fns, fields, types } = names(fs);
  let checked = 0;
  for (const name of fns) {
    assert.deepEqual(store.functionDefs(name), mem.functionDefs(name), `defs ${name}`);
    assert.deepEqual(store.callersOf(name), mem.callersOf(name), `callers ${name}`);
    assert.deepEqual(store.calleesOf(name), mem.calleesOf(name), `callees ${name}`);
    assert.deepEqual(store.opsSlotsOf(name), mem.opsSlotsOf(name), `ops slots ${name}`);
    for (const { file } of mem.functionDefs(name)) {
      assert.deepEqual(store.callersOf(name, file), mem.callersOf(name, file), `callers ${name}`);
      assert.deepEqual(store.calleesOf(name, file), mem.calleesOf(name, file), `callees ${name}`);
    }
    checked++;
  }
  for (const field of fields) {
    assert.deepEqual(store.fieldAccesses(field), mem.fieldAccesses(field), `fields ${field}`);
    const structs = new Set(mem.fieldAccesses(field).map((a) => a.item.struct ?? 'none'));
    for (const s of structs) {
      assert.deepEqual(store.fieldAccesses(field, s), mem.fieldAccesses(field, s), field);
    }
  }
  for (const t of types) {
    assert.deepEqual(store.macroDefs(t), mem.macroDefs(t), `macro ${t}`);
    assert.deepEqual(store.structDefs(t), mem.structDefs(t), `struct ${t}`);
  }
  assert.deepEqual(store.stats(), mem.stats());
  assert.deepEqual(store.files(), mem.files());
  return checked;
}

test('the store answers as MemoryCodeIndex for every name of the fixtures', () => {
  const mem = new MemoryCodeIndex(facts);
  const file = join(dir, 'fixtures.sklens-store');
  writeStore(file, key, mem.packed());
  const store = StoreReader.open(file, key);
  try {
    const n = assertSameAnswers(mem, store, facts);
    assert.ok(n > 50, `${n} function names checked`);
    // The edges the fixtures exist for are really there (not two empty answers).
    const edges = store.callersOf('example_proto_sendmsg');
    assert.ok(
      edges.some((e) => e.via === 'ops:proto.sendmsg'),
      JSON.stringify(edges),
    );
    assert.ok(store.callersOf('tcp_sendmsg').some((e) => e.via === 'INDIRECT_CALL'));
    assert.ok(store.callersOf('init_one').length === 2);
  } finally {
    store.close();
  }
});

test('a store written from a worker batch (its own string table) answers the same', () => {
  const mem = new MemoryCodeIndex(facts);
  const { batch } = packBatch(facts);
  const file = join(dir, 'batch.sklens-store');
  writeStore(file, key, batch);
  const store = StoreReader.open(file, key);
  try {
    assertSameAnswers(mem, store, facts);
  } finally {
    store.close();
  }
});

/** A tree of `files` files of `per` functions, each calling the next one: many pages. */
function bigTree(files: number, per: number): FileFacts[] {
  const out: FileFacts[] = [];
  for (let i = 0; i < files; i++) {
    const f = emptyFacts(`net/f${i}.c`);
    for (let j = 0; j < per; j++) {
      const name = `fn_${i}_${j}`;
      f.functions.push(fn(name, j * 10, j * 10 + 9));
      f.calls.push({
        caller: name,
        callee: `fn_${(i + 1) % files}_${j}`,
        via: { kind: 'direct' },
        span: span(j * 10 + 2, 4),
      });
      f.fieldAccesses.push({
        function: name,
        struct: 'sock',
        field: `field_${j}`,
        access: 'read',
        span: span(j * 10 + 3, 4),
      });
    }
    out.push(f);
  }
  return out;
}

test('opening reads no page; a query reads only the pages of the names it needs', () => {
  const tree = bigTree(400, 50);
  const mem = new MemoryCodeIndex(tree);
  const file = join(dir, 'big.sklens-store');
  const size = writeStore(file, key, mem.packed());
  const pages = Math.ceil((size - PREFIX_BYTES) / PAGE_BYTES);
  assert.ok(pages > 40, `${pages} pages`);
  const store = StoreReader.open(file, key);
  try {
    assert.equal(store.pagesRead, 0);
    const edges = store.callersOf('fn_7_3');
    assert.deepEqual(edges, mem.callersOf('fn_7_3'));
    assert.equal(edges.length, 1);
    // Hash slot, string, record offsets, record, the caller's file entry, the definition:
    // a handful of pages, whatever the size of the store.
    assert.ok(store.pagesRead <= 10, `${store.pagesRead} of ${pages} pages read`);
  } finally {
    store.close();
  }
});

function corrupt(file: string, at: number): void {
  const b = readFileSync(file);
  b[at] = b[at]! ^ 0x5a;
  writeFileSync(file, b);
}

test('a damaged page is reported when a query reads it, with the section it belongs to', () => {
  const mem = new MemoryCodeIndex(facts);
  const file = join(dir, 'damaged.sklens-store');
  writeStore(file, key, mem.packed());
  // Damage the page that holds tcp_sendmsg's record: where recOffsets says it starts.
  const clean = StoreReader.open(file, key);
  const [recStart] = clean.header.sections.records;
  const [offStart] = clean.header.sections.recOffsets;
  const id = clean.lookup('tcp_sendmsg');
  clean.close();
  assert.ok(id !== undefined);
  const at = readFileSync(file).readUInt32LE(PREFIX_BYTES + offStart + 4 * id);
  corrupt(file, PREFIX_BYTES + recStart + at);
  const store = StoreReader.open(file, key); // the trailer is intact: opening succeeds
  try {
    assert.throws(
      () => store.callersOf('tcp_sendmsg'),
      (e: unknown) =>
        e instanceof StoreError && /page \d+ \(section \w+\) checksum mismatch/.test(e.message),
    );
    // Reported again on the next query, never cached as an answer.
    assert.throws(() => store.calleesOf('tcp_sendmsg'), StoreError);
  } finally {
    store.close();
  }
});

test('a damaged header, a truncated file or a foreign file is refused at open with a reason', () => {
  const mem = new MemoryCodeIndex(facts);
  const file = join(dir, 'refused.sklens-store');
  const size = writeStore(file, key, mem.packed());
  const pages = readFileSync(file).readUInt32LE(28); // the prefix's page count
  const reason = (f: string, k = key): string => {
    try {
      StoreReader.open(f, k).close();
    } catch (e) {
      assert.ok(e instanceof StoreError, String(e));
      return e.message;
    }
    return 'opened';
  };
  assert.equal(reason(file), 'opened');
  assert.match(reason(file, { ...key, root: '/other' }), /is for \/tree/);
  assert.match(reason(file, { ...key, fingerprint: 'x' }), /another extractor/);
  const copy = (name: string, edit: (b: Buffer) => Buffer) => {
    const f = join(dir, name);
    writeFileSync(f, edit(readFileSync(file)));
    return f;
  };
  const flip = (at: number) => (b: Buffer) => (b.writeUInt8(b[at]! ^ 1, at), b);
  assert.match(reason(copy('pages.bad', flip(size - 2))), /page table checksum/);
  assert.match(reason(copy('header.bad', flip(size - 4 * pages - 3))), /header checksum/);
  assert.match(reason(copy('trunc.bad', (b) => b.subarray(0, size - 100))), /bytes, its prefix/);
  assert.match(reason(copy('prefix.bad', flip(20))), /prefix/);
  assert.match(reason(copy('foreign.bad', () => Buffer.from('hello world'))), /not an SKLens/);
  assert.match(reason(join(dir, 'none')), /no index store/);
  assert.ok(statSync(file).size === size);
});

test('storeQuery answers from a store, and a bad store is one line on stderr and exit 2', () => {
  const mem = new MemoryCodeIndex(facts);
  const file = join(dir, 'query.sklens-store');
  writeStore(file, key, mem.packed());
  const io = () => {
    const o = { out: '', err: '' };
    return { o, out: (s: string) => (o.out += s), err: (s: string) => (o.err += s) };
  };
  const ok = io();
  assert.equal(main([file, 'callers', 'example_proto_sendmsg', '--json'], ok.out, ok.err), 0);
  const rows = JSON.parse(ok.o.out) as { via: string }[];
  assert.deepEqual(
    rows.map((r) => r.via),
    mem.callersOf('example_proto_sendmsg').map((e) => e.via),
  );
  const [recStart] = StoreReader.open(file).header.sections.records;
  corrupt(file, PREFIX_BYTES + recStart + 1);
  for (const args of [
    [file, 'callers', 'example_proto_sendmsg'],
    [join(dir, 'missing'), 'callers', 'x'],
    [file, 'callers'],
  ]) {
    const bad = io();
    assert.equal(main(args, bad.out, bad.err), 2, args.join(' '));
    assert.equal(bad.o.err.trim().split('\n').length, 1, bad.o.err);
    assert.doesNotMatch(bad.o.err, /\n\s+at /);
  }
});
