// Peak RSS of a child process, as the integration tests read it: a preload that writes
// VmHWM (from /proc/self/status) to stderr as the process exits, worker threads included.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs `node --require <preload> ...args`; resolves with its exit code, output and peak RSS in KB. */
export async function runWithPeakRss(
  tmp: string,
  args: string[],
): Promise<{ code: number | null; out: string; err: string; kb: number }> {
  const preload = join(tmp, 'vmhwm.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => {
  const s = require('fs').readFileSync('/proc/self/status', 'utf8');
  require('fs').writeSync(2, 'VMHWM_KB ' + /VmHWM:\\s+(\\d+)/.exec(s)[1] + '\\n');
});\n`,
  );
  const child = spawn(process.execPath, ['--require', preload, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  return { code, out, err, kb: Number(/VMHWM_KB (\d+)/.exec(err)?.[1]) };
}
