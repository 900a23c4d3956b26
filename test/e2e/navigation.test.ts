// SKLens navigation in the real VS Code workbench, on the embedded sample workspace: the index
// builds (status bar counts), the call hierarchy of tcp_sendmsg shows the ops-table caller
// marked "via ops:proto.sendmsg", and an edit storm on tcp.c is reparsed off the host thread
// (the host-thread figures are printed, never asserted: tests do not assert wall-clock times).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { retry, sampleRoot, Workbench } from './harness';

describe('SKLens navigation in VS Code (sample workspace)', { timeout: 600_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.start({ workspace: sampleRoot, name: 'navigation' });
  });

  after(async () => {
    if (!wb) return;
    const errors = wb.sklensErrors();
    await wb.close();
    assert.deepEqual(errors, [], 'SKLens wrote errors to the extension host log');
  });

  test('the index builds and the status bar shows its counts', async () => {
    await wb.openFromExplorer('linux/net/ipv4/tcp.c');
    const item = wb.page.locator('.statusbar-item', { hasText: /SKLens \S+ fn/ }).first();
    await item.waitFor({ timeout: 120_000 });
    assert.match(await item.innerText(), /SKLens \d\S* fn · \d\S* calls/);
    await retry('index log line', async () => {
      assert.match(wb.sklensLog(), /indexed sample: \d+ files .* functions, \d+ calls/);
    });
    await wb.screenshot('status-bar');
  });

  test('the call hierarchy of tcp_sendmsg shows inet_sendmsg via the ops table', async () => {
    await wb.clickWord('tcp_sendmsg', { line: 170 });
    await wb.runCommand('Calls: Show Call Hierarchy');
    const tree = wb.page.locator('.monaco-list-row', { hasText: 'inet_sendmsg' });
    await retry('incoming calls listed', async () => {
      const texts = (await tree.allInnerTexts()).join('\n');
      assert.match(texts, /inet_sendmsg/);
      assert.match(texts, /via ops:proto\.sendmsg/);
    });
    await wb.screenshot('call-hierarchy');
  });

  test('Go to Definition on a static inline helper opens its header', async () => {
    await wb.quickOpen('linux/net/ipv4/tcp.c');
    await wb.clickWord('sk_wmem_queued_add', { line: 94 });
    await wb.page.keyboard.press('F12');
    await wb.activeEditorTab('sock.h');
    await retry('definition visible', async () => {
      assert.match(await wb.visibleEditorText(), /static inline void sk_wmem_queued_add/);
    });
    await wb.screenshot('definition');
  });

  test('Find Field Accesses on sk_wmem_queued lists its writers and readers', async () => {
    await wb.clickWord('sk_wmem_queued', { line: 48 });
    await wb.runCommand('SKLens: Find Field Accesses', { opensQuickPick: true });
    await retry('accesses listed', async () => {
      const text = (await wb.page.locator('.quick-input-widget').innerText()).replace(
        /\u00a0/g,
        ' ',
      );
      assert.match(text, /sock\.sk_wmem_queued: \d+ accesses/);
      assert.match(text, /Writes \(\d+\)/);
      assert.match(text, /sk_wmem_queued_add/);
      assert.match(text, /Reads \(\d+\)/);
    });
    await wb.screenshot('field-accesses');
    await wb.page.keyboard.press('Escape');
  });

  test('an edit storm on tcp.c keeps SKLens off the host thread (figures printed)', async () => {
    await wb.quickOpen('linux/net/ipv4/tcp.c');
    await wb.clickWord('tcp_sendmsg', { line: 170 });
    await wb.page.keyboard.press('End');
    for (let i = 0; i < 40; i++) {
      await wb.page.keyboard.type(' /* storm */', { delay: 5 });
      await wb.page.keyboard.press('Enter');
    }
    await wb.runCommand('SKLens: Show Extension Host Timings');
    const lines = await retry('timings logged', async () => {
      const log = wb.sklensLog();
      const edit = /host thread: edit: (\d+) tasks, longest ([\d.]+) ms/.exec(log);
      const stall =
        /longest host-thread stall \(event-loop delay\): indexing ([\d.]+) ms, edits ([\d.]+) ms/.exec(
          log,
        );
      assert.ok(edit && stall, 'timings in the SKLens log');
      return { edit, stall };
    });
    assert.ok(Number(lines.edit[1]) > 40, 'every keystroke went through the timed edit handler');
    console.log(
      `host thread during the edit storm: longest SKLens edit task ${lines.edit[2]} ms; ` +
        `longest event-loop stall: indexing ${lines.stall[1]} ms, edits ${lines.stall[2]} ms`,
    );
    await wb.screenshot('edit-storm');
  });
});
