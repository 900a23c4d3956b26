// CodeLens "▶ Simulate ..." on the functions a buffer model describes (each model's `anchors`,
// collected by src/model/codeAnchors.ts), recognised by name and shape in the parsed document,
// not by file path. Where a model detects what the code contains (passt's window variant), the
// lens names it and preselects its series.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import { findModelledFunctions, type FunctionText } from '../model/codeAnchors';
import type { SimulationState } from '../protocol/simulation';
import type { HostTimer } from '../services/hostTimer';

export const OPEN_SIMULATION_COMMAND = COMMANDS.openSimulation.id;

/** The function definitions of a document with their text (from the parse tree). */
export type FunctionSource = (doc: vscode.TextDocument) => Promise<FunctionText[]>;

export interface OpenSimulationArgs {
  model: string;
  scenario?: string | null;
  params?: Record<string, string | number | boolean>;
  focus?: string;
}

export function toState(args: OpenSimulationArgs): SimulationState {
  return {
    model: args.model,
    scenario: args.scenario ?? null,
    params: { ...(args.params ?? {}) },
    cursor: null,
    ...(args.focus ? { focus: args.focus } : {}),
  };
}

export class SimulationCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly functions: FunctionSource,
    private readonly timer: HostTimer,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(
    doc: vscode.TextDocument,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeLens[]> {
    const fns = await this.functions(doc);
    if (token.isCancellationRequested) return [];
    return this.timer.run('query', 'code lenses', () => this.lenses(doc, fns));
  }

  private lenses(doc: vscode.TextDocument, fns: FunctionText[]): vscode.CodeLens[] {
    const text = doc.getText();
    return findModelledFunctions(fns, text).map((t) => {
      const args: OpenSimulationArgs = {
        model: t.fn.model,
        scenario: t.scenario,
        ...(t.detected ? { focus: t.detected.focus } : {}),
      };
      const variant = t.detected ? ` (${t.detected.label})` : '';
      return new vscode.CodeLens(new vscode.Range(t.line, 0, t.line, 0), {
        title: `${t.fn.title}${variant}`,
        command: OPEN_SIMULATION_COMMAND,
        arguments: [args],
        tooltip: `Open the ${t.fn.model} model beside the code${t.scenario ? `, scenario ${t.scenario}` : ''}`,
      });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
