// Every SKLens webview is served through webviewShell: this pins its Content-Security-Policy.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { csp, makeNonce, webviewShell } from '../../src/panels/webviewHtml';

const opts = {
  title: 'T "x"',
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/simulation.js',
  nonce: makeNonce(),
};

test('the CSP denies everything by default and allows scripts only by nonce', () => {
  const policy = csp(opts);
  assert.match(policy, /^default-src 'none';/);
  assert.match(policy, new RegExp(`script-src 'nonce-${opts.nonce}'(;|$)`));
  assert.ok(!/unsafe-inline|unsafe-eval|\*|https?:\/\/(?!file\+)/.test(policy), policy);
  assert.ok(!policy.includes('worker-src'), 'no worker-src unless a panel asks for one');
  // base-uri and form-action do not fall back to default-src: they must be set themselves.
  assert.match(policy, /(^|; )base-uri 'none'(;|$)/);
  assert.match(policy, /(^|; )form-action 'none'(;|$)/);
  assert.match(csp({ ...opts, workerUri: 'x' }), /worker-src https:\/\/file\+/);
});

test('the shell loads one nonce-tagged script and escapes what it embeds', () => {
  const html = webviewShell(opts, 'sklens-simulation');
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0].includes(`nonce="${opts.nonce}"`));
  assert.ok(html.includes('<title>T &#34;x&#34;</title>'));
  assert.ok(!/<link|<img|<iframe|http:\/\//.test(html));
});

test('nonces are fresh and alphanumeric', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
});
