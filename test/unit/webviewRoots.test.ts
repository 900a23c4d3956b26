// Issue 8, webviews: every webview SKLens creates may load local resources only from the
// extension's own bundle folder (dist/webview), never from the workspace or the whole
// extension, and enables no more than scripts. Read from the panel hosts' sources, since the
// options object is built inside createWebviewPanel calls that need a real VS Code.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const repo = join(__dirname, '..', '..');
const ROOTS =
  "localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview')]";

test('localResourceRoots is only dist/webview in every panel host', () => {
  const dirs = ['src/panels', 'src/features'];
  let webviews = 0;
  for (const d of dirs) {
    for (const n of readdirSync(join(repo, d)).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(repo, d, n), 'utf8');
      const creates =
        text.match(/createWebviewPanel\(|registerWebviewViewProvider\(/g)?.length ?? 0;
      const roots = text.match(/localResourceRoots\s*:[^\n]*/g) ?? [];
      if (creates === 0 && roots.length === 0) continue;
      webviews += creates;
      assert.equal(roots.length, creates, `${d}/${n}: one localResourceRoots per webview`);
      for (const r of roots) assert.equal(r.trim().replace(/,$/, ''), ROOTS, `${d}/${n}`);
      assert.ok(!/enableCommandUris\s*:\s*true/.test(text), `${d}/${n} enables command URIs`);
      assert.ok(!/asWebviewUri\([^)]*workspace/i.test(text), `${d}/${n} serves workspace files`);
    }
  }
  // One place creates them (PanelHost, src/panels/panelHost.ts); both panels go through it.
  assert.ok(webviews >= 1, `${webviews} webviews found`);
  for (const n of ['graphPanel.ts', 'simulationPanel.ts']) {
    const text = readFileSync(join(repo, 'src/panels', n), 'utf8');
    assert.match(text, /extends PanelHost</, `${n} creates its webviews through PanelHost`);
  }
});
