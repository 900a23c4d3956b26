// The host side every SKLens webview panel shares: the serializer registration, the webview
// options (scripts on, only dist/webview readable), the CSP shell with the panel's bundle, one
// validated and timed message handler per panel, and disposal. GraphPanels and
// SimulationPanels supply the protocol guard and what each message does.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import { makeNonce, webviewShell } from './webviewHtml';

export interface PanelKind<In extends { type: string }> {
  viewType: string;
  /** In log lines and host timings: 'graph panel'. */
  label: string;
  /** The bundle in dist/webview. */
  script: string;
  /** The document title and the body class of the shell. */
  htmlTitle: string;
  bodyClass: string;
  /** The layout runs in a Worker created from a blob (the graph panel). */
  blobWorker?: boolean;
  /** The protocol's guard for messages from the webview. */
  isMessage: (m: unknown) => m is In;
}

export abstract class PanelHost<
  In extends { type: string },
  Out,
> implements vscode.WebviewPanelSerializer<unknown> {
  constructor(
    protected readonly ctx: SklensContext,
    private readonly kind: PanelKind<In>,
  ) {
    ctx.own(vscode.window.registerWebviewPanelSerializer(kind.viewType, this));
  }

  abstract deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown): Promise<void>;

  /** What a valid message from `panel` does; runs on the host's thread up to its first await. */
  protected abstract handle(panel: vscode.WebviewPanel, m: In): Promise<void>;

  /** A new panel beside the active editor, keeping the focus there. */
  protected create(title: string): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      this.kind.viewType,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.options(),
    );
  }

  protected options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview')],
    };
  }

  /**
   * Loads the shell into `panel` and listens to it: malformed messages are logged and ignored,
   * the others handled (timed as host queries); `disposed` runs when the panel closes.
   */
  protected attach(panel: vscode.WebviewPanel, disposed: () => void): void {
    const webview = panel.webview;
    const script = webview.asWebviewUri(
      vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview', this.kind.script),
    );
    webview.html = webviewShell(
      {
        title: this.kind.htmlTitle,
        cspSource: webview.cspSource,
        scriptUri: script.toString(),
        nonce: makeNonce(),
        ...(this.kind.blobWorker ? { blobWorker: true } : {}),
      },
      this.kind.bodyClass,
    );
    const subs: vscode.Disposable[] = [];
    subs.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (!this.kind.isMessage(m)) {
          this.ctx.log.warn(`${this.kind.label}: ignored a malformed message (${describe(m)})`);
          return;
        }
        this.ctx.timer.run('query', `${this.kind.label} ${m.type}`, () => {
          void this.handle(panel, m);
        });
      }),
      panel.onDidDispose(() => {
        disposed();
        for (const d of subs) d.dispose();
      }),
    );
  }

  protected post(panel: vscode.WebviewPanel, m: Out): void {
    void panel.webview.postMessage(m);
  }
}

function describe(m: unknown): string {
  try {
    return JSON.stringify(m).slice(0, 120);
  } catch {
    return typeof m;
  }
}
