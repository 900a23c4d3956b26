// Issue 8, workspace trust: SKLens declares that it supports untrusted workspaces, which is
// only true if nothing from the workspace is ever run or loaded as code. These tests read the
// sources: every construct that can execute text (eval, new Function, vm, child processes,
// dynamic import, require of a computed path, Worker({eval: true})) is either absent or one of
// the reviewed sites listed below, each of which only ever loads SKLens's own files. A new site
// fails the test until it is reviewed and listed here. Annotation files are parsed as data: a
// YAML tag that asks for a function, or a JSON `__proto__` key, stays inert.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseAnnotations } from '../../src/knowledge/annotations';

const repo = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mts|js)$/.test(n) && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Code without comments, so a comment that mentions eval does not count (strings stay). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Constructs that execute text, with the reviewed sites allowed for each (file: count). */
const RISKY: { what: string; re: RegExp; allowed: Record<string, number> }[] = [
  { what: 'eval()', re: /(^|[^\w.])eval\s*\(/g, allowed: {} },
  { what: 'new Function', re: /new\s+Function\s*\(/g, allowed: {} },
  { what: 'the vm module', re: /['"](node:)?vm['"]/g, allowed: {} },
  { what: 'child processes', re: /['"](node:)?child_process['"]/g, allowed: {} },
  { what: 'dynamic import()', re: /(^|[^\w.])import\s*\(/g, allowed: {} },
  {
    // require() of anything but a string literal. The two sites load the test-only
    // extractorModule option (see the next test: the extension never sets it); the two in the
    // one worker bootstrap text (src/index/ownWorker.ts, for the index, document, claim and
    // symbol-search workers) load tsx and SKLens's own worker module when running from source.
    what: 'require() of a computed path',
    re: /(^|[^\w.])require\s*\(\s*(?!['"][^'"]+['"]\s*\))/g,
    allowed: {
      'src/index/worker.ts': 1,
      'src/index/workspaceIndex.ts': 1,
      'src/index/ownWorker.ts': 2,
    },
  },
  {
    // Worker code given as text: the one bootstrap, built from require.resolve() of tsx and
    // the path of SKLens's own module, never from workspace content.
    what: 'Worker({ eval: true })',
    re: /eval:\s*true/g,
    allowed: {
      'src/index/ownWorker.ts': 1,
    },
  },
];

test('nothing in src/ or webview/ evaluates text outside the reviewed sites', () => {
  const files = [...sources(join(repo, 'src')), ...sources(join(repo, 'webview'))];
  assert.ok(files.length > 50, `found only ${files.length} source files`);
  const found: string[] = [];
  for (const risky of RISKY) {
    const counts: Record<string, number> = {};
    for (const f of files) {
      const rel = relative(repo, f).split('\\').join('/');
      const hits = code(readFileSync(f, 'utf8')).match(risky.re)?.length ?? 0;
      if (hits > 0) counts[rel] = hits;
    }
    for (const [rel, n] of Object.entries(counts)) {
      if (risky.allowed[rel] !== n) found.push(`${rel}: ${n} x ${risky.what}`);
    }
  }
  assert.deepEqual(found, [], 'unreviewed code-execution sites');
});

test('the test-only extractorModule hook is unreachable from the extension and the CLI', () => {
  for (const f of sources(join(repo, 'src'))) {
    const rel = relative(repo, f).split('\\').join('/');
    if (rel.startsWith('src/index/')) continue;
    assert.ok(
      !/extractorModule/.test(code(readFileSync(f, 'utf8'))),
      `${rel} sets extractorModule`,
    );
  }
});

test('package.json declares untrusted-workspace support and contributes nothing that runs code', () => {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    capabilities?: {
      untrustedWorkspaces?: {
        supported?: unknown;
        description?: unknown;
        restrictedConfigurations?: unknown;
      };
    };
    contributes?: { configuration?: { properties?: Record<string, unknown> } } & Record<
      string,
      unknown
    >;
  };
  const u = pkg.capabilities?.untrustedWorkspaces;
  assert.equal(u?.supported, 'limited');
  assert.match(String(u?.description), /never runs anything from the workspace/);
  // Issue 15.6: an untrusted workspace must not choose which files are read (its globs ran on
  // the host thread); in Restricted Mode these come from user settings only.
  const restricted = u?.restrictedConfigurations as string[];
  for (const k of [
    'sklens.index.include',
    'sklens.index.exclude',
    'sklens.index.maxFileSizeBytes',
    'sklens.index.followSymlinks',
  ])
    assert.ok(restricted?.includes(k), `restrictedConfigurations lists ${k}`);
  for (const k of restricted) assert.ok(k in (pkg.contributes?.configuration?.properties ?? {}), k);
  // Task providers, debuggers and terminals would run workspace content.
  for (const k of ['taskDefinitions', 'debuggers', 'terminal', 'problemMatchers']) {
    assert.ok(!(k in (pkg.contributes ?? {})), `contributes.${k}`);
  }
});

test('annotation files are data: YAML code tags and JSON __proto__ keys stay inert', () => {
  const g = globalThis as { pwned?: unknown };
  const yaml = [
    'entries:',
    '  - id: sk_sndbuf',
    "    summary: !!js/function 'function () { globalThis.pwned = 1 }'",
    "  - id: sk_rcvbuf\n    summary: !!python/object/apply:os.system ['touch /tmp/sklens-pwned']",
  ].join('\n');
  const y = parseAnnotations(yaml, 'yaml', () => true);
  assert.equal(g.pwned, undefined);
  for (const e of y.entries) {
    for (const v of Object.values(e)) assert.notEqual(typeof v, 'function', JSON.stringify(e));
  }
  const json = '{"entries":[{"id":"sk_sndbuf","__proto__":{"polluted":1},"summary":"x"}]}';
  parseAnnotations(json, 'json', () => true);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype polluted');
});
