// The status-bar item: index state per folder (indexing progress, or function / call / field
// access counts when ready), with a tooltip naming the deferral decision and the longest
// extension-host task. Clicking it shows the index status in the output channel.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import type { LanguageServerDeferral } from './languageServers';
import { statusText } from './statusText';

export function registerStatusBar(
  ctx: SklensContext,
  service: IndexService,
  deferral: LanguageServerDeferral,
): void {
  const item = ctx.own(
    vscode.window.createStatusBarItem('sklens.index', vscode.StatusBarAlignment.Left, 10),
  );
  item.name = 'SKLens index';
  item.command = COMMANDS.showIndexStatus.id;
  const update = () =>
    ctx.timer.run('indexing', 'status bar', () => {
      const { text, lines } = statusText(service.states());
      item.text = text;
      const md = new vscode.MarkdownString(
        [
          '**SKLens workspace index**',
          ...lines,
          `Definitions/references: ${deferral.describe()}`,
        ].join('\n\n'),
      );
      item.tooltip = md;
    });
  update();
  item.show();
  ctx.own(service.onDidChangeState(update));
}
