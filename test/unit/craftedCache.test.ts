// Issue 15.9: a crafted cache whose checksum is valid (written by the cache writer itself, so
// every check of the file holds) but whose postings point past a file's rows, or at a row of
// another name. It used to be adopted as it was, then queries crashed ("bad string id
// undefined") or answered wrong. Adoption now checks every posting against the decoded rows
// and rebuilds the postings from the rows when one does not match: the answers equal a fresh
// index, and the cache is written again.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cacheFileFor, readCache, writeCache } from '../../src/index/cache';
import type { CodeIndex } from '../../src/index/api';
import { extractorFingerprint, WorkspaceIndex } from '../../src/index/workspaceIndex';

const fixtures = join(__dirname, '..', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-crafted-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const root = join(tmp, 'tree');
mkdirSync(root);
for (const n of readdirSync(fixtures).filter((x) => x.endsWith('.c'))) {
  copyFileSync(join(fixtures, n), join(root, n));
}

/** Every function's definitions, callers and callees: what the queries answer. */
function answers(ix: CodeIndex): string {
  const names = [...new Set([...ix.allFunctions()].map((f) => f.item.name))].sort();
  const callees = new Set<string>();
  const out = names.map((n) => {
    const outgoing = ix
      .calleesOf(n)
      .map((e) => `${e.callee}@${e.file}:${e.span.line}:${e.span.col}`);
    for (const e of ix.calleesOf(n)) callees.add(e.callee);
    return [n, ix.functionDefs(n).map((d) => `${d.file}:${d.item.span.line}`), outgoing.sort()];
  });
  const incoming = [...callees].sort().map((c) => [
    c,
    ix
      .callersOf(c)
      .map((e) => `${e.caller}@${e.file}:${e.span.line}:${e.span.col}`)
      .sort(),
  ]);
  // Every macro's definitions, found through the macro postings.
  const macroNames = new Set<string>();
  for (const f of ix.files()) for (const m of ix.facts(f)!.macros) macroNames.add(m.name);
  const macros = [...macroNames]
    .sort()
    .map((m) => [m, ix.macroDefs(m).map((d) => `${d.file}:${d.item.span.line}:${d.item.value}`)]);
  return JSON.stringify({ out, incoming, macros });
}

async function craft(
  cacheDir: string,
  edit: (postings: { offsets: Int32Array; entries: Int32Array }[]) => void,
) {
  const key = { root, fingerprint: extractorFingerprint() };
  const file = cacheFileFor(cacheDir, root);
  const c = await readCache(file, key);
  assert.ok(c.ok, 'the cache was written');
  assert.ok(c.postings && c.postings.length === 6, 'the cache holds the postings');
  edit(c.postings);
  // The writer computes a valid checksum over the crafted content.
  await writeCache(file, key, { files: c.files, strings: c.strings, postings: c.postings });
  return file;
}

for (const [what, edit] of [
  [
    'a posting past its file’s rows',
    (p: { offsets: Int32Array; entries: Int32Array }[]) => {
      // The first call-by-callee entry now names row 1,000,000 of its file.
      const e = p[1]!.entries;
      assert.ok(e.length >= 2);
      e[1] = 1_000_000;
    },
  ],
  [
    'a macro posting past its file’s macro rows',
    (p: { offsets: Int32Array; entries: Int32Array }[]) => {
      // The first macro-definition entry now names macro row 1,000,000 of its file.
      const e = p[5]!.entries;
      assert.ok(e.length >= 2, 'the fixtures define macros');
      e[1] = 1_000_000;
    },
  ],
  [
    'a posting under another name than its row’s',
    (p: { offsets: Int32Array; entries: Int32Array }[]) => {
      // Two function-definition entries of different names swap their rows.
      const { offsets, entries } = p[0]!;
      const keys: number[] = [];
      for (let k = 0; k + 1 < offsets.length && keys.length < 2; k++) {
        if (offsets[k + 1]! > offsets[k]!) keys.push(k);
      }
      const [a, b] = keys.map((k) => offsets[k]!);
      const row = entries[a! + 1]!;
      entries[a! + 1] = entries[b! + 1]!;
      entries[b! + 1] = row;
      const file = entries[a!]!;
      entries[a!] = entries[b!]!;
      entries[b!] = file;
    },
  ],
] as const) {
  test(`a crafted cache with a valid checksum: ${what} — rebuilt from the rows, never a crash`, async () => {
    const cacheDir = join(tmp, `cache-${what.length}`);
    const fresh = await WorkspaceIndex.open(root, { workers: 1, cacheDir: null });
    const want = answers(fresh.index);
    fresh.dispose();
    const first = await WorkspaceIndex.open(root, { workers: 1, cacheDir });
    first.dispose();
    await craft(cacheDir, edit);
    const lines: string[] = [];
    const again = await WorkspaceIndex.open(root, {
      workers: 1,
      cacheDir,
      log: (l) => lines.push(l),
    });
    try {
      assert.equal(again.report.cache, 'hit', 'the rows themselves were fine and reused');
      assert.equal(answers(again.index), want);
      assert.ok(
        lines.some((l) => /postings do not match its rows; rebuilt them/.test(l)),
        lines.join('\n'),
      );
    } finally {
      again.dispose();
    }
    // The rebuilt index was written back: the next open adopts it without complaint.
    const third = await WorkspaceIndex.open(root, {
      workers: 1,
      cacheDir,
      log: (l) => lines.push(l),
    });
    try {
      assert.equal(answers(third.index), want);
    } finally {
      third.dispose();
    }
  });
}
