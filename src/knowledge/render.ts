// Hover text for one identifier: a pure function from an entry and the live facts of the open
// tree to Markdown. The VS Code adapter (src/features/hoverProvider.ts) only wraps the string.
import { COMMANDS } from '../commands';
import type { CodeIndex } from '../index/api';
import type { Citation, KnowledgeEntry, Lookup, ModelLink, Statement } from './schema';
import { usesOf } from './uses';

/** Command that opens the simulation panel on a model and scenario (owned by the panels). */
export const OPEN_SIMULATION_COMMAND = COMMANDS.openSimulation.id;

export interface Site {
  file: string;
  /** 0-based line. */
  line: number;
  access: 'read' | 'write' | 'call';
}

export interface LiveFacts {
  /** Field writes and reads (lookups `as: 'field'`). */
  writes: number;
  reads: number;
  /** Calls and other references by name (lookups `as: 'symbol'`; the index has no access kind for these). */
  calls: number;
  uses: number;
  /** Whether the counts include field lookups (then writes/reads are meaningful). */
  fields: boolean;
  /** Definitions (functions, macros) of the identifier in the tree. */
  definitions: { file: string; line: number }[];
  /** The first few sites by file and line, writes first. */
  firstWrites: Site[];
  firstReads: Site[];
}

/** Where the live-facts query looks for an entry. */
export function lookupsOf(e: KnowledgeEntry): Lookup[] {
  if (e.lookup && e.lookup.length > 0) return e.lookup;
  const asField = e.kind === 'field' || e.kind === 'passt-field';
  const out: Lookup[] = [
    asField
      ? { name: e.id, as: 'field', ...(e.struct ? { struct: e.struct } : {}) }
      : { name: e.id, as: 'symbol' },
  ];
  for (const a of e.aliases ?? []) out.push({ name: a, as: asField ? 'field' : 'symbol' });
  return out;
}

function byPosition(a: Site, b: Site): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

/** Keeps the `k` smallest sites in order without sorting everything. */
class FirstK {
  readonly items: Site[] = [];
  constructor(private readonly k: number) {}
  add(s: Site): void {
    const it = this.items;
    if (it.length === this.k && byPosition(s, it[it.length - 1] as Site) >= 0) return;
    let i = it.length;
    while (i > 0 && byPosition(s, it[i - 1] as Site) < 0) i--;
    it.splice(i, 0, s);
    if (it.length > this.k) it.pop();
  }
}

/** Counts reads and writes of an entry's identifiers in the index. */
export function liveFacts(index: CodeIndex, e: KnowledgeEntry, maxSites = 3): LiveFacts {
  let writes = 0;
  let reads = 0;
  let calls = 0;
  let uses = 0;
  let fields = false;
  const w = new FirstK(maxSites);
  const r = new FirstK(maxSites);
  const defs: { file: string; line: number }[] = [];
  const seenDef = new Set<string>();
  const addDef = (file: string, line: number): void => {
    const key = `${file}:${line}`;
    if (!seenDef.has(key)) {
      seenDef.add(key);
      defs.push({ file, line });
    }
  };
  for (const l of lookupsOf(e)) {
    if (l.as === 'field') {
      fields = true;
      for (const a of index.fieldAccesses(l.name, l.struct)) {
        const s: Site = { file: a.file, line: a.item.span.line, access: a.item.access };
        if (a.item.access === 'write') {
          writes++;
          w.add(s);
        } else {
          reads++;
          r.add(s);
        }
      }
      continue;
    }
    for (const { file, uses: found } of usesOf(index, l.name)) {
      for (const span of found.calls) {
        calls++;
        r.add({ file, line: span.line, access: 'call' });
      }
      for (const span of found.refs) {
        uses++;
        r.add({ file, line: span.line, access: 'read' });
      }
    }
    for (const d of index.functionDefs(l.name)) addDef(d.file, d.item.nameSpan.line);
    for (const d of index.macroDefs(l.name)) addDef(d.file, d.item.nameSpan.line);
  }
  defs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return {
    writes,
    reads,
    calls,
    uses,
    fields,
    definitions: defs,
    firstWrites: w.items,
    firstReads: r.items,
  };
}

export interface RenderOptions {
  /** URI of a position in the open tree (0-based line), e.g. `file:///…/sock.c#L120`. */
  link(file: string, line: number): string;
  /** Where a cited function is defined in the open tree, if the index knows it. */
  definitionOf?(c: Citation): { file: string; line: number } | undefined;
  /** Whether the simulation command can be offered. Default true. */
  offerModel?: boolean;
  /** Note that the entry carries workspace annotations. */
  userLayer?: boolean;
  /** Shown when there is no index yet. */
  indexState?: 'ready' | 'building' | 'none';
}

/** `command:` URI that opens the simulation panel on a model link. */
export function simulationCommandUri(m: ModelLink): string {
  const args = [{ model: m.model, scenario: m.scenario }];
  return `command:${OPEN_SIMULATION_COMMAND}?${encodeURIComponent(JSON.stringify(args))}`;
}

