// The table of `sklens` sub-commands, in the order `sklens --help` lists them.
import type { CliCommand } from './command';
import {
  calleesCommand,
  callersCommand,
  defsCommand,
  fieldsCommand,
  indexCommand,
} from './indexCommands';
import { checkDocCommand, graphCommand, memdocCommand, workspaceLoader } from './graphCommands';
import { simulateCommand } from './simulate';

export const COMMANDS: readonly CliCommand[] = [
  indexCommand,
  defsCommand,
  callersCommand,
  calleesCommand,
  fieldsCommand,
  graphCommand(workspaceLoader),
  memdocCommand(workspaceLoader),
  checkDocCommand(workspaceLoader),
  simulateCommand,
];
