// Issue 15.8: the graph webview names the file to open; the host opens it only when its real
// path (symbolic links followed) is inside a workspace folder's real path.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { insideWorkspace } from '../../src/panels/insideWorkspace';

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'sklens-inside-')));
after(() => rmSync(scratch, { recursive: true, force: true }));

const ws = join(scratch, 'ws');
const other = join(scratch, 'other');
const outside = join(scratch, 'outside');
mkdirSync(join(ws, 'net'), { recursive: true });
mkdirSync(other);
mkdirSync(outside);
writeFileSync(join(ws, 'net', 'tcp.c'), 'int x;\n');
writeFileSync(join(other, 'b.c'), 'int y;\n');
writeFileSync(join(outside, 'secret'), 'no\n');
symlinkSync(join(outside, 'secret'), join(ws, 'net', 'link.c')); // a link out of the tree
symlinkSync(outside, join(ws, 'out')); // a folder link out of the tree
symlinkSync(join(other, 'b.c'), join(ws, 'to-other.c')); // into another workspace folder
symlinkSync(ws, join(scratch, 'ws-link')); // the workspace opened through a link

test('files inside a workspace folder open; links and paths out of it do not', async () => {
  const roots = [ws, other];
  const ok = await insideWorkspace('net/tcp.c', ws, roots);
  assert.deepEqual(ok, { ok: true, path: join(ws, 'net', 'tcp.c') });
  assert.ok((await insideWorkspace('to-other.c', ws, roots)).ok, 'a link into another folder');
  for (const file of [
    'net/link.c',
    'out/secret',
    '../outside/secret',
    join(outside, 'secret'),
    'net/missing.c',
  ]) {
    const r = await insideWorkspace(file, ws, roots);
    assert.equal(r.ok, false, file);
    if (!r.ok) assert.ok(!r.reason.includes('\n') && r.reason.includes(file), r.reason);
  }
  // Only the first folder is a root: the link into `other` is refused.
  assert.equal((await insideWorkspace('to-other.c', ws, [ws])).ok, false);
});

test('a workspace folder reached through a link still contains its files', async () => {
  const viaLink = join(scratch, 'ws-link');
  assert.ok((await insideWorkspace('net/tcp.c', viaLink, [viaLink])).ok);
  assert.ok((await insideWorkspace('net/tcp.c', viaLink, [ws])).ok);
  assert.equal((await insideWorkspace('net/link.c', viaLink, [viaLink])).ok, false);
});
