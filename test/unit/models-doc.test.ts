// The repository stands on its own: no file sends a reader to a document outside it, and every
// `docs/models.md §X` citation names a heading that exists there (docs/models.md says how
// sections and scenarios are numbered).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const repo = resolve(__dirname, '..', '..');
const self = relative(repo, __filename);
const TEXT = /\.(ts|mts|mjs|js|json|md|css|py|sh)$/;

function files(dir: string): string[] {
  const abs = join(repo, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const name of readdirSync(abs).sort()) {
    const rel = join(dir, name);
    if (statSync(join(repo, rel)).isDirectory()) out.push(...files(rel));
    else if (TEXT.test(name)) out.push(rel);
  }
  return out;
}

const TOP = ['README.md', 'ARCHITECTURE.md', 'DEVELOPERS.md'].filter((f) =>
  existsSync(join(repo, f)),
);
const read = (f: string): string => readFileSync(join(repo, f), 'utf8');

/** The section ids of docs/models.md: the first word of each heading, e.g. `3`, `3.4`, `S3`. */
export function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(\S+)/gm)) ids.add(m[1].replace(/\.$/, ''));
  return ids;
}

/** Every `§id` in a text (`§3.4`, `§S15`; a range `§9.3–9.5` yields its first id). */
export function citedIds(text: string): string[] {
  return [...text.matchAll(/§(S\d+|\d+(?:\.\d+)*)/g)].map((m) => m[1]);
}

/** Mentions of documents outside the repository, with the line they are on. */
export function outsideReferences(file: string, text: string): string[] {
  const bad: string[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (/BUFFER-MODEL|E2E-VSCODE|\/work\/shared/.test(line)) bad.push(`${where}: ${line.trim()}`);
    // `../shared/...` is fine only where it resolves inside the repo (webview/shared imports).
    for (const m of line.matchAll(/(?:\.\.\/)+shared\/[\w./-]*/g)) {
      const target = resolve(repo, dirname(file), m[0]);
      const inside = !relative(repo, target).startsWith('..');
      const exists = ['', '.ts', '.md', '.css', '/index.ts'].some((ext) =>
        existsSync(target + ext),
      );
      if (!inside || !exists) bad.push(`${where}: ${m[0]}`);
    }
  });
  return bad;
}

test('no file under src/, webview/, docs/, test/, scripts/ or the top-level docs cites a document outside the repo', () => {
  const bad: string[] = [];
  for (const f of [
    ...files('src'),
    ...files('webview'),
    ...files('docs'),
    ...files('test'),
    ...files('scripts'),
    ...TOP,
  ]) {
    if (f === self) continue;
    bad.push(...outsideReferences(f, read(f)));
  }
  assert.deepEqual(bad, []);
});

test('the reference check itself: an outside spec, a dangling ../shared path, a real webview import', () => {
  assert.ok(outsideReferences('src/model/x.ts', '// see ../shared/BUFFER-MODEL.md §4').length > 0);
  assert.equal(outsideReferences('docs/x.md', 'see /work/shared/STYLE.md').length, 1);
  assert.equal(outsideReferences('src/model/x.ts', "import '../shared/components';").length, 1);
  assert.deepEqual(
    outsideReferences('webview/simulation/main.ts', "import { el } from '../shared/components';"),
    [],
  );
});

test('every § citation in src/, webview/, test/, scripts/ and docs/models.md names a heading of docs/models.md', () => {
  const ids = headingIds(read('docs/models.md'));
  assert.ok(ids.has('3.5') && ids.has('S15'), 'docs/models.md has numbered sections and Sn');
  const bad: string[] = [];
  let cited = 0;
  for (const f of [
    ...files('src'),
    ...files('webview'),
    ...files('test'),
    ...files('scripts'),
    'docs/models.md',
  ]) {
    if (f === self) continue;
    const text = read(f);
    const found = citedIds(text);
    if (found.length === 0) continue;
    if (f !== 'docs/models.md' && !text.includes('docs/models.md'))
      bad.push(`${f}: cites § without naming docs/models.md`);
    for (const id of found) {
      cited++;
      if (!ids.has(id)) bad.push(`${f}: §${id} is not a heading of docs/models.md`);
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(cited > 50, `only ${cited} citations found: is the scan reading the tree?`);
});

test('every docs/<name>.md a file names exists', () => {
  const bad: string[] = [];
  for (const f of [
    ...files('src'),
    ...files('webview'),
    ...files('docs'),
    ...files('test'),
    ...TOP,
  ]) {
    if (f === self) continue;
    for (const m of read(f).matchAll(/\bdocs\/([\w.-]+\.md)\b/g))
      if (!existsSync(join(repo, 'docs', m[1]))) bad.push(`${f}: docs/${m[1]}`);
  }
  assert.deepEqual(bad, []);
});
