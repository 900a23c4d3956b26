// Workspace symbols (Ctrl+T): functions, macros, structs, fields and ops tables of every
// indexed folder, ranked by the index's fuzzy match.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import { toSymbolInformation } from './adapters';

export class SklensWorkspaceSymbolProvider implements vscode.WorkspaceSymbolProvider {
  constructor(
    private readonly ctx: SklensContext,
    private readonly service: IndexService,
  ) {}

  provideWorkspaceSymbols(query: string): vscode.SymbolInformation[] {
    if (query.trim() === '') return [];
    return this.ctx.timer.run('query', 'workspace symbols', () => {
      const limit = this.ctx.config.workspaceSymbolsMaxResults;
      return this.service
        .all()
        .flatMap((r) =>
          r.index.searchSymbols(query, limit).map((h) => toSymbolInformation(vscode, r.toUri, h)),
        )
        .slice(0, limit);
    });
  }
}

export function registerWorkspaceSymbolProvider(ctx: SklensContext, service: IndexService): void {
  ctx.own(
    vscode.languages.registerWorkspaceSymbolProvider(
      new SklensWorkspaceSymbolProvider(ctx, service),
    ),
  );
}
