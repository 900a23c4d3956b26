// Navigation logic over a small hand-built index modelled on the TCP send path:
// inet_sendmsg -> sk->sk_prot->sendmsg (ops table tcp_prot) and INDIRECT_CALL_2, two static
// functions of the same name in different files, and struct sock field reads and writes.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  findDefinitions,
  findReferences,
  incomingCalls,
  outgoingCalls,
  outline,
  prepareCallHierarchy,
  viaDetail,
  wordAt,
  type FilePos,
  type WordAt,
} from '../../src/features/navQueries';
import { MemoryCodeIndex } from '../../src/index/codeIndex';
import { facts, fn, span } from './helpers/facts';

const TCP = 'net/ipv4/tcp.c';
const AF = 'net/ipv4/af_inet.c';
const SOCK_H = 'include/net/sock.h';

const index = new MemoryCodeIndex([
  facts(TCP, {
    functions: [
      fn('tcp_sendmsg_locked', 10, 30),
      fn('tcp_sendmsg', 40, 50),
      fn('tcp_push', 60, 70, { isStatic: true }),
    ],
    calls: [
      {
        caller: 'tcp_sendmsg_locked',
        callee: 'tcp_push',
        via: { kind: 'direct' },
        span: span(15, 2, 15, 10),
      },
      {
        caller: 'tcp_sendmsg_locked',
        callee: 'tcp_push',
        via: { kind: 'direct' },
        span: span(25, 2, 25, 10),
      },
      {
        caller: 'tcp_sendmsg',
        callee: 'tcp_sendmsg_locked',
        via: { kind: 'direct' },
        span: span(45, 8, 45, 26),
      },
    ],
    fieldAccesses: [
      {
        function: 'tcp_sendmsg_locked',
        struct: 'sock',
        field: 'sk_wmem_queued',
        access: 'write',
        span: span(20, 6, 20, 20),
      },
      {
        function: 'tcp_sendmsg_locked',
        struct: null,
        field: 'sk_sndbuf',
        access: 'read',
        span: span(21, 10, 21, 19),
      },
    ],
    opsTables: [
      {
        struct: 'proto',
        name: 'tcp_prot',
        span: span(80, 0, 85, 2),
        members: [{ member: 'sendmsg', fn: 'tcp_sendmsg', span: span(82, 1, 82, 24) }],
      },
    ],
    refs: [{ name: 'tcp_sendmsg', span: span(82, 12, 82, 23), function: null }],
  }),
  facts(AF, {
    functions: [fn('inet_sendmsg', 5, 12), fn('tcp_push', 20, 25, { isStatic: true })],
    calls: [
      {
        caller: 'inet_sendmsg',
        callee: 'sendmsg',
        via: { kind: 'ops', struct: 'proto', member: 'sendmsg' },
        span: span(9, 9, 9, 30),
      },
      {
        caller: 'inet_sendmsg',
        callee: 'tcp_sendmsg',
        via: { kind: 'indirect', pointer: 'sendmsg' },
        span: span(10, 9, 10, 24),
      },
      {
        caller: 'inet_sendmsg',
        callee: 'udp_sendmsg',
        via: { kind: 'indirect', pointer: 'sendmsg' },
        span: span(10, 9, 10, 24),
      },
      {
        caller: 'inet_sendmsg',
        callee: 'tcp_push',
        via: { kind: 'direct' },
        span: span(11, 1, 11, 9),
      },
    ],
    fieldAccesses: [
      {
        function: 'inet_sendmsg',
        struct: 'sock',
        field: 'sk_wmem_queued',
        access: 'read',
        span: span(7, 12, 7, 26),
      },
      {
        function: 'inet_sendmsg',
        struct: 'socket',
        field: 'sk_wmem_queued',
        access: 'read',
        span: span(8, 12, 8, 26),
      },
    ],
  }),
  facts(SOCK_H, {
    structs: [
      {
        name: 'sock',
        kind: 'struct',
        span: span(100, 0, 110, 2),
        nameSpan: span(100, 7, 100, 11),
        fields: [
          { name: 'sk_wmem_queued', type: 'int', span: span(102, 5, 102, 19) },
          { name: 'sk_sndbuf', type: 'int', span: span(103, 5, 103, 14) },
        ],
      },
    ],
    macros: [
      {
        name: 'SOCK_SNDBUF_LOCK',
        span: span(120, 0, 120, 30),
        nameSpan: span(120, 8, 120, 24),
        value: '1',
      },
    ],
  }),
]);

