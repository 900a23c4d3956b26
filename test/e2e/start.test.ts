// The README's first command: `npm start` (scripts/start.mjs) builds, installs, starts VS Code
// on 127.0.0.1 with the Linux and passt sources, opens passt's tcp.c and the kernel's
// net/ipv4/tcp.c once a browser connects, and stops everything on Ctrl+C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, repoRoot, screenshotDir } from './harness';

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
