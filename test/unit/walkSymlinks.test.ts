// Symlinks and special files, one rule for the walk and for the watcher path
// (src/index/walk.ts classifyPath): symlinked folders and files are followed (as VS Code's
// search.followSymlinks), a link back into a folder already walked is skipped by its real
// path, and only regular files are read — a FIFO or a link to /dev/zero is skipped with a
// reason and never opened (opening a FIFO with no writer would block; /dev/zero never ends).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { walkTree } from '../../src/index/walk';
import { WorkspaceIndex } from '../../src/index/workspaceIndex';

const fixtures = join(__dirname, '..', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-links-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Two folders of real fixture files: `net/` and `passt/`. */
function sources(root: string): void {
  const c = readdirSync(fixtures).filter((n) => n.endsWith('.c'));
  assert.ok(c.length >= 6, 'fixtures present');
  mkdirSync(join(root, 'net', 'ipv4'), { recursive: true });
  mkdirSync(join(root, 'passt'), { recursive: true });
  c.forEach((n, i) =>
    copyFileSync(join(fixtures, n), join(root, i % 2 ? 'passt' : join('net', 'ipv4'), n)),
  );
}

const src = join(tmp, 'src');
sources(src);

async function functions(root: string, followSymlinks = true): Promise<number> {
  const ws = await WorkspaceIndex.open(root, { workers: 1, followSymlinks });
  try {
    return ws.index.stats().functions;
  } finally {
    ws.dispose();
  }
}

test('a workspace of symlinked folders indexes what the same folders copied in do', async () => {
  const copied = join(tmp, 'copied');
  sources(copied);
  const linked = join(tmp, 'linked');
  mkdirSync(linked);
  symlinkSync(join(src, 'net'), join(linked, 'net'));
  symlinkSync(join(src, 'passt'), join(linked, 'passt'));
  const want = await functions(copied);
  assert.ok(want > 10, `fixtures define functions (${want})`);
  assert.equal(await functions(linked), want);
  // With the setting off, the links are not followed, and the walk says why.
  assert.equal(await functions(linked, false), 0);
  const w = await walkTree(linked, { followSymlinks: false });
  assert.equal(w.files.length, 0);
});

test('a symlinked file is indexed under its own path', async () => {
  const root = join(tmp, 'filelink');
  mkdirSync(root);
  symlinkSync(join(src, 'net', 'ipv4', 'basic_defs_calls_fields.c'), join(root, 'alias.c'));
  const w = await walkTree(root);
  assert.deepEqual(
    w.files.map((f) => f.path),
    ['alias.c'],
  );
});

test('a symlink loop, a link to /dev/zero and a FIFO are skipped with a reason', async () => {
  const root = join(tmp, 'hostile');
  sources(root);
  symlinkSync('..', join(root, 'net', 'ipv4', 'up')); // loop back to net/
  symlinkSync(root, join(root, 'passt', 'root')); // loop back to the root
  symlinkSync(join(root, 'net'), join(root, 'net-again')); // the same folder twice
  symlinkSync('/dev/zero', join(root, 'net', 'zero.c'));
  execFileSync('mkfifo', [join(root, 'net', 'pipe.c')]);
  symlinkSync(join(root, 'net', 'pipe.c'), join(root, 'passt', 'pipe_link.h'));
  symlinkSync(join(root, 'missing.c'), join(root, 'net', 'broken.c'));

  const w = await walkTree(root);
  const reason = (p: string) => w.skipped.find((s) => s.path === p)?.reason ?? '(not skipped)';
  assert.match(reason('net/ipv4/up'), /symlink loop \(back to net\)/);
  assert.match(reason('passt/root'), /symlink loop \(back to the root\)/);
  assert.match(
    reason('net-again') + reason('net'),
    /already indexed (as|through the symlink) net(-again)?/,
  );
  assert.match(reason('net/zero.c'), /a symlink to a character device, not read/);
  assert.match(reason('net/pipe.c'), /a FIFO, not read/);
  assert.match(reason('passt/pipe_link.h'), /a symlink to a FIFO, not read/);
  assert.match(reason('net/broken.c'), /broken symlink/);
  for (const f of w.files) assert.ok(!/zero|pipe|broken/.test(f.path), f.path);

  // The whole index opens (nothing blocks on the FIFO or reads /dev/zero forever), with the
  // same functions as the tree without the hostile entries.
  const clean = join(tmp, 'clean');
  sources(clean);
  assert.equal(await functions(root), await functions(clean));
});

test('the watcher path applies the same rule: a FIFO or /dev/zero link is not read', async () => {
  const root = join(tmp, 'watched');
  sources(root);
  const lines: string[] = [];
  const ws = await WorkspaceIndex.open(root, { workers: 1, log: (l) => lines.push(l) });
  try {
    const before = ws.index.stats().functions;
    execFileSync('mkfifo', [join(root, 'net', 'late_pipe.c')]);
    symlinkSync('/dev/zero', join(root, 'net', 'late_zero.c'));
    symlinkSync(join(src, 'passt'), join(root, 'linked_passt'));
    const r = await ws.addOrChangeFiles([
      join(root, 'net', 'late_pipe.c'),
      join(root, 'net', 'late_zero.c'),
      join(root, 'linked_passt'),
    ]);
    // The linked folder's files are new; the FIFO and the device are not.
    assert.ok(r.extracted > 0);
    assert.ok(ws.index.stats().functions > before);
    assert.ok(!ws.index.fileInfo('net/late_pipe.c'));
    assert.ok(!ws.index.fileInfo('net/late_zero.c'));
    assert.ok(
      lines.some((l) => /late_pipe\.c: a FIFO, not read/.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.some((l) => /late_zero\.c: a symlink to a character device/.test(l)));
  } finally {
    ws.dispose();
  }
});
