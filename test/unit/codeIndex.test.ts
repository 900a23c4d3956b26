// MemoryCodeIndex over hand-made FileFacts: edge resolution (direct, INDIRECT_CALL, ops
// tables), static name clashes, per-file replace/remove, symbol search.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MemoryCodeIndex, matchScore } from '../../src/index/codeIndex';
import { decodePacked, encodePacked } from '../../src/index/factsCodec';
import { emptyFacts, type CallSite, type FileFacts, type Span } from '../../src/index/facts';

const sp = (line: number, col = 0, endLine = line, endCol = col + 1): Span => ({
  line,
  col,
  endLine,
  endCol,
});

function fn(f: FileFacts, name: string, line: number, endLine: number, isStatic = false): void {
  f.functions.push({
    name,
    span: sp(line, 0, endLine, 1),
    nameSpan: sp(line, 4, line, 4 + name.length),
    isStatic,
    isInline: false,
    kind: 'function',
  });
}
function call(f: FileFacts, caller: string, callee: string, line: number, via?: CallSite['via']) {
  f.calls.push({ caller, callee, via: via ?? { kind: 'direct' }, span: sp(line, 8) });
}

/** Models the inet_sendmsg -> sk->sk_prot->sendmsg -> tcp_sendmsg shape, in two files. */
function tree(): FileFacts[] {
  const af = emptyFacts('net/af.c');
  fn(af, 'inet_sendmsg', 10, 20);
  call(af, 'inet_sendmsg', 'sendmsg', 15, { kind: 'ops', struct: 'proto', member: 'sendmsg' });
  call(af, 'inet_sendmsg', 'sendmsg', 16, { kind: 'ops', struct: null, member: 'close' });
  call(af, 'inet_sendmsg', 'tcp_sendmsg', 17, { kind: 'indirect', pointer: 'sendmsg' });
  call(af, 'inet_sendmsg', 'udp_sendmsg', 17, { kind: 'indirect', pointer: 'sendmsg' });
  fn(af, 'helper', 30, 35, true);
  call(af, 'inet_sendmsg', 'helper', 18);

  const tcp = emptyFacts('net/tcp.c');
  fn(tcp, 'tcp_sendmsg', 5, 12);
  call(tcp, 'tcp_sendmsg', 'helper', 7);
  fn(tcp, 'helper', 40, 45, true);
  fn(tcp, 'tcp_close', 50, 60);
  tcp.opsTables.push({
    struct: 'proto',
    name: 'tcp_prot',
    span: sp(70, 0, 80, 2),
    members: [
      { member: 'sendmsg', fn: 'tcp_sendmsg', span: sp(71) },
      { member: 'close', fn: 'tcp_close', span: sp(72) },
    ],
  });
  tcp.fieldAccesses.push(
    {
      function: 'tcp_sendmsg',
      struct: 'sock',
      field: 'sk_wmem_queued',
      access: 'write',
      span: sp(8),
    },
    { function: 'tcp_sendmsg', struct: null, field: 'sk_wmem_queued', access: 'read', span: sp(9) },
    {
      function: 'tcp_sendmsg',
      struct: 'other',
      field: 'sk_wmem_queued',
      access: 'read',
      span: sp(9),
    },
  );

  const udp = emptyFacts('net/udp.c');
  fn(udp, 'udp_sendmsg', 5, 12);
  udp.opsTables.push({
    struct: 'proto',
    name: 'udp_prot',
    span: sp(70, 0, 80, 2),
    members: [{ member: 'sendmsg', fn: 'udp_sendmsg', span: sp(71) }],
  });
  return [af, tcp, udp];
}

const names = (edges: { callee: string; via: string }[]) =>
  edges.map((e) => `${e.callee}:${e.via}`).sort();

test('callees include direct, INDIRECT_CALL candidates and ops-table functions', () => {
  const ix = new MemoryCodeIndex(tree());
  assert.deepEqual(names(ix.calleesOf('inet_sendmsg')), [
    'helper:direct',
    'tcp_close:ops:proto.close',
    'tcp_sendmsg:INDIRECT_CALL',
    'tcp_sendmsg:ops:proto.sendmsg',
    'udp_sendmsg:INDIRECT_CALL',
    'udp_sendmsg:ops:proto.sendmsg',
  ]);
  const ops = ix.calleesOf('inet_sendmsg').find((e) => e.via === 'ops:proto.sendmsg')!;
  assert.deepEqual({ file: ops.file, line: ops.span.line }, { file: 'net/af.c', line: 15 });
});

