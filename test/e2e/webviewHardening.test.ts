// Issue 8, webviews: the simulation webview bundle (dist/webview/simulation.js) in a plain
// Chromium page, served under the very shell and CSP the host serves (src/panels/webviewHtml.ts)
// with a stub acquireVsCodeApi. No code-server: this is about the webview's own defences.
//   - absurd parameters, from the host and typed into the panel's fields (negative, NaN text,
//     2^40, MSS 0): a clear message in `.sk-error`, never NaN in the DOM, the plot still drawn
//   - malformed host messages: ignored and logged back to the host, the panel unchanged
//   - the CSP: a script without the nonce does not run; the bundle causes no CSP violation
//   - no page errors throughout
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MODELS } from '../../src/model/registry';
import type { NumberParam } from '../../src/model/types';
import { csp, makeNonce, webviewShell } from '../../src/panels/webviewHtml';
import type { SimulationState } from '../../src/protocol/simulation';

const repo = resolve(__dirname, '..', '..');
const bundle = join(repo, 'dist', 'webview', 'simulation.js');
const shots = join(repo, 'test-results', 'e2e');
/** Chromium flags of docs/e2e.md: without the networking ones Chromium floods the closed network. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let server: Server;
let origin = '';
let browser: Browser;
let page: Page;
const nonce = makeNonce();
const pageErrors: string[] = [];

function shell(): string {
  const html = webviewShell(
    { title: 'Buffer Simulation', cspSource: origin, scriptUri: `${origin}/simulation.js`, nonce },
    'sk-simulation',
  );
  // What VS Code provides: acquireVsCodeApi (here recording posts), plus a CSP violation
  // recorder, both by nonce; and one script without the nonce, which the CSP must block.
  const stub = `<script nonce="${nonce}">
window.__posted = []; window.__state = undefined; window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
</script>
<script>window.__inlineRan = true;</script>`;
  return html.replace('<div id="root"></div>', `<div id="root"></div>\n${stub}`);
}

before(async () => {
  assert.ok(existsSync(bundle), `${bundle} missing: run node esbuild.mjs`);
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(shell());
    } else if (req.url === '/simulation.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(bundle));
    } else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // CSP violations are counted by the securitypolicyviolation recorder instead.
    if (m.type() === 'error' && !/Content Security Policy/.test(m.text()))
      pageErrors.push(`console: ${m.text()}`);
  });
  // Remote resources would show up as requests to another origin.
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
      pageErrors.push(`remote request: ${r.url()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() =>
    (window as unknown as { __posted: { type: string }[] }).__posted.some(
      (m) => m.type === 'ready',
    ),
  );
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
});

/** Two animation frames: the panel recomputes on the next frame after a change. */
async function settle(): Promise<void> {
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))),
  );
}

async function hostSays(message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message as object);
  await settle();
}

async function posted(): Promise<{ type: string; level?: string; message?: string }[]> {
  return page.evaluate(() => (window as unknown as { __posted: never[] }).__posted.splice(0));
}

interface Look {
  error: string;
  errorShown: boolean;
  nanText: string[];
  canvases: number;
  drawnPixels: number;
}

/** What a person would see: the error box, any NaN text, and whether the main plot has ink. */
async function look(): Promise<Look> {
  return page.evaluate(() => {
    const box = document.querySelector('.sk-error')!;
    const nanText: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement?.closest('script, style')) continue;
      // The typed text 'NaN text' may be quoted back in the message; a computed NaN may not.
      const t = (n.textContent ?? '').replaceAll("'NaN text'", '').replaceAll('NaN text', '');
      if (/\bNaN\b|undefined/.test(t)) nanText.push(n.textContent!.slice(0, 80));
    }
    for (const e of document.querySelectorAll('*')) {
      for (const a of e.getAttributeNames()) {
        const v = e.getAttribute(a) ?? '';
        if (/\bNaN\b/.test(v) && a !== 'value' && a !== 'current-value')
          nanText.push(`${e.tagName}[${a}=${v.slice(0, 40)}]`);
      }
    }
    const canvas = document.querySelector<HTMLCanvasElement>('.sk-chart canvas');
    let drawn = 0;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < d.length; i += 4 * 7) if (d[i]! > 0) drawn++;
    }
    return {
      error: box.textContent ?? '',
      errorShown: box.classList.contains('shown'),
      nanText,
      canvases: document.querySelectorAll('.sk-chart canvas').length,
      drawnPixels: drawn,
    };
  });
}

function state(model: string, params: Record<string, number | string | boolean>): SimulationState {
  return { model, scenario: null, params, cursor: null };
}

const ABSURD: { label: string; value: (p: NumberParam) => number | string }[] = [
  { label: 'negative', value: (p) => (p.min !== undefined && p.min > 0 ? -p.min : -1e9) },
  { label: 'NaN text', value: () => 'NaN text' },
  { label: '2^40', value: () => 2 ** 40 },
  { label: 'zero', value: () => 0 },
];

test('the shell CSP is enforced: no nonce, no script; the bundle itself violates nothing', async () => {
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.equal(
    meta,
    csp({ title: '', cspSource: origin, scriptUri: '', nonce }),
    'the page runs under the host-served policy',
  );
  assert.match(meta!, /^default-src 'none'; script-src 'nonce-[A-Za-z0-9]+';/);
  assert.equal(
    await page.evaluate(() => (window as { __inlineRan?: boolean }).__inlineRan),
    undefined,
  );
  const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  // Exactly the one planted inline script; nothing from the bundle (styles go by nonce).
  assert.deepEqual(violations.length, 1, violations.join('\n'));
  assert.match(violations[0]!, /^script-src/);
});

