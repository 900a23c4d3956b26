// The one handle on the webview host API, typed for one panel's messages and state.
interface VsCodeApi<S, M> {
  postMessage(message: M): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S, M>(): VsCodeApi<S, M>;

let api: unknown;
export function vscodeApi<S, M>(): VsCodeApi<S, M> {
  api ??= acquireVsCodeApi<S, M>();
  return api as VsCodeApi<S, M>;
}

/** The nonce the host put on <body>, for <style> elements created at run time (CSP). */
export function nonce(): string {
  return document.body.dataset.nonce ?? '';
}

export function addStyle(css: string): void {
  const el = document.createElement('style');
  el.nonce = nonce();
  el.textContent = css;
  document.head.appendChild(el);
}

/** A CSS custom property of the current theme (e.g. `--vscode-charts-blue`). */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/**
 * Calls `fn` whenever VS Code switches theme (it changes the body class). Returns a function
 * that stops watching: a plot that is replaced must stop redrawing itself.
 */
export function onThemeChange(fn: () => void): () => void {
  const observer = new MutationObserver(fn);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
