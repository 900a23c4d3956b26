// Hovers on TCP/passt buffer identifiers: a thin adapter over src/knowledge/hoverQuery.ts.
// Registered for C (code and comments), and for plain text / reStructuredText so sysctl names
// hover in Documentation/**/*.rst|*.txt. The Markdown is trusted for one command only, the
// simulation link; links to the tree are plain file URIs with an #L<line> fragment.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import { documentKind, hoverAt } from '../knowledge/hoverQuery';
import { KnowledgeBase } from '../knowledge/knowledgeBase';
import { OPEN_SIMULATION_COMMAND } from '../knowledge/render';
import type { HostTimer } from '../services/hostTimer';
import type { IndexedFolder, IndexSource } from '../services/indexSource';
import { AnnotationsWatcher } from './annotationsWatcher';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'c' },
  { scheme: 'file', language: 'cpp' },
  { scheme: 'file', language: 'plaintext' },
  { scheme: 'file', language: 'restructuredtext' },
  { scheme: 'file', pattern: '**/Documentation/**/*.{rst,txt}' },
];

export class SklensHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly kb: KnowledgeBase,
    private readonly source: IndexSource | undefined,
    private readonly timer: HostTimer,
  ) {}

  async provideHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
  ): Promise<vscode.Hover | undefined> {
    const kind = documentKind(doc.languageId, doc.uri.path);
    if (!kind) return undefined;
    let live = true;
    try {
      if (kind === 'code') await this.source?.fresh(doc);
    } catch {
      live = false; // live facts are a bonus: the knowledge text still shows
    }
    return this.timer.run('query', 'hover', () => this.hover(doc, pos, kind, live));
  }

  /** The hover's synchronous part (timed): the index lookups and the Markdown. */
  private hover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    kind: NonNullable<ReturnType<typeof documentKind>>,
    live: boolean,
  ): vscode.Hover | undefined {
    let resolved: IndexedFolder | undefined;
    let building = false;
    try {
      if (live) {
        resolved = this.source?.resolve(doc.uri);
        building = (this.source?.states() ?? []).some(
          (s) => s.state.kind === 'starting' || s.state.kind === 'indexing',
        );
      }
    } catch {
      resolved = undefined; // live facts are a bonus: the knowledge text still shows
    }
    const toUri = resolved?.toUri;
    const answer = hoverAt(this.kb, {
      lineText: doc.lineAt(pos.line).text,
      character: pos.character,
      kind,
      index: resolved?.index,
      indexState: resolved ? 'ready' : building ? 'building' : 'none',
      link: (file, line) =>
        toUri
          ? toUri(file)
              .with({ fragment: `L${line + 1}` })
              .toString()
          : `#L${line + 1}`,
    });
    if (!answer) return undefined;
    const md = new vscode.MarkdownString(answer.markdown);
    md.isTrusted = { enabledCommands: [OPEN_SIMULATION_COMMAND] };
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(pos.line, answer.start, pos.line, answer.end));
  }
}

/** Wires the knowledge base, the workspace annotations and the hover provider. */
export function registerHover(ctx: SklensContext, source?: IndexSource): KnowledgeBase {
  const kb = new KnowledgeBase();
  const watcher = ctx.own(new AnnotationsWatcher(ctx, kb));
  void watcher.reload();
  ctx.own(
    vscode.languages.registerHoverProvider(
      SELECTOR,
      new SklensHoverProvider(kb, source, ctx.timer),
    ),
  );
  ctx.log.info(`hovers: ${kb.all().length} knowledge entries`);
  return kb;
}
