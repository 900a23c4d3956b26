// Host side of the simulation panel: opens the webview beside the editor, restores it after a
// reload (WebviewPanelSerializer; the webview keeps its state with setState), validates every
// message, saves exports, copies the CLI line and forwards the values at the cursor to the
// inline decorations.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import { findModel } from '../model/registry';
import {
  isSimulationState,
  isWebviewToHost,
  PNG_DATA_URL_PREFIX,
  type HostToWebview,
  type SimulationState,
  type WebviewToHost,
} from '../protocol/simulation';
import { PanelHost } from './panelHost';

export const SIMULATION_VIEW_TYPE = 'sklens.simulation';

/** Receives the values at the panel's cursor (src/features/inlineValues.ts). */
export interface ValuesSink {
  setValues(model: string, values: Record<string, number | string | boolean>): void;
  clear(model: string): void;
}

export class SimulationPanels extends PanelHost<WebviewToHost, HostToWebview> {
  private readonly panels = new Set<vscode.WebviewPanel>();
  private readonly stateOf = new WeakMap<vscode.WebviewPanel, SimulationState>();

  constructor(
    ctx: SklensContext,
    private readonly sink: ValuesSink,
  ) {
    super(ctx, {
      viewType: SIMULATION_VIEW_TYPE,
      label: 'simulation panel',
      script: 'simulation.js',
      htmlTitle: 'SKLens simulation',
      bodyClass: 'sklens-simulation',
      isMessage: isWebviewToHost,
    });
  }

  /** Opens (or reveals and retargets) the panel beside the active editor. */
  open(state: SimulationState): void {
    if (!findModel(state.model)) {
      void vscode.window.showErrorMessage(`SKLens: no buffer model named '${state.model}'.`);
      this.ctx.log.error(`openSimulation: unknown model ${state.model}`);
      return;
    }
    const existing = [...this.panels][0];
    if (existing) {
      existing.reveal(vscode.ViewColumn.Beside, true);
      // Retargeted to another model: the old model's inline values must go.
      const old = this.stateOf.get(existing);
      if (old && old.model !== state.model) this.sink.clear(old.model);
      this.stateOf.set(existing, state);
      this.post(existing, { type: 'open', state });
      return;
    }
    this.track(this.create(this.title(state)), state);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
    const state: SimulationState | null = isSimulationState(saved) ? saved : null;
    if (saved !== undefined && state === null) {
      this.ctx.log.warn('simulation panel: discarded an unreadable saved state');
    }
    panel.webview.options = this.options();
    this.track(panel, state);
  }

  private title(state: SimulationState | null): string {
    const def = state ? findModel(state.model) : undefined;
    return def ? `SKLens: ${def.title}` : 'SKLens: Simulation';
  }

  private track(panel: vscode.WebviewPanel, initial: SimulationState | null): void {
    this.panels.add(panel);
    if (initial) this.stateOf.set(panel, initial);
    this.attach(panel, () => {
      const s = this.stateOf.get(panel);
      if (s) this.sink.clear(s.model);
      this.panels.delete(panel);
    });
  }

  protected async handle(panel: vscode.WebviewPanel, m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready': {
        // A fresh panel gets the state it was opened with; a restored one keeps its own.
        const s = this.stateOf.get(panel);
        if (s) this.post(panel, { type: 'open', state: s });
        return;
      }
      case 'state': {
        const prev = this.stateOf.get(panel);
        if (prev && prev.model !== m.state.model) this.sink.clear(prev.model);
        this.stateOf.set(panel, m.state);
        panel.title = this.title(m.state);
        return;
      }
      case 'values':
        this.sink.setValues(m.model, m.values);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.setStatusBarMessage('SKLens: command line copied', 3000);
        return;
      case 'log':
        this.ctx.log[m.level](`simulation panel: ${m.message}`);
        return;
      case 'save': {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const target = await vscode.window.showSaveDialog({
          defaultUri: folder ? vscode.Uri.joinPath(folder, m.suggestedName) : undefined,
          filters: { [m.format.toUpperCase()]: [m.format] },
        });
        if (!target) {
          this.post(panel, { type: 'saved', requestId: m.requestId, ok: true, message: '' });
          return;
        }
        try {
          // isWebviewToHost checked the name, the size and, for a PNG, the data URL.
          const bytes =
            m.format === 'png'
              ? Buffer.from(m.data.slice(PNG_DATA_URL_PREFIX.length), 'base64')
              : Buffer.from(m.data, 'utf8');
          await vscode.workspace.fs.writeFile(target, bytes);
          this.post(panel, { type: 'saved', requestId: m.requestId, ok: true, message: '' });
        } catch (e) {
          const message = `Could not save ${target.fsPath}: ${e instanceof Error ? e.message : String(e)}`;
          this.ctx.log.error(message);
          this.post(panel, { type: 'saved', requestId: m.requestId, ok: false, message });
        }
        return;
      }
    }
  }
}
