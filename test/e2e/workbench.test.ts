// SKLens in the real VS Code workbench (code-server + Chromium), on the embedded sample
// workspace. Each step is what a user does; each saves a screenshot under test-results/e2e/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { retry, sampleRoot, Workbench } from './harness';

/** 1-based line of the first line of a sample file matching `re`. */
function lineOf(file: string, re: RegExp): number {
  const lines = readFileSync(join(sampleRoot, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `${file} has a line matching ${re}`);
  return i + 1;
}

describe('SKLens in VS Code (sample workspace)', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.start({ workspace: sampleRoot, name: 'sample' });
  });

  after(async () => {
    if (!wb) return;
    const errors = wb.sklensErrors();
    await wb.close();
    assert.deepEqual(errors, [], 'SKLens wrote errors to the extension host log');
  });

  test('opening a .c file activates SKLens and its output channel says so', () =>
    wb.step('activation', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      assert.match(await wb.visibleEditorText(), /tcp\.c|SKLens sample/);
      await retry('pick the SKLens output channel', async () => {
        await wb.runCommand('Output: Show Output Channels...', { opensQuickPick: true });
        await wb.page
          .locator('.quick-input-list .monaco-list-row')
          .filter({ has: wb.page.locator('.label-name', { hasText: /^SKLens$/ }) })
          .first()
          .click({ timeout: 10_000 });
      });
      const output = wb.page.locator('.part.panel .monaco-editor .view-lines').first();
      await retry('read the activation line', async () => {
        assert.match(
          (await output.innerText()).replace(/\u00a0/g, ' '),
          /SKLens \d+\.\d+\.\d+ activated/,
        );
      });
      assert.match(wb.sklensLog(), /SKLens \d+\.\d+\.\d+ activated/);
      await wb.screenshot('activation');
    }));

  test('hovering sk_sndbuf explains the send buffer limit', () =>
    wb.step('hover-sk_sndbuf', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      const line = lineOf('linux/net/ipv4/tcp.c', /sk->sk_sndbuf = /);
      const text = await retry('hover sk_sndbuf', async () => {
        const token = await wb.clickWord('sk_sndbuf', { line });
        await wb.page.mouse.move(5, 5);
        await token.hover();
        const hover = wb.page.locator('.monaco-hover-content').filter({ hasText: 'sk_sndbuf' });
        await hover.first().waitFor({ timeout: 10_000 });
        return (await hover.first().innerText()).replace(/\u00a0/g, ' ');
      });
      assert.match(text, /Send buffer limit/);
      assert.match(text, /sk_wmem_queued/);
      assert.match(text, /bytes/);
      await wb.screenshot('hover-sk_sndbuf');
    }));
});
