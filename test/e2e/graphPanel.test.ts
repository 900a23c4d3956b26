// The call-graph panel in the real VS Code workbench, on the embedded sample workspace: "SKLens:
// Show Call Graph" on tcp_sendmsg_locked opens the panel beside the editor, the graph contains
// the ops-table edge inet_sendmsg -> tcp_sendmsg (dashed, labelled), and clicking a node opens
// its definition. "SKLens: Generate TCP Memory Map" opens a Markdown document.
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { after, before, describe, test } from 'node:test';
import { retry, sampleRoot, Workbench } from './harness';

describe('SKLens call-graph panel in VS Code (sample workspace)', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.start({ workspace: sampleRoot, name: 'graph-panel' });
  });

  after(async () => {
    if (!wb) return;
    const errors = wb.sklensErrors();
    await wb.close();
    assert.deepEqual(errors, [], 'SKLens wrote errors to the extension host log');
  });

  async function graphFrame(): Promise<Frame> {
    return retry('graph webview frame', async () => {
      const [f] = await wb.framesWith('#sk-canvas');
      assert.ok(f, 'graph webview not found');
      return f;
    });
  }

  test('Show Call Graph on tcp_sendmsg_locked draws the ops-table edge, click opens the definition', async () => {
    await wb.openFromExplorer('linux/net/ipv4/tcp.c');
    await wb.page
      .locator('.statusbar-item', { hasText: /SKLens \S+ fn/ })
      .first()
      .waitFor({ timeout: 120_000 });
    await wb.clickWord('tcp_sendmsg_locked', { line: 112 });
    await wb.runCommand('SKLens: Show Call Graph');
    const f = await graphFrame();
    await retry('graph laid out', async () => {
      assert.match(
        (await f.locator('#sk-status').innerText()) ?? '',
        /tcp_sendmsg_locked: \d+ functions.*layout \d+ ms/,
      );
    });
    assert.equal(await f.locator('.sk-node[data-id="inet_sendmsg"]').count(), 1);
    assert.ok(
      (await f.locator('.sk-edge.sk-ops').count()) > 0,
      'an ops-table edge is drawn dashed',
    );
    assert.ok((await f.locator('.sk-edge-label', { hasText: 'ops:proto.sendmsg' }).count()) > 0);
    await wb.screenshot('graph-panel');
    await f.locator('.sk-node[data-id="inet_sendmsg"]').click({ force: true });
    await retry('af_inet.c opened', async () => {
      await wb.activeEditorTab('af_inet.c');
    });
    await wb.screenshot('graph-click-opened');
  });

  test('Generate TCP Memory Map opens Markdown naming the memory functions', async () => {
    await wb.runCommand('SKLens: Generate TCP Memory Map');
    await retry('memory map shown', async () => {
      assert.match(await wb.visibleEditorText(), /# TCP memory map/);
    });
    await wb.screenshot('memory-map');
  });

  test('Check Call-Graph Claims flags a stale claim with a rewrite and opens the report', async () => {
    await wb.runCommand('File: New Untitled Text File');
    await wb.page.keyboard.type(
      'tcp_sendmsg_locked is called only from tcp_sendmsg. sk_stream_alloc_skb is called by tcp_sendmsg_locked and tcp_fragment.',
    );
    await wb.runCommand('SKLens: Check Call-Graph Claims');
    await retry('claim report shown', async () => {
      // The report opens beside the checked document, which keeps the focus.
      const all = (await wb.page.locator('.view-lines').allInnerTexts())
        .join('\n')
        .replace(/\u00a0/g, ' ');
      assert.match(all, /2 claims: \*\*1 hold\*\*, 0 changed, 1 renamed, 0 gone/);
    });
    await wb.screenshot('claims-report');
  });
});
