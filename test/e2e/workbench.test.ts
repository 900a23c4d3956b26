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

  /** The Call Hierarchy tree: the References view in the side bar, or a peek in the editor. */
  const hierarchy = () =>
    wb.page.locator('.part.sidebar, .peekview-widget').filter({ hasText: /Callers Of|Calls From/ });

  /** Labels (name and detail) of the rows of the open Call Hierarchy. */
  async function hierarchyRows(): Promise<string[]> {
    return wb.rowLabels(hierarchy().locator('.monaco-list-row'));
  }

  test('Call Hierarchy on tcp_sendmsg_locked: callers through the ops table, and callees', () =>
    wb.step('call-hierarchy', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      const line = lineOf('linux/net/ipv4/tcp.c', /^int tcp_sendmsg_locked\(/);
      const incoming = await retry('incoming calls of tcp_sendmsg_locked', async () => {
        await wb.page.keyboard.press('Escape');
        await wb.clickWord('tcp_sendmsg_locked', { line });
        await wb.runCommand('Calls: Show Call Hierarchy');
        const rows = await hierarchyRows();
        assert.ok(
          rows.some((r) => /^tcp_sendmsg\b/.test(r)),
          `tcp_sendmsg calls it: ${rows.join(' | ')}`,
        );
        return rows;
      });
      // Expand the caller: inet_sendmsg reaches tcp_sendmsg only through sk->sk_prot->sendmsg.
      const callerRow = hierarchy()
        .locator('.monaco-list-row')
        .filter({ has: wb.page.locator('.label-name', { hasText: /^tcp_sendmsg$/ }) })
        .first();
      const nested = await retry('callers of tcp_sendmsg', async () => {
        if ((await callerRow.getAttribute('aria-expanded')) !== 'true') {
          await callerRow.locator('.monaco-tl-twistie').click();
        }
        const rows = await hierarchyRows();
        const viaOps = rows.filter((r) => /inet_sendmsg/.test(r));
        assert.ok(viaOps.length > 0, `inet_sendmsg among the callers: ${rows.join(' | ')}`);
        assert.ok(
          viaOps.some((r) => /via (ops:proto\.sendmsg|INDIRECT_CALL)/.test(r)),
          `the indirect edge is labelled: ${viaOps.join(' | ')}`,
        );
        return rows;
      });
      await wb.screenshot('call-hierarchy-incoming');

      const outgoing = await retry('outgoing calls of tcp_sendmsg_locked', async () => {
        await wb.runCommand('Calls: Show Outgoing Calls');
        await hierarchy()
          .filter({ hasText: /Calls From/ })
          .first()
          .waitFor({ timeout: 10_000 });
        const rows = await hierarchyRows();
        for (const callee of ['tcp_send_mss', 'sk_stream_memory_free', 'tcp_stream_alloc_skb']) {
          assert.ok(
            rows.some((r) => r.startsWith(callee)),
            `${callee} is a callee: ${rows.join(' | ')}`,
          );
        }
        return rows;
      });
      await wb.screenshot('call-hierarchy-outgoing');
      assert.ok(incoming.length > 0 && nested.length > incoming.length && outgoing.length > 2);
      await wb.page.keyboard.press('Escape');
    }));

  test('Go to Definition jumps from a call in tcp.c to the definition in sock.h', () =>
    wb.step('definition', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      const line = lineOf('linux/net/ipv4/tcp.c', /if \(!sk_stream_memory_free\(sk\)\)/);
      const defLine = lineOf(
        'linux/include/net/sock.h',
        /^static inline int sk_stream_memory_free\(/,
      );
      await retry('go to the definition of sk_stream_memory_free', async () => {
        await wb.openFromExplorer('linux/net/ipv4/tcp.c');
        await wb.clickWord('sk_stream_memory_free', { line });
        await wb.runCommand('Go to Definition');
        await wb.activeEditorTab('sock.h');
        const status = await wb.page
          .locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ })
          .first()
          .innerText();
        assert.equal(Number(/Ln (\d+)/.exec(status)?.[1]), defLine, status);
      });
      await wb.screenshot('definition-sock_h');
    }));

  test('Outline lists the macros, structs and functions of tcp.c', () =>
    wb.step('outline', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      const rows = wb.page.locator('.pane', { hasText: /^\s*Outline/ }).locator('.monaco-list-row');
      const top = await retry('outline rows', async () => {
        await wb.runCommand('Explorer: Focus on Outline View');
        const labels = await wb.rowLabels(rows);
        for (const name of ['MAX_TCP_HEADER_BYTES', 'msghdr']) {
          assert.ok(
            labels.some((t) => t.startsWith(name)),
            `${name} in ${labels.join(' | ')}`,
          );
        }
        return labels;
      });
      await wb.screenshot('outline-top');
      // The tree is virtualized: End scrolls to the last symbols, the send functions.
      const bottom = await retry('outline bottom rows', async () => {
        await rows.first().click();
        await wb.page.keyboard.press('End');
        const labels = await wb.rowLabels(rows);
        for (const name of ['tcp_sendmsg_locked', 'tcp_sendmsg']) {
          assert.ok(
            labels.some((t) => t.split(' ')[0] === name),
            `${name} in ${labels.join(' | ')}`,
          );
        }
        return labels;
      });
      assert.notDeepEqual(top, bottom);
      await wb.screenshot('outline-bottom');
    }));

  test('workspace symbol search finds passt tcp_update_seqack_wnd and opens it', () =>
    wb.step('workspace-symbols', async () => {
      await retry('search #tcp_update_seqack', async () => {
        await wb.runCommand('Go to Symbol in Workspace...', { opensQuickPick: true });
        const input = wb.page.locator('.quick-input-widget input').first();
        await input.fill('#tcp_update_seqack');
        const row = wb.page
          .locator('.quick-input-list .monaco-list-row')
          .filter({ hasText: 'tcp_update_seqack_wnd' })
          .first();
        await row.waitFor({ timeout: 15_000 });
        assert.match(await row.innerText(), /passt/);
        await wb.screenshot('workspace-symbols');
        await input.press('Enter');
        await wb.activeEditorTab('tcp.c');
        assert.match(await wb.visibleEditorText(), /tcp_update_seqack_wnd\(/);
      });
    }));

  test('the call graph of tcp_sendmsg_locked shows the ops-table caller; a click opens a definition', () =>
    wb.step('graph', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      const line = lineOf('linux/net/ipv4/tcp.c', /^int tcp_sendmsg_locked\(/);
      await wb.clickWord('tcp_sendmsg_locked', { line });
      await wb.runCommand('SKLens: Show Call Graph');
      // The panel is a webview: nested iframes; find the frame that draws the nodes.
      const frame = await retry('graph nodes drawn', async () => {
        const [f] = await wb.framesWith('.sk-node');
        assert.ok(f, 'a frame with graph nodes');
        const ids = await f
          .locator('.sk-node')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
        for (const id of ['tcp_sendmsg_locked', 'tcp_sendmsg', 'inet_sendmsg', 'tcp_send_mss']) {
          assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
        }
        return f;
      });
      assert.equal(
        await frame.locator('.sk-node.sk-centre').getAttribute('data-id'),
        'tcp_sendmsg_locked',
      );
      const edgeLabels = await frame.locator('.sk-edge-label').allTextContents();
      assert.ok(
        edgeLabels.some((t) => /ops:proto\.sendmsg|INDIRECT_CALL/.test(t)),
        `indirect edge labelled: ${edgeLabels.join(' | ')}`,
      );
      await wb.screenshot('graph-panel');
      await frame.locator('.sk-node[data-id="sk_stream_memory_free"]').click();
      await wb.activeEditorTab('sock.h');
      await wb.screenshot('graph-click-opens-definition');
    }));

  test('Generate TCP Memory Map opens a Markdown map of the sample tree', () =>
    wb.step('memory-map', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      await wb.runCommand('SKLens: Generate TCP Memory Map');
      const text = await retry('memory map document', async () => {
        const t = await wb.visibleEditorText();
        assert.match(t, /# TCP memory map — sample/);
        return t;
      });
      assert.match(text, /sysctl_tcp_wmem|sysctl_tcp_mem/);
      assert.match(text, /\]\([^)]*linux\/net\/[^)]*#L\d+\)/);
      await wb.screenshot('memory-map');
    }));
});
