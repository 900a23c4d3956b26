// Commands about the index itself: rebuild it, show its status and the extension-host timings
// in the SKLens output channel. sklens.showHostTimings also returns the figures, so an
// end-to-end test can read them with executeCommand.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import type { LanguageServerDeferral } from './languageServers';
import { statusText } from './statusText';

const PARSE_PROBLEMS_SCHEME = 'sklens-problems';

class ParseProblemsDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly uri = vscode.Uri.from({ scheme: PARSE_PROBLEMS_SCHEME, path: '/parse problems.txt' });
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly service: IndexService) {}

  refresh(): void {
    this.changed.fire(this.uri);
  }

  provideTextDocumentContent(): string {
    return this.service.problemDetails();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerIndexCommands(
  ctx: SklensContext,
  service: IndexService,
  deferral: LanguageServerDeferral,
): void {
  ctx.own(
    vscode.commands.registerCommand(COMMANDS.reindex.id, () => {
      ctx.log.info('rebuilding the workspace index');
      service.rebuild();
    }),
  );
  ctx.own(
    vscode.commands.registerCommand(COMMANDS.showIndexStatus.id, () => {
      for (const line of statusText(service.states()).lines) ctx.log.info(line);
      ctx.log.info(`definitions/references: ${deferral.describe()}`);
      for (const line of ctx.timer.describe()) ctx.log.info(`host thread: ${line}`);
      ctx.log.show(true);
    }),
  );
  // The full list behind the one-line summary in the output channel, as a read-only document
  // (a content provider's documents cannot be edited or saved by mistake).
  const problems = new ParseProblemsDocument(service);
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(PARSE_PROBLEMS_SCHEME, problems));
  ctx.own(problems);
  ctx.own(
    vscode.commands.registerCommand(COMMANDS.showParseProblems.id, async () => {
      problems.refresh();
      const doc = await vscode.workspace.openTextDocument(problems.uri);
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc.getText();
    }),
  );
  ctx.own(
    vscode.commands.registerCommand(COMMANDS.showHostTimings.id, () => {
      const tasks = ctx.timer.snapshot();
      const stalls = {
        indexingMs: service.stalls.indexing.maxMs,
        editMs: service.stalls.edit.maxMs,
      };
      for (const line of ctx.timer.describe()) ctx.log.info(`host thread: ${line}`);
      ctx.log.info(
        `longest host-thread stall (event-loop delay): indexing ${stalls.indexingMs.toFixed(1)} ms, edits ${stalls.editMs.toFixed(1)} ms`,
      );
      ctx.log.show(true);
      return { tasks, stalls };
    }),
  );
}
