// Drives the real VS Code workbench (code-server from npm) in Debian's Chromium through
// playwright-core, as docs/e2e.md describes. scripts/e2e-setup.mjs prepares the
// tools and installs the SKLens .vsix into a fresh extensions dir; it writes .e2e/tools.json,
// which this harness reads. Each workbench gets its own user-data dir, so the extension host
// log it checks belongs to this run only.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '../..');
export const sampleRoot = join(repoRoot, 'sample');
export const screenshotDir = join(repoRoot, 'test-results', 'e2e');

/** Without the background-networking flags Chromium floods the closed network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Tools {
  node: string;
  codeServer: string;
  extensionsDir: string;
}

function readTools(): Tools {
  const file = join(repoRoot, '.e2e', 'tools.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run node scripts/e2e-setup.mjs (npm test does it)`);
  }
  const t = JSON.parse(readFileSync(file, 'utf8')) as Tools;
  for (const p of [t.node, t.codeServer, t.extensionsDir]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run node scripts/e2e-setup.mjs`);
  }
  return t;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((ok) => {
    const req = get(url, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('error', () => ok(0));
    req.setTimeout(5000, () => {
      req.destroy();
      ok(0);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `fn` until it stops throwing or `timeoutMs` passes; rethrows the last error. */
export async function retry<T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      if (Date.now() > end) break;
      await sleep(Math.min(500 * attempt, 3000));
    }
  }
  const msg = last instanceof Error ? last.message : String(last);
  throw new Error(`${what}: gave up after ${timeoutMs} ms: ${msg}`);
}

/** User settings that keep the workbench quiet and deterministic for tests. */
const testSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'editor.hover.delay': 300,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

