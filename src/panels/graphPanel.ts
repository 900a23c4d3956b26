// Host side of the call-graph panel: opens the webview beside the editor, answers graph
// requests from the index (src/graph/callGraph.ts, by request id), opens definitions, saves
// exports, and restores the panel after a reload (WebviewPanelSerializer; the webview keeps its
// view state with setState). Every inbound message is validated (src/protocol/graph.ts).
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import { callGraph, type CallGraph } from '../graph/callGraph';
import { exportGraph } from '../graph/export';
import {
  defaultGraphState,
  isGraphViewState,
  isWebviewToHost,
  type GraphViewState,
  type HostToWebview,
  type WebviewToHost,
} from '../protocol/graph';
import type { IndexedFolder, IndexSource } from '../services/indexSource';
import { PanelHost } from './panelHost';
import { insideWorkspace } from './insideWorkspace';

export const GRAPH_VIEW_TYPE = 'sklens.callGraph';

interface PanelData {
  state: GraphViewState | null;
  /** The folder the panel was opened from (else the first indexed folder). */
  folder: IndexedFolder | undefined;
  last: CallGraph | undefined;
}

export class GraphPanels extends PanelHost<WebviewToHost, HostToWebview> {
  private readonly panels = new Map<vscode.WebviewPanel, PanelData>();

  constructor(
    ctx: SklensContext,
    private readonly source: IndexSource,
  ) {
    super(ctx, {
      viewType: GRAPH_VIEW_TYPE,
      label: 'graph panel',
      script: 'graph.js',
      htmlTitle: 'SKLens call graph',
      bodyClass: 'sklens-graph',
      blobWorker: true,
      isMessage: isWebviewToHost,
    });
  }

  /** Opens (or reveals and recentres) the panel beside the active editor. */
  open(
    centre: string,
    folder: IndexedFolder | undefined,
    patch: Partial<GraphViewState> = {},
  ): void {
    const existing = [...this.panels.entries()][0];
    if (existing) {
      const [panel, data] = existing;
      data.state = { ...(data.state ?? defaultGraphState(centre)), ...patch, centre, view: null };
      data.folder = folder ?? data.folder;
      panel.title = `Call Graph: ${centre}`;
      panel.reveal(vscode.ViewColumn.Beside, true);
      this.post(panel, { type: 'open', state: data.state });
      return;
    }
    const panel = this.create(`Call Graph: ${centre}`);
    this.track(panel, {
      state: { ...defaultGraphState(centre), ...patch, centre },
      folder,
      last: undefined,
    });
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
    const state = isGraphViewState(saved) ? saved : null;
    if (saved !== undefined && state === null)
      this.ctx.log.warn('graph panel: discarded an unreadable saved state');
    panel.webview.options = this.options();
    if (state) panel.title = `Call Graph: ${state.centre}`;
    this.track(panel, { state, folder: undefined, last: undefined });
  }

  private track(panel: vscode.WebviewPanel, data: PanelData): void {
    this.panels.set(panel, data);
    this.attach(panel, () => this.panels.delete(panel));
  }

  private folderOf(data: PanelData): IndexedFolder | undefined {
    return data.folder ?? this.source.all()[0];
  }

  protected async handle(panel: vscode.WebviewPanel, m: WebviewToHost): Promise<void> {
    const data = this.panels.get(panel);
    if (!data) return;
    switch (m.type) {
      case 'ready': {
        try {
          const bytes = await vscode.workspace.fs.readFile(
            vscode.Uri.joinPath(
              this.ctx.extension.extensionUri,
              'dist',
              'webview',
              'graphLayout.js',
            ),
          );
          this.post(panel, { type: 'worker', source: Buffer.from(bytes).toString('utf8') });
        } catch (e) {
          this.ctx.log.warn(
            `graph panel: layout worker script missing, laying out on the panel thread (${String(e)})`,
          );
        }
        if (data.state) this.post(panel, { type: 'open', state: data.state });
        return;
      }
      case 'state':
        data.state = m.state;
        panel.title = `Call Graph: ${m.state.centre}`;
        return;
      case 'request': {
        const folder = this.folderOf(data);
        if (!folder) {
          this.post(panel, {
            type: 'error',
            requestId: m.requestId,
            message:
              'The workspace index is not ready yet: try again when the status bar says SKLens is ready.',
          });
          return;
        }
        const t0 = performance.now();
        const g = callGraph(folder.index, m.centre, {
          depth: m.depth,
          direction: m.direction,
          memoryOnly: m.memoryOnly,
        });
        this.ctx.log.info(
          `graph ${m.centre} depth ${m.depth} ${m.direction}${m.memoryOnly ? ' memory-only' : ''}: ${g.nodes.length} nodes, ${g.edges.length} edges in ${(performance.now() - t0).toFixed(0)} ms`,
        );
        data.last = g;
        this.post(panel, { type: 'graph', requestId: m.requestId, graph: g });
        return;
      }
      case 'openDefinition': {
        const folder = this.folderOf(data);
        if (!folder) return;
        let file = m.file;
        let line = m.line;
        if (!file) {
          const d = folder.index.functionDefs(m.fn)[0];
          if (d) {
            file = d.file;
            line = d.item.nameSpan.line + 1;
          }
        }
        if (!file) {
          void vscode.window.showInformationMessage(`SKLens: ${m.fn} is not defined in this tree.`);
          return;
        }
        // The file name came back from the webview: open it only if its real path is inside
        // a workspace folder (symbolic links followed), else say so in one line and stop.
        const base = folder.toUri('');
        const roots = (vscode.workspace.workspaceFolders ?? [])
          .filter((f) => f.uri.scheme === 'file')
          .map((f) => f.uri.fsPath);
        const inside =
          base.scheme === 'file'
            ? await insideWorkspace(file, base.fsPath, roots)
            : ({ ok: false, reason: `${base.scheme}: folders are not opened` } as const);
        if (!inside.ok) {
          this.ctx.log.warn(`graph panel: not opening ${m.fn}: ${inside.reason}`);
          return;
        }
        const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
        await vscode.window.showTextDocument(vscode.Uri.file(inside.path), {
          viewColumn: vscode.ViewColumn.One,
          selection: new vscode.Range(pos, pos),
          preserveFocus: false,
        });
        return;
      }
      case 'export': {
        const g = data.last;
        if (!g) return;
        const ext = m.format === 'mermaid' ? 'mmd' : m.format;
        const text = m.format === 'svg' ? m.data : exportGraph(g, m.format);
        const base = vscode.workspace.workspaceFolders?.[0]?.uri;
        const target = await vscode.window.showSaveDialog({
          defaultUri: base ? vscode.Uri.joinPath(base, `callgraph-${g.centre}.${ext}`) : undefined,
          filters: { [m.format.toUpperCase()]: [ext] },
        });
        if (!target) return;
        try {
          await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
          this.post(panel, {
            type: 'saved',
            requestId: m.requestId,
            ok: true,
            message: `Saved ${target.fsPath}`,
          });
        } catch (e) {
          const message = `Could not save ${target.fsPath}: ${e instanceof Error ? e.message : String(e)}`;
          this.ctx.log.error(message);
          this.post(panel, { type: 'saved', requestId: m.requestId, ok: false, message });
        }
        return;
      }
      case 'log':
        this.ctx.log[m.level](`graph panel: ${m.message}`);
        return;
    }
  }
}
