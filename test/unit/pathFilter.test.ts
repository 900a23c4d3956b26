// Issue 15.6 and 14.5: the include/exclude globs. One matcher (an automaton, no RegExp) whose
// work is bounded by states × path length even for patterns that made the old RegExp
// backtrack for minutes; one-line errors for malformed globs (CLI, settings); and one rule for
// excluded folders shared by the walk and the watcher.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { Config, DEFAULTS, ReportOnce, type ConfigSource } from '../../src/config';
import {
  compileGlob,
  GlobError,
  globProblem,
  globSteps,
  MAX_GLOB_ALTERNATIVES,
  PathFilter,
} from '../../src/index/pathFilter';
import { walkTree } from '../../src/index/walk';

const scratch = mkdtempSync(join(tmpdir(), 'sklens-globs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('globs keep their meaning: segments, classes, braces, base names, folder/**', () => {
  const cases: [string, string, boolean][] = [
    ['**/*.c', 'a.c', true],
    ['**/*.c', 'x/y/a.c', true],
    ['**/*.c', 'x/y/a.cc', false],
    ['*.{c,h}', 'net/ipv4/tcp.h', true],
    ['net/*.c', 'net/socket.c', true],
    ['net/*.c', 'net/ipv4/tcp.c', false],
    ['net/**/*.c', 'net/tcp.c', true],
    ['net/**/*.c', 'net/a/b/tcp.c', true],
    ['net/**/*.c', 'netx/tcp.c', false],
    ['Documentation/**', 'Documentation', true],
    ['Documentation/**', 'Documentation/x/y.rst', true],
    ['Documentation/**', 'net/Documentation', false],
    ['**/.git/**', 'net/.git', true],
    ['**/.git/**', '.git/HEAD', true],
    ['**/.git/**', 'net/.github/x', false],
    ['tcp_?.c', 'tcp_1.c', true],
    ['tcp_?.c', 'tcp_12.c', false],
    ['[a-c]*.c', 'bpf.c', true],
    ['[!a-c]*.c', 'bpf.c', false],
    ['[!a-c]*.c', 'dccp.c', true],
    ['a+b.c', 'aab.c', false],
    ['a+b.c', 'a+b.c', true],
    ['{net,include}/**/*.h', 'include/net/sock.h', true],
    ['{net,include/{linux,uapi}}/*.h', 'include/uapi/x.h', true],
    ['{net,include/{linux,uapi}}/*.h', 'include/net/x.h', false],
    ['./net/*.c', 'net/a.c', true],
    ['net\\*.c', 'net/a.c', true],
    ['**', 'any/thing', true],
    ['**/**/*.c', 'a.c', true],
    ['a**b.c', 'axxb.c', true],
    ['a**b.c', 'a/b.c', false],
  ];
  for (const [glob, path, want] of cases)
    assert.equal(compileGlob(glob).test(path), want, `${glob} vs ${path}`);
});

test('pathological globs on a deep path take steps linear in the path, not exponential', () => {
  // Twelve `**/` segments: the old RegExp `^(?:[^/]*/)*...$` took 4.8 s at depth 16 and grows
  // combinatorially. `*/**/` six times needs the state set kept free of duplicates: without
  // that it takes 3 million steps at depth 20.
  const deep = (depth: number) => `${'abcdefgh/'.repeat(depth)}y.c`;
  for (const source of [`${'**/'.repeat(12)}x/*.c`, `${'*/**/'.repeat(6)}x/*.c`]) {
    const glob = compileGlob(source);
    const steps = (path: string) => {
      globSteps.count = 0;
      assert.equal(glob.test(path), false);
      return globSteps.count;
    };
    // Each character visits each state at most twice (once reading, once closing over splits).
    for (const depth of [20, 50]) {
      const k = steps(deep(depth));
      const bound = 2 * glob.states * (deep(depth).length + 1);
      assert.ok(k <= bound, `${source}: ${k} steps at depth ${depth}, bound ${bound}`);
    }
    const n = steps(deep(50));
    const n4 = steps(deep(200));
    assert.ok(n4 <= 4.5 * n, `${source}: 4× the path took ${n4} steps vs ${n}`);
    // And it still matches at that depth.
    assert.ok(glob.test(`${'abcdefgh/'.repeat(200)}x/y.c`));
    console.log(`${source}: ${glob.states} states, ${n} steps at depth 50, ${n4} at depth 200`);
  }
});

