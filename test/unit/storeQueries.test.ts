// The query commands answer from the tree's on-disk index store in place (src/cli/storeQueries.ts)
// and only while it holds: a file the answer reads that changed, a damaged page, another walk,
// or (with --check) a change anywhere in the tree sends them back to indexing the tree, which
// rewrites the store. Whether an answer came from the store is seen from the cache file: the
// fallback rewrites it, the store path never touches it.
import { strict as assert } from 'node:assert';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { cacheFileFor } from '../../src/index/cache';
import { PAGE_BYTES, PREFIX_BYTES } from '../../src/index/store/format';
import { StoreReader } from '../../src/index/store/reader';
import { storeFileFor } from '../../src/index/storeIndex';

const fixture = join(__dirname, '..', 'fixtures', 'tree-ops');
const tmp = mkdtempSync(join(tmpdir(), 'sklens-storeq-'));
const root = join(tmp, 'tree');
const cacheDir = join(tmp, 'cache');
after(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  cpSync(fixture, root, { recursive: true });
});

const cacheFile = () => cacheFileFor(cacheDir, root);
const storeFile = () => storeFileFor(cacheDir, root);

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli([...argv, '--cache-dir', cacheDir], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: tmp,
  });
  return { code, out, err };
}

/** Indexes the tree, then removes the cache file so that only the store can answer. */
async function indexedStoreOnly(): Promise<void> {
  const r = await cli('index', root);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(storeFile()), 'index writes the store beside the cache');
  rmSync(cacheFile());
}

const names = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[1]);

test('queries answer from the store without reading the tree or the cache', async () => {
  await indexedStoreOnly();
  const callers = await cli('callers', root, 'sk_stream_wspace');
  assert.equal(callers.code, 0, callers.err);
  assert.deepEqual(names(callers.out), ['check_room', 'udp_sendmsg']);
  const callees = await cli('callees', root, 'sock_sendmsg', '--json');
  assert.deepEqual(
    (JSON.parse(callees.out) as { name: string; via: string }[]).map((e) => `${e.name} ${e.via}`),
    ['check_room direct', 'tcp_sendmsg ops:proto.sendmsg', 'udp_sendmsg ops:proto.sendmsg'],
  );
  const fields = await cli('fields', root, 'sk_wmem_queued');
  assert.match(fields.out, /net\/tcp_lite\.c:17 write tcp_sendmsg/);
  const defs = await cli('defs', root, '--json');
  assert.equal((JSON.parse(defs.out) as unknown[]).length, 11);
  const unknown = await cli('callers', root, 'no_such_function');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown function 'no_such_function'/);
  assert.ok(!existsSync(cacheFile()), 'no query fell back to indexing the tree');
});

test('the store answers exactly what indexing the tree answers', async () => {
  await indexedStoreOnly();
  const fns = (JSON.parse((await cli('defs', root, '--json')).out) as { name: string }[]).map(
    (d) => d.name,
  );
  for (const fn of new Set(fns)) {
    for (const cmd of ['callers', 'callees']) {
      const fromStore = await cli(cmd, root, fn, '--json');
      const fromTree = await cli(cmd, root, fn, '--json', '--no-cache');
      assert.equal(fromStore.out, fromTree.out, `${cmd} ${fn}`);
    }
  }
  for (const field of ['sk_wmem_queued', 'sk_sndbuf']) {
    const fromStore = await cli('fields', root, field, '--json');
    const fromTree = await cli('fields', root, field, '--json', '--no-cache');
    assert.equal(fromStore.out, fromTree.out, field);
  }
  assert.ok(!existsSync(cacheFile()));
});

test('a changed file the answer names is re-read, and the store rewritten', async () => {
  await indexedStoreOnly();
  appendFileSync(
    join(root, 'net', 'udp_lite.c'),
    '\nint udp_poll_room(struct sock *sk)\n{\n\treturn sk_stream_wspace(sk);\n}\n',
  );
  const r = await cli('callers', root, 'sk_stream_wspace');
  assert.deepEqual(names(r.out), ['check_room', 'udp_sendmsg', 'udp_poll_room']);
  assert.ok(existsSync(cacheFile()), 'the stale answer sent the query to the tree');
  rmSync(cacheFile());
  const again = await cli('callers', root, 'sk_stream_wspace');
  assert.deepEqual(names(again.out), ['check_room', 'udp_sendmsg', 'udp_poll_room']);
  assert.ok(!existsSync(cacheFile()), 'the rewritten store answers on its own');
});

test('--check finds a new file anywhere in the tree; without it the store answers', async () => {
  await indexedStoreOnly();
  writeFileSync(
    join(root, 'net', 'raw_lite.c'),
    '#include <net/sock.h>\n\nint raw_room(struct sock *sk)\n{\n\treturn sk_stream_wspace(sk);\n}\n',
  );
  const plain = await cli('callers', root, 'sk_stream_wspace');
  assert.deepEqual(names(plain.out), ['check_room', 'udp_sendmsg']);
  assert.ok(!existsSync(cacheFile()));
  const checked = await cli('callers', root, 'sk_stream_wspace', '--check');
  assert.deepEqual(names(checked.out), ['check_room', 'raw_room', 'udp_sendmsg']);
  assert.ok(existsSync(cacheFile()));
});

test('a damaged store page is said in one line and never answers', async () => {
  await indexedStoreOnly();
  const store = StoreReader.open(storeFile());
  const [recStart] = store.header.sections.records;
  store.close();
  const buf = readFileSync(storeFile());
  const at = PREFIX_BYTES + Math.floor(recStart / PAGE_BYTES) * PAGE_BYTES + 1;
  buf[at] = buf[at]! ^ 0xff;
  writeFileSync(storeFile(), buf);
  const r = await cli('callers', root, 'sk_stream_wspace');
  assert.equal(r.code, 0);
  assert.deepEqual(names(r.out), ['check_room', 'udp_sendmsg']);
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0]!, /^sklens: index store not used \(.*checksum mismatch.*\); indexing/);
  // Rebuilt: the next query reads a clean store.
  rmSync(cacheFile());
  const again = await cli('callers', root, 'sk_stream_wspace');
  assert.equal(again.err, '');
  assert.ok(!existsSync(cacheFile()));
});

test('a query with other --include globs does not take the store of another walk', async () => {
  await indexedStoreOnly();
  const r = await cli('callers', root, 'sk_stream_wspace', '--include', 'net/af_sock.c');
  assert.deepEqual(names(r.out), ['check_room']);
});
