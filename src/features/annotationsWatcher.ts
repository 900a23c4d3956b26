// Loads `.sklens/annotations.{json,yaml,yml}` of every workspace folder into the knowledge base,
// reloads on create/change/delete, and reports problems as diagnostics on the file plus a line in
// the output channel. A broken file never breaks hovers: its entries are simply not merged,
// and a reload never rejects. Files are sized before they are read (over 256 KiB: not read),
// then parsed as data (src/knowledge/annotations.ts); nothing runs.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import {
  formatOf,
  readAnnotationFile,
  type FileProblem,
  type UserEntry,
} from '../knowledge/annotations';
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

  /**
   * Re-reads every annotations file; the last call wins if several overlap. Never rejects: a
   * file that cannot be read or parsed is a diagnostic and a log line, the others still load.
   */
  async reload(): Promise<void> {
    const gen = ++this.generation;
    try {
      const { entries, diags } = await this.readAll();
      if (gen !== this.generation) return;
      this.diagnostics.clear();
      for (const [uri, d] of diags) this.diagnostics.set(uri, d);
      for (const w of this.kb.setUserEntries(entries)) this.ctx.log.warn(`annotations: ${w}`);
    } catch (err) {
      // A bug, not the user's file: keep the previous entries and say so once per reload.
      this.ctx.log.error(`annotations: reload failed: ${oneLine(err)}`);
    }
  }

  private async readAll(): Promise<{
    entries: UserEntry[];
    diags: [vscode.Uri, vscode.Diagnostic[]][];
  }> {
    const entries: UserEntry[] = [];
    const diags: [vscode.Uri, vscode.Diagnostic[]][] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      let found: vscode.Uri[];
      try {
        found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, GLOB));
      } catch (err) {
        this.ctx.log.warn(`annotations: cannot list ${folder.name}: ${oneLine(err)}`);
        continue;
      }
      found.sort((a, b) => a.path.localeCompare(b.path)); // .json before .yaml/.yml
      for (const uri of found) {
        const format = formatOf(uri.path);
        if (!format) continue;
        const rel = vscode.workspace.asRelativePath(uri);
        const parsed = await readAnnotationFile(
          {
            format,
            size: async () => (await vscode.workspace.fs.stat(uri)).size,
            read: async () => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)),
          },
          this.kb.isBuiltinName,
        );
        entries.push(...parsed.entries);
        diags.push([uri, parsed.problems.map(toDiagnostic)]);
        for (const p of parsed.problems) {
          // A user's file problem is shown as a diagnostic; the log keeps a warning (not an
          // error: SKLens itself did nothing wrong).
          this.ctx.log.warn(`annotations: ${rel}:${p.line + 1}:${p.col + 1}: ${p.message}`);
        }
        this.ctx.log.info(`annotations: ${parsed.entries.length} entries from ${rel}`);
      }
    }
    return { entries, diags };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function toDiagnostic(p: FileProblem): vscode.Diagnostic {
  const d = new vscode.Diagnostic(
    new vscode.Range(p.line, p.col, p.line, p.col + 1),
    p.message,
    p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'SKLens annotations';
  return d;
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