const KIND_LABEL: Record<KnowledgeEntry['kind'], string> = {
  field: 'field',
  global: 'global variable',
  sysctl: 'sysctl',
  sockopt: 'socket option',
  ioctl: 'ioctl',
  macro: 'macro',
  enum: 'enum constant',
  function: 'function',
  variable: 'local variable',
  'passt-macro': 'passt macro',
  'passt-function': 'passt function',
  'passt-field': 'passt field',
};

/** Markdown-escapes text that is not meant as Markdown (paths, names). */
function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

function citeText(c: Citation, opts: RenderOptions): string {
  const where = `${c.project === 'passt' ? 'passt ' : ''}${c.file}: ${c.function}`;
  const label = `\`${c.function}\`${c.since ? ' (passt 2026)' : ''}`;
  const def = c.since ? undefined : opts.definitionOf?.(c);
  if (def) return `[${label}](${opts.link(def.file, def.line)} "${where}")`;
  return `${label}`;
}

function cites(list: Citation[], opts: RenderOptions): string {
  if (list.length === 0) return '';
  return ` — ${list.map((c) => citeText(c, opts)).join(', ')}`;
}

function statement(s: Statement, opts: RenderOptions): string {
  return `${s.text}${cites(s.cite, opts)}`;
}

function siteLink(s: Site, opts: RenderOptions): string {
  const text = `${s.file}:${s.line + 1}`;
  return `[${esc(text)}](${opts.link(s.file, s.line)})`;
}

/** The hover Markdown for an entry, with live facts when an index is available. */
export function renderHover(
  e: KnowledgeEntry,
  facts: LiveFacts | undefined,
  opts: RenderOptions,
): string {
  const out: string[] = [];
  const head = [`**${esc(e.id)}**`, KIND_LABEL[e.kind]];
  if (e.struct) head[1] = `${head[1]} of \`struct ${e.struct}\``;
  if (e.units && e.units !== 'none') head.push(`*${e.units}*`);
  if (e.project === 'passt') head.push('passt');
  if (e.aliases && e.aliases.length > 0)
    head.push(`also ${e.aliases.map((a) => `\`${a}\``).join(', ')}`);
  out.push(head.join(' · '));
  if (e.sysctl) {
    const s = e.sysctl;
    const parts = [`\`${s.path}\``, `default \`${s.default}\``];
    if (s.range) parts.push(`range ${s.range}`);
    parts.push(s.perNetns ? 'per netns' : 'global');
    out.push(parts.join(' · '));
  }
  out.push(statement(e.summary, opts));
  if (facts) {
    const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
    const counts: string[] = [];
    if (facts.fields) counts.push(n(facts.writes, 'write'), n(facts.reads, 'read'));
    if (facts.uses > 0 || (!facts.fields && facts.calls === 0)) counts.push(n(facts.uses, 'use'));
    if (facts.calls > 0) counts.push(n(facts.calls, 'call'));
    const lines = [`**In this tree**: ${counts.join(' · ')}`];
    if (facts.definitions.length > 0) {
      const d = facts.definitions.slice(0, 2).map((x) => siteLink({ ...x, access: 'read' }, opts));
      const more = facts.definitions.length > 2 ? ` (+${facts.definitions.length - 2})` : '';
      lines.push(`defined: ${d.join(', ')}${more}`);
    }
    if (facts.firstWrites.length > 0) {
      const more = facts.writes > facts.firstWrites.length ? ', …' : '';
      lines.push(`writes: ${facts.firstWrites.map((s) => siteLink(s, opts)).join(', ')}${more}`);
    }
    if (facts.firstReads.length > 0) {
      const more = facts.reads + facts.uses + facts.calls > facts.firstReads.length ? ', …' : '';
      lines.push(
        `${facts.fields ? 'reads' : 'used at'}: ${facts.firstReads.map((s) => siteLink(s, opts)).join(', ')}${more}`,
      );
    }
    out.push(lines.join('  \n'));
  } else if (opts.indexState === 'building') {
    out.push('*In this tree: index still building…*');
  }
  if (e.model && opts.offerModel !== false) {
    out.push(`[▶ ${esc(e.model.label)}](${simulationCommandUri(e.model)})`);
  }
  if (e.pitfalls && e.pitfalls.length > 0) {
    out.push(`**Pitfalls**\n\n${e.pitfalls.map((p) => `- ${statement(p, opts)}`).join('\n')}`);
  }
  if (e.history && e.history.length > 0) {
    const items = e.history.map(
      (h) => `- **${h.approx ? '≈' : ''}${esc(h.version)}**: ${h.text}${cites(h.cite, opts)}`,
    );
    out.push(`**History**\n\n${items.join('\n')}`);
  }
  if (e.seeAlso && e.seeAlso.length > 0)
    out.push(`See also: ${e.seeAlso.map((s) => `\`${s}\``).join(', ')}`);
  if (opts.userLayer) out.push('*Includes workspace annotations (.sklens/annotations)*');
  return out.join('\n\n');
}
