// Where the real Linux 6.1 and passt sources are. `npm test` fetches them first
// (scripts/fetch-sources.sh) and passes SKLENS_LINUX / SKLENS_PASST; running a test file by
// hand falls back to the default cache. Missing sources are an error, never a skip.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const defaultCache = resolve(__dirname, '../../.cache/sources');

function need(envName: string, fallback: string, probe: string): string {
  const dir = process.env[envName] ?? fallback;
  if (!existsSync(join(dir, probe))) {
    throw new Error(
      `${envName}: real sources not found at ${dir} (missing ${probe}). Run scripts/fetch-sources.sh first.`,
    );
  }
  return dir;
}

/** Root of the Linux 6.1 tree (holds net/, include/). */
export function linuxRoot(): string {
  return need('SKLENS_LINUX', join(defaultCache, 'linux-6.1'), 'net/ipv4/tcp.c');
}

/** Root of the passt tree (holds tcp.c, tcp_splice.c). */
export function passtRoot(): string {
  return need('SKLENS_PASST', join(defaultCache, 'passt'), 'tcp_splice.c');
}