test('malformed globs are a one-line GlobError, never a RegExp SyntaxError', () => {
  const bad: [string, RegExp][] = [
    ['**/*.{c', /'\{' is never closed/],
    ['src/[abc.c', /'\[' is never closed/],
    ['x[].c', /empty/],
    ['[z-a].c', /reversed/],
    ['   ', /empty/],
    ['x'.repeat(2000), /longer than/],
    ['{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}', new RegExp(`more than ${MAX_GLOB_ALTERNATIVES}`)],
  ];
  for (const [glob, why] of bad) {
    assert.throws(
      () => compileGlob(glob),
      (e: unknown) => e instanceof GlobError && why.test(e.message) && !e.message.includes('\n'),
      glob.slice(0, 40),
    );
    assert.match(globProblem(glob) ?? '', /^invalid glob '/);
  }
  assert.equal(globProblem('**/*.{c,h}'), undefined);
  assert.match(globProblem(3) ?? '', /not a string/);
});

function tree(files: string[]): string {
  const root = mkdtempSync(join(scratch, 't-'));
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), 'int x;\n');
  }
  return root;
}

test('one rule for excluded folders: the walk lists exactly the files the watcher accepts', async () => {
  const files = [
    'net/tcp.c',
    'build/gen.c',
    'net/build/gen.h',
    'drivers/net/tun.c',
    'drivers/netx/a.c',
    'Documentation/x.c',
    'out/x/y/z.c',
    'out.c',
  ];
  const root = tree(files);
  const excludes = [
    ['**/build'], // a folder named by itself, without /**
    ['drivers/net'],
    ['**/build/'],
    ['Documentation/**', 'out/x'],
    ['out*'],
  ];
  for (const exclude of excludes) {
    const include = ['**/*.c', '**/*.h'];
    const walked = new Set((await walkTree(root, { include, exclude })).files.map((f) => f.path));
    const filter = new PathFilter(include, exclude);
    for (const f of files) {
      assert.equal(filter.wanted(f), walked.has(f), `${f} under exclude ${exclude.join(', ')}`);
    }
  }
  const f = new PathFilter(['**/*.c'], ['**/build']);
  assert.ok(f.excluded('net/build/deeper/x.c'));
  assert.ok(!f.excluded('net/builder/x.c'));
});

function source(values: Record<string, unknown>): ConfigSource {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test('a setting with a malformed glob is refused with one line and its default is used', () => {
  const c = new Config(
    source({ 'index.include': ['**/*.{c'], 'index.exclude': ['**/out/**', 'x[.c'] }),
  );
  assert.deepEqual(c.indexInclude, DEFAULTS['index.include']);
  assert.deepEqual(c.indexExclude, DEFAULTS['index.exclude']);
  assert.deepEqual(c.problems, [
    "sklens.index.include: invalid glob '**/*.{c': a '{' is never closed; using the default",
    "sklens.index.exclude: invalid glob 'x[.c': a '[' is never closed; using the default",
  ]);
  assert.deepEqual(new Config(source({ 'index.include': ['**/*.c'] })).problems, []);
  // Reported once while it lasts; again after being fixed and broken anew.
  const once = new ReportOnce();
  assert.deepEqual(once.fresh(c.problems), c.problems);
  assert.deepEqual(once.fresh(c.problems), []);
  assert.deepEqual(once.fresh([]), []);
  assert.deepEqual(once.fresh(c.problems.slice(0, 1)), c.problems.slice(0, 1));
});

test('CLI: a malformed --include or --exclude is one line on stderr and exit code 2', async () => {
  const root = tree(['a.c']);
  for (const flag of ['--include', '--exclude']) {
    let out = '';
    let err = '';
    const code = await runCli(['index', root, '--no-cache', flag, '**/*.{c'], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      cwd: scratch,
    });
    assert.equal(code, 2, err);
    assert.equal(out, '');
    assert.equal(err, `sklens index: ${flag}: invalid glob '**/*.{c': a '{' is never closed\n`);
  }
});
