import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../../src/cli/main';
import { simulateSplice, spliceModel, type SpliceParams } from '../../src/model/splice';
import { ModelInputError, runModel } from '../../src/model/types';

const MiB = 1048576;
const S15: SpliceParams = {
  version: '2026',
  pipe_size_bytes: MiB,
  src_bytes: 3 * MiB,
  src_fin: false,
  dst_capacity_bytes: 1.5 * MiB,
  peer_read_bytes: 0,
  busy_wakeups_before_peer_read: 3,
  max_steps: 2000,
};

test('S15, 2026 loop: splice calls 3/3, 1/1, 2/1 and the exit state of each pass', () => {
  const r = simulateSplice(S15);
  assert.equal(r.passes.length, 3);
  const [p1, p2, p3] = r.passes;
  assert.deepEqual([p1.reads, p1.writes], [3, 3]);
  assert.equal(p1.event, 'IN on src');
  assert.equal(p1.read_bytes, 2.5 * MiB);
  assert.equal(p1.written_bytes, 1.5 * MiB);
  assert.equal(p1.exit_pending_bytes, MiB);
  assert.equal(p1.exit_src_left_bytes, 0.5 * MiB);
  assert.equal(p1.exit_flags, 'OUT_WAIT(dst)');
  assert.equal(p1.exit_src_mask, 'RDHUP'); // EPOLLIN disarmed (667caa0)
  assert.match(p1.exit_dst_mask, /OUT/);
  assert.deepEqual([p2.reads, p2.writes], [1, 1]);
  assert.equal(p2.event, 'OUT on dst');
  assert.equal(p2.written_bytes, MiB);
  assert.equal(p2.exit_pending_bytes, 0);
  assert.equal(p2.exit_src_left_bytes, 0.5 * MiB); // broke out although src still holds data
  assert.equal(p2.exit_src_mask, 'IN|RDHUP');
  assert.deepEqual([p3.reads, p3.writes], [2, 1]);
  assert.equal(p3.event, 'IN on src');
  assert.equal(p3.read_bytes, 0.5 * MiB);
  assert.equal(p3.written_bytes, 0.5 * MiB);
  assert.equal(r.futile_wakeups, 0);
  // The MORE heuristic: 1048576·90/100 = 943718; the two 1 MiB reads set it, 0.5 MiB does not.
  const writes = r.steps.filter((s) => s.kind === 'splice_write');
  assert.deepEqual(
    writes.map((s) => s.more_flag),
    [1, 1, 0, 0, 0],
  );
});

test('S15, 2023 loop: same bytes, EPOLLIN stays armed and fires with a full pipe', () => {
  const r = simulateSplice({ ...S15, version: '2023' });
  const p1 = r.passes[0];
  assert.deepEqual([p1.reads, p1.writes], [3, 3]);
  assert.equal(p1.read_bytes, 2.5 * MiB);
  assert.equal(p1.written_bytes, 1.5 * MiB);
  assert.equal(p1.exit_src_left_bytes, 0.5 * MiB);
  assert.equal(p1.exit_flags, 'OUT_WAIT(dst)');
  assert.equal(p1.exit_src_mask, 'IN|RDHUP'); // still armed
  // Level-triggered EPOLLIN on src while the pipe is full: wakeups that move nothing.
  const futile = r.passes.filter((x) => x.read_bytes + x.written_bytes === 0);
  assert.ok(futile.length >= 3);
  assert.ok(futile.slice(0, 3).every((x) => x.event === 'IN on src'));
  // `goto retry` keeps `more`: the write after the 0.5 MiB retry read still carries MORE.
  const firstPassWrites = r.steps.filter((s) => s.kind === 'splice_write' && s.pass === 1);
  assert.deepEqual(
    firstPassWrites.map((s) => s.more_flag),
    [1, 1, 1],
  );
  assert.equal(r.bytes_read, 3 * MiB);
  assert.equal(r.bytes_written, 3 * MiB);
});

test('S15 through the CLI, both versions', async () => {
  for (const id of ['S15', 'S15-2023']) {
    let out = '';
    const code = await runCli(['simulate', 'passt-splice', '--scenario', id, '--json'], {
      out: (t) => (out += t),
      err: () => {},
      cwd: process.cwd(),
    });
    assert.equal(code, 0);
    const r = JSON.parse(out);
    assert.equal(r.final.pass1_reads_count, 3);
    assert.equal(r.final.pass1_writes_count, 3);
    assert.equal(r.final.pass1_exit_pending_bytes, MiB);
    if (id === 'S15') {
      assert.equal(r.final.pass2_reads_count, 1);
      assert.equal(r.final.pass2_writes_count, 1);
      assert.equal(r.final.pass3_reads_count, 2);
      assert.equal(r.final.pass3_writes_count, 1);
      assert.equal(r.final.pass1_exit_src_mask, 'RDHUP');
    } else {
      assert.equal(r.final.pass1_exit_src_mask, 'IN|RDHUP');
      assert.ok(r.final.futile_wakeups_count >= 3);
    }
    assert.equal(r.final.bytes_written_bytes, 3 * MiB);
    assert.ok(r.series.some((p: { kind: string }) => p.kind === 'splice_read'));
  }
});

