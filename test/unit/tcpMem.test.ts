import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../../src/cli/main';
import {
  raiseAllocated,
  tcpMemDefaultsPages,
  tcpMemModel,
  uncharge,
  wmemSchedule,
  type MemGlobal,
  type MemSock,
} from '../../src/model/tcpMem';
import { ModelInputError, runModel } from '../../src/model/types';

const mkGlobal = (over: Partial<MemGlobal> = {}): MemGlobal => ({
  tcp_mem_pages: [512, 768, 1024],
  tcp_wmem0_bytes: 4096,
  pcpu_rsv_pages: 256,
  allocated_pages: 0,
  pcpu_pages: [0],
  pressure: false,
  sockets_allocated: 8,
  ...over,
});
const mkSock = (over: Partial<MemSock> = {}): MemSock => ({
  cpu: 0,
  sndbuf_bytes: 1048576,
  sndbuf_locked: false,
  wmem_queued_bytes: 0,
  rmem_alloc_bytes: 0,
  forward_alloc_bytes: 0,
  ...over,
});

test('tcp_init_mem: 4,000,000 free buffer pages → 187500 250000 375000', () => {
  assert.deepEqual(tcpMemDefaultsPages(4_000_000), [187500, 250000, 375000]);
  assert.deepEqual(tcpMemDefaultsPages(100), [96, 128, 192]);
});

test('__sk_mem_raise_allocated decision order', () => {
  // Under low: succeed (and leave pressure).
  let g = mkGlobal({ allocated_pages: 100, pressure: true });
  assert.equal(raiseAllocated(g, mkSock(), 4096, 1).outcome, 'under_low');
  assert.equal(g.pressure, false);
  // Above tcp_mem[1]: enter pressure; the per-socket tcp_wmem[0] guarantee still succeeds.
  g = mkGlobal({ allocated_pages: 800 });
  const r = raiseAllocated(g, mkSock({ wmem_queued_bytes: 1000 }), 4096, 1);
  assert.equal(r.outcome, 'min_guarantee');
  assert.equal(r.entered_pressure, true);
  // Under pressure, fair share: 1024 > 8·pages(wq + fa).
  g = mkGlobal({ allocated_pages: 800, pressure: true });
  assert.equal(
    raiseAllocated(g, mkSock({ wmem_queued_bytes: 400000 }), 4096, 1).outcome,
    'fair_share',
  ); // 8·98 = 784 < 1024
  // Over the fair share, unlocked: moderate sndbuf to wq/2, which puts wq above it, so the
  // charge is forced (the writer then blocks on sk_sndbuf instead of failing).
  g = mkGlobal({ allocated_pages: 800, pressure: true });
  const sk = mkSock({ wmem_queued_bytes: 600000 }); // 8·147 > 1024
  const m = raiseAllocated(g, sk, 4096, 1);
  assert.equal(m.outcome, 'forced_at_sndbuf');
  assert.equal(sk.sndbuf_bytes, 300000); // min(1048576, 600000/2)
  // Locked sndbuf below its limit: fail, and the page is given back.
  g = mkGlobal({ allocated_pages: 800, pressure: true });
  const f = raiseAllocated(g, mkSock({ wmem_queued_bytes: 600000, sndbuf_locked: true }), 4096, 1);
  assert.equal(f.ok, false);
  assert.equal(f.outcome, 'fail_pressure_share');
  assert.equal(g.pcpu_pages[0], 0);
  // Over the fair share but at sndbuf: forced.
  g = mkGlobal({ allocated_pages: 800, pressure: true });
  assert.equal(
    raiseAllocated(g, mkSock({ wmem_queued_bytes: 600000, sndbuf_bytes: 600000 }), 4096, 1).outcome,
    'forced_at_sndbuf',
  );
  // Above tcp_mem[2]: fail (locked sndbuf: no moderation).
  g = mkGlobal({ allocated_pages: 2000 });
  const lk = mkSock({ wmem_queued_bytes: 100000, sndbuf_locked: true });
  assert.equal(raiseAllocated(g, lk, 4096, 1).outcome, 'fail_above_high');
  assert.equal(lk.sndbuf_bytes, 1048576);
});

test('per-CPU reserve: the global counter moves in flushes of ≥ 256 pages', () => {
  const g = mkGlobal();
  const sk = mkSock();
  for (let i = 0; i < 63; i++) {
    wmemSchedule(g, sk, 16384);
    sk.forward_alloc_bytes -= 16384; // sk_mem_charge
  }
  assert.equal(g.allocated_pages, 0);
  assert.equal(g.pcpu_pages[0], 252);
  wmemSchedule(g, sk, 16384);
  assert.equal(g.allocated_pages, 256);
  assert.equal(g.pcpu_pages[0], 0);
  // Reclaim: whole pages only, forward_alloc keeps the sub-page remainder.
  const s2 = mkSock({ forward_alloc_bytes: 0 });
  const u = uncharge(g, s2, 10000);
  assert.equal(u.pages, 2);
  assert.equal(s2.forward_alloc_bytes, 10000 - 8192);
});

