// Helpers shared by the bench sections that time whole processes (kernel.mjs, indexStore.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs a child to completion: wall ms and, through /usr/bin/time when present, its CPU ms
 * (user + system) and peak resident set (the largest of the process; worker threads share it),
 * which a loaded machine inflates far less than wall time. A non-zero exit throws.
 */
export function spawn(cmd, args, cwd) {
  const timed = existsSync('/usr/bin/time');
  const argv = timed ? ['-f', 'SKLENS_CPU %U %S %M', cmd, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(timed ? '/usr/bin/time' : cmd, argv, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const m = /SKLENS_CPU ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  const cpu = m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN;
  const rssKb = m ? Number(m[3]) : NaN;
  return { ms, cpu, rssKb, out: r.stdout, err: r.stderr.replace(/SKLENS_CPU .*\s*$/, '') };
}

/** The machine's 1-minute load average, for the record of a timing. */
export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  } catch {
    return '?';
  }
}

/** Bytes of the files in `dir` whose names pass `keep`. */
export function folderBytes(dir, keep) {
  return readdirSync(dir)
    .filter(keep)
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}
