// The `sklens` command line: the same core as the extension (index, graph, models), no vscode.
import { runCli } from './cli/main';

runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sklens: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
