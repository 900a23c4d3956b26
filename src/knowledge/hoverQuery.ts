// What a hover at one position shows, decided without VS Code: the identifier under the cursor,
// whether this kind of document hovers it, the entry, the live facts and the Markdown. The VS
// Code adapter (src/features/hoverProvider.ts) and the latency benchmark both call hoverAt().
import type { CodeIndex } from '../index/api';
import { findModel } from '../model/registry';
import type { KnowledgeBase } from './knowledgeBase';
import { liveFacts, renderHover, type RenderOptions } from './render';
import type { Citation, KnowledgeEntry } from './schema';

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

/** The C identifier at `character` of `line` (the character just after a word counts too). */
export function identifierAt(
  line: string,
  character: number,
): { word: string; start: number; end: number } | undefined {
  WORD.lastIndex = 0;
  for (let m = WORD.exec(line); m; m = WORD.exec(line)) {
    const start = m.index;
    const end = start + m[0].length;
    if (character >= start && character <= end) return { word: m[0], start, end };
    if (start > character) break;
  }
  return undefined;
}

/**
 * `code`: C sources (comments included). `doc`: prose (Documentation/*.rst, *.txt), where only
 * sysctl names hover, unless the file is under a Documentation/ folder of a tree, where every
 * entry does (ip-sysctl.rst also talks about SO_SNDBUF and friends).
 */
export type DocumentKind = 'code' | 'doc' | 'kernel-doc';

export function documentKind(languageId: string, path: string): DocumentKind | undefined {
  if (languageId === 'c' || languageId === 'cpp') return 'code';
  if (languageId === 'plaintext' || languageId === 'restructuredtext' || /\.(rst|txt)$/i.test(path))
    return /(^|[\\/])Documentation[\\/]/.test(path) ? 'kernel-doc' : 'doc';
  return undefined;
}

export interface HoverRequest {
  lineText: string;
  character: number;
  kind: DocumentKind;
  /** The index of the tree the document belongs to, when built. */
  index?: CodeIndex;
  indexState?: RenderOptions['indexState'];
  /** URI of a tree position (0-based line). */
  link: RenderOptions['link'];
}

export interface HoverAnswer {
  markdown: string;
  start: number;
  end: number;
  entry: KnowledgeEntry;
}

/** Whether the simulation panel can open this model link (model and scenario registered). */
export function modelAvailable(e: KnowledgeEntry): boolean {
  if (!e.model) return false;
  const m = findModel(e.model.model);
  return m !== undefined && m.scenarios.some((s) => s.id === e.model?.scenario);
}

/** Where a cited function is defined in the open tree (same file path suffix), if indexed. */
export function citedDefinition(
  index: CodeIndex,
  c: Citation,
): { file: string; line: number } | undefined {
  const inFile = (f: string): boolean => f === c.file || f.endsWith(`/${c.file}`);
  for (const d of index.functionDefs(c.function))
    if (inFile(d.file)) return { file: d.file, line: d.item.nameSpan.line };
  for (const d of index.macroDefs(c.function))
    if (inFile(d.file)) return { file: d.file, line: d.item.nameSpan.line };
  return undefined;
}

export function hoverAt(kb: KnowledgeBase, req: HoverRequest): HoverAnswer | undefined {
  const id = identifierAt(req.lineText, req.character);
  if (!id) return undefined;
  // `net.ipv4.tcp_wmem` in prose: the identifier regex stops at the dots already.
  const entry = kb.lookup(id.word);
  if (!entry) return undefined;
  if (req.kind === 'doc' && entry.kind !== 'sysctl') return undefined;
  const index = req.index;
  const facts = index ? liveFacts(index, entry) : undefined;
  const markdown = renderHover(entry, facts, {
    link: req.link,
    definitionOf: index ? (c) => citedDefinition(index, c) : undefined,
    offerModel: modelAvailable(entry),
    userLayer: kb.hasUserLayer(entry.id),
    indexState: req.indexState,
  });
  return { markdown, start: id.start, end: id.end, entry };
}
