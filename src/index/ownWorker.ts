// Starting one of SKLens's own worker threads: dist/<name>.js beside the bundle, or, when
// running from source (tests, `tsx src/cli.ts`), the .ts module through tsx's CommonJS hook,
// since Node cannot load a .ts worker by itself and `--import tsx` in a worker's execArgv is
// not applied to its entry. The one place a worker is given code as text: it is built from
// require.resolve() of tsx and the path of SKLens's own module, never from workspace content.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker running `source` (an absolute path of a .ts module) from source, or `bundle` (the
 * absolute path of its dist/*.js) from the bundle.
 */
export function spawnOwnWorker(source: string, bundle: string, opts: WorkerOptions = {}): Worker {
  if (__filename.endsWith('.ts')) {
    // Under tsx's namespaced loader (tsImport) the resolved path carries a `?namespace=` query.
    const tsx = require.resolve('tsx/cjs').replace(/\?.*$/, '');
    const code = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`;
    return new Worker(code, { ...opts, eval: true });
  }
  return new Worker(bundle, opts);
}
