// The index follows the disk through the file watcher, without a rebuild: a new C file adds
// its functions, deleting a whole folder removes every file below it (as a `git checkout`
// does). Runs on a temporary copy of the sample workspace.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { retry, sampleRoot, Workbench } from './harness';

describe(
  'SKLens index follows file changes (copy of the sample workspace)',
  { timeout: 600_000 },
  () => {
    let wb: Workbench;
    const tmp = mkdtempSync(join(tmpdir(), 'sklens-watch-'));
    const ws = join(tmp, 'sample');

    before(async () => {
      cpSync(sampleRoot, ws, { recursive: true });
      wb = await Workbench.start({ workspace: ws, name: 'watcher' });
    });

    after(async () => {
      if (wb) {
        const errors = wb.sklensErrors();
        await wb.close();
        assert.deepEqual(errors, [], 'SKLens wrote errors to the extension host log');
      }
      rmSync(tmp, { recursive: true, force: true });
    });

    async function functionCount(): Promise<number> {
      const item = wb.page.locator('.statusbar-item', { hasText: /SKLens \S+ fn/ }).first();
      await item.waitFor({ timeout: 120_000 });
      const m = /SKLens (\d+) fn/.exec(await item.innerText());
      assert.ok(m, 'status bar shows a function count');
      return Number(m[1]);
    }

    test('a created file and a deleted folder update the counts without a rebuild', async () => {
      await wb.openFromExplorer('passt/tcp.c');
      const before = await functionCount();
      writeFileSync(
        join(ws, 'linux', 'net', 'ipv4', 'watch_added.c'),
        '// Idiom: three plain definitions, added while SKLens runs.\n' +
          'int watch_one(void)\n{\n\treturn 1;\n}\n\n' +
          'static int watch_two(void)\n{\n\treturn watch_one() + 1;\n}\n\n' +
          'int watch_three(void)\n{\n\treturn watch_two();\n}\n',
      );
      await retry('three functions added', async () =>
        assert.equal(await functionCount(), before + 3),
      );
      await wb.screenshot('file-added');
      rmSync(join(ws, 'linux', 'net'), { recursive: true, force: true });
      const after = await retry('linux/net removed', async () => {
        const n = await functionCount();
        assert.ok(n < before, `${n} functions, expected fewer than ${before}`);
        return n;
      });
      assert.match(wb.sklensLog(), /removed after file changes/);
      assert.doesNotMatch(
        wb.sklensLog().split('indexed sample')[2] ?? '',
        /./,
        'no second full build',
      );
      console.log(
        `functions: ${before} -> ${before + 3} after the new file -> ${after} after deleting linux/net`,
      );
      await wb.screenshot('folder-deleted');
    });
  },
);
