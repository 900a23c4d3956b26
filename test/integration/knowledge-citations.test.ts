// Every function (or macro / file-scope table) cited by a built-in knowledge entry is defined in
// the cited file of the real sources: Linux 6.1 (Debian) and passt (Debian 2023 snapshot). A
// passt citation marked `since: '2026'` must NOT be defined there (else the mark is wrong).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { builtinEntries } from '../../src/knowledge/builtin';
import { citationsOf, type Citation } from '../../src/knowledge/schema';
import { linuxRoot, passtRoot } from './sources';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `name` is defined in C source `text` as a function, a macro or a file-scope object. */
export function definesSymbol(text: string, name: string): boolean {
  const n = escapeRe(name);
  if (new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${n}\\b`, 'm').test(text)) return true;
  // A function definition starts in column 0 (kernel and passt style): the name followed by a
  // parameter list that reaches `{` before any `;`.
  const fn = new RegExp(`^(?![ \\t]|extern\\b|#|EXPORT_)[^\\n;]*?\\b${n}[ \\t]*\\(`, 'gm');
  for (let m = fn.exec(text); m; m = fn.exec(text)) {
    const rest = text.slice(m.index + m[0].length);
    const brace = rest.indexOf('{');
    const semi = rest.indexOf(';');
    if (brace >= 0 && (semi < 0 || brace < semi)) return true;
  }
  // A file-scope object: `long sysctl_tcp_mem[3] __read_mostly;`, `static struct ctl_table t[] = {`.
  const obj = new RegExp(
    `^(?![ \\t]|extern\\b|#)[^\\n(]*\\b${n}\\b(\\[[^\\]]*\\])*[ \\t]*(=|;|__|\\{)`,
    'm',
  );
  return obj.test(text);
}

const cache = new Map<string, string | null>();
function source(c: Citation): string | null {
  const root = c.project === 'linux' ? linuxRoot() : passtRoot();
  const path = join(root, c.file);
  if (!cache.has(path)) cache.set(path, existsSync(path) ? readFileSync(path, 'utf8') : null);
  return cache.get(path) ?? null;
}

test('the definition finder recognises the kernel idioms it is used for', () => {
  const c = [
    'static inline bool sk_wmem_schedule(struct sock *sk, int size)',
    '{',
    '}',
    'int sk_alloc_decl(int x);',
    'static void',
    'multi_line(struct sock *sk,',
    '\t   int b)',
    '{ }',
    '#define SOCK_MIN_SNDBUF\t\t(TCP_SKB_MIN_TRUESIZE * 2)',
    'long sysctl_tcp_mem[3] __read_mostly;',
    'extern long sysctl_other[3];',
    '\tcalled_only(sk);',
  ].join('\n');
  assert.ok(definesSymbol(c, 'sk_wmem_schedule'));
  assert.ok(definesSymbol(c, 'multi_line'));
  assert.ok(definesSymbol(c, 'SOCK_MIN_SNDBUF'));
  assert.ok(definesSymbol(c, 'sysctl_tcp_mem'));
  assert.ok(!definesSymbol(c, 'sk_alloc_decl'), 'a prototype is not a definition');
  assert.ok(!definesSymbol(c, 'sysctl_other'), 'an extern declaration is not a definition');
  assert.ok(!definesSymbol(c, 'called_only'), 'a call is not a definition');
  assert.ok(!definesSymbol(c, 'sk_wmem'), 'prefixes do not match');
});

test('every cited kernel and passt function exists in the real sources', () => {
  const failures: string[] = [];
  let checked = 0;
  let marked2026 = 0;
  for (const e of builtinEntries()) {
    for (const c of citationsOf(e)) {
      const text = source(c);
      const where = `${e.id}: ${c.project} ${c.file}: ${c.function}`;
      if (c.since === '2026') {
        marked2026++;
        if (text !== null && definesSymbol(text, c.function))
          failures.push(`${where} is marked 2026-only but exists in Debian's passt`);
        continue;
      }
      checked++;
      if (text === null) failures.push(`${where}: no such file`);
      else if (!definesSymbol(text, c.function)) failures.push(`${where}: not defined there`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 150, `only ${checked} citations checked`);
  assert.ok(marked2026 > 0);
});