test('FIN is propagated once the pipe is empty, in both versions', () => {
  for (const version of ['2023', '2026'] as const) {
    const r = simulateSplice({
      ...S15,
      version,
      pipe_size_bytes: 65536,
      src_bytes: 262144,
      src_fin: true,
      dst_capacity_bytes: 131072,
    });
    assert.equal(r.fin_forwarded, true, version);
    assert.equal(r.bytes_written, 262144);
    const shut = r.steps.findIndex((s) => s.kind === 'shutdown');
    assert.ok(shut > 0);
    assert.equal(r.steps[shut].pipe_fill_bytes, 0);
    assert.equal(r.steps[shut].src_queue_bytes, 0);
  }
});

const paramsArb = fc.record({
  version: fc.constantFrom('2023' as const, '2026' as const),
  pipe_size_bytes: fc.constantFrom(4096, 8192, 65536),
  src_bytes: fc.integer({ min: 0, max: 60000 }),
  src_fin: fc.boolean(),
  dst_capacity_bytes: fc.integer({ min: 1024, max: 100000 }),
  peer_read_bytes: fc.oneof(fc.constant(0), fc.integer({ min: 1024, max: 100000 })),
  busy_wakeups_before_peer_read: fc.integer({ min: 1, max: 5 }),
  max_steps: fc.constant(20000),
});

test('property: conservation at every step (read = written + in pipe) and termination', () => {
  fc.assert(
    fc.property(paramsArb, (p) => {
      const r = simulateSplice(p);
      let read = 0;
      let written = 0;
      let peer = 0;
      for (const s of r.steps) {
        if (s.kind === 'splice_read') read += s.moved_bytes;
        if (s.kind === 'splice_write') written += s.moved_bytes;
        if (s.kind === 'peer_read') peer += s.moved_bytes;
        assert.equal(read, written + s.pipe_fill_bytes);
        assert.equal(p.src_bytes - s.src_queue_bytes, read);
        assert.equal(written, s.dst_queued_bytes + peer);
        assert.ok(s.pipe_fill_bytes <= p.pipe_size_bytes);
        assert.ok(s.dst_queued_bytes <= p.dst_capacity_bytes);
      }
      if (p.version === '2026') {
        assert.equal(r.stopped, 'idle');
        // OUT_WAIT iff pending (4ccb2ee): nothing is ever stranded.
        assert.equal(r.bytes_read, p.src_bytes);
        assert.equal(r.bytes_written, p.src_bytes);
        assert.equal(r.fin_forwarded, p.src_fin);
      }
    }),
    { numRuns: 300 },
  );
});

test('2023 loop: a partial drain on EPOLLOUT strands the pipe without OUT_WAIT (lost wakeup)', () => {
  const r = simulateSplice({
    ...S15,
    version: '2023',
    pipe_size_bytes: 4096,
    src_bytes: 3,
    dst_capacity_bytes: 1,
  });
  // EPOLLOUT pass: read EAGAIN (never_read stays 1), write 1 of 2, next write EAGAIN →
  // `if (never_read) break;` without setting OUT_WAIT: the last byte is never forwarded.
  assert.equal(r.stopped, 'idle');
  assert.equal(r.bytes_read, 3);
  assert.equal(r.bytes_written, 2);
  const last = r.steps[r.steps.length - 1];
  assert.equal(last.pipe_fill_bytes, 1);
  assert.equal(last.flags, '-');
  assert.doesNotMatch(last.dst_mask, /OUT/);
  const fixed = simulateSplice({
    ...S15,
    pipe_size_bytes: 4096,
    src_bytes: 3,
    dst_capacity_bytes: 1,
  });
  assert.equal(fixed.bytes_written, 3);
});

test('property: identical inputs give identical step lists', () => {
  fc.assert(
    fc.property(paramsArb, (p) => {
      assert.deepEqual(simulateSplice(p), simulateSplice({ ...p }));
    }),
    { numRuns: 20 },
  );
});

test('passt-splice rejects impossible inputs', () => {
  const cases: [Record<string, number | string | boolean>, RegExp][] = [
    [{ pipe_size_bytes: 100000 }, /not a power of two/],
    [{ pipe_size_bytes: 0 }, /outside/],
    [{ src_bytes: -5 }, /outside/],
    [{ dst_capacity_bytes: Number.NaN }, /must be a number/],
    [{ src_bytes: 2 ** 31 }, /outside/],
    [{ version: '2024' }, /must be one of/],
  ];
  for (const [p, re] of cases) {
    assert.throws(
      () => runModel(spliceModel, p),
      (e: unknown) => e instanceof ModelInputError && re.test((e as Error).message),
    );
  }
});
