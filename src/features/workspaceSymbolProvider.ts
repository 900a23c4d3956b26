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

  async provideWorkspaceSymbols(
    query: string,
    token?: vscode.CancellationToken,
  ): Promise<vscode.SymbolInformation[]> {
    if (query.trim() === '') return [];
    const limit = this.ctx.config.workspaceSymbolsMaxResults;
    // The scan of a store's names runs in a worker; the host only converts the hits.
    const found = await this.service.searchSymbols(query, limit);
    if (!found || token?.isCancellationRequested) return [];
    return this.ctx.timer.run('query', 'workspace symbols', () =>
      found
        .flatMap(({ folder, hits }) =>
          hits.map((h) => toSymbolInformation(vscode, folder.toUri, h)),
        )
        .slice(0, limit),
    );
  }
}

export function registerWorkspaceSymbolProvider(ctx: SklensContext, service: IndexService): void {
  ctx.own(
    vscode.languages.registerWorkspaceSymbolProvider(
      new SklensWorkspaceSymbolProvider(ctx, service),
    ),
  );
}
