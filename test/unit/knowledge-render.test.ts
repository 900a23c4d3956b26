// The hover renderer: entry text, units, sysctl defaults, pitfalls, history, live counts with
// file:line links from a fake index, and the simulation command link.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import {
  liveFacts,
  renderHover,
  simulationCommandUri,
  type RenderOptions,
} from '../../src/knowledge/render';
import type { KnowledgeEntry } from '../../src/knowledge/schema';
import { fakeIndex } from './helpers/fakeIndex';

const kb = new KnowledgeBase();
const opts: RenderOptions = { link: (file, line) => `file:///tree/${file}#L${line + 1}` };

function entry(name: string): KnowledgeEntry {
  const e = kb.lookup(name);
  assert.ok(e, name);
  return e;
}

const index = fakeIndex({
  uses: [
    ['sk_wmem_queued', 'write', 'net/ipv4/tcp.c:677', 'sock'],
    ['sk_wmem_queued', 'write', 'include/net/sock.h:1079', 'sock'],
    ['sk_wmem_queued', 'read', 'net/core/sock.c:3784', 'sock'],
    ['sk_wmem_queued', 'read', 'include/net/sock.h:1074', 'sock'],
    ['sk_wmem_queued', 'read', 'include/net/sock.h:1446', 'sock'],
    ['sk_wmem_queued', 'read', 'net/ipv4/tcp.c:978', null],
    ['sk_wmem_queued', 'write', 'net/x/other.c:6', 'other_sock'],
    ['sysctl_tcp_wmem', 'write', 'net/ipv4/tcp_ipv4.c:3327', 'netns_ipv4'],
  ],
  calls: [
    ['tcp_sendmsg_locked', 'tcp_stream_alloc_skb', 'direct', 'net/ipv4/tcp.c:1336'],
    ['tcp_fragment', 'tcp_stream_alloc_skb', 'direct', 'net/ipv4/tcp_output.c:1560'],
  ],
  defs: {
    tcp_stream_alloc_skb: 'net/ipv4/tcp.c:868-868',
    tcp_skb_entail: 'net/ipv4/tcp.c:673-673',
  },
});

test('sk_wmem_queued: text, units, pitfalls, counts and links', () => {
  const e = entry('sk_wmem_queued');
  const facts = liveFacts(index, e);
  assert.equal(facts.writes, 2, 'other structs are not counted');
  assert.equal(facts.reads, 4, 'unresolved accesses by name are counted');
  assert.deepEqual(
    facts.firstReads.map((s) => `${s.file}:${s.line + 1}`),
    ['include/net/sock.h:1074', 'include/net/sock.h:1446', 'net/core/sock.c:3784'],
  );
  const md = renderHover(e, facts, {
    ...opts,
    definitionOf: (c) =>
      index.functionDefs(c.function).map((d) => ({ file: d.file, line: d.item.nameSpan.line }))[0],
  });
  assert.match(md, /^\*\*sk\\_wmem\\_queued\*\* · field of `struct sock` · \*bytes \(truesize\)\*/);
  assert.match(md, /\*\*Pitfalls\*\*/);
  // Live facts and the model link come before the long pitfalls, so they show without scrolling.
  assert.ok(md.indexOf('**In this tree**') < md.indexOf('**Pitfalls**'));
  assert.ok(md.indexOf('command:') < md.indexOf('**Pitfalls**'));
  assert.match(md, /truesize, not payload/);
  assert.match(md, /\*\*In this tree\*\*: 2 writes · 4 reads/);
  assert.match(
    md,
    /writes: \[include\/net\/sock\.h:1079\]\(file:\/\/\/tree\/include\/net\/sock\.h#L1079\), \[net\/ipv4\/tcp\.c:677\]/,
  );
  assert.match(md, /reads: .*, …/);
  // A cited function the index knows links to its definition, with the file in the title.
  assert.match(
    md,
    /\[`tcp_skb_entail`\]\(file:\/\/\/tree\/net\/ipv4\/tcp\.c#L673 "net\/ipv4\/tcp\.c: tcp_skb_entail"\)/,
  );
  assert.ok(
    md.includes(`(${simulationCommandUri({ model: 'send-path', scenario: 'S3', label: '' })})`),
  );
});

test('sysctl: default, range, alias lookup through the netns field', () => {
  const e = entry('sysctl_tcp_wmem');
  assert.equal(e.id, 'tcp_wmem');
  const facts = liveFacts(index, e);
  assert.equal(facts.writes, 1);
  assert.ok(index.queries.includes('fieldAccesses:sysctl_tcp_wmem:netns_ipv4'));
  const md = renderHover(e, facts, opts);
  assert.match(
    md,
    /`net\.ipv4\.tcp_wmem` · default `4096 16384 4194304` · range each element ≥ 1 · per netns/,
  );
  assert.match(
    md,
    /^\*\*tcp\\_wmem\*\* · sysctl · \*bytes\* · also `sysctl_tcp_wmem`\n\n`net\.ipv4\.tcp_wmem`/,
  );
  assert.match(md, /Bytes, while `tcp_mem` is in pages/);
});

test('functions: calls and definitions; history with approximate versions', () => {
  const e = entry('sk_stream_alloc_skb');
  const facts = liveFacts(index, e);
  assert.equal(facts.calls, 2);
  assert.deepEqual(facts.definitions, [{ file: 'net/ipv4/tcp.c', line: 867 }]);
  const md = renderHover(e, facts, opts);
  assert.match(md, /\*\*In this tree\*\*: 2 calls {2}\n/);
  assert.match(md, /used at: \[net\/ipv4\/tcp\.c:1336\]/);
  assert.match(md, /defined: \[net\/ipv4\/tcp\.c:868\]/);
  assert.match(md, /- \*\*≈5\.16\*\*: Renamed from `sk_stream_alloc_skb`/);
});

test('passt 2026-only citations are labelled and never linked', () => {
  const md = renderHover(entry('tcp_wnd_from_sndbuf'), undefined, {
    ...opts,
    definitionOf: () => ({ file: 'tcp.c', line: 1 }),
    indexState: 'building',
  });
  assert.match(md, /`tcp_wnd_from_sndbuf` \(passt 2026\)/);
  assert.doesNotMatch(md, /\[`tcp_wnd_from_sndbuf` \(passt 2026\)\]/);
  assert.match(md, /index still building/);
  assert.match(md, /· passt/);
});

test('the model link is a command URI with {model, scenario} arguments', () => {
  const uri = simulationCommandUri({ model: 'splice', scenario: 'S15', label: 'x' });
  assert.ok(uri.startsWith('command:sklens.openSimulation?'));
  const args = JSON.parse(decodeURIComponent(uri.slice(uri.indexOf('?') + 1))) as unknown;
  assert.deepEqual(args, [{ model: 'splice', scenario: 'S15' }]);
  const md = renderHover(entry('pipe_size'), undefined, { ...opts, offerModel: false });
  assert.doesNotMatch(md, /command:/);
});
