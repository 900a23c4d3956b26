// Issue 4 in the real workbench: the CodeLens on a modelled function opens the simulation
// panel beside the code; sliders change the plot and the inline value in the editor; the
// kernel send path shows Send-Q climbing past SO_SNDBUF; the splice timeline steps through
// S15 in both loop versions; the panel survives a window reload with its parameters; plots
// are legible in Dark+ and Light+ (screenshots under test-results/e2e/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { retry, sampleRoot, Workbench } from './harness';

describe('SKLens simulations beside the code (sample workspace)', { timeout: 900_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.start({
      workspace: sampleRoot,
      name: 'simulation',
      settings: { 'workbench.colorTheme': 'Default Dark+' },
    });
  });

  after(async () => {
    if (!wb) return;
    const errors = wb.sklensErrors();
    await wb.close();
    assert.deepEqual(errors, [], 'SKLens wrote errors to the extension host log');
  });

  /** One user step: runs it, then saves a screenshot of what the user sees. */
  const step = (name: string, fn: () => Promise<void>): Promise<void> =>
    wb.step(name, async () => {
      await fn();
      await wb.screenshot(name);
    });

  /** Scrolls the editor to the definition of `fn` in `relPath` (so its CodeLens is rendered). */
  async function reveal(relPath: string, fn: string): Promise<void> {
    const lines = readFileSync(join(sampleRoot, relPath), 'utf8').split('\n');
    const i = lines.findIndex((l) => new RegExp(`^\\w.*\\b${fn}\\s*\\(`).test(l));
    assert.ok(i >= 0, `${fn} is defined in ${relPath}`);
    await wb.goToLine(i + 1);
  }

  /** Clicks the CodeLens whose title contains `title` in the visible editor. */
  async function clickLens(title: RegExp): Promise<void> {
    await retry(
      `click the CodeLens ${title}`,
      async () => {
        await wb.page
          .locator('.codelens-decoration a:visible')
          .filter({ hasText: title })
          .first()
          .click({ timeout: 5_000 });
      },
      120_000,
    );
  }

  /** The simulation webview's frame, once it has drawn its plot, for a model citing `titleText`. */
  async function panel(titleText: RegExp): Promise<Frame> {
    return retry(
      'find the simulation panel with a plot',
      async () => {
        for (const f of await wb.framesWith('.sk-chart canvas')) {
          const header = await f.locator('.sk-header').innerText();
          if (titleText.test(header)) return f;
        }
        throw new Error('no simulation panel with a plot yet');
      },
      60_000,
    );
  }

  /** Text of the after-line decorations SKLens put in the visible editors. */
  async function inlineValues(): Promise<string[]> {
    return wb.page.evaluate(() => {
      const out: string[] = [];
      for (const span of Array.from(document.querySelectorAll('.view-lines span'))) {
        const c = getComputedStyle(span, '::after').content;
        if (c && c.includes('⟵')) out.push(c.replace(/^"|"$/g, ''));
      }
      return out;
    });
  }

  async function finalValue(f: Frame, key: string): Promise<number> {
    const row = f
      .locator('.sk-final tr')
      .filter({ has: f.locator('td', { hasText: new RegExp(`^${key}$`) }) });
    return Number((await row.locator('td.num').first().innerText()).replace(/,/g, ''));
  }

  test('passt tcp.c: the lens on tcp_update_seqack_wnd opens the window model beside the code', () =>
    step('passt-window-lens', async () => {
      await wb.openFromExplorer('passt/tcp.c');
      await reveal('passt/tcp.c', 'tcp_update_seqack_wnd');
      await clickLens(/Simulate window advertisement/);
      const f = await panel(/tcp_update_seqack_wnd/);
      assert.match(await f.locator('.sk-focus').innerText(), /Your code contains: 2023/);
      await retry('the inline window value appears in the editor', async () => {
        const vals = await inlineValues();
        assert.ok(
          vals.some((v) => /window = [\d,]+ bytes/.test(v)),
          JSON.stringify(vals),
        );
      });
    }));

  test('changing sndbuf changes the plot and the inline value', () =>
    step('passt-window-sndbuf', async () => {
      const f = await panel(/tcp_update_seqack_wnd/);
      const before = (await inlineValues()).join('|');
      const field = f.locator('vscode-text-field[data-param="sndbuf_bytes"] input');
      await field.fill('4194304');
      await field.press('Enter');
      await retry('the inline value follows the new sndbuf', async () => {
        const now = (await inlineValues()).join('|');
        assert.notEqual(now, before);
        assert.match(now, /window = [\d,]+ bytes/);
      });
    }));

  test('the panel and its parameters survive a window reload', () =>
    step('reload-restores-panel', async () => {
      await wb.runCommand('Developer: Reload Window');
      const f = await panel(/tcp_update_seqack_wnd/);
      await retry('the restored sndbuf field', async () => {
        const input = await f
          .locator('vscode-text-field[data-param="sndbuf_bytes"] input')
          .inputValue();
        assert.equal(input, '4194304');
      });
    }));

  test('kernel tcp.c: the blog scenario shows Send-Q past SO_SNDBUF and sk_sndbuf up to size_goal', () =>
    step('send-path-S3', async () => {
      await wb.openFromExplorer('linux/net/ipv4/tcp.c');
      await reveal('linux/net/ipv4/tcp.c', 'tcp_sendmsg_locked');
      await clickLens(/Simulate send buffer/);
      const f = await panel(/tcp_sendmsg_locked/);
      await retry('S3 final values', async () => {
        const sendq = await finalValue(f, 'send_q_bytes');
        const sndbuf = await finalValue(f, 'sk_sndbuf_bytes');
        const requested = await finalValue(f, 'so_sndbuf_requested_bytes');
        const goal = await finalValue(f, 'size_goal_bytes');
        assert.equal(requested, 4096);
        assert.equal(sndbuf, 8192);
        assert.equal(sendq, 14480);
        assert.equal(sendq, goal);
      });
      await retry('size_goal shows inline beside tcp_send_mss', async () => {
        const vals = await inlineValues();
        assert.ok(
          vals.some((v) => /size_goal = 14,480 bytes/.test(v)),
          JSON.stringify(vals),
        );
      });
    }));

  test('tcp_splice.c: the timeline steps through S15 in both loop versions', () =>
    step('splice-S15', async () => {
      await wb.openFromExplorer('passt/tcp_splice.c');
      await reveal('passt/tcp_splice.c', 'tcp_splice_sock_handler');
      await clickLens(/Simulate splice forwarding/);
      const f = await panel(/tcp_splice_forward/);
      await f.locator('vscode-button', { hasText: 'First' }).click();
      for (let i = 0; i < 4; i++) await f.locator('vscode-button', { hasText: 'Step ▶' }).click();
      assert.match(await f.locator('.sk-where').innerText(), /splice/);
      assert.match(await f.locator('.sk-compare h3').innerText(), /2023 loop/);
      assert.equal(await finalValue(f, 'pass1_reads_count'), 3);
      assert.equal(await finalValue(f, 'pass2_writes_count'), 1);
    }));

  test('plots are legible in Light+ too', () =>
    step('light-theme', async () => {
      await wb.runCommand('Preferences: Color Theme', { opensQuickPick: true });
      const input = wb.page.locator('.quick-input-widget input').first();
      await input.fill('Light+');
      await wb.page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ has: wb.page.locator('.label-name', { hasText: /Light\+/ }) })
        .first()
        .click();
      await retry('the workbench and the panel turn light', async () => {
        const cls = (await wb.page.locator('.monaco-workbench').getAttribute('class')) ?? '';
        assert.match(cls, /\bvs\b/);
        const editorBg = await wb.page.evaluate(
          () =>
            getComputedStyle(document.querySelector('.monaco-editor-background')!).backgroundColor,
        );
        assert.equal(editorBg, 'rgb(255, 255, 255)');
        const f = await panel(/tcp_splice_forward/);
        const body = (await f.locator('body').getAttribute('class')) ?? '';
        assert.match(body, /vscode-light/);
        // One plot per box: a replaced chart must not redraw itself on a theme change.
        assert.equal(await f.locator('.sk-chart').first().locator('.uplot').count(), 1);
      });
    }));
});
