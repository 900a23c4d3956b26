// Preloaded (node --import) into a benchmarked child: prints the process's peak resident set
// (worker threads included: they share the process) on exit, for bench/index.mjs.
import { readFileSync, writeSync } from 'node:fs';

process.on('exit', () => {
  let kb = 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) kb = Number(m[1]);
  } catch {
    // not Linux: getrusage below
  }
  writeSync(2, `SKLENS_PEAK_RSS_KB=${kb || process.resourceUsage().maxRSS}\n`);
});
