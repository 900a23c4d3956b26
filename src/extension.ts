// activate() only wires: it builds the context and lets each feature register itself.
import * as vscode from 'vscode';
import { SklensContext } from './context';
import { registerHover } from './features/hoverProvider';

let ctx: SklensContext | undefined;

export function activate(extension: vscode.ExtensionContext): void {
  ctx = new SklensContext(extension);
  extension.subscriptions.push(ctx);
  ctx.log.info(`SKLens ${String(extension.extension.packageJSON.version)} activated`);
  registerHover(ctx);
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
