// Hovers in the real VS Code workbench (code-server + Chromium), on real Linux 6.1 files: a
// scratch workspace outside the repo gets net/core/sock.c, include/net/sock.h, the TCP files and
// Documentation/networking/ip-sysctl.rst copied from the source cache, plus a team annotation.
// Screenshots go to test-results/e2e/hover-*.png.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { linuxRoot, passtRoot } from '../integration/sources';
import { repoRoot, retry, Workbench } from './harness';

const FILES = [
  'net/core/sock.c',
  'include/net/sock.h',
  'net/ipv4/tcp.c',
  'net/ipv4/tcp_output.c',
  'net/ipv4/tcp_input.c',
  'Documentation/networking/ip-sysctl.rst',
];

const TEAM_NOTE = 'Team note: compare with ss -m w, not Send-Q.';

describe('SKLens hovers in VS Code (Linux 6.1 files)', { timeout: 900_000 }, () => {
  let wb: Workbench;
  const ws = join(repoRoot, '.e2e', 'runs', `hover-ws-${process.pid}`);

  before(async () => {
    rmSync(ws, { recursive: true, force: true });
    for (const f of FILES) {
      mkdirSync(dirname(join(ws, f)), { recursive: true });
      cpSync(join(linuxRoot(), f), join(ws, f));
    }
    mkdirSync(join(ws, 'passt'), { recursive: true });
    for (const f of ['tcp.c', 'tcp_conn.h']) cpSync(join(passtRoot(), f), join(ws, 'passt', f));
    mkdirSync(join(ws, '.sklens'), { recursive: true });
    writeFileSync(
      join(ws, '.sklens', 'annotations.yaml'),
      `entries:\n  - id: sk_wmem_queued\n    pitfalls:\n      - "${TEAM_NOTE}"\n`,
    );
    wb = await Workbench.start({ workspace: ws, name: 'hover' });
  });

  after(async () => {
    if (!wb) return;
    const errors = wb.sklensErrors();
    await wb.close();
    rmSync(ws, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'SKLens wrote errors to the extension host log');
  });

  /** Hovers `word` on (1-based) `line` and returns the hover text once `ready` matches it. */
  async function hoverText(word: string, line: number, ready: RegExp): Promise<string> {
    const hover = wb.page.locator('.monaco-hover-content').first();
    let text = '';
    await retry(
      `hover ${word} on line ${line}`,
      async () => {
        await wb.goToLine(line);
        // The innermost span holding the word on the cursor's line (C is tokenised per
        // identifier; prose is one span per line); the mouse goes to the word's characters.
        const current = await wb
          .editor()
          .locator('.view-overlays .current-line')
          .first()
          .boundingBox();
        assert.ok(current, 'cursor line highlight');
        const spans = wb
          .editor()
          .locator('.view-lines span span', { hasText: new RegExp(`\\b${word}\\b`) });
        let target: { x: number; y: number } | undefined;
        for (let i = 0; i < (await spans.count()) && !target; i++) {
          const span: Locator = spans.nth(i);
          const box = await span.boundingBox();
          if (!box || Math.abs(box.y + box.height / 2 - (current.y + current.height / 2)) > 4)
            continue;
          const spanText = (await span.innerText()).replace(/\u00a0/g, ' ');
          const at = new RegExp(`\\b${word}\\b`).exec(spanText)?.index ?? 0;
          const charPx = box.width / spanText.length;
          target = { x: box.x + (at + 2) * charPx, y: box.y + box.height / 2 };
        }
        assert.ok(target, `${word} is not on the cursor line`);
        await wb.page.mouse.move(5, 5);
        await wb.page.mouse.move(target.x, target.y);
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        text = (await hover.innerText()).replace(/\u00a0/g, ' ');
        assert.match(text, ready);
      },
      240_000,
    );
    return text;
  }

  function lineOf(file: string, re: RegExp): number {
    const lines = readFileSync(join(ws, file), 'utf8').split('\n');
    const i = lines.findIndex((l) => re.test(l));
    assert.ok(i >= 0, `${re} in ${file}`);
    return i + 1;
  }

  test('sk_wmem_queued in net/core/sock.c: text, units, counts with links, team note', () =>
    wb.step('sk_wmem_queued', async () => {
      await wb.openFromExplorer('net/core/sock.c');
      const line = lineOf(
        'net/core/sock.c',
        /mem\[SK_MEMINFO_WMEM_QUEUED\] = READ_ONCE\(sk->sk_wmem_queued\)/,
      );
      const text = await hoverText(
        'sk_wmem_queued',
        line,
        /^(?=[^]*In this tree: \d+ writes)(?=[^]*Team note)/,
      );
      assert.match(text, /sk_wmem_queued · field of struct sock · bytes \(truesize\)/);
      assert.match(text, /truesize, not payload/);
      assert.match(text, /In this tree: \d+ writes · \d+ reads/);
      assert.match(text, /writes: (include\/net\/sock\.h|net\/[a-z0-9_/]+\.c):\d+/);
      assert.match(text, /▶ Send path S3/);
      assert.match(text, new RegExp(TEAM_NOTE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      const links = wb.page.locator('.monaco-hover-content a');
      assert.ok((await links.count()) >= 3, 'site and citation links');
      await wb.screenshot('sk_wmem_queued');
    }));

  test('a sysctl name in Documentation/networking/ip-sysctl.rst', () =>
    wb.step('ip-sysctl', async () => {
      await wb.openFromExplorer('Documentation/networking/ip-sysctl.rst');
      const line = lineOf('Documentation/networking/ip-sysctl.rst', /^tcp_wmem - /);
      const text = await hoverText('tcp_wmem', line, /net\.ipv4\.tcp_wmem/);
      assert.match(text, /default 4096 16384 4194304/);
      assert.match(text, /Bytes, while tcp_mem is in pages/);
      await wb.screenshot('ip-sysctl');
    }));

  test('passt: SNDBUF_GET in tcp.c', () =>
    wb.step('passt', async () => {
      await wb.openFromExplorer('passt/tcp.c');
      const line = lineOf('passt/tcp.c', /MIN\(SNDBUF_GET\(conn\), MAX_WINDOW\)/);
      const text = await hoverText('SNDBUF_GET', line, /In this tree: \d+ calls?/);
      assert.match(text, /SNDBUF_GET · passt macro · bytes · passt/);
      assert.match(text, /256-byte granular/);
      assert.match(text, /\d+ calls/);
      assert.match(text, /tcp_wnd_from_sndbuf \(passt 2026\)/);
      await wb.screenshot('passt');
    }));

  test('a broken annotations file is reported and hovers keep working', () =>
    wb.step('broken-annotations', async () => {
      writeFileSync(join(ws, '.sklens', 'annotations.yaml'), 'entries:\n  - id: [unclosed\n');
      await retry(
        'the problem is logged',
        async () => {
          assert.match(
            wb.sklensLog(),
            /annotations: \.sklens\/annotations\.yaml:\d+:\d+: invalid YAML/,
          );
        },
        60_000,
      );
      await wb.openFromExplorer('net/core/sock.c');
      const line = lineOf('net/core/sock.c', /mem\[SK_MEMINFO_WMEM_QUEUED\]/);
      const text = await hoverText('sk_wmem_queued', line, /In this tree: \d+ writes/);
      assert.doesNotMatch(text, /Team note/, 'the broken file no longer contributes');
      await wb.screenshot('broken-annotations');
    }));
});