test('callers of a function assigned in an ops table include the ->member( caller', () => {
  const ix = new MemoryCodeIndex(tree());
  const edges = ix.callersOf('tcp_sendmsg');
  assert.deepEqual(
    edges.map((e) => `${e.caller}:${e.via}:${e.span.line}`),
    ['inet_sendmsg:ops:proto.sendmsg:15', 'inet_sendmsg:INDIRECT_CALL:17'],
  );
  assert.deepEqual(
    ix.callersOf('tcp_close').map((e) => `${e.caller}:${e.via}`),
    ['inet_sendmsg:ops:proto.close'],
  );
});

test('an ops call with an unknown struct stays unresolved when several structs have the member', () => {
  const facts = tree();
  const other = emptyFacts('net/other.c');
  fn(other, 'other_close', 1, 3);
  other.opsTables.push({
    struct: 'proto_ops',
    name: 'other_ops',
    span: sp(5),
    members: [{ member: 'close', fn: 'other_close', span: sp(6) }],
  });
  const ix = new MemoryCodeIndex([...facts, other]);
  assert.ok(!names(ix.calleesOf('inet_sendmsg')).some((n) => n.includes('close')));
  assert.deepEqual(
    ix.unresolvedOpsCalls('inet_sendmsg').map((l) => l.item.span.line),
    [16],
  );
  // Removing the second struct's table makes the member unambiguous again.
  ix.removeFile('net/other.c');
  assert.ok(names(ix.calleesOf('inet_sendmsg')).includes('tcp_close:ops:proto.close'));
});

test('static functions of the same name resolve to the definition in the caller file', () => {
  const ix = new MemoryCodeIndex(tree());
  assert.equal(ix.functionDefs('helper').length, 2);
  const fromAf = ix.calleesOf('inet_sendmsg').find((e) => e.callee === 'helper')!;
  assert.equal(fromAf.calleeFile, 'net/af.c');
  const fromTcp = ix.calleesOf('tcp_sendmsg').find((e) => e.callee === 'helper')!;
  assert.equal(fromTcp.calleeFile, 'net/tcp.c');
  assert.deepEqual(
    ix.callersOf('helper', 'net/tcp.c').map((e) => e.caller),
    ['tcp_sendmsg'],
  );
  assert.deepEqual(
    ix.callersOf('helper', 'net/af.c').map((e) => e.caller),
    ['inet_sendmsg'],
  );
  assert.equal(ix.callersOf('helper').length, 2);
});

test('replacing and removing one file updates edges, counts and lookups', () => {
  const ix = new MemoryCodeIndex(tree());
  assert.deepEqual(ix.stats(), { files: 3, functions: 6, calls: 6, fieldAccesses: 3 });
  const tcp2 = emptyFacts('net/tcp.c');
  fn(tcp2, 'tcp_sendmsg', 5, 12);
  ix.setFile(tcp2);
  assert.deepEqual(ix.stats(), { files: 3, functions: 4, calls: 5, fieldAccesses: 0 });
  // The table is gone: only the INDIRECT_CALL edge and udp's table remain.
  assert.deepEqual(names(ix.calleesOf('inet_sendmsg')), [
    'helper:direct',
    'tcp_sendmsg:INDIRECT_CALL',
    'udp_sendmsg:INDIRECT_CALL',
    'udp_sendmsg:ops:proto.sendmsg',
  ]);
  assert.equal(ix.functionDefs('tcp_close').length, 0);
  assert.ok(ix.removeFile('net/af.c'));
  assert.ok(!ix.removeFile('net/af.c'));
  assert.deepEqual(ix.callersOf('tcp_sendmsg'), []);
  assert.deepEqual(ix.files(), ['net/tcp.c', 'net/udp.c']);
  ix.removeFile('net/tcp.c');
  ix.removeFile('net/udp.c');
  assert.deepEqual(ix.stats(), { files: 0, functions: 0, calls: 0, fieldAccesses: 0 });
  assert.equal(ix.searchSymbols('tcp', 10).length, 0);
});

test('an index updated file by file equals one built from the final facts', () => {
  const ix = new MemoryCodeIndex(tree());
  for (const f of tree()) ix.setFile(f);
  ix.removeFile('net/udp.c');
  const fresh = new MemoryCodeIndex(tree().filter((f) => f.path !== 'net/udp.c'));
  for (const name of ['inet_sendmsg', 'tcp_sendmsg', 'helper', 'udp_sendmsg', 'tcp_close']) {
    assert.deepEqual(ix.calleesOf(name), fresh.calleesOf(name), name);
    assert.deepEqual(ix.callersOf(name), fresh.callersOf(name), name);
  }
  assert.deepEqual(ix.stats(), fresh.stats());
});

