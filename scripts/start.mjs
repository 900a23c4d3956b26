// `npm start`: SKLens in a real VS Code (code-server) on 127.0.0.1.
//   1. builds the extension and the .vsix, installs Node 24 + code-server into the tool cache
//      (scripts/e2e-setup.mjs; minutes the first time, seconds afterwards);
//   2. fetches Linux 6.1 (net/, include/) and passt into the source cache
//      (scripts/fetch-sources.sh); if that fails, falls back to the embedded sample/ workspace;
//   3. starts code-server with SKLens installed, prints the URL, and once a browser window
//      connects opens passt's tcp.c and the kernel's net/ipv4/tcp.c in editors;
//   4. stops code-server (its whole process group) on Ctrl+C.
// Usage: npm start [-- /path/to/tree] [-- --port N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get, request } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { node24Env, repoRoot, setup } from './e2e-setup.mjs';

const args = process.argv.slice(2);
let port = Number(process.env.PORT ?? 0);
let tree;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') port = Number(args[++i]);
  else if (args[i] === '--help' || args[i] === '-h') {
    console.log('usage: npm start [-- /path/to/tree] [-- --port N]');
    process.exit(0);
  } else tree = resolve(args[i]);
}
if (tree !== undefined && !existsSync(tree)) {
  console.error(`[start] no such folder: ${tree}`);
  process.exit(2);
}

const say = (m) => console.log(`[start] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stateDir = join(repoRoot, '.e2e', 'start');

/** The folder to open and the files to show in editors (relative to it). */
function chooseWorkspace() {
  if (tree !== undefined) {
    const files = [
      'passt/tcp.c',
      'tcp.c',
      'net/ipv4/tcp.c',
      'linux-6.1/net/ipv4/tcp.c',
      'linux/net/ipv4/tcp.c',
    ];
    return { folder: tree, files: files.filter((f) => existsSync(join(tree, f))) };
  }
  say('fetching Linux 6.1 net/ + include/ and passt (Debian archive, cached)');
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'fetch-sources.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const found = {};
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^(LINUX|LINUX_FULL|PASST)=(.*)$/.exec(line.trim());
    if (m) found[m[1]] = m[2];
  }
  if (
    r.status === 0 &&
    found.LINUX &&
    found.PASST &&
    existsSync(join(found.LINUX, 'net/ipv4/tcp.c')) &&
    existsSync(join(found.PASST, 'tcp.c'))
  ) {
    // A workspace of two symlinks: the kernel tree and passt side by side.
    const ws = join(stateDir, 'workspace');
    mkdirSync(ws, { recursive: true });
    for (const [name, target] of [
      ['linux-6.1', found.LINUX],
      ['passt', found.PASST],
    ]) {
      const link = join(ws, name);
      if (existsSync(link) || isLink(link)) rmSync(link, { recursive: true, force: true });
      symlinkSync(target, link);
    }
    return { folder: ws, files: ['passt/tcp.c', 'linux-6.1/net/ipv4/tcp.c'] };
  }
  say('could not fetch the real sources: opening the embedded sample workspace instead');
  return { folder: join(repoRoot, 'sample'), files: ['passt/tcp.c', 'linux/net/ipv4/tcp.c'] };
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function freePort(wanted) {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', (e) => (wanted ? fail(e) : ok(freePort(0))));
    s.listen(wanted, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : wanted));
    });
  });
}

/** One HTTP exchange over a unix socket (code-server's session socket or a window's CLI hook). */
function unixRequest(socketPath, method, path, body) {
  return new Promise((ok) => {
    const req = request(
      { socketPath, method, path, headers: { 'content-type': 'application/json' } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, data }));
      },
    );
    req.on('error', () => ok({ status: 0, data: '' }));
    req.setTimeout(3000, () => req.destroy());
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/**
 * Opens `files` in each browser window as it connects. code-server keeps a session socket
 * that maps folders to their windows; `code-server --reuse-window FILE` uses the same route.
 */
async function openFilesInNewWindows(sessionSocket, folder, files, isStopping) {
  const seen = new Set();
  while (!isStopping()) {
    const r = await unixRequest(
      sessionSocket,
      'GET',
      `/session?filePath=${encodeURIComponent(join(folder, files[0]))}`,
    );
    let socketPath;
    try {
      socketPath = r.status === 200 ? JSON.parse(r.data).socketPath : undefined;
    } catch {
      socketPath = undefined;
    }
    if (socketPath && !seen.has(socketPath)) {
      seen.add(socketPath);
      const open = await unixRequest(socketPath, 'POST', '/', {
        type: 'open',
        folderURIs: [],
        fileURIs: files.map((f) => join(folder, f)),
        forceReuseWindow: true,
        gotoLineMode: true,
      });
      if (open.status === 200) say(`opened ${files.join(' and ')}`);
    }
    await sleep(1500);
  }
}

async function main() {
  const tools = setup({ extensionsDir: join(stateDir, 'extensions') });
  const { folder, files } = chooseWorkspace();
  const userData = join(stateDir, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  const settings = join(userData, 'User', 'settings.json');
  if (!existsSync(settings)) {
    writeFileSync(
      settings,
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'security.workspace.trust.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'extensions.autoCheckUpdates': false,
          'git.openRepositoryInParentFolders': 'never',
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
        },
        null,
        2,
      ) + '\n',
    );
  }
  const configFile = join(stateDir, 'config.yaml');
  writeFileSync(configFile, '');
  const chosenPort = await freePort(port);
  const server = spawn(
    tools.node,
    [
      tools.codeServer,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${chosenPort}`,
      '--config',
      configFile,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      join(stateDir, 'extensions'),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      folder,
    ],
    // Its own process group: Ctrl+C ends code-server and everything it started, at once.
    { detached: true, stdio: ['ignore', 'inherit', 'inherit'], env: node24Env(tools) },
  );
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    say(`stopping code-server (${signal})`);
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    setTimeout(() => {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      process.exit(0);
    }, 5000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  server.on('exit', (code, signal) => {
    if (!stopping) console.error(`[start] code-server exited (${code ?? signal})`);
    process.exit(stopping ? 0 : 1);
  });

  const base = `http://127.0.0.1:${chosenPort}/`;
  for (;;) {
    const ok = await new Promise((r) => {
      const req = get(base, (res) => {
        res.resume();
        r((res.statusCode ?? 0) > 0);
      });
      req.on('error', () => r(false));
    });
    if (ok) break;
    await sleep(300);
  }
  const url = `${base}?folder=${encodeURIComponent(folder)}`;
  say(`SKLens is running in VS Code at\n\n    ${url}\n`);
  say(`workspace: ${folder}`);
  say('press Ctrl+C to stop');
  if (files.length > 0) {
    void openFilesInNewWindows(
      join(userData, 'code-server-ipc.sock'),
      folder,
      files,
      () => stopping,
    );
  }
}

main().catch((e) => {
  console.error(`[start] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
