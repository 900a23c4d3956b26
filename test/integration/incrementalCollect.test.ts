// The incremental re-collect of open documents (src/index/extract.ts CollectMemo) on real
// sources: 120 random edits each to passt's tcp.c and Linux 6.1 net/ipv4/tcp_output.c, each
// reparsed incrementally (src/parse/treeCache.ts), with the facts collected through the memo
// equal to a full collect of the same tree after every edit, and most top-level nodes reused.
// (The same tree on both sides: an incremental reparse of broken code can recover from the
// error differently from a fresh parse, which is tree-sitter's business, not the memo's; e.g.
// deleting `*tp,` from smc_set_option_cond's parameters in tcp_output.c.)
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { collect, createCollectMemo } from '../../src/index/extract';
import { emptyFacts } from '../../src/index/facts';
import { TreeCache } from '../../src/parse/treeCache';
import { createParser, type Parser } from '../../src/parse/treeSitter';
import { linuxRoot, passtRoot } from './sources';

let parser: Parser;
before(async () => {
  parser = await createParser();
});

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const SNIPPETS = [
  'x',
  ';',
  '}',
  '{',
  '\n',
  'static struct tcp_sock *g_tp;\n',
  'struct probe_s { struct sock *sk; int len; };\n',
  'g_tp->snd_cwnd = 1;\n',
  '/* ',
  ' */',
];

for (const [name, file] of [
  ['passt tcp.c', () => join(passtRoot(), 'tcp.c')],
  ['Linux net/ipv4/tcp_output.c', () => join(linuxRoot(), 'net', 'ipv4', 'tcp_output.c')],
] as const) {
  test(`${name}: 120 random edits, incremental facts equal a fresh extraction each time`, () => {
    const original = readFileSync(file(), 'utf8');
    const trees = new TreeCache(parser);
    const memo = createCollectMemo();
    let text = original;
    collect(emptyFacts('f.c'), text, trees.update('f.c', 1, text)!.rootNode, parser, memo);
    const next = rng(name.length * 7919);
    let reused = 0;
    let walked = 0;
    for (let k = 0; k < 120; k++) {
      const at = next(text.length + 1);
      const op = next(3);
      if (op === 0) text = text.slice(0, at) + SNIPPETS[next(SNIPPETS.length)] + text.slice(at);
      else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + next(8));
      else text = text.slice(0, at) + (text[at] === 'x' ? 'y' : 'x') + text.slice(at + 1);
      const tree = trees.update('f.c', k + 2, text);
      assert.ok(tree, `edit ${k}: parse abandoned`);
      const got = emptyFacts('f.c');
      collect(got, text, tree.rootNode, parser, memo);
      reused += memo.reused;
      walked += memo.walked;
      const want = emptyFacts('f.c');
      collect(want, text, tree.rootNode, parser);
      assert.deepEqual(got, want, `edit ${k}`);
    }
    trees.dispose();
    console.log(`${name}: ${reused} top-level nodes reused, ${walked} walked over 120 edits`);
    assert.ok(reused > 5 * walked, `${reused} reused, ${walked} walked`);
  });
}
