// Wires the buffer-model features: the "Open Buffer Simulation" command (from a CodeLens, a
// hover link or the palette), the CodeLens on modelled functions, the panel and its serializer,
// and the inline values.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import { MODELS } from '../model/registry';
import { SimulationPanels } from '../panels/simulationPanel';
import type { IndexService } from '../services/indexService';
import { InlineModelValues } from './inlineValues';
import {
  OPEN_SIMULATION_COMMAND,
  SimulationCodeLensProvider,
  toState,
  type FunctionSource,
  type OpenSimulationArgs,
} from './simulationCodeLens';

function isArgs(v: unknown): v is OpenSimulationArgs {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.model === 'string' &&
    (o.scenario === undefined || o.scenario === null || typeof o.scenario === 'string') &&
    (o.params === undefined || (typeof o.params === 'object' && o.params !== null))
  );
}

async function pickModel(): Promise<OpenSimulationArgs | undefined> {
  const items = MODELS.flatMap((m) => [
    {
      label: m.title,
      description: m.id,
      detail: m.cites.join('; '),
      args: { model: m.id } as OpenSimulationArgs,
    },
    ...m.scenarios.map((s) => ({
      label: `$(debug-start) ${s.id} — ${s.title}`,
      description: m.id,
      detail: s.ref,
      args: { model: m.id, scenario: s.id } as OpenSimulationArgs,
    })),
  ]);
  const pick = await vscode.window.showQuickPick(items, {
    title: 'SKLens: open a buffer model',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return pick?.args;
}

export function registerSimulation(
  ctx: SklensContext,
  index: IndexService,
  functions: FunctionSource,
): void {
  const inline = ctx.own(new InlineModelValues(functions));
  const panels = new SimulationPanels(ctx, inline);
  const lenses = ctx.own(new SimulationCodeLensProvider(functions, ctx.timer));
  ctx.own(vscode.languages.registerCodeLensProvider({ language: 'c' }, lenses));
  // Lenses follow the index: none while a folder is indexing, then the modelled functions,
  // and again after each reparse of an edited document.
  ctx.own(index.onDidChangeState(() => lenses.refresh()));
  ctx.own(
    vscode.commands.registerCommand(OPEN_SIMULATION_COMMAND, async (arg?: unknown) => {
      let args: OpenSimulationArgs | undefined;
      if (arg === undefined) args = await pickModel();
      else if (isArgs(arg)) args = arg;
      else {
        // Command URIs from hovers carry their arguments as JSON: accept only the known shape.
        ctx.log.warn(`${OPEN_SIMULATION_COMMAND}: ignored malformed arguments`);
        return;
      }
      if (args) panels.open(toState(args));
    }),
  );
}
