// The kernel macro table (src/parse/kernelMacros.ts) is the one place that names kernel macros:
// a row added there changes both the pre-pass and the extraction, and neither the pre-pass,
// the extractor nor the facts query lists a macro of its own.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extractFacts } from '../../src/index/pipeline';
import {
  buildMacroIndex,
  KERNEL_MACROS,
  reloadMacroIndex,
  type MacroRow,
} from '../../src/parse/kernelMacros';
import { preprocess } from '../../src/parse/preprocess';
import { createParser, type Parser } from '../../src/parse/treeSitter';

const root = join(__dirname, '..', '..');

/** Made-up macros, one per kind the two passes read. */
const ROWS: MacroRow[] = [
  { name: 'SKLENS_DEFINE2', kind: 'definer', defines: 'syscall' },
  { name: '__sklens_hot', kind: 'annotation', inline: true },
  { name: 'sklens_walk_*', kind: 'loop' },
  { name: 'SKLENS_INDIRECT', kind: 'indirectCall', candidates: 1, ipv4Last: false },
  { name: 'sklens_sk', kind: 'castHelper', returns: 'sklens_sock' },
  { name: 'SKLENS_PUT', kind: 'accessor', rule: { writes: [0], lvalue: true } },
];

// Idioms: a definer, an inline annotation, a loop head, an indirect-call wrapper, a cast
// helper and an lvalue accessor, all named by the made-up rows above.
const SRC = `SKLENS_DEFINE2(probe, int, a, struct sock *, sk)
{
	struct sk_buff *skb;

	sklens_walk_queue(skb, sk) {
		skb->len++;
	}
	SKLENS_INDIRECT(sk->sk_data_ready, sock_def_readable, sk);
	sklens_sk(sk)->snd_cwnd = 1;
	SKLENS_PUT(sk->sk_sndbuf, a);
	return a;
}

static __sklens_hot int helper(void)
{
	return 0;
}
`;

describe('kernel macro table', () => {
  let parser: Parser;
  before(async () => {
    parser = await createParser();
  });
  after(() => {
    KERNEL_MACROS.splice(KERNEL_MACROS.length - ROWS.length, ROWS.length);
    reloadMacroIndex();
  });

  it('a row added to the table changes both the pre-pass and the extraction', () => {
    const preBefore = preprocess(SRC).text;
    const factsBefore = extractFacts('t.c', SRC, parser);
    KERNEL_MACROS.push(...ROWS);
    reloadMacroIndex();
    const pre = preprocess(SRC).text;
    const facts = extractFacts('t.c', SRC, parser);

    // Pre-pass: the definer's parameter pairs, the loop head and the annotation.
    assert.notEqual(pre, preBefore);
    assert.match(pre, /^SKLENS_DEFINE2\(probe\)\(int {2}a, struct sock \* {2}sk\)$/m);
    assert.match(pre, /\twhile {12}\(skb, sk\) \{/);
    assert.match(pre, /^static {2,}int helper/m);

    // Extraction.
    const fn = (name: string) => facts.functions.find((f) => f.name === name);
    assert.equal(fn('sys_probe')?.kind, 'syscall');
    assert.equal(fn('sys_probe')?.macro, 'SKLENS_DEFINE2');
    assert.equal(fn('helper')?.isInline, true);
    assert.equal(factsBefore.functions.find((f) => f.name === 'helper')?.isInline, false);
    const indirect = facts.calls.find((c) => c.callee === 'sock_def_readable');
    assert.deepEqual(indirect?.via, { kind: 'indirect', pointer: 'sk->sk_data_ready' });
    assert.ok(!facts.calls.some((c) => c.callee === 'SKLENS_INDIRECT'));
    const access = (field: string) => facts.fieldAccesses.find((a) => a.field === field);
    assert.equal(access('snd_cwnd')?.struct, 'sklens_sock');
    assert.equal(access('sk_sndbuf')?.access, 'write');
    assert.equal(access('len')?.access, 'write');

    // None of it without the rows.
    assert.ok(!factsBefore.functions.some((f) => f.name === 'sys_probe'));
    assert.ok(!factsBefore.calls.some((c) => c.via.kind === 'indirect'));
    assert.notEqual(
      factsBefore.fieldAccesses.find((a) => a.field === 'snd_cwnd')?.struct,
      'sklens_sock',
    );
    assert.notEqual(
      factsBefore.fieldAccesses.find((a) => a.field === 'sk_sndbuf')?.access,
      'write',
    );
  });

  it('no other file of the two passes names a macro of the table', () => {
    const files = ['src/parse/preprocess.ts', 'src/index/extract.ts', 'grammars/queries/facts.scm'];
    const words = new Map<string, string[]>();
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      // Code only: string literals and identifiers outside comments.
      const code = f.endsWith('.scm')
        ? text.replace(/;.*$/gm, '')
        : text
            .replace(/\/\*[\s\S]*?\*\//g, ' ')
            .replace(/\/\/.*$/gm, '')
            // `'sock.sk_socket'`: a struct field (KNOWN_FIELD_TYPES), not a macro.
            .replace(/'[\w$]+\.[\w$]+'/g, "''");
      for (const w of code.match(/[A-Za-z_$][\w$]*/g) ?? []) {
        const at = words.get(w);
        if (at === undefined) words.set(w, [f]);
        else if (!at.includes(f)) at.push(f);
      }
    }
    const named: string[] = [];
    for (const r of KERNEL_MACROS) {
      if (r.name.includes('*')) continue;
      const at = words.get(r.name);
      if (at !== undefined) named.push(`${r.name} (${at.join(', ')})`);
    }
    assert.deepEqual(named, []);
  });

  it('a name with two pre-pass kinds is refused', () => {
    assert.throws(
      () =>
        buildMacroIndex([
          { name: 'X', kind: 'annotation' },
          { name: 'X', kind: 'statement' },
        ]),
      /both annotation and statement/,
    );
  });
});