test('field accesses narrow by struct but keep the unresolved ones', () => {
  const ix = new MemoryCodeIndex(tree());
  assert.equal(ix.fieldAccesses('sk_wmem_queued').length, 3);
  assert.deepEqual(
    ix.fieldAccesses('sk_wmem_queued', 'sock').map((l) => l.item.access),
    ['write', 'read'],
  );
});

test('functionAt finds the enclosing definition', () => {
  const ix = new MemoryCodeIndex(tree());
  assert.equal(ix.functionAt('net/tcp.c', 7, 3)?.item.name, 'tcp_sendmsg');
  assert.equal(ix.functionAt('net/tcp.c', 42, 0)?.item.name, 'helper');
  assert.equal(ix.functionAt('net/tcp.c', 20, 0), undefined);
  assert.equal(ix.functionAt('net/none.c', 7, 3), undefined);
});

test('references cover definitions, calls, field accesses and plain refs', () => {
  const facts = tree();
  facts[1]!.refs.push({ name: 'tcp_sendmsg', span: sp(71, 12), function: null });
  const ix = new MemoryCodeIndex(facts);
  assert.deepEqual(
    ix.references('tcp_sendmsg').map((r) => `${r.file}:${r.span.line}:${r.kind}`),
    ['net/af.c:17:call', 'net/tcp.c:5:definition', 'net/tcp.c:71:ref'],
  );
});

test('symbol search ranks exact, prefix, substring, then word-start fuzzy matches', () => {
  const f = emptyFacts('a.c');
  for (const [i, n] of [
    'tcp_sendmsg_locked',
    'tcp_sendmsg',
    'do_tcp_sendpages',
    'sk_mem_charge',
    'tcp_sndbuf_expand',
  ].entries()) {
    fn(f, n, i * 10, i * 10 + 5);
  }
  f.structs.push({
    name: 'sock',
    kind: 'struct',
    span: sp(100, 0, 110, 1),
    nameSpan: sp(100, 7),
    fields: [{ name: 'sk_sndbuf', type: 'int', span: sp(101) }],
  });
  const ix = new MemoryCodeIndex([f]);
  assert.deepEqual(
    ix.searchSymbols('tcp_sendmsg', 3).map((h) => h.name),
    ['tcp_sendmsg', 'tcp_sendmsg_locked'],
  );
  assert.equal(ix.searchSymbols('tsl', 5)[0]?.name, 'tcp_sendmsg_locked');
  assert.equal(ix.searchSymbols('skMemCh', 5)[0]?.name, 'sk_mem_charge');
  assert.equal(ix.searchSymbols('sendpages', 5)[0]?.name, 'do_tcp_sendpages');
  const field = ix.searchSymbols('sk_sndbuf', 5)[0]!;
  assert.deepEqual([field.kind, field.container], ['field', 'sock']);
  assert.deepEqual(ix.searchSymbols('zzz', 5), []);
  assert.equal(matchScore('abc', 'abc', 'abd', 'abd'), 0);
});

/** Random facts over a small name pool, so files share callee, caller and field names. */
function randomFile(path: string, seed: number): FileFacts {
  let x = seed * 2654435761 + 1;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const names = ['a', 'b', 'c', 'd', 'e'];
  const f = emptyFacts(path, seed, seed, `h${seed}`);
  const nf = 1 + rnd(3);
  for (let i = 0; i < nf; i++) fn(f, names[rnd(5)]!, i * 10, i * 10 + 9, rnd(2) === 0);
  for (let i = 0, n = rnd(6); i < n; i++) {
    const via: CallSite['via'] =
      rnd(4) === 0
        ? { kind: 'ops', struct: rnd(2) ? 'proto' : null, member: 'sendmsg' }
        : { kind: 'direct' };
    call(f, names[rnd(5)]!, names[rnd(5)]!, i, via);
  }
  for (let i = 0, n = rnd(5); i < n; i++) {
    f.fieldAccesses.push({
      function: rnd(3) ? names[rnd(5)]! : null,
      struct: rnd(2) ? 'sock' : null,
      field: ['sk_sndbuf', 'sk_wmem_queued'][rnd(2)]!,
      access: rnd(2) ? 'write' : 'read',
      span: sp(20 + i, 2),
    });
  }
  for (let i = 0, n = rnd(3); i < n; i++) {
    f.refs.push({ name: names[rnd(5)]!, span: sp(40 + i), function: null });
  }
  if (rnd(3) === 0) {
    f.opsTables.push({
      struct: 'proto',
      name: `t${seed}`,
      span: sp(50),
      members: [{ member: 'sendmsg', fn: names[rnd(5)]!, span: sp(51) }],
    });
  }
  return f;
}

