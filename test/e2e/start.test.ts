// The README's first command: `npm start` (scripts/start.mjs) builds, installs, starts VS Code
// on 127.0.0.1 with the Linux and passt sources, opens passt's tcp.c and the kernel's
// net/ipv4/tcp.c once a browser connects, and stops everything on Ctrl+C. It checks what a
// person sees: the editor's text, the status bar's function count and a Simulate lens.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, repoRoot, retry, screenshotDir } from './harness';

/** Debian's passt, as scripts/test.mjs fetched it (the same tree npm start opens). */
function passtRoot(): string {
  const p = process.env.SKLENS_PASST;
  assert.ok(p, 'SKLENS_PASST is set by scripts/test.mjs');
  return p;
}

function answers(url: string): Promise<boolean> {
  return new Promise((ok) => {
    const req = get(url, (res) => {
      res.resume();
      ok(true);
    });
    req.on('error', () => ok(false));
  });
}

test(
  'npm start opens passt tcp.c and the kernel tcp.c, and Ctrl+C stops it',
  { timeout: 600_000 },
  async () => {
    const start = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    process.once('exit', () => {
      try {
        process.kill(-start.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    });
    let out = '';
    const url = await new Promise<string>((ok, fail) => {
      start.stdout!.setEncoding('utf8');
      start.stdout!.on('data', (chunk: string) => {
        out += chunk;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(out);
        if (m) ok(m[1]);
      });
      start.once('exit', (code) =>
        fail(new Error(`start.mjs exited (${code}) before printing a URL:\n${out}`)),
      );
    });
    const base = url.replace(/\?.*$/, '');
    assert.ok(await answers(base), 'code-server answers');

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: chromiumArgs,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.goto(url, { timeout: 120_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      const tabs = page.locator('.tabs-container .tab');
      await tabs.nth(1).waitFor({ timeout: 120_000 });
      const labels = (await tabs.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      assert.ok(
        labels.some((l) => /tcp \.c passt|tcp\.c passt/.test(l)),
        `passt tcp.c open: ${labels.join(' | ')}`,
      );
      assert.ok(
        labels.some((l) => /tcp ?\.c .*ipv4/.test(l)),
        `net/ipv4/tcp.c open: ${labels.join(' | ')}`,
      );
      // What a person sees: passt's tcp.c rendered as text, not a blank editor...
      const passtTcp = readFileSync(join(passtRoot(), 'tcp.c'), 'utf8').split('\n');
      const known = passtTcp.slice(0, 30).find((l) => /tcp\.c - /.test(l));
      assert.ok(known, 'a known header line in passt tcp.c');
      await tabs.filter({ hasText: /passt/ }).first().click();
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await retry(
        'passt tcp.c rendered in the editor',
        async () => {
          const text = (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
          assert.ok(text.includes(known.replace(/^\s*\*\s*/, '').trim()), text.slice(0, 300));
        },
        120_000,
      );
      // ...the status bar with the Linux + passt function count once the index is ready...
      const status = page.locator('.statusbar-item', { hasText: /SKLens [\d.]+k? fn/ }).first();
      const fns = await retry(
        'the status bar counts the indexed functions',
        async () => {
          const m = /SKLens ([\d.]+)(k?) fn/.exec(await status.innerText({ timeout: 5_000 }));
          assert.ok(m, 'status bar item');
          const n = Number(m[1]) * (m[2] ? 1000 : 1);
          assert.ok(n > 0, `functions ${n}`);
          return n;
        },
        300_000,
      );
      // net/ + include/ of Linux 6.1 and passt define tens of thousands of functions.
      assert.ok(fns > 10_000, `the status bar shows ${fns} functions`);
      // ...and a "Simulate" lens on passt's window function.
      const line = passtTcp.findIndex((l) => /^static \w+ tcp_update_seqack_wnd\(/.test(l));
      assert.ok(line >= 0, 'tcp_update_seqack_wnd in passt tcp.c');
      await editor.click({ position: { x: 400, y: 200 } });
      await page.keyboard.press('Control+g');
      await page.keyboard.type(String(line + 1));
      await page.keyboard.press('Enter');
      const lens = editor.locator('.codelens-decoration a', { hasText: /▶ Simulate/ }).first();
      await lens.waitFor({ timeout: 120_000 });
      assert.match(await lens.innerText(), /Simulate/);
      await page.screenshot({ path: join(screenshotDir, 'start-editors.png') });
    } finally {
      await browser.close();
    }

    const exited = new Promise<number | null>((ok) => start.once('exit', (code) => ok(code)));
    process.kill(start.pid!, 'SIGINT');
    assert.equal(await exited, 0, 'start.mjs exits cleanly on Ctrl+C');
    for (let i = 0; i < 20 && (await answers(base)); i++)
      await new Promise((r) => setTimeout(r, 500));
    assert.equal(await answers(base), false, 'code-server is gone after Ctrl+C');
  },
);
