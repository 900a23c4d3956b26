import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { callGraph } from '../../src/graph/callGraph';
import { csp } from '../../src/panels/webviewHtml';
import {
  defaultGraphState,
  isGraphViewState,
  isHostToWebview,
  isWebviewToHost,
} from '../../src/protocol/graph';
import { tcpFake } from './tcpFake';

test('graph view state round-trips and rejects bad values', () => {
  const s = defaultGraphState('tcp_sendmsg');
  assert.ok(isGraphViewState(s));
  assert.ok(isGraphViewState({ ...s, view: { x: 1, y: -2, k: 0.5 } }));
  assert.ok(!isGraphViewState({ ...s, centre: 'tcp sendmsg' }));
  assert.ok(!isGraphViewState({ ...s, depth: 7 }));
  assert.ok(!isGraphViewState({ ...s, direction: 'up' }));
  assert.ok(!isGraphViewState({ ...s, view: { x: Infinity, y: 0, k: 1 } }));
});

test('webview messages are validated field by field', () => {
  assert.ok(isWebviewToHost({ type: 'ready' }));
  assert.ok(
    isWebviewToHost({
      type: 'request',
      requestId: 3,
      centre: 'tcp_push',
      depth: 2,
      direction: 'both',
      memoryOnly: false,
    }),
  );
  assert.ok(
    !isWebviewToHost({
      type: 'request',
      requestId: -1,
      centre: 'tcp_push',
      depth: 2,
      direction: 'both',
      memoryOnly: false,
    }),
  );
  assert.ok(
    !isWebviewToHost({
      type: 'request',
      requestId: 1,
      centre: 'x;rm',
      depth: 2,
      direction: 'both',
      memoryOnly: false,
    }),
  );
  assert.ok(
    isWebviewToHost({ type: 'openDefinition', fn: 'tcp_push', file: 'net/ipv4/tcp.c', line: 12 }),
  );
  assert.ok(
    !isWebviewToHost({ type: 'openDefinition', fn: 'tcp_push', file: '../../etc/passwd', line: 1 }),
  );
  assert.ok(isWebviewToHost({ type: 'export', requestId: 1, format: 'svg', data: '<svg></svg>' }));
  assert.ok(!isWebviewToHost({ type: 'export', requestId: 1, format: 'svg', data: '<script>' }));
  assert.ok(!isWebviewToHost({ type: 'export', requestId: 1, format: 'png', data: '' }));
  assert.ok(!isWebviewToHost({ type: 'nope' }));
  assert.ok(!isWebviewToHost(null));
});

test('host messages carry a real CallGraph', () => {
  const graph = callGraph(tcpFake(), 'tcp_sendmsg', { depth: 1 });
  assert.ok(isHostToWebview({ type: 'graph', requestId: 1, graph }));
  assert.ok(
    isHostToWebview(JSON.parse(JSON.stringify({ type: 'graph', requestId: 1, graph })) as unknown),
  );
  assert.ok(!isHostToWebview({ type: 'graph', requestId: 1, graph: { centre: 'x' } }));
  assert.ok(isHostToWebview({ type: 'open', state: defaultGraphState('tcp_push') }));
});

test('a blob worker is allowed only when asked for, never scripts from anywhere else', () => {
  const base = { title: 't', cspSource: 'https://x.vscode-cdn.net', scriptUri: 'u', nonce: 'abc' };
  assert.doesNotMatch(csp(base), /worker-src/);
  const p = csp({ ...base, blobWorker: true });
  assert.match(p, /worker-src blob:/);
  assert.match(p, /default-src 'none'/);
  assert.match(p, /script-src 'nonce-abc'(;|$)/);
});

test('openDefinition: traversal with either separator, absolute and NUL paths are refused', () => {
  const open = (file: unknown) =>
    isWebviewToHost({ type: 'openDefinition', fn: 'f', file, line: 1 });
  for (const bad of [
    '..\\..\\..\\etc\\passwd', // a traversal on Windows
    'net\\..\\..\\x.c',
    'net/../../x.c',
    '..',
    '/etc/passwd',
    '\\\\server\\share\\x.c',
    'C:\\Windows\\win.ini',
    'c:x.c',
    'net/tcp.c\0.txt',
    '',
    'x'.repeat(1001),
    42,
  ]) {
    assert.equal(open(bad), false, JSON.stringify(bad).slice(0, 40));
  }
  for (const good of ['net/ipv4/tcp.c', 'a..b/c.c', 'include/net/sock.h', null])
    assert.ok(open(good), String(good));
});
