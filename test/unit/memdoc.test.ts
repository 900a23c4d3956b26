import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { memdoc, shortestPath, tcpMemoryFunctions } from '../../src/graph/memdoc';
import { tcpFake } from './tcpFake';

test('memory map lists memory functions per file with their callers as links', () => {
  const md = memdoc(tcpFake(), { title: 'fake' });
  assert.match(md, /^# TCP memory map — fake/);
  const section = md.split('\n## ').find((s) => s.startsWith('net/ipv4/tcp_input.c')) ?? '';
  assert.match(
    section,
    /### \[`tcp_sndbuf_expand`\]\(net\/ipv4\/tcp_input\.c#L400\)[\s\S]*?- called by: \[`tcp_init_buffer_space`\]\(net\/ipv4\/tcp_input\.c#L510\), \[`tcp_new_space`\]\(net\/ipv4\/tcp_input\.c#L610\)\n/,
  );
  assert.match(section, /`sysctl_tcp_wmem` \(\[read\]\(net\/ipv4\/tcp_input\.c#L420\)\)/);
  // Not memory-related: never gets a heading.
  assert.doesNotMatch(md, /### \[`tcp_push`\]/);
  assert.doesNotMatch(md, /### \[`tcp_v4_rcv`\]/);
});

test('controls section says where sysctls are read', () => {
  const md = memdoc(tcpFake());
  assert.match(
    md,
    /### `sysctl_tcp_wmem`\n\nnet\.ipv4\.tcp_wmem[^\n]*\n\n- used in: \[`tcp_sndbuf_expand`\]/,
  );
  assert.match(md, /### `sysctl_tcp_mem`[\s\S]*?at file scope[^\n]*net\/ipv4\/tcp\.c:21/);
});

test('entry points get a shortest path with indirect hops marked', () => {
  const md = memdoc(tcpFake());
  assert.match(
    md,
    /- \*\*syscall\*\* \[`__sys_sendto`\][^\n]*⇢ \(ops:proto\.sendmsg\) \[`tcp_sendmsg`\][^\n]*→ \[`tcp_sendmsg_locked`\]/,
  );
  assert.match(md, /- \*\*softirq\*\* \[`tcp_v4_rcv`\][^\n]*→ \[`tcp_event_data_recv`\]/);
});

test('link base makes absolute links for untitled documents', () => {
  const md = memdoc(tcpFake(), { linkBase: 'file:///src/linux/' });
  assert.match(md, /\(file:\/\/\/src\/linux\/net\/core\/sock\.c#L200\)/);
});

test('scope keeps the TCP files only, sorted by file and line', () => {
  const fns = tcpMemoryFunctions(tcpFake());
  assert.ok(fns.every((f) => /tcp|sock\.c/.test(f.file)));
  assert.deepEqual(
    fns.filter((f) => f.file === 'net/ipv4/tcp_input.c').map((f) => f.name),
    [
      'tcp_sndbuf_expand',
      'tcp_init_buffer_space',
      'tcp_new_space',
      'tcp_clamp_window',
      'tcp_grow_window',
    ],
  );
  assert.equal(shortestPath(tcpFake(), 'tcp_push', new Set(['nothing']), 5), undefined);
});
