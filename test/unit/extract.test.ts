// Runs extractFacts on every fixture in test/fixtures/*.c and checks each caret expectation.
// A caret comment `//   ^ kind: value` points at the column of `^` on the nearest line above
// that is not itself a caret comment. Kinds:
//   def: name            a FunctionDef whose name token is there
//   macro: NAME          a #define
//   struct: tag          a struct/union definition's name
//   field: tag.name      a field declared in struct `tag`
//   call: callee         a direct call (the call expression starts or spans there)
//   indirect: callee     an INDIRECT_CALL_n candidate
//   ops: tag.member      a call through a function-pointer member (`?` when the struct is unknown)
//   read: tag.field / write: tag.field   a field access (`?` for an unresolved struct)
//   opstable: tag.name   a designated-initialiser table;  member: name=fn  one of its entries
//   ref: name            an identifier used as a value
//   caller: name         the call at the caret is attributed to function `name`
//   nodef: name          (without a caret) no function of that name is defined in the file
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { extractFacts } from '../../src/index/pipeline';
import type { FileFacts, Span } from '../../src/index/facts';
import { createParser, type Parser } from '../../src/parse/treeSitter';

const dir = join(__dirname, '..', 'fixtures');
const CARET = /^\s*\/\/(\s*)\^\s*([a-z]+):\s*(\S+)\s*$/;
const NODEF = /^\s*\/\/\s*nodef:\s*(\S+)\s*$/;

interface Expectation {
  line: number;
  col: number;
  kind: string;
  value: string;
  text: string;
}

function expectations(src: string): Expectation[] {
  const lines = src.split('\n');
  const out: Expectation[] = [];
  let target = -1;
  for (let k = 0; k < lines.length; k++) {
    const nd = NODEF.exec(lines[k]);
    if (nd !== null) {
      out.push({ line: k, col: 0, kind: 'nodef', value: nd[1], text: lines[k].trim() });
      continue;
    }
    const m = CARET.exec(lines[k]);
    if (m === null) {
      target = k;
      continue;
    }
    const col = lines[k].indexOf('^');
    out.push({ line: target, col, kind: m[2], value: m[3], text: lines[k].trim() });
  }
  return out;
}

function contains(s: Span, line: number, col: number): boolean {
  if (line < s.line || line > s.endLine) return false;
  if (line === s.line && col < s.col) return false;
  if (line === s.endLine && col >= s.endCol) return false;
  return true;
}

function splitTag(v: string): [string | null, string] {
  const dot = v.lastIndexOf('.');
  const tag = v.slice(0, dot);
  return [tag === '?' ? null : tag, v.slice(dot + 1)];
}

/** Why the expectation fails, or null when it holds. */
export function check(f: FileFacts, e: Expectation): string | null {
  const at = (s: Span): boolean => contains(s, e.line, e.col);
  const ok = (b: boolean, what: unknown): string | null => (b ? null : JSON.stringify(what));
  switch (e.kind) {
    case 'def':
      return ok(
        f.functions.some((d) => d.name === e.value && at(d.nameSpan)),
        f.functions.filter((d) => at(d.span)).map((d) => [d.name, d.nameSpan]),
      );
    case 'nodef':
      return ok(!f.functions.some((d) => d.name === e.value), 'defined');
    case 'macro':
      return ok(
        f.macros.some((d) => d.name === e.value && at(d.nameSpan)),
        f.macros.map((d) => d.name),
      );
    case 'struct':
      return ok(
        f.structs.some((d) => d.name === e.value && at(d.nameSpan)),
        f.structs.map((d) => d.name),
      );
    case 'field': {
      const [tag, name] = splitTag(e.value);
      return ok(
        f.structs.some(
          (s) => s.name === tag && s.fields.some((x) => x.name === name && at(x.span)),
        ),
        f.structs.map((s) => [s.name, s.fields.map((x) => x.name)]),
      );
    }
    case 'call':
    case 'caller': {
      const hits = f.calls.filter((c) => at(c.span));
      if (e.kind === 'caller')
        return ok(
          hits.some((c) => c.caller === e.value),
          hits,
        );
      return ok(
        hits.some((c) => c.callee === e.value && c.via.kind === 'direct'),
        hits.map((c) => [c.callee, c.via]),
      );
    }
    case 'indirect': {
      const hits = f.calls.filter((c) => at(c.span));
      return ok(
        hits.some((c) => c.callee === e.value && c.via.kind === 'indirect'),
        hits.map((c) => [c.callee, c.via]),
      );
    }
    case 'ops': {
      const [tag, member] = splitTag(e.value);
      const hits = f.calls.filter((c) => at(c.span));
      return ok(
        hits.some((c) => c.via.kind === 'ops' && c.via.member === member && c.via.struct === tag),
        hits.map((c) => [c.callee, c.via]),
      );
    }
    case 'read':
    case 'write': {
      const [tag, field] = splitTag(e.value);
      const hits = f.fieldAccesses.filter((a) => at(a.span));
      return ok(
        hits.some((a) => a.access === e.kind && a.field === field && a.struct === tag),
        hits,
      );
    }
    case 'opstable': {
      const [tag, name] = splitTag(e.value);
      return ok(
        f.opsTables.some((t) => t.struct === tag && t.name === name && at(t.span)),
        f.opsTables.map((t) => [t.struct, t.name, t.span]),
      );
    }
    case 'member': {
      const [member, fn] = e.value.split('=');
      return ok(
        f.opsTables.some((t) =>
          t.members.some((m) => m.member === member && m.fn === fn && at(m.span)),
        ),
        f.opsTables.map((t) => t.members),
      );
    }
    case 'ref':
      return ok(
        f.refs.some((r) => r.name === e.value && at(r.span)),
        f.refs.filter((r) => r.span.line === e.line),
      );
    default:
      return `unknown expectation kind '${e.kind}'`;
  }
}

describe('extractFacts on fixtures (caret expectations)', () => {
  let parser: Parser;
  before(async () => {
    parser = await createParser();
  });
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.c'))
    .sort();
  it('has fixtures', () => assert.ok(files.length > 0));
  for (const name of files) {
    it(name, () => {
      const src = readFileSync(join(dir, name), 'utf8');
      assert.match(src.slice(0, 400), /Idiom:/, 'each fixture names its idiom in a header comment');
      const exps = expectations(src);
      assert.ok(exps.length > 0, 'fixture has caret expectations');
      const facts = extractFacts(`fixtures/${name}`, src, parser);
      const failures: string[] = [];
      for (const e of exps) {
        const why = check(facts, e);
        if (why !== null)
          failures.push(`${name}:${e.line + 1}:${e.col + 1} ${e.text}\n    found: ${why}`);
      }
      assert.deepEqual(failures, []);
    });
  }
});
