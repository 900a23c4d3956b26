// Find References: on a struct member, every read and write of that field (narrowed to the
// struct the index resolved) and its declaration; elsewhere, calls, value uses and definitions
// of the identifier. Yields to clangd / cpptools per sklens.navigation.deferToLanguageServer.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import { toLocation } from './adapters';
import type { LanguageServerDeferral } from './languageServers';
import { findReferences, wordAt } from './navQueries';
import { C_SELECTOR } from '../services/selector';
import { sayIfNotReady } from './notReady';

export class SklensReferenceProvider implements vscode.ReferenceProvider {
  constructor(
    private readonly ctx: SklensContext,
    private readonly service: IndexService,
    private readonly deferral: LanguageServerDeferral,
  ) {}

  async provideReferences(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    context: vscode.ReferenceContext,
  ): Promise<vscode.Location[] | undefined> {
    if (this.deferral.defer) return undefined;
    await this.service.fresh(doc);
    return this.ctx.timer.run('query', 'references', () => {
      const r = this.service.resolve(doc.uri);
      const w = wordAt(doc.lineAt(pos.line).text, pos.character);
      if (!r) sayIfNotReady(this.service, doc.uri);
      if (!r || !w) return undefined;
      const at = { file: r.file, line: pos.line, col: pos.character };
      return findReferences(r.index, at, w, context.includeDeclaration).map((x) =>
        toLocation(vscode, r.toUri, x),
      );
    });
  }
}

export function registerReferenceProvider(
  ctx: SklensContext,
  service: IndexService,
  deferral: LanguageServerDeferral,
): void {
  ctx.own(
    vscode.languages.registerReferenceProvider(
      C_SELECTOR,
      new SklensReferenceProvider(ctx, service, deferral),
    ),
  );
}
