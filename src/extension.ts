// activate() only wires: it builds the context and the index service, and lets each feature
// register itself. Every Disposable goes to the context.
import * as vscode from 'vscode';
import { affects, INDEX_SETTINGS } from './config';
import { SklensContext } from './context';
import { registerCallGraph } from './features/callGraphFeature';
import { registerCallHierarchyProvider } from './features/callHierarchyProvider';
import { registerClaimDiagnostics } from './features/claimDiagnostics';
import { registerDefinitionProvider } from './features/definitionProvider';
import { registerDocumentSymbolProvider } from './features/documentSymbolProvider';
import { registerFieldAccessCommand } from './features/fieldAccessCommand';
import { registerHover } from './features/hoverProvider';
import { registerIndexCommands } from './features/indexCommands';
import { LanguageServerDeferral } from './features/languageServers';
import { registerReferenceProvider } from './features/referenceProvider';
import { functionSourceFrom } from './features/documentFunctions';
import { registerSimulation } from './features/simulation';
import { registerStatusBar } from './features/statusBar';
import { registerWorkspaceSymbolProvider } from './features/workspaceSymbolProvider';
import { IndexService } from './services/indexService';
import { createWorkspaceEngine } from './services/workspaceEngine';

let ctx: SklensContext | undefined;

export function activate(extension: vscode.ExtensionContext): void {
  const c = (ctx = new SklensContext(extension));
  extension.subscriptions.push(c);
  c.log.info(`SKLens ${String(extension.extension.packageJSON.version)} activated`);

  const index = c.own(
    new IndexService({
      log: c.log,
      config: () => c.config,
      timer: c.timer,
      createEngine: createWorkspaceEngine,
      storageUri: extension.storageUri,
    }),
  );
  c.own(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sklens')) index.configure(affects(e, INDEX_SETTINGS));
    }),
  );
  const deferral = c.own(new LanguageServerDeferral(c));

  registerDefinitionProvider(c, index, deferral);
  registerReferenceProvider(c, index, deferral);
  registerDocumentSymbolProvider(c, index);
  registerWorkspaceSymbolProvider(c, index);
  registerCallHierarchyProvider(c, index);
  registerFieldAccessCommand(c, index);
  registerIndexCommands(c, index, deferral);
  registerStatusBar(c, index, deferral);
  registerHover(c, index);
  registerSimulation(c, index, functionSourceFrom(index, c.timer));
  registerCallGraph(c, index);
  registerClaimDiagnostics(c, index);

  index.start();
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
