// Keeps the sklens.navigation.deferToLanguageServer decision current: recomputed when
// extensions are installed, enabled or removed and when the relevant settings change. The
// definition and reference providers ask it on every request, so no re-registration is needed.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import { decideDeferral, type Deferral } from './deferral';

export class LanguageServerDeferral implements vscode.Disposable {
  private current: Deferral;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly ctx: SklensContext) {
    this.current = this.compute();
    this.subs = [
      vscode.extensions.onDidChange(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration('sklens.navigation.deferToLanguageServer') ||
          e.affectsConfiguration('C_Cpp.intelliSenseEngine') ||
          e.affectsConfiguration('clangd.enable')
        ) {
          this.update();
        }
      }),
    ];
    ctx.log.info(`definitions/references: ${this.describe()}`);
  }

  get defer(): boolean {
    return this.current.defer;
  }

  describe(): string {
    return this.current.defer
      ? `left to the language server (${this.current.reason})`
      : `provided by SKLens (${this.current.reason})`;
  }

  private compute(): Deferral {
    return decideDeferral(this.ctx.config.deferToLanguageServer, {
      extensionIds: vscode.extensions.all.map((e) => e.id),
      cppIntelliSenseEngine: vscode.workspace
        .getConfiguration('C_Cpp')
        .get<string>('intelliSenseEngine'),
      clangdEnable: vscode.workspace.getConfiguration('clangd').get<boolean>('enable'),
    });
  }

  private update(): void {
    const before = this.current.defer;
    this.current = this.compute();
    if (before !== this.current.defer) {
      this.ctx.log.info(`definitions/references: ${this.describe()}`);
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
