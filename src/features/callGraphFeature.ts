// Wires the call-graph features: "SKLens: Show Call Graph" (palette, editor context menu, Call
// Hierarchy item context), the panel and its serializer, and "SKLens: Generate TCP Memory Map",
// which opens the generated memory map as an untitled Markdown document.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { SklensContext } from '../context';
import { memdoc } from '../graph/memdoc';
import { GraphPanels } from '../panels/graphPanel';
import type { IndexedFolder, IndexSource } from '../services/indexSource';

export const SHOW_CALL_GRAPH_COMMAND = COMMANDS.showCallGraph.id;
export const MEMORY_MAP_COMMAND = COMMANDS.generateMemoryMap.id;

const FN_RE = /[A-Za-z_][A-Za-z0-9_]*/;

/** The function a command invocation is about: a Call Hierarchy item, a name, or the cursor. */
function target(
  source: IndexSource,
  arg: unknown,
): { fn: string; folder: IndexedFolder | undefined } | string {
  // Call Hierarchy view items (references-view) carry the CallHierarchyItem as `.item`.
  if (typeof arg === 'object' && arg !== null && 'item' in arg) {
    const item = (arg as { item: unknown }).item;
    if (
      item instanceof vscode.CallHierarchyItem ||
      (typeof item === 'object' && item !== null && 'name' in item && 'uri' in item)
    ) {
      const it = item as vscode.CallHierarchyItem;
      const name = FN_RE.exec(it.name)?.[0];
      if (name) return { fn: name, folder: source.resolve(it.uri) };
    }
  }
  if (typeof arg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(arg))
    return { fn: arg, folder: source.all()[0] };
  const editor = vscode.window.activeTextEditor;
  if (!editor) return 'open a C file and put the cursor on a function';
  const folder = source.resolve(editor.document.uri);
  if (!folder)
    return 'the workspace index is not ready yet (or this file is outside the indexed folders)';
  const pos = editor.selection.active;
  const word = editor.document.getWordRangeAtPosition(pos, FN_RE);
  const name = word ? editor.document.getText(word) : undefined;
  if (
    name &&
    (folder.index.functionDefs(name).length > 0 || folder.index.callersOf(name).length > 0)
  ) {
    return { fn: name, folder };
  }
  const enclosing = folder.index.functionAt(folder.file, pos.line, pos.character);
  if (enclosing) return { fn: enclosing.item.name, folder };
  return 'put the cursor on a function name or inside a function body';
}

export function registerCallGraph(ctx: SklensContext, source: IndexSource): GraphPanels {
  const panels = new GraphPanels(ctx, source);
  ctx.own(
    vscode.commands.registerCommand(SHOW_CALL_GRAPH_COMMAND, (arg?: unknown) => {
      const t = ctx.timer.run('query', 'call graph target', () => target(source, arg));
      if (typeof t === 'string') {
        void vscode.window.showInformationMessage(`SKLens: ${t}.`);
        return;
      }
      panels.open(t.fn, t.folder);
    }),
  );
  ctx.own(
    vscode.commands.registerCommand(MEMORY_MAP_COMMAND, async () => {
      const editor = vscode.window.activeTextEditor;
      const folder = (editor && source.resolve(editor.document.uri)) ?? source.all()[0];
      if (!folder) {
        void vscode.window.showWarningMessage('SKLens: the workspace index is not ready yet.');
        return;
      }
      const rootUri = folder.toUri('');
      const t0 = performance.now();
      const content = ctx.timer.run('query', 'memory map', () =>
        memdoc(folder.index, {
          title: rootUri.path.split('/').filter(Boolean).pop() ?? '',
          linkBase: rootUri.toString().replace(/\/?$/, '/'),
        }),
      );
      ctx.log.info(`memory map generated in ${(performance.now() - t0).toFixed(0)} ms`);
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
      await vscode.window.showTextDocument(doc, { preview: false });
    }),
  );
  return panels;
}
