// Definition recall and precision against universal-ctags (`--kinds-C=f`) on Linux 6.1 net/,
// compared by (name, file): the foundation issue's acceptance (>= 99.5% both). Also passt.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { measureRecall } from '../../scripts/recall';
import { linuxRoot, passtRoot } from './sources';

describe('definition recall vs universal-ctags', () => {
  it('Linux 6.1 net/: recall and precision >= 99.5%', async () => {
    const r = await measureRecall(join(linuxRoot(), 'net'));
    assert.ok(r.ctags > 30000, `ctags found ${r.ctags} definitions in net/`);
    assert.ok(r.recall >= 0.995, `recall ${r.recall}; misses: ${r.misses.slice(0, 40).join(', ')}`);
    assert.ok(
      r.precision >= 0.995,
      `precision ${r.precision}; extras: ${r.extras.slice(0, 40).join(', ')}`,
    );
  });

  it('passt: recall and precision >= 99.5%', async () => {
    const r = await measureRecall(passtRoot());
    assert.ok(r.ctags > 200, `ctags found ${r.ctags} definitions in passt`);
    assert.ok(r.recall >= 0.995, `recall ${r.recall}; misses: ${r.misses.join(', ')}`);
    assert.ok(r.precision >= 0.995, `precision ${r.precision}; extras: ${r.extras.join(', ')}`);
  });
});
