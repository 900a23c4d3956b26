// The function definitions of an open document, with their text, from the index's facts for
// that file (kept current on each edit by the index service's incremental reparse). Used by
// the simulation CodeLens and the inline model values.
import * as vscode from 'vscode';
import { ANCHORED_FUNCTIONS, type FunctionText } from '../model/codeAnchors';
import type { HostTimer } from '../services/hostTimer';
import type { IndexService } from '../services/indexService';
import type { FunctionSource } from './simulationCodeLens';

export function functionSourceFrom(service: IndexService, timer: HostTimer): FunctionSource {
  return async (doc: vscode.TextDocument): Promise<FunctionText[]> =>
    timer.run('query', 'document functions', () => modelledFunctions(service, doc));
}

function modelledFunctions(service: IndexService, doc: vscode.TextDocument): FunctionText[] {
  service.fresh(doc);
  const r = service.resolve(doc.uri);
  const facts = r?.index.facts(r.file);
  if (!facts) return [];
  const last = doc.lineCount - 1;
  return (
    facts.functions
      // Runs after every reparse (lenses refresh with the index): slice only the functions a
      // lens or an inline value can attach to, not every body of a 4,000-line file.
      .filter((f) => f.span.line <= last && ANCHORED_FUNCTIONS.has(f.name))
      .map((f) => ({
        name: f.name,
        line: f.span.line,
        text: doc.getText(
          new vscode.Range(f.span.line, f.span.col, Math.min(f.span.endLine, last), f.span.endCol),
        ),
      }))
  );
}
