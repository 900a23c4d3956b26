// The extension's engine over WorkspaceIndex hands each file problem on as the (file, reason)
// the index reported, so a path or a reason with ': ' in it reaches the output channel whole
// (it once parsed its own log lines back with a regular expression).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WorkspaceEngine } from '../../src/services/workspaceEngine';

const tmp = mkdtempSync(join(tmpdir(), 'sklens-engine-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('build passes file problems on as (file, reason), unparsed', async () => {
  mkdirSync(join(tmp, 'net'));
  writeFileSync(join(tmp, 'net', 'odd: big.c'), `/* ${'x'.repeat(2000)} */\n`);
  const engine = new WorkspaceEngine(tmp, undefined);
  const problems: [string, string][] = [];
  try {
    await engine.build({
      include: ['**/*.c'],
      exclude: [],
      maxFileSizeBytes: 1000,
      followSymlinks: true,
      workerThreads: 1,
      signal: new AbortController().signal,
      onProgress: () => {},
      onProblem: (file, reason) => problems.push([file, reason]),
    });
    assert.deepEqual(problems, [['net/odd: big.c', '2007 bytes is over the limit of 1000 bytes']]);
  } finally {
    engine.dispose();
  }
});