test('absurd parameters from the host: a clear message per parameter, no NaN, the plot kept', async () => {
  let cases = 0;
  let rejected = 0;
  for (const def of MODELS) {
    await hostSays({ type: 'open', state: state(def.id, {}) });
    const clean = await look();
    assert.equal(clean.errorShown, false, `${def.id} defaults: ${clean.error}`);
    assert.ok(clean.drawnPixels > 0, `${def.id}: the default run is drawn`);
    const numbers = def.params.filter((p): p is NumberParam => p.kind === 'number');
    for (const [k, p] of numbers.entries()) {
      const absurd = ABSURD[k % ABSURD.length]!;
      const v = absurd.value(p);
      const inRange =
        typeof v === 'number' && v >= (p.min ?? -Infinity) && v <= (p.max ?? Infinity);
      await hostSays({ type: 'open', state: state(def.id, { [p.name]: v }) });
      const seen = await look();
      cases++;
      const what = `${def.id}.${p.name} = ${absurd.label} (${String(v)})`;
      assert.deepEqual(seen.nanText, [], `${what}: NaN in the DOM`);
      assert.ok(seen.canvases > 0 && seen.drawnPixels > 0, `${what}: blank plot`);
      if (!inRange) {
        rejected++;
        assert.ok(seen.errorShown, `${what}: no message`);
        assert.match(seen.error, /Cannot run this model with these parameters: .+/, what);
        assert.ok(
          seen.error.includes(p.name) || seen.error.includes(p.label),
          `${what}: ${seen.error}`,
        );
      }
    }
  }
  await page.screenshot({ path: join(mkShots(), 'webview-absurd-params.png'), fullPage: true });
  console.log(
    `webview: ${cases} absurd parameter cases over ${MODELS.length} models, ${rejected} out of range and rejected with a message`,
  );
  assert.ok(rejected > 20);
  assert.deepEqual(pageErrors, []);
});

function mkShots(): string {
  mkdirSync(shots, { recursive: true });
  return shots;
}

test('absurd values typed into the send-path fields: MSS 0, NaN text, negative, 2^40', async () => {
  const def = MODELS.find((m) => m.id === 'send-path')!;
  const mss = def.params.find((p) => p.name === 'mss_bytes') as NumberParam;
  await hostSays({ type: 'open', state: state(def.id, {}) });
  await posted();
  // By its row: the toolkit replaces the aria-label the panel sets with 'Text field'.
  const field = page
    .locator('.sk-param', { has: page.locator('.sk-plabel', { hasText: mss.label }) })
    .locator('vscode-text-field input');
  for (const typed of ['0', 'NaN text', '-1460', String(2 ** 40)]) {
    await field.fill(typed);
    await field.press('Enter');
    await field.blur();
    await settle();
    const seen = await look();
    assert.ok(seen.errorShown, `MSS '${typed}': no message`);
    assert.match(seen.error, /mss_bytes|MSS/i, seen.error);
    assert.deepEqual(seen.nanText, [], `MSS '${typed}'`);
    assert.ok(seen.drawnPixels > 0, `MSS '${typed}': blank plot`);
    // The state sent to the host carries the typed value as it is; the guard accepts it.
    const st = (await posted()).filter((m) => m.type === 'state');
    assert.ok(st.length > 0, `MSS '${typed}': state not sent`);
  }
  await page.screenshot({ path: join(mkShots(), 'webview-mss-nan-text.png'), fullPage: true });
  await field.fill('1448');
  await field.press('Enter');
  await field.blur();
  await settle();
  assert.equal((await look()).errorShown, false, 'a valid MSS clears the message');
  assert.deepEqual(pageErrors, []);
});

test('malformed host messages are ignored and logged; the panel is unchanged', async () => {
  await hostSays({ type: 'open', state: state('send-path', {}) });
  await posted();
  const before = await page.evaluate(() => document.getElementById('root')!.innerHTML);
  const junk: unknown[] = [
    null,
    'open',
    42,
    [],
    { type: 'open' },
    { type: 'open', state: null },
    { type: 'open', state: { model: 7, scenario: null, params: {}, cursor: null } },
    {
      type: 'open',
      state: { model: 'send-path', scenario: null, params: { x: { y: 1 } }, cursor: null },
    },
    { type: 'open', state: { model: 'send-path', scenario: null, params: {}, cursor: -3 } },
    {
      type: 'open',
      state: { model: 'send-path', scenario: null, params: { mss_bytes: NaN }, cursor: null },
    },
    {
      type: 'open',
      state: { model: 'x'.repeat(10_000), scenario: null, params: {}, cursor: null },
    },
    { type: 'saved', requestId: '1', ok: true, message: 'x' },
    { type: 'eval', code: 'alert(1)' },
    { __proto__: { type: 'open' } },
  ];
  for (const m of junk) await hostSays(m);
  const logs = (await posted()).filter((m) => m.type === 'log');
  assert.equal(logs.length, junk.length, 'one log message per malformed message');
  assert.ok(logs.every((m) => m.level === 'warn' && /malformed/.test(m.message ?? '')));
  const afterHtml = await page.evaluate(() => document.getElementById('root')!.innerHTML);
  assert.equal(afterHtml, before, 'the panel changed on a malformed message');
  assert.deepEqual(pageErrors, []);
});
