// "SKLens: Check Call-Graph Claims": reads the active text/Markdown document, checks every
// sentence that claims a call relation against the index (src/graph/claims.ts), and reports
// each claim that no longer holds as a diagnostic with a quick fix rewriting the clause to what
// the tree says; claims that hold get a hint. A summary report opens as a Markdown document.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { SklensContext } from '../context';
import { checkDocument, rewriteClaim, type CheckedClaim } from '../graph/claims';
import type { IndexedFolder, IndexSource } from '../services/indexSource';

export const CHECK_CLAIMS_COMMAND = COMMANDS.checkCallGraphClaims.id;
const SOURCE = 'SKLens claims';

interface Fix {
  range: vscode.Range;
  /** The clause as it was when checked. */
  original: string;
  replacement: string;
  title: string;
}

export class ClaimDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };
  private readonly collection = vscode.languages.createDiagnosticCollection('sklens-claims');
  private readonly fixes = new Map<string, Fix[]>();

  constructor(private readonly source: IndexSource) {}

  dispose(): void {
    this.collection.dispose();
    this.fixes.clear();
  }

  forget(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.fixes.delete(uri.toString());
  }

  /** Checks the document; returns the results (for the summary) or undefined without an index. */
  check(doc: vscode.TextDocument): { results: CheckedClaim[]; folder: IndexedFolder } | undefined {
    const folder = this.source.resolve(doc.uri) ?? this.source.all()[0];
    if (!folder) return undefined;
    const results = checkDocument(folder.index, doc.getText());
    const diags: vscode.Diagnostic[] = [];
    const fixes: Fix[] = [];
    for (const r of results) {
      const range = new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end));
      const d = new vscode.Diagnostic(range, message(r), severity(r));
      d.source = SOURCE;
      d.code = r.status;
      d.relatedInformation = r.evidence.slice(0, 8).map((ev) => {
        const i = ev.lastIndexOf(':');
        const line = Math.max(0, Number(ev.slice(i + 1)) - 1);
        return new vscode.DiagnosticRelatedInformation(
          new vscode.Location(folder.toUri(ev.slice(0, i)), new vscode.Position(line, 0)),
          `call site ${ev}`,
        );
      });
      diags.push(d);
      const rewrite = rewriteClaim(r);
      if (rewrite) {
        fixes.push({
          range,
          original: doc.getText(range),
          replacement: rewrite.replace(/\.$/, ''),
          title: `Rewrite as: "${rewrite}"`,
        });
      }
    }
    this.collection.set(doc.uri, diags);
    this.fixes.set(doc.uri.toString(), fixes);
    return { results, folder };
  }

  provideCodeActions(
    doc: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
  ): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const diags = this.collection.get(doc.uri) ?? [];
    for (const f of this.fixes.get(doc.uri.toString()) ?? []) {
      if (!f.range.intersection(range) || doc.getText(f.range) !== f.original) continue;
      // The document may have been edited since the check: only offer fixes whose text is intact.
      const a = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
      a.edit = new vscode.WorkspaceEdit();
      a.edit.replace(doc.uri, f.range, f.replacement);
      a.diagnostics = diags.filter((d) => d.range.isEqual(f.range));
      a.isPreferred = true;
      out.push(a);
    }
    return out;
  }
}

function severity(r: CheckedClaim): vscode.DiagnosticSeverity {
  return r.status === 'holds' ? vscode.DiagnosticSeverity.Hint : vscode.DiagnosticSeverity.Warning;
}

function list(names: string[], max = 8): string {
  if (names.length === 0) return '(none)';
  return names.length > max
    ? `${names.slice(0, max).join(', ')}, … (${names.length} in all)`
    : names.join(', ');
}

export function message(r: CheckedClaim): string {
  const rel = r.kind === 'calls' ? 'callees' : 'callers';
  switch (r.status) {
    case 'holds':
      return `holds: ${r.subject} — ${r.kind.replace(/_/g, ' ')} ${r.object.join(', ')} (checked against the index)`;
    case 'changed':
      return `changed: the ${rel} of ${r.subject} are now ${list(r.actual)}`;
    case 'renamed':
      return `renamed: ${r.subject} is gone; its likely successor ${r.successor} has ${rel} ${list(r.actual)}`;
    case 'gone':
      return `gone: ${r.subject} is no longer in this tree and no successor was found`;
  }
}

/** The summary report as Markdown. */
export function claimReport(docName: string, results: CheckedClaim[]): string {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const out = [
    `# Call-graph claims in ${docName}`,
    '',
    `${results.length} claims: **${count('holds')} hold**, ${count('changed')} changed, ${count('renamed')} renamed, ${count('gone')} gone.`,
    '',
    '| line | status | claim | in this tree |',
    '|---:|---|---|---|',
  ];
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  for (const r of results) {
    const tree =
      r.status === 'holds'
        ? '✓'
        : r.status === 'gone'
          ? '—'
          : `${r.status === 'renamed' ? `→ \`${r.successor}\`: ` : ''}${list(r.actual)}`;
    out.push(`| ${r.line + 1} | ${r.status} | ${cell(r.text)} | ${cell(tree)} |`);
  }
  return out.join('\n') + '\n';
}

export function registerClaimDiagnostics(ctx: SklensContext, source: IndexSource): void {
  const claims = ctx.own(new ClaimDiagnostics(source));
  ctx.own(
    vscode.languages.registerCodeActionsProvider(
      [{ language: 'markdown' }, { language: 'plaintext' }],
      claims,
      ClaimDiagnostics.metadata,
    ),
  );
  ctx.own(vscode.workspace.onDidCloseTextDocument((d) => claims.forget(d.uri)));
  ctx.own(
    vscode.commands.registerCommand(CHECK_CLAIMS_COMMAND, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage(
          'SKLens: open a text or Markdown document to check its call-graph claims.',
        );
        return;
      }
      const r = ctx.timer.run('query', 'check claims', () => claims.check(editor.document));
      if (!r) {
        void vscode.window.showWarningMessage('SKLens: the workspace index is not ready yet.');
        return;
      }
      const name = editor.document.uri.path.split('/').pop() ?? 'document';
      ctx.log.info(`checked ${r.results.length} call-graph claims in ${name}`);
      const report = await vscode.workspace.openTextDocument({
        language: 'markdown',
        content: claimReport(name, r.results),
      });
      await vscode.window.showTextDocument(report, {
        viewColumn: vscode.ViewColumn.Beside,
        preserveFocus: true,
        preview: true,
      });
    }),
  );
}