export interface WorkbenchOptions {
  /** Folder to open. */
  workspace: string;
  /** Names the run's folders and screenshots. */
  name: string;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
}

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: ChildProcess,
    readonly url: string,
    readonly runDir: string,
    readonly name: string,
  ) {}

  static async start(opts: WorkbenchOptions): Promise<Workbench> {
    const tools = readTools();
    // Keep only the latest run of each name (its logs help when a step fails).
    const runs = join(repoRoot, '.e2e', 'runs');
    if (existsSync(runs)) {
      for (const n of readdirSync(runs)) {
        // Only `<name>-<pid>` folders: tests keep other things here (hover-ws-<pid>).
        if (new RegExp(`^${esc(opts.name)}-\\d+$`).test(n)) {
          rmSync(join(runs, n), { recursive: true, force: true });
        }
      }
    }
    const runDir = join(runs, `${opts.name}-${process.pid}`);
    const userData = join(runDir, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify({ ...testSettings, ...opts.settings }, null, 2),
    );
    // A private copy of the extensions dir: code-server writes state next to extensions.
    const extensions = join(runDir, 'extensions');
    cpSync(tools.extensionsDir, extensions, { recursive: true });

    const configFile = join(runDir, 'config.yaml');
    writeFileSync(configFile, '');
    const port = await freePort();
    const out = openSync(join(runDir, 'code-server.log'), 'a');
    // detached: its own process group, so stop() can end code-server and its children at once.
    const server = spawn(
      tools.node,
      [
        tools.codeServer,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extensions,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        // An empty config file of its own: code-server would otherwise write ~/.config.
        '--config',
        configFile,
        opts.workspace,
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    let exited = false;
    server.once('exit', () => (exited = true));
    // Never leave code-server behind, even when the test process dies on an error.
    process.once('exit', () => killGroup(server, 'SIGKILL'));
    const base = `http://127.0.0.1:${port}/`;
    const ready = Date.now() + 120_000;
    for (;;) {
      if (exited) {
        throw new Error(`code-server exited early; see ${join(runDir, 'code-server.log')}`);
      }
      const status = await httpStatus(base);
      if (status >= 200 && status < 400) break;
      if (Date.now() > ready) {
        killGroup(server);
        throw new Error(`code-server did not answer on ${base} within 120 s`);
      }
      await sleep(500);
    }

    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: chromiumArgs,
      });
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const url = `${base}?folder=${encodeURIComponent(opts.workspace)}`;
      await page.goto(url, { timeout: 120_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      const wb = new Workbench(page, browser, server, url, runDir, opts.name);
      // The workspace is open once the Explorer lists its first entry.
      await page
        .locator('.explorer-folders-view .monaco-list-row')
        .first()
        .waitFor({ timeout: 120_000 });
      return wb;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      killGroup(server);
      throw e;
    }
  }

  /** Runs one test step; on failure saves <step>-FAILED.png before rethrowing. */
  async step<T>(step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      await this.screenshot(`${step}-FAILED`).catch(() => undefined);
      throw e;
    }
  }

  /** Saves test-results/e2e/<name>-<step>.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    mkdirSync(screenshotDir, { recursive: true });
    const file = join(screenshotDir, `${this.name}-${step}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** A row of the Explorer tree whose label is exactly `label`. */
  async explorerRow(label: string): Promise<Locator> {
    const row = this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${esc(label)}$`) }) })
      .first();
    await row.waitFor({ timeout: 60_000 });
    return row;
  }

  /**
   * Opens `relPath` (relative to the workspace) by clicking its way down the Explorer: each
   * folder row is expanded with a click, then the file row is clicked. Returns the editor.
   */
  async openFromExplorer(relPath: string): Promise<Locator> {
    const parts = relPath.split('/');
    await retry(`open ${relPath} from the Explorer`, async () => {
      // Show the Explorer (another view may own the side bar), then collapse everything so
      // rows with the same name (tcp.c) cannot be confused.
      await this.runCommand('View: Show Explorer');
      await this.runCommand('Collapse Folders in Explorer');
      for (let i = 0; i < parts.length; i++) {
        const level = i + 1;
        const row = this.page
          .locator(`.explorer-folders-view .monaco-list-row[aria-level="${level}"]`)
          .filter({
            has: this.page.locator('.label-name', { hasText: new RegExp(`^${esc(parts[i])}$`) }),
          })
          .first();
        await row.waitFor({ timeout: 15_000 });
        const expanded = await row.getAttribute('aria-expanded');
        if (i < parts.length - 1) {
          if (expanded !== 'true') await row.click();
          await this.page
            .locator(`.explorer-folders-view .monaco-list-row[aria-level="${level + 1}"]`)
            .first()
            .waitFor({ timeout: 15_000 });
        } else {
          await row.click();
        }
      }
      await this.activeEditorTab(parts[parts.length - 1]);
    });
    // The tab is active a moment before the editor renders its lines: a test that reads the
    // text at once would read an empty editor.
    await retry(`${relPath}: the editor shows its text`, async () => {
      if ((await this.visibleEditorText()).trim() === '') throw new Error('the editor is blank');
    });
    return this.editor();
  }

  /** Opens `relPath` through Quick Open (the command palette in file mode). */
  async quickOpen(relPath: string): Promise<Locator> {
    const base = relPath.split('/').pop() ?? relPath;
    await retry(`quick open ${relPath}`, async () => {
      const input = await this.openQuickInput();
      await input.fill(relPath);
      const row = this.page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ hasText: base })
        .first();
      await row.waitFor({ timeout: 15_000 });
      await input.press('Enter');
      await this.activeEditorTab(base);
    });
    return this.editor();
  }

  private async openQuickInput(): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
    // Give the workbench keyboard focus first: the Chat panel may hold it on start.
    await this.page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } });
    await this.page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    return widget.locator('input').first();
  }

  /**
   * Runs a command by its palette label (exact match). `opensQuickPick`: the command shows a
   * quick pick of its own, so the widget stays open afterwards.
   */
  async runCommand(label: string, opts: { opensQuickPick?: boolean } = {}): Promise<void> {
    await retry(`run command '${label}'`, async () => {
      const input = await this.openQuickInput();
      await input.fill(`>${label}`);
      const rows = this.page.locator('.quick-input-list .monaco-list-row');
      const exact = rows.filter({
        has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${esc(label)}\\s*$`) }),
      });
      await exact.first().waitFor({ timeout: 10_000 });
      await exact.first().click();
      if (opts.opensQuickPick) {
        await input.waitFor({ timeout: 10_000 });
        if ((await input.inputValue()).startsWith('>')) throw new Error(`${label} did not open`);
      } else {
        await this.page
          .locator('.quick-input-widget')
          .waitFor({ state: 'hidden', timeout: 10_000 });
      }
    });
  }

  async activeEditorTab(label: string): Promise<void> {
    await this.page
      .locator('.tabs-container .tab.active', { hasText: label })
      .first()
      .waitFor({ timeout: 20_000 });
  }

  /** The active text editor. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** Text of the visible lines of the active editor. */
  async visibleEditorText(): Promise<string> {
    return (await this.editor().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  }

  /** Puts the cursor on the first visible occurrence of `word` (after Go to Line when given). */
  async clickWord(word: string, opts: { line?: number } = {}): Promise<Locator> {
    if (opts.line !== undefined) await this.goToLine(opts.line);
    const token = this.editor()
      .locator('.view-lines span span', { hasText: new RegExp(`^${esc(word)}$`) })
      .first();
    await token.waitFor({ timeout: 20_000 });
    await token.click();
    return token;
  }

  async goToLine(line: number): Promise<void> {
    await retry(`go to line ${line}`, async () => {
      const input = await this.openQuickInput();
      await input.fill(`:${line}`);
      await input.press('Enter');
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    });
  }

  /** "name description" of each rendered row of a tree or list (rows are virtualized). */
  async rowLabels(rows: Locator): Promise<string[]> {
    await rows.first().waitFor({ timeout: 15_000 });
    return rows.evaluateAll((els) =>
      els.map((e) => {
        const name = e.querySelector('.label-name')?.textContent ?? e.textContent ?? '';
        const desc = e.querySelector('.label-description')?.textContent ?? '';
        return `${name} ${desc}`.replace(/\s+/g, ' ').trim();
      }),
    );
  }

  /** Every frame whose document contains `selector` (webviews are nested iframes). */
  async framesWith(selector: string): Promise<Frame[]> {
    const found: Frame[] = [];
    for (const f of this.page.frames()) {
      try {
        if ((await f.locator(selector).count()) > 0) found.push(f);
      } catch {
        // frames can detach while we look
      }
    }
    return found;
  }

  /** The extension host's log files of this run (exthost.log and SKLens's output channel). */
  extensionHostLogs(): string[] {
    const logs = join(this.runDir, 'user-data', 'logs');
    const out: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/exthost/.test(p) && n.endsWith('.log')) out.push(p);
      }
    };
    walk(logs);
    return out;
  }

  /** SKLens's output channel as written to disk by the extension host. */
  sklensLog(): string {
    return this.extensionHostLogs()
      .filter((p) => /sklens/i.test(p))
      .map((p) => readFileSync(p, 'utf8'))
      .join('');
  }

  /** Lines of the extension host logs that report an SKLens error. */
  sklensErrors(): string[] {
    const errors: string[] = [];
    for (const p of this.extensionHostLogs()) {
      const own = /sklens/i.test(p);
      for (const line of readFileSync(p, 'utf8').split('\n')) {
        if (!/\[error\]/i.test(line)) continue;
        if (own || /sklens/i.test(line)) errors.push(`${p}: ${line}`);
      }
    }
    return errors;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await stopGroup(this.server);
  }
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function killGroup(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  killGroup(p, 'SIGTERM');
  const t = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!t) {
    killGroup(p, 'SIGKILL');
    await exited;
  }
}
