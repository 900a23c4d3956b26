// Issue 13 on all of Linux 6.1 (SKLENS_LINUX_FULL, 55k files), indexed once, cold, by the CLI
// bundle:
//   - its peak RSS (VmHWM as the process exits, workers included) stays under a guard set
//     above today's figure. Measured 2.22-2.46 GB on 2026-12-07/08. The goal of 1.5 GB
//     is not met yet, and this guard is not that goal: it catches a regression;
//   - for functions, fields and definitions of net/, the answers read from the whole tree's
//     store are the answers on the net/ + include/ subtree (SKLENS_LINUX), once the rows are
//     limited to the files the subtree has. Calls through ops tables may reach more
//     functions in the whole tree (drivers fill the same tables), so those callee rows only
//     have to include the subtree's.
// Heavy: the whole tree's cold index takes minutes on every core. Times are printed, never
// asserted.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runWithPeakRss } from './peakRss';
import { linuxRoot } from './sources';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
/** A guard over today's 2.2-2.5 GB, not the 1.5 GB goal. */
const GUARD_GB = 3;

function linuxFull(): string {
  const p = process.env.SKLENS_LINUX_FULL ?? join(repo, '.cache', 'sources', 'linux-6.1-full');
  assert.ok(
    existsSync(join(p, 'net', 'ipv4', 'tcp.c')) && existsSync(join(p, 'drivers')),
    `SKLENS_LINUX_FULL: the whole Linux tree is not at ${p}; run scripts/fetch-sources.sh`,
  );
  return p;
}

const tmp = mkdtempSync(join(tmpdir(), 'sklens-whole-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `sklens <cmd> <root> ...args --json` against a cache folder, parsed. */
function query<T>(cmd: string, root: string, cache: string, ...args: string[]): T {
  const r = spawnSync(process.execPath, [cli, cmd, root, ...args, '--json', '--cache-dir', cache], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

type Row = { name?: string; function?: string | null; file: string; line: number; via?: string };
const key = (r: Row) => `${r.file}:${r.line} ${r.name ?? r.function ?? ''} [${r.via ?? ''}]`;

describe('the whole kernel, indexed once', { timeout: 1_800_000 }, () => {
  const full = join(tmp, 'full');
  const sub = join(tmp, 'sub');
  /** Whether a file of the whole tree is in the subtree too (same release, same bytes). */
  const seen = new Map<string, boolean>();
  const inSubtree = (file: string) => {
    let v = seen.get(file);
    if (v === undefined) seen.set(file, (v = existsSync(join(linuxRoot(), file))));
    return v;
  };

  before(async () => {
    assert.ok(existsSync(cli), 'dist/cli.js missing: run node esbuild.mjs');
    const t0 = Date.now();
    const { code, out, err, kb } = await runWithPeakRss(tmp, [
      cli,
      'index',
      linuxFull(),
      '--json',
      '--cache-dir',
      full,
    ]);
    assert.equal(code, 0, err.slice(-2000));
    const report = JSON.parse(out) as { files: number; functions: number };
    const gb = kb / 1048576;
    console.log(
      `whole kernel cold: ${report.files} files, ${report.functions} functions in ` +
        `${((Date.now() - t0) / 1000).toFixed(0)} s; peak RSS ${gb.toFixed(2)} GB ` +
        `(guard ${GUARD_GB} GB; the issue's goal 1.5 GB is ${gb <= 1.5 ? 'met' : 'not met'})`,
    );
    assert.ok(report.files > 50_000, `${report.files} files indexed`);
    assert.ok(kb > 0, err.slice(-2000));
    assert.ok(gb <= GUARD_GB, `peak RSS ${gb.toFixed(2)} GB is over the ${GUARD_GB} GB guard`);
    const s = spawnSync(
      process.execPath,
      [cli, 'index', linuxRoot(), '--json', '--cache-dir', sub],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(s.status, 0, s.stderr);
  });

  const FUNCTIONS = [
    'tcp_sendmsg',
    'tcp_sendmsg_locked',
    'tcp_grow_window',
    'tcp_push_one',
    'tcp_write_xmit',
    'sk_stream_memory_free',
    'sk_wmem_schedule',
    'tcp_rcv_space_adjust',
    'sock_sendmsg',
    'inet_sendmsg',
  ];

  test('callers and callees of net/ functions are those of the subtree', () => {
    for (const fn of FUNCTIONS) {
      const whole = query<Row[]>('callers', linuxFull(), full, fn).filter((r) => inSubtree(r.file));
      const part = query<Row[]>('callers', linuxRoot(), sub, fn);
      assert.ok(part.length > 0, `${fn} has callers in the subtree`);
      assert.deepEqual(whole.map(key).sort(), part.map(key).sort(), `callers ${fn}`);

      const wholeOut = query<Row[]>('callees', linuxFull(), full, fn);
      const partOut = query<Row[]>('callees', linuxRoot(), sub, fn);
      const plain = (rs: Row[]) =>
        rs
          .filter((r) => !r.via?.startsWith('ops:'))
          .map(key)
          .sort();
      assert.deepEqual(plain(wholeOut), plain(partOut), `direct and INDIRECT_CALL callees ${fn}`);
      const wholeKeys = new Set(wholeOut.map(key));
      for (const r of partOut)
        assert.ok(wholeKeys.has(key(r)), `callees ${fn}: the whole tree lacks ${key(r)}`);
    }
  });

  test('field accesses and definitions in the subtree files are the same', () => {
    for (const field of ['sk_sndbuf', 'sk_wmem_queued', 'sk_forward_alloc']) {
      const whole = query<Row[]>('fields', linuxFull(), full, field).filter((r) =>
        inSubtree(r.file),
      );
      const part = query<Row[]>('fields', linuxRoot(), sub, field);
      assert.ok(part.length > 10, `${field} is accessed in the subtree`);
      assert.deepEqual(whole.map(key).sort(), part.map(key).sort(), `fields ${field}`);
    }
    const whole = query<Row[]>('defs', linuxFull(), full).filter((r) => inSubtree(r.file));
    const part = query<Row[]>('defs', linuxRoot(), sub);
    assert.ok(part.length > 30_000, `${part.length} definitions in the subtree`);
    assert.deepEqual(whole.map(key).sort(), part.map(key).sort(), 'definitions');
  });
});
