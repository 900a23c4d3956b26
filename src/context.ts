// The one object that owns SKLens's long-lived state in the extension host: every
// registration's Disposable, the output channel and the shared services. activate() builds it;
// each feature module receives it.
import * as vscode from 'vscode';
import { Config, SECTION } from './config';
import { HostTimer } from './services/hostTimer';

export class SklensContext implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  /** Times SKLens's tasks on the extension host thread; logs those over the threshold. */
  readonly timer: HostTimer;
  private readonly disposables: vscode.Disposable[] = [];
  private cfg: Config;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('SKLens', { log: true });
    this.disposables.push(this.log);
    this.cfg = new Config(vscode.workspace.getConfiguration(SECTION));
    this.timer = new HostTimer(
      () => performance.now(),
      (t) =>
        this.log.warn(
          `slow ${t.phase} task on the extension host: ${t.name} took ${t.ms.toFixed(1)} ms`,
        ),
      this.cfg.slowTaskMs,
    );
    // Config objects are cheap snapshots: rebuilt on every change, read through `config`.
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        this.cfg = new Config(vscode.workspace.getConfiguration(SECTION));
        this.timer.thresholdMs = this.cfg.slowTaskMs;
      }),
    );
  }

  /** The current settings (typed, validated). */
  get config(): Config {
    return this.cfg;
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
