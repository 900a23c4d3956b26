// Outline: functions, structs and unions with their fields, macros and ops tables of the
// document, from its indexed facts (reparsed from the editor's text after edits).
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import { toDocumentSymbol } from './adapters';
import { outline } from './navQueries';
import { C_SELECTOR } from '../services/selector';

export class SklensDocumentSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(
    private readonly ctx: SklensContext,
    private readonly service: IndexService,
  ) {}

  async provideDocumentSymbols(
    doc: vscode.TextDocument,
    token: vscode.CancellationToken,
  ): Promise<vscode.DocumentSymbol[] | undefined> {
    // Nothing tells the Outline to ask again once indexing ends, so a document opened while
    // its folder is indexing waits for the build instead of answering "no symbols" for good.
    if (this.service.building()) {
      await Promise.race([
        this.service.whenBuilt().catch(() => undefined),
        new Promise<void>((resolve) => token.onCancellationRequested(() => resolve())),
      ]);
      if (token.isCancellationRequested) return undefined;
    }
    await this.service.fresh(doc);
    return this.ctx.timer.run('query', 'document symbols', () => {
      const r = this.service.resolve(doc.uri);
      const facts = r?.index.facts(r.file);
      if (!facts) return undefined;
      return outline(facts).map((n) => toDocumentSymbol(vscode, n));
    });
  }
}

export function registerDocumentSymbolProvider(ctx: SklensContext, service: IndexService): void {
  ctx.own(
    vscode.languages.registerDocumentSymbolProvider(
      C_SELECTOR,
      new SklensDocumentSymbolProvider(ctx, service),
      { label: 'SKLens' },
    ),
  );
  // The Outline re-asks when VS Code thinks the document changed; a query made during a build
  // waits for it (above); after a watcher refresh the next edit or focus refreshes it.
}