test('pressure scenario: the hand-checked trajectory (docs/models.md §8.4)', async () => {
  let out = '';
  const code = await runCli(['simulate', 'tcp-mem', '--scenario', 'pressure', '--json'], {
    out: (t) => (out += t),
    err: () => {},
    cwd: '.',
  });
  assert.equal(code, 0);
  const r = JSON.parse(out);
  const f = r.final;
  assert.equal(f.max_allocated_pages, 1024);
  assert.equal(f.pressure_entered_at_event_count, 255);
  assert.equal(f.forced_at_sndbuf_count, 8);
  assert.equal(f.outcome_under_low_count, 191);
  assert.equal(f.outcome_not_under_pressure_count, 64);
  assert.equal(f.allocation_failures_count, 0);
  assert.equal(f.min_sndbuf_bytes, 253952); // socket 7: 507904 / 2
  assert.equal(f.max_sndbuf_bytes, 262144); // sockets 0–6: 524288 / 2
  assert.equal(f.pressure_left_at_event_count, 296); // global 1024 → 764 → 508 < 512
  assert.equal(f.probe_min_rcv_ssthresh_bytes, 5840);
  assert.equal(f.final_allocated_pages + f.final_pcpu_cache_page_delta, 0);
  assert.equal(f.events_count, 263 + 7 * 9 + 8); // ACKs: ceil(540672/65536) = 9, 524288/65536 = 8
  const at = (t: number) => r.series[t];
  assert.equal(at(191).allocated_pages, 768);
  assert.equal(at(255).allocated_pages, 1024);
  assert.equal(at(255).pressure_count, 1);
  assert.equal(at(280).allocated_pages, 764);
  assert.equal(at(296).allocated_pages, 508);
  assert.equal(at(296).pressure_count, 0);
});

test('hard-limit scenario: 31 writes succeed, 9 fail above tcp_mem[2], pressure left at 0', () => {
  const r = runModel(tcpMemModel, tcpMemModel.scenarios.find((s) => s.id === 'hard-limit')!.params);
  assert.equal(r.final.outcome_under_low_count, 31);
  assert.equal(r.final.outcome_fail_above_high_count, 9);
  assert.equal(r.final.max_allocated_pages, 512);
  assert.equal(r.final.pressure_entered_at_event_count, 31);
  // 256 after 15 ACKs is not < tcp_mem[0] = 256; the flush after 16 more reaches 0.
  assert.equal(r.final.pressure_left_at_event_count, 70);
  assert.equal(r.final.final_allocated_pages, 0);
});

test('property: global + per-CPU pages never negative, back to 0 once every byte is ACKed', () => {
  fc.assert(
    fc.property(
      fc.record({
        sockets_count: fc.integer({ min: 1, max: 12 }),
        cpus_count: fc.integer({ min: 1, max: 4 }),
        write_bytes: fc.integer({ min: 1, max: 70000 }),
        writes_per_socket: fc.integer({ min: 0, max: 40 }),
        ack_bytes: fc.integer({ min: 4096, max: 200000 }),
        tcp_mem_low_pages: fc.integer({ min: 1, max: 600 }),
        sndbuf_locked: fc.boolean(),
      }),
      (p) => {
        const params = {
          ...p,
          tcp_mem_pressure_pages: p.tcp_mem_low_pages + 100,
          tcp_mem_high_pages: p.tcp_mem_low_pages + 300,
        };
        const r = runModel(tcpMemModel, params);
        assert.deepEqual(r, runModel(tcpMemModel, { ...params }));
        const last = r.series[r.series.length - 1];
        if (last) assert.equal(last.true_allocated_pages, 0);
        for (const s of r.series) assert.ok((s.true_allocated_pages as number) >= 0);
      },
    ),
    { numRuns: 80 },
  );
});

test('tcp-mem rejects impossible inputs', () => {
  const cases: [Record<string, number | string | boolean>, RegExp][] = [
    [{ tcp_mem_low_pages: 900, tcp_mem_pressure_pages: 800 }, /ordered/],
    [{ pcpu_rsv_pages: 1 }, /outside/],
    [{ write_bytes: 0 }, /outside/],
    [{ sockets_count: Number.NaN }, /must be a number/],
    [{ sndbuf_bytes: 2 ** 32 }, /outside/],
  ];
  for (const [p, re] of cases) {
    assert.throws(
      () => runModel(tcpMemModel, p),
      (e: unknown) => e instanceof ModelInputError && re.test((e as Error).message),
    );
  }
});
