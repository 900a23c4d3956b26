// Bundles the extension host code, the CLI, the index worker and one bundle per webview,
// and copies the tree-sitter wasm files into grammars/. Typechecking is a separate step
// (`npm run typecheck`), as in vscode-clangd.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

mkdirSync('grammars', { recursive: true });
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'grammars/tree-sitter-c.wasm');
copyFileSync(
  join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'),
  'grammars/web-tree-sitter.wasm',
);

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** Node-side bundles: the extension host, the CLI and the worker threads. */
const nodeEntries = [
  { in: 'src/extension.ts', out: 'extension' },
  { in: 'src/cli.ts', out: 'cli' },
  { in: 'src/index/worker.ts', out: 'indexWorker' },
  // Open C documents are reparsed incrementally here, off the extension host's thread.
  { in: 'src/services/docWorker.ts', out: 'docWorker' },
  // Call-graph claims of a document are extracted and checked here (features/claimDiagnostics).
  { in: 'src/services/claimWorker.ts', out: 'claimWorker' },
  // One query from an on-disk index store (docs/index-store.md), until the CLI reads it.
  { in: 'src/index/store/query.ts', out: 'storeQuery' },
  // Ctrl+T over an index store scans its names here, off the extension host's thread.
  { in: 'src/index/store/searchWorker.ts', out: 'storeSearchWorker' },
  // Opens a folder's index as the extension does, for the kernel bench's re-open row.
  { in: 'src/services/openProbe.ts', out: 'openProbe' },
].filter((e) => existsSync(e.in));

/** Browser bundles: one per webview panel. */
const webEntries = [
  { in: 'webview/simulation/main.ts', out: 'webview/simulation' },
  { in: 'webview/graph/main.ts', out: 'webview/graph' },
  { in: 'webview/graph/layoutWorker.ts', out: 'webview/graphLayout' },
].filter((e) => existsSync(e.in));

const builds = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // tsx is only required when running from source (src/index/pool.ts), never in a bundle.
    external: ['vscode', 'tsx', 'tsx/*'],
    // web-tree-sitter probes for these Node built-ins; the bundle resolves them at run time.
    // Its ESM build calls createRequire(import.meta.url), which a CJS bundle lacks: give it
    // the bundle's own file URL.
    banner: {
      js: "#!/usr/bin/env node\nvar __sklens_import_meta_url = require('url').pathToFileURL(__filename).href;",
    },
    define: { 'import.meta.url': '__sklens_import_meta_url' },
  },
];
if (webEntries.length > 0) {
  builds.push({
    ...common,
    entryPoints: webEntries,
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'text' },
  });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
