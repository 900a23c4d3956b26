// Go to Definition: functions (static ones resolved to the caller's file), macros, struct tags
// and struct fields, from the workspace index. Yields to clangd / cpptools per
// sklens.navigation.deferToLanguageServer.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import { toLocation } from './adapters';
import type { LanguageServerDeferral } from './languageServers';
import { findDefinitions, wordAt } from './navQueries';
import { C_SELECTOR } from '../services/selector';
import { sayIfNotReady } from './notReady';

export class SklensDefinitionProvider implements vscode.DefinitionProvider {
  constructor(
    private readonly ctx: SklensContext,
    private readonly service: IndexService,
    private readonly deferral: LanguageServerDeferral,
  ) {}

  async provideDefinition(
    doc: vscode.TextDocument,
    pos: vscode.Position,
  ): Promise<vscode.Location[] | undefined> {
    if (this.deferral.defer) return undefined;
    await this.service.fresh(doc);
    return this.ctx.timer.run('query', 'definition', () => {
      const r = this.service.resolve(doc.uri);
      const w = wordAt(doc.lineAt(pos.line).text, pos.character);
      if (!r) sayIfNotReady(this.service, doc.uri);
      if (!r || !w) return undefined;
      const at = { file: r.file, line: pos.line, col: pos.character };
      return findDefinitions(r.index, at, w).map((d) => toLocation(vscode, r.toUri, d));
    });
  }
}

export function registerDefinitionProvider(
  ctx: SklensContext,
  service: IndexService,
  deferral: LanguageServerDeferral,
): void {
  ctx.own(
    vscode.languages.registerDefinitionProvider(
      C_SELECTOR,
      new SklensDefinitionProvider(ctx, service, deferral),
    ),
  );
}
