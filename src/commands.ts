// Every SKLens command id in one table, keyed by name (as rust-analyzer's editors/code does).
// package.json `contributes.commands` must list exactly these ids with these titles:
// test/unit/commands.test.ts checks both directions. No `vscode` import here, so the table can
// be read by tests and by the CLI. Other features add their rows here (additive edits only).

export interface CommandSpec {
  /** The id registered with VS Code and listed in package.json. */
  id: string;
  /** Title shown in the Command Palette (after the category). */
  title: string;
  /** false = registered but hidden from the Command Palette (status bar, internal, tests). */
  palette?: boolean;
}

export const CATEGORY = 'SKLens';

export const COMMANDS = {
  findFieldAccesses: {
    id: 'sklens.findFieldAccesses',
    title: 'Find Field Accesses',
  },
  reindex: {
    id: 'sklens.reindex',
    title: 'Rebuild Workspace Index',
  },
  showIndexStatus: {
    id: 'sklens.showIndexStatus',
    title: 'Show Index Status',
  },
  showParseProblems: {
    id: 'sklens.showParseProblems',
    title: 'Show Parse Problems',
  },
  showHostTimings: {
    id: 'sklens.showHostTimings',
    title: 'Show Extension Host Timings',
  },
  showCallGraph: {
    id: 'sklens.showCallGraph',
    title: 'Show Call Graph',
  },
  generateMemoryMap: {
    id: 'sklens.generateMemoryMap',
    title: 'Generate TCP Memory Map',
  },
  checkCallGraphClaims: {
    id: 'sklens.checkCallGraphClaims',
    title: 'Check Call-Graph Claims',
  },
  openSimulation: {
    id: 'sklens.openSimulation',
    title: 'Open Buffer Simulation',
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function allCommands(): CommandSpec[] {
  return Object.values(COMMANDS);
}
