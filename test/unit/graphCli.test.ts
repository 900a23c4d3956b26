import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CliCommand } from '../../src/cli/command';
import { checkDocCommand, graphCommand, memdocCommand } from '../../src/cli/graphCommands';
import { tcpFake } from './tcpFake';

const roots: string[] = [];
const load = async (root: string) => {
  roots.push(root);
  return { index: tcpFake(), done: () => undefined };
};

async function run(
  cmd: CliCommand,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cmd.run(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: '/src' });
  return { code, out, err };
}

test('graph prints Mermaid/JSON/DOT for the requested neighbourhood', async () => {
  const r = await run(
    graphCommand(load),
    'linux',
    'tcp_sendmsg',
    '--depth',
    '1',
    '--dir',
    'in',
    '--format',
    'json',
  );
  assert.equal(r.code, 0);
  assert.equal(roots.at(-1), '/src/linux');
  const g = JSON.parse(r.out) as { nodes: { id: string }[]; edges: { via: string }[] };
  assert.deepEqual(
    g.nodes.map((n) => n.id),
    ['tcp_sendmsg', 'inet_sendmsg'],
  );
  assert.equal(g.edges[0]?.via, 'ops:proto.sendmsg');
  const mm = await run(
    graphCommand(load),
    'linux',
    'tcp_write_xmit',
    '--memory-only',
    '--dir',
    'out',
    '--format',
    'mermaid',
  );
  assert.match(mm.out, /^flowchart LR/);
  assert.doesNotMatch(mm.out, /tcp_event_new_data_sent/);
});

test('graph rejects bad options before loading the index', async () => {
  const n = roots.length;
  await assert.rejects(run(graphCommand(load), 'linux', 'f', '--dir', 'up'), /--dir must be/);
  await assert.rejects(
    run(graphCommand(load), 'linux', 'f', '--format', 'png'),
    /--format must be one of dot, json, mermaid/,
  );
  await assert.rejects(run(graphCommand(load), 'linux'), /missing <function>/);
  assert.equal(roots.length, n);
});

test('graph of an unknown function says so and exits 1', async () => {
  const r = await run(graphCommand(load), 'linux', 'nope_fn');
  assert.equal(r.code, 1);
  assert.match(r.err, /nope_fn: no definition and no callers/);
});

test('memdoc prints the map titled after the root', async () => {
  const r = await run(memdocCommand(load), 'linux-6.1');
  assert.equal(r.code, 0);
  assert.match(r.out, /^# TCP memory map — linux-6.1/);
  assert.match(r.out, /## net\/ipv4\/tcp_input\.c/);
});

test('check-doc --json gives the documented fields with 1-based lines', async () => {
  const file = join(__dirname, '../fixtures/claims/fake-tcp.md');
  const r = await run(checkDocCommand(load), 'linux', file, '--json');
  assert.equal(r.code, 0);
  const rows = JSON.parse(r.out) as Record<string, unknown>[];
  assert.deepEqual(Object.keys(rows[0]!), [
    'text',
    'kind',
    'subject',
    'object',
    'status',
    'actual',
    'successor',
    'evidence',
    'line',
  ]);
  assert.equal(rows[0]!.line, 8);
  const text = await run(checkDocCommand(load), 'linux', file);
  assert.match(text.out, /9 claims: 3 hold, 3 changed, 2 renamed, 1 gone\n$/);
  await assert.rejects(run(checkDocCommand(load), 'linux', '/no/such/file.md'), /cannot read/);
});
