// The extension's engine over WorkspaceIndex hands each file problem on as the (file, reason)
// the index reported, so a path or a reason with ': ' in it reaches the output channel whole
// (it once parsed its own log lines back with a regular expression).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WorkspaceEngine } from '../../src/services/workspaceEngine';
import { engineOptions } from './helpers/engine';

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

test('a cold build answers from the open files and their folders first, then the whole tree', async () => {
  const root = join(tmp, 'early');
  const body = (name: string, callee: string) => `int ${name}(void)\n{\n\treturn ${callee}();\n}\n`;
  mkdirSync(join(root, 'net', 'ipv4', 'deeper'), { recursive: true });
  mkdirSync(join(root, 'mm'));
  writeFileSync(join(root, 'net', 'ipv4', 'tcp.c'), body('tcp_open_one', 'mm_helper'));
  writeFileSync(join(root, 'net', 'ipv4', 'tcp_output.c'), body('tcp_sibling', 'tcp_open_one'));
  writeFileSync(join(root, 'net', 'ipv4', 'deeper', 'below.c'), body('below_fn', 'tcp_sibling'));
  // The rest of the tree, indexed after the early files answered.
  for (let i = 0; i < 40; i++)
    writeFileSync(join(root, 'mm', `m${i}.c`), body(`mm_fn_${i}`, 'tcp_sibling'));
  const engine = new WorkspaceEngine(root, join(tmp, 'early-cache'));
  const early: { files: string[]; callers: string[] }[] = [];
  try {
    const r = await engine.build(
      engineOptions({
        priority: ['net/ipv4/tcp.c'],
        onEarly: () =>
          early.push({
            files: engine.index.files(),
            callers: engine.index.callersOf('tcp_open_one').map((e) => e.caller),
          }),
      }),
    );
    // First the open file alone, then its folder's other files: not the folder below it, nor
    // the rest of the tree.
    assert.deepEqual(early, [
      { files: ['net/ipv4/tcp.c'], callers: [] },
      { files: ['net/ipv4/tcp.c', 'net/ipv4/tcp_output.c'], callers: ['tcp_sibling'] },
    ]);
    assert.equal(r.stats.files, 43, 'then the whole tree');
    assert.equal(engine.index.callersOf('tcp_sibling').length, 41);
  } finally {
    engine.dispose();
  }
});