function at(file: string, line: number, lineText: string, col: number): [FilePos, WordAt] {
  const w = wordAt(lineText, col);
  assert.ok(w, `no word at ${col} in ${lineText}`);
  return [{ file, line, col }, w];
}

test('wordAt finds the identifier and whether it is a member or a tag', () => {
  const line = '\tsk->sk_wmem_queued += copy;';
  assert.deepEqual(wordAt(line, 8), {
    word: 'sk_wmem_queued',
    startCol: 5,
    endCol: 19,
    member: true,
    tag: false,
  });
  assert.equal(wordAt(line, 2)?.member, false);
  assert.equal(wordAt('\tstruct sock *sk;', 10)?.tag, true);
  assert.equal(wordAt('\tmsg.msg_flags = 0;', 7)?.member, true);
  assert.equal(wordAt('\treturn 0x10;', 10), undefined);
  assert.equal(wordAt('\t   ', 1), undefined);
});

test('a static definition in the current file shadows the one in another file', () => {
  const [p1, w1] = at(TCP, 15, '\t\ttcp_push(sk, flags);', 4);
  assert.deepEqual(findDefinitions(index, p1, w1), [{ file: TCP, span: span(60, 4, 60, 12) }]);
  const [p2, w2] = at(AF, 11, '\ttcp_push(sk);', 3);
  assert.deepEqual(findDefinitions(index, p2, w2), [{ file: AF, span: span(20, 4, 20, 12) }]);
});

test('a non-static function is found from another file; a foreign static is not', () => {
  const [p, w] = at(AF, 10, '\t\ttcp_sendmsg(sk)', 5);
  assert.deepEqual(findDefinitions(index, p, w), [{ file: TCP, span: span(40, 4, 40, 15) }]);
  const [p2, w2] = at('net/core/sock.c', 3, '\ttcp_push(sk);', 3);
  assert.deepEqual(findDefinitions(index, p2, w2), []);
});

test('Go to Definition on a member goes to the field declaration of the resolved struct', () => {
  const [p, w] = at(TCP, 20, '\tsk->sk_wmem_queued += copy;', 8);
  assert.deepEqual(findDefinitions(index, p, w), [{ file: SOCK_H, span: span(102, 5, 102, 19) }]);
  const [p2, w2] = at(TCP, 20, '\tstruct sock *sk;', 10);
  assert.deepEqual(findDefinitions(index, p2, w2), [{ file: SOCK_H, span: span(100, 7, 100, 11) }]);
  const [p3, w3] = at(TCP, 44, '\tif (SOCK_SNDBUF_LOCK)', 8);
  assert.deepEqual(findDefinitions(index, p3, w3), [{ file: SOCK_H, span: span(120, 8, 120, 24) }]);
});

test('References on a field list reads and writes of that struct field, not of other structs', () => {
  const [p, w] = at(TCP, 20, '\tsk->sk_wmem_queued += copy;', 8);
  const refs = findReferences(index, p, w, false);
  assert.deepEqual(
    refs.map((r) => [r.file, r.span.line, r.kind]),
    [
      [AF, 7, 'read'],
      [TCP, 20, 'write'],
    ],
  );
  const withDecl = findReferences(index, p, w, true);
  assert.ok(withDecl.some((r) => r.file === SOCK_H && r.kind === 'definition'));
});

test('References on a field declaration in the struct body are the field accesses', () => {
  const [p, w] = at(SOCK_H, 102, '\tint\t\tsk_wmem_queued;', 8);
  const refs = findReferences(index, p, w, true);
  assert.deepEqual(refs.map((r) => r.kind).sort(), ['definition', 'read', 'write']);
});