test('replacing, removing and sealing in any order equals a fresh index of the final files', () => {
  const sorted = <T>(xs: T[]) => xs.map((v) => JSON.stringify(v)).sort();
  for (let round = 0; round < 40; round++) {
    const ix = new MemoryCodeIndex();
    const final = new Map<string, number>();
    let x = round + 7;
    for (let step = 0; step < 60; step++) {
      x = (x * 48271) % 2147483647;
      const path = `f${x % 6}.c`;
      const op = x % 10;
      if (op < 6) {
        ix.setFile(randomFile(path, x));
        final.set(path, x);
      } else if (op < 8) {
        ix.removeFiles([path, `f${(x >> 3) % 6}.c`]);
        final.delete(path);
        final.delete(`f${(x >> 3) % 6}.c`);
      } else ix.seal();
    }
    const fresh = new MemoryCodeIndex([...final].map(([p, s]) => randomFile(p, s)));
    assert.deepEqual(ix.stats(), fresh.stats(), `round ${round}`);
    assert.deepEqual(ix.files(), fresh.files());
    for (const name of ['a', 'b', 'c', 'd', 'e', 'sendmsg']) {
      assert.deepEqual(ix.callersOf(name), fresh.callersOf(name), `callers ${name} ${round}`);
      assert.deepEqual(ix.calleesOf(name), fresh.calleesOf(name), `callees ${name} ${round}`);
      assert.deepEqual(sorted(ix.references(name)), sorted(fresh.references(name)));
    }
    for (const field of ['sk_sndbuf', 'sk_wmem_queued']) {
      assert.deepEqual(
        sorted(ix.fieldAccesses(field, 'sock')),
        sorted(fresh.fieldAccesses(field, 'sock')),
      );
    }
    for (const p of final.keys()) {
      assert.deepEqual(ix.facts(p), fresh.facts(p));
      for (const field of ['sk_sndbuf', 'sk_wmem_queued']) {
        assert.deepEqual(
          ix.fieldAccessesIn(p, field),
          fresh.facts(p)!.fieldAccesses.filter((a) => a.field === field),
        );
      }
    }
  }
});

test('an index loaded from its encoded form (postings adopted, some files left out) answers like a fresh one', () => {
  const sorted = <T>(xs: T[]) => xs.map((v) => JSON.stringify(v)).sort();
  for (let round = 0; round < 20; round++) {
    const src = new MemoryCodeIndex();
    const seeds = new Map<string, number>();
    for (let k = 0; k < 8; k++) {
      const path = `f${(k * 5 + round) % 7}.c`;
      const seed = round * 100 + k + 1;
      src.setFile(randomFile(path, seed));
      seeds.set(path, seed);
      if (k === 3) {
        src.removeFiles([`f${round % 7}.c`]);
        seeds.delete(`f${round % 7}.c`);
      }
    }
    const set = src.packed();
    const enc = encodePacked(set.files, set.strings, set.postings);
    const back = decodePacked(enc);
    assert.ok(back.postings, 'postings stored');
    const reuse = back.files.map((_, i) => (i + round) % 3 !== 0);
    const ix = new MemoryCodeIndex();
    ix.loadPacked(back.files, enc.strings, reuse, back.postings);
    // ...then edited: one file replaced, one removed.
    const kept = back.files.filter((_, i) => reuse[i]).map((f) => f.path);
    const final = new Map(kept.map((p) => [p, seeds.get(p)!]));
    if (kept.length > 1) {
      ix.setFile(randomFile(kept[0]!, 999 + round));
      final.set(kept[0]!, 999 + round);
      ix.removeFiles([kept[1]!]);
      final.delete(kept[1]!);
    }
    const fresh = new MemoryCodeIndex([...final].map(([p, s]) => randomFile(p, s)));
    assert.deepEqual(ix.stats(), fresh.stats(), `round ${round}`);
    for (const name of ['a', 'b', 'c', 'd', 'e', 'sendmsg']) {
      assert.deepEqual(sorted(ix.callersOf(name)), sorted(fresh.callersOf(name)), name);
      assert.deepEqual(sorted(ix.calleesOf(name)), sorted(fresh.calleesOf(name)), name);
      assert.deepEqual(sorted(ix.functionDefs(name)), sorted(fresh.functionDefs(name)), name);
      assert.deepEqual(sorted(ix.references(name)), sorted(fresh.references(name)), name);
    }
    for (const field of ['sk_sndbuf', 'sk_wmem_queued']) {
      assert.deepEqual(sorted(ix.fieldAccesses(field)), sorted(fresh.fieldAccesses(field)));
    }
  }
});
