// Dispatches `sklens <command> ...` to the command table; shared by src/cli.ts and the tests.
import { COMMANDS } from './commands';
import { CliFailure, UsageError, type CliIo } from './command';

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out('usage: sklens <command> [options]\n\ncommands:\n');
    for (const c of COMMANDS) io.out(`  ${c.name.padEnd(12)} ${c.summary}\n      ${c.usage}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`sklens: unknown command '${name}' (try sklens --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${cmd.summary}\nusage: ${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof Error &&
        e.name === 'TypeError' &&
        'code' in e &&
        String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.err(`sklens ${name}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof CliFailure) {
      io.err(`sklens ${name}: ${e.message}\n`);
      return 1;
    }
    // Anything else is a bug, still reported as one line (its first); SKLENS_DEBUG=1 adds
    // the stack for whoever files it.
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    io.err(`sklens ${name}: internal error: ${first}\n`);
    if (process.env.SKLENS_DEBUG && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return 1;
  }
}
