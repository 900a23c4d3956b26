// The table of `sklens` sub-commands, in the order `sklens --help` lists them.
import type { CliCommand } from './command';
import { simulateCommand } from './simulate';

export const COMMANDS: readonly CliCommand[] = [simulateCommand];
