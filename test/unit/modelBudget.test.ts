// Issue 15 item 5: parameter sets inside the documented ranges ran out of memory (tcp-mem with
// 10,000 sockets × 10^6 writes, V8 OOM at 4 GB) or printed 320 MB of JSON (send-path, one point
// per event). runModel now checks each model's cost estimate against a budget before running:
// those sets are refused with the parameters to lower; every scenario still runs, within its
// estimate.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_SERIES_POINTS } from '../../src/model/budget';
import { findModel, MODELS } from '../../src/model/registry';
import { ModelInputError, runModel, validateParams, type Params } from '../../src/model/types';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

const ATTACKS: { model: string; params: Params; names: string[] }[] = [
  {
    model: 'tcp-mem',
    params: { sockets_count: 10000, writes_per_socket: 1000000, max_events_count: 10000000 },
    names: ['sockets_count = 10000', 'writes_per_socket = 1000000', 'max_events_count = 10000000'],
  },
  // 2·10^6 events, one series point each: the 320 MB of JSON.
  { model: 'send-path', params: { writes_count: 1000000 }, names: ['writes_count = 1000000'] },
  {
    model: 'send-path',
    params: { writes_count: 1000000, series: 'writes' },
    names: ['writes_count = 1000000'],
  },
];

test('the attack parameter sets are refused before running, naming the parameters', () => {
  for (const a of ATTACKS) {
    const before = process.memoryUsage().heapUsed;
    assert.throws(
      () => runModel(findModel(a.model)!, a.params),
      (e: unknown) => {
        assert.ok(e instanceof ModelInputError, String(e));
        assert.ok(!e.message.includes('\n'), 'one line');
        for (const n of a.names) assert.ok(e.message.includes(n), `${e.message} names ${n}`);
        return true;
      },
    );
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 32 * 2 ** 20, `${a.model}: heap grew ${grown} bytes before refusing`);
  }
});

test('the CLI refuses them with one line and exit 2, in a 256 MB heap', () => {
  assert.ok(existsSync(cli), 'dist/cli.js missing: run npm run build');
  for (const a of ATTACKS) {
    const sets = Object.entries(a.params).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`]);
    // The time limit only stops a run that was not refused; the test asserts the exit code.
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=256', cli, 'simulate', a.model, ...sets, '--json'],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 4 * 2 ** 20 },
    );
    assert.equal(r.status, 2, `${a.model}: status ${r.status} signal ${r.signal}\n${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /would need .* lower /);
  }
});

test('every scenario and every default run fits the budget, within its own estimate', () => {
  for (const m of MODELS) {
    for (const sc of [{ id: 'defaults', params: {} as Params }, ...m.scenarios]) {
      const r = runModel(m, sc.params);
      const cost = m.cost(validateParams(m.params, sc.params));
      assert.ok(
        r.series.length <= cost.points,
        `${m.id} ${sc.id}: ${r.series.length} points, estimate ${cost.points}`,
      );
      assert.ok(r.series.length <= MAX_SERIES_POINTS);
    }
  }
});