test('References on a function: calls, value uses and the definition, no same-named fields', () => {
  const [p, w] = at(AF, 10, '\t\ttcp_sendmsg(sk)', 5);
  const refs = findReferences(index, p, w, true);
  assert.deepEqual(
    refs.map((r) => [r.file, r.span.line, r.kind]),
    [
      [AF, 10, 'call'],
      [TCP, 40, 'definition'],
      [TCP, 82, 'ref'],
    ],
  );
  assert.equal(
    findReferences(index, p, w, false).some((r) => r.kind === 'definition'),
    false,
  );
});

test('Outline lists functions, structs with fields and macros in source order', () => {
  const sock = outline(index.facts(SOCK_H)!);
  assert.deepEqual(
    sock.map((n) => [n.kind, n.name, n.children.map((c) => c.name)]),
    [
      ['struct', 'sock', ['sk_wmem_queued', 'sk_sndbuf']],
      ['macro', 'SOCK_SNDBUF_LOCK', []],
    ],
  );
  assert.equal(sock[0]!.children[0]!.detail, 'int');
  const tcp = outline(index.facts(TCP)!);
  assert.deepEqual(
    tcp.map((n) => n.name),
    ['tcp_sendmsg_locked', 'tcp_sendmsg', 'tcp_push', 'tcp_prot'],
  );
  assert.equal(tcp[2]!.detail, 'static');
  assert.deepEqual(
    tcp[3]!.children.map((c) => [c.name, c.detail]),
    [['.sendmsg', 'tcp_sendmsg']],
  );
});

test('Outline keeps the selection range inside the symbol range', () => {
  const f = facts('x.c', {
    functions: [{ ...fn('odd', 5, 9), nameSpan: span(2, 0, 2, 3) }],
  });
  const [n] = outline(f);
  assert.deepEqual(n!.nameSpan, n!.span);
});

test('incoming calls of tcp_sendmsg: the ops-table call and the INDIRECT_CALL candidate, marked', () => {
  const [target] = prepareCallHierarchy(
    index,
    { file: TCP, line: 40, col: 6 },
    wordAt('int tcp_sendmsg(', 6),
  );
  assert.equal(target!.name, 'tcp_sendmsg');
  const inc = incomingCalls(index, target!);
  assert.deepEqual(
    inc.map((g) => [g.fn.name, g.fn.file, viaDetail(g.via), g.ranges.map((r) => r.line)]),
    [
      ['inet_sendmsg', AF, 'via INDIRECT_CALL', [10]],
      ['inet_sendmsg', AF, 'via ops:proto.sendmsg', [9]],
    ],
  );
});

test('outgoing calls of inet_sendmsg resolve statics in the caller file and keep undefined callees', () => {
  const [target] = prepareCallHierarchy(index, { file: AF, line: 8, col: 1 }, undefined);
  assert.equal(target!.name, 'inet_sendmsg');
  const out = outgoingCalls(index, target!);
  assert.deepEqual(
    out.map((g) => [g.fn.name, g.fn.file, g.via, g.fn.defined]),
    [
      ['tcp_push', AF, 'direct', true],
      ['tcp_sendmsg', TCP, 'INDIRECT_CALL', true],
      ['tcp_sendmsg', TCP, 'ops:proto.sendmsg', true],
      ['udp_sendmsg', AF, 'INDIRECT_CALL', false],
    ],
  );
});

test('incoming calls of a static function come only from its own file, grouped per caller', () => {
  const [tcpPush] = prepareCallHierarchy(
    index,
    { file: TCP, line: 15, col: 4 },
    wordAt('\t\ttcp_push(sk);', 4),
  );
  assert.equal(tcpPush!.file, TCP);
  const inc = incomingCalls(index, tcpPush!);
  assert.deepEqual(
    inc.map((g) => [g.fn.name, g.ranges.map((r) => r.line)]),
    [['tcp_sendmsg_locked', [15, 25]]],
  );
  assert.deepEqual(outgoingCalls(index, tcpPush!), []);
});

test('outgoing calls only count call sites inside the item function body', () => {
  const [locked] = prepareCallHierarchy(
    index,
    { file: TCP, line: 10, col: 6 },
    wordAt('int tcp_sendmsg_locked(', 6),
  );
  const out = outgoingCalls(index, locked!);
  assert.deepEqual(
    out.map((g) => [g.fn.name, g.fn.file, g.ranges.length]),
    [['tcp_push', TCP, 2]],
  );
});
