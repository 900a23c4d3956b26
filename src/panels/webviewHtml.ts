// The HTML shell every SKLens webview uses: a strict Content-Security-Policy
// (default-src 'none', base-uri and form-action 'none', scripts only by nonce, styles from the
// bundle or by nonce, images from the webview's own origin and data: for exported PNGs),
// nothing remote, one script bundle.
// The csp-nonce meta is where the webview UI toolkit (FAST) finds the nonce for the <style> it
// creates to detect :focus-visible support; without it that style breaks the policy.
import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

export interface ShellOptions {
  title: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** The webview URI of the script bundle (dist/webview/<name>.js). */
  scriptUri: string;
  /** For panels that lay out in a Worker: the worker script's webview URI. */
  workerUri?: string;
  /**
   * For panels that start their Worker from a blob: URL made of a script the host read from the
   * extension (webview resource URLs cannot start Workers: they are cross-origin to the webview).
   */
  blobWorker?: boolean;
  nonce: string;
}

export function csp(o: ShellOptions): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    o.workerUri ? `worker-src ${o.cspSource}` : '',
    o.blobWorker && !o.workerUri ? 'worker-src blob:' : '',
    // Neither falls back to default-src: without them an injected <base> or <form> could
    // redirect relative URLs or submit the page's data elsewhere.
    "base-uri 'none'",
    "form-action 'none'",
  ]
    .filter(Boolean)
    .join('; ');
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function webviewShell(o: ShellOptions, bodyClass: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp(o))}">
<meta property="csp-nonce" content="${esc(o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(o.title)}</title>
</head>
<body class="${esc(bodyClass)}" data-nonce="${esc(o.nonce)}"${o.workerUri ? ` data-worker="${esc(o.workerUri)}"` : ''}>
<div id="root"></div>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
