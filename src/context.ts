// The one object that owns SKLens's long-lived state in the extension host: every
// registration's Disposable, the output channel and the shared services. activate() builds it;
// each feature module receives it.
import * as vscode from 'vscode';

export class SklensContext implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('SKLens', { log: true });
    this.disposables.push(this.log);
  }

  /** Keeps a Disposable until the extension deactivates. */
  own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // disposing must never throw out of deactivate()
      }
    }
  }
}
