// What a navigation request says while its folder is still being indexed: VS Code itself then
// reports "No definition found", so SKLens adds why, once every few seconds at most.
import * as vscode from 'vscode';
import type { IndexService } from '../services/indexService';

let lastText = '';
let lastAt = 0;

/** Tells the user the index is not ready for `uri`, if so. Returns whether it said so. */
export function sayIfNotReady(service: IndexService, uri: vscode.Uri): boolean {
  const why = service.notReady(uri);
  if (!why) return false;
  const now = Date.now();
  if (why !== lastText || now - lastAt > 3000) {
    lastText = why;
    lastAt = now;
    vscode.window.setStatusBarMessage(`$(sync~spin) ${why}`, 4000);
    void vscode.window.showInformationMessage(`${why}: results appear when it is done.`);
  }
  return true;
}
