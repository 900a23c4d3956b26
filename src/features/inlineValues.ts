// The model's current values shown at the end of the lines they model, while a simulation
// panel is open: `limit` beside passt's limit assignment, `sk_sndbuf` beside the SO_SNDBUF
// case, `size_goal`, `wmem_queued`... They follow the panel's cursor and sliders and vanish
// when the panel closes. After-line decorations (not inlay hints) because they annotate a
// whole line, not a position inside it.
import * as vscode from 'vscode';
import { inlineValuesFor } from '../model/codeAnchors';
import type { ValuesSink } from '../panels/simulationPanel';
import { isCDocument } from '../services/selector';
import type { FunctionSource } from './simulationCodeLens';

export class InlineModelValues implements ValuesSink, vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: {
      margin: '0 0 0 2em',
      color: new vscode.ThemeColor('editorCodeLens.foreground'),
      fontStyle: 'italic',
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly current = new Map<string, Record<string, number | string | boolean>>();
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly functions: FunctionSource) {
    this.subs.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (
          this.current.size > 0 &&
          vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)
        ) {
          this.schedule();
        }
      }),
    );
  }

  setValues(model: string, values: Record<string, number | string | boolean>): void {
    this.current.set(model, values);
    this.schedule();
  }

  clear(model: string): void {
    this.current.delete(model);
    this.schedule();
  }

  /** Coalesces bursts (a slider drag sends one message per frame) into one update. */
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, 30);
  }

  private async update(): Promise<void> {
    for (const editor of vscode.window.visibleTextEditors) {
      // Headers too (VS Code opens them as C++): include/net/sock.h holds sk_stream_moderate_sndbuf.
      if (!isCDocument(editor.document.languageId, editor.document.uri.path)) continue;
      if (this.current.size === 0) {
        editor.setDecorations(this.decoration, []);
        continue;
      }
      const fns = await this.functions(editor.document);
      const options: vscode.DecorationOptions[] = [];
      for (const [model, values] of this.current) {
        for (const v of inlineValuesFor(model, values, fns)) {
          if (v.line >= editor.document.lineCount) continue;
          const end = editor.document.lineAt(v.line).range.end;
          options.push({
            range: new vscode.Range(end, end),
            renderOptions: { after: { contentText: `⟵ ${v.text}` } },
            hoverMessage: new vscode.MarkdownString(`SKLens model **${model}**: ${v.text}`),
          });
        }
      }
      editor.setDecorations(this.decoration, options);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.decoration.dispose();
  }
}
