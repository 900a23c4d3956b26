// "SKLens: Find Field Accesses": who reads and who writes a struct field. On a member under the
// cursor (`sk->sk_wmem_queued`) it uses the struct the index resolved there; otherwise it asks
// for a field name. Results are a quick pick, writes first, each opening its call site; the
// "Show in References view" entry hands the same list to VS Code's references view.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import type { IndexedFolder } from '../services/indexSource';
import { toLocation } from './adapters';
import { sayIfNotReady } from './notReady';
import { fieldAccesses, fieldAt, parseFieldQuery, wordAt } from './navQueries';

type Target = NonNullable<ReturnType<typeof parseFieldQuery>>;

async function fromCursor(
  service: IndexService,
): Promise<{ r: IndexedFolder; target: Target } | undefined> {
  const ed = vscode.window.activeTextEditor;
  if (!ed) return undefined;
  await service.fresh(ed.document);
  const r = service.resolve(ed.document.uri);
  if (!r) sayIfNotReady(service, ed.document.uri);
  const pos = ed.selection.active;
  const w = wordAt(ed.document.lineAt(pos.line).text, pos.character);
  if (!r || !w) return undefined;
  const f = fieldAt(r.index, { file: r.file, line: pos.line, col: pos.character }, w);
  return f ? { r, target: f } : undefined;
}

interface AccessItem extends vscode.QuickPickItem {
  location?: vscode.Location;
  showAll?: boolean;
}

export async function findFieldAccesses(ctx: SklensContext, service: IndexService): Promise<void> {
  let hit = await fromCursor(service);
  if (!hit) {
    const text = await vscode.window.showInputBox({
      title: 'SKLens: Find Field Accesses',
      prompt: 'Struct field, optionally with its struct: sk_wmem_queued or sock.sk_wmem_queued',
      validateInput: (t) => (parseFieldQuery(t) ? undefined : 'a C identifier, or struct.field'),
    });
    const target = text === undefined ? undefined : parseFieldQuery(text);
    const ed = vscode.window.activeTextEditor;
    const r = (ed && service.resolve(ed.document.uri)) ?? service.all()[0];
    if (!target || !r) {
      if (target)
        void vscode.window.showWarningMessage('SKLens: the workspace index is not ready yet.');
      return;
    }
    hit = { r, target };
  }
  const { r, target } = hit;
  const items = ctx.timer.run('query', 'field accesses', () => {
    const accesses = fieldAccesses(r.index, target.field, target.struct ?? undefined);
    const out: AccessItem[] = [];
    const writes = accesses.filter((a) => a.item.access === 'write');
    const reads = accesses.filter((a) => a.item.access === 'read');
    const locations = accesses.map((a) =>
      toLocation(vscode, r.toUri, { file: a.file, span: a.item.span }),
    );
    if (accesses.length > 0) {
      out.push({
        label: '$(references) Show in References view',
        showAll: true,
        location: locations[0]!,
      });
    }
    for (const [title, list, icon] of [
      ['Writes', writes, '$(edit)'],
      ['Reads', reads, '$(eye)'],
    ] as const) {
      out.push({ label: `${title} (${list.length})`, kind: vscode.QuickPickItemKind.Separator });
      for (const a of list) {
        out.push({
          label: `${icon} ${a.item.function ?? '(file scope)'}`,
          description: `${a.file}:${a.item.span.line + 1}`,
          detail: a.item.struct
            ? `struct ${a.item.struct}`
            : 'struct not resolved (matched by field name)',
          location: toLocation(vscode, r.toUri, { file: a.file, span: a.item.span }),
        });
      }
    }
    return { out, locations };
  });
  const name = target.struct ? `${target.struct}.${target.field}` : target.field;
  if (items.locations.length === 0) {
    void vscode.window.showInformationMessage(`SKLens: no reads or writes of ${name} indexed.`);
    return;
  }
  const pick = await vscode.window.showQuickPick(items.out, {
    title: `${name}: ${items.locations.length} accesses`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick?.location) return;
  if (pick.showAll) {
    await vscode.commands.executeCommand(
      'editor.action.showReferences',
      pick.location.uri,
      pick.location.range.start,
      items.locations,
    );
    return;
  }
  await vscode.window.showTextDocument(pick.location.uri, { selection: pick.location.range });
}

export function registerFieldAccessCommand(ctx: SklensContext, service: IndexService): void {
  ctx.own(
    vscode.commands.registerCommand(COMMANDS.findFieldAccesses.id, () =>
      findFieldAccesses(ctx, service),
    ),
  );
}
