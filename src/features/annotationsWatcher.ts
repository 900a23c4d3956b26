// Loads `.sklens/annotations.{json,yaml,yml}` of every workspace folder into the knowledge base,
// reloads on create/change/delete, and reports problems as diagnostics on the file plus a line in
// the output channel. A broken file never breaks hovers: its entries are simply not merged.
// Files are read as text and parsed as data (src/knowledge/annotations.ts); nothing runs.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import { formatOf, parseAnnotations, type UserEntry } from '../knowledge/annotations';
import type { KnowledgeBase } from '../knowledge/knowledgeBase';

const GLOB = '.sklens/annotations.{json,yaml,yml}';

export class AnnotationsWatcher implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('sklens-annotations');
  private readonly disposables: vscode.Disposable[] = [this.diagnostics];
  private generation = 0;

  constructor(
    private readonly ctx: SklensContext,
    private readonly kb: KnowledgeBase,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${GLOB}`);
    const reload = (): void => void this.reload();
    this.disposables.push(
      watcher,
      watcher.onDidCreate(reload),
      watcher.onDidChange(reload),
      watcher.onDidDelete(reload),
      vscode.workspace.onDidChangeWorkspaceFolders(reload),
    );
  }

  /** Re-reads every annotations file; the last call wins if several overlap. */
  async reload(): Promise<void> {
    const gen = ++this.generation;
    const entries: UserEntry[] = [];
    const diags: [vscode.Uri, vscode.Diagnostic[]][] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, GLOB));
      found.sort((a, b) => a.path.localeCompare(b.path)); // .json before .yaml/.yml
      for (const uri of found) {
        const format = formatOf(uri.path);
        if (!format) continue;
        let text: string;
        try {
          text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        } catch (err) {
          this.ctx.log.warn(`annotations: cannot read ${uri.fsPath}: ${String(err)}`);
          continue;
        }
        const parsed = parseAnnotations(text, format, this.kb.isBuiltinName);
        entries.push(...parsed.entries);
        const rel = vscode.workspace.asRelativePath(uri);
        diags.push([
          uri,
          parsed.problems.map((p) => {
            const d = new vscode.Diagnostic(
              new vscode.Range(p.line, p.col, p.line, p.col + 1),
              p.message,
              p.severity === 'error'
                ? vscode.DiagnosticSeverity.Error
                : vscode.DiagnosticSeverity.Warning,
            );
            d.source = 'SKLens annotations';
            return d;
          }),
        ]);
        for (const p of parsed.problems) {
          const line = `annotations: ${rel}:${p.line + 1}:${p.col + 1}: ${p.message}`;
          // A user's file problem is shown as a diagnostic; the log keeps a warning (not an
          // error: SKLens itself did nothing wrong).
          this.ctx.log.warn(line);
        }
        this.ctx.log.info(`annotations: ${parsed.entries.length} entries from ${rel}`);
      }
    }
    if (gen !== this.generation) return;
    this.diagnostics.clear();
    for (const [uri, d] of diags) this.diagnostics.set(uri, d);
    for (const w of this.kb.setUserEntries(entries)) this.ctx.log.warn(`annotations: ${w}`);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
