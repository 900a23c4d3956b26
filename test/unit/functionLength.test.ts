// The core's parsing, indexing and graph code stays in named steps: no function in src/parse,
// src/index or src/graph runs over 150 lines (a 500-line closure with shared mutable locals
// is where rules drift apart unseen).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const repo = join(__dirname, '..', '..');
const MAX_LINES = 150;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return n.endsWith('.ts') ? [p] : [];
  });
}

/** Functions (declarations, methods, arrows) longer than `max` lines, as `file:line name (n)`. */
export function longFunctions(files: string[], max: number): string[] {
  const out: string[] = [];
  for (const f of files) {
    const src = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isFunctionLike(n) && 'body' in n && n.body) {
        const a = src.getLineAndCharacterOfPosition(n.getStart(src)).line;
        const b = src.getLineAndCharacterOfPosition(n.end).line;
        if (b - a + 1 > max) {
          const name = n.name ? n.name.getText(src) : '(anonymous)';
          out.push(`${relative(repo, f)}:${a + 1} ${name} (${b - a + 1} lines)`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}

test(`no function in src/parse, src/index or src/graph is over ${MAX_LINES} lines`, () => {
  const files = ['parse', 'index', 'graph'].flatMap((d) => tsFiles(join(repo, 'src', d)));
  assert.ok(files.length > 20, 'the core folders were read');
  assert.deepEqual(longFunctions(files, MAX_LINES), []);
});

test('the check sees a long function (it would catch a 500-line closure)', () => {
  const long = join(repo, 'src', 'index', 'extract.ts');
  assert.ok(longFunctions([long], 20).length > 0, 'extract.ts has functions over 20 lines');
});
