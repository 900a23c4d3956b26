// User annotations: `.sklens/annotations.json` or `.yaml` in the workspace, merged over the
// built-in entries. Parsed strictly as data (JSON.parse, or the `yaml` package's core schema
// with no custom tags and a bounded alias count), validated with the same schema as the
// built-ins, and never allowed to break a hover: every problem becomes a FileProblem with a
// position for the diagnostics and the output channel.
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import {
  validateEntry,
  type Citation,
  type HistoryItem,
  type KnowledgeEntry,
  type Problem,
  type Statement,
} from './schema';

export type AnnotationFormat = 'json' | 'yaml';

export interface FileProblem {
  message: string;
  /** 0-based line and column of the offending node (0/0 when unknown). */
  line: number;
  col: number;
  severity: 'error' | 'warning';
}

/** One user entry after validation: statements normalised to `{text, cite}`. */
export type UserEntry = Partial<KnowledgeEntry> & { id: string };

export interface ParsedAnnotations {
  entries: UserEntry[];
  problems: FileProblem[];
}

/** The file format from its name (`annotations.yml` counts as YAML). */
export function formatOf(fileName: string): AnnotationFormat | undefined {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  return undefined;
}

function offsetToLineCol(text: string, offset: number): { line: number; col: number } {
  let line = 0;
  let last = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i + 1;
    }
  }
  return { line, col: Math.max(0, Math.min(offset, text.length) - last) };
}

function jsonSyntaxProblem(text: string, err: unknown): FileProblem {
  const msg = err instanceof Error ? err.message : String(err);
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) {
    return {
      message: `invalid JSON: ${msg}`,
      line: Number(lc[1]) - 1,
      col: Number(lc[2]) - 1,
      severity: 'error',
    };
  }
  const pos = /position (\d+)/.exec(msg);
  const at = pos ? offsetToLineCol(text, Number(pos[1])) : { line: 0, col: 0 };
  return { message: `invalid JSON: ${msg}`, ...at, severity: 'error' };
}

/** `entries[3].summary.cite[0]` → ['entries', 3, 'summary', 'cite', 0]. */
function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

/** Position of the deepest existing node on a problem's path. */
function positionOf(
  doc: Document,
  counter: LineCounter,
  path: (string | number)[],
): { line: number; col: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | null;
    if (node && typeof node === 'object' && Array.isArray(node.range)) {
      const p = counter.linePos(node.range[0]);
      return { line: p.line - 1, col: p.col - 1 };
    }
  }
  return { line: 0, col: 0 };
}

function normaliseStatement(v: unknown): Statement {
  if (typeof v === 'string') return { text: v, cite: [] };
  const s = v as { text: string; cite?: Citation[] };
  return { text: s.text, cite: s.cite ?? [] };
}

function normalise(raw: Record<string, unknown>): UserEntry {
  const e = { ...raw } as UserEntry & Record<string, unknown>;
  if (raw.summary !== undefined) e.summary = normaliseStatement(raw.summary);
  if (Array.isArray(raw.pitfalls)) e.pitfalls = raw.pitfalls.map(normaliseStatement);
  if (Array.isArray(raw.history))
    e.history = (raw.history as (HistoryItem & { cite?: Citation[] })[]).map((h) => ({
      ...h,
      cite: h.cite ?? [],
    }));
  return e;
}

/**
 * Parses and validates an annotations file. `isBuiltin(name)` says whether a name belongs to a
 * built-in entry (then the user entry is an override and may omit fields).
 */
export function parseAnnotations(
  text: string,
  format: AnnotationFormat,
  isBuiltin: (name: string) => boolean,
): ParsedAnnotations {
  const problems: FileProblem[] = [];
  if (text.trim() === '') return { entries: [], problems };
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      return { entries: [], problems: [jsonSyntaxProblem(text, err)] };
    }
  }
  const counter = new LineCounter();
  // The core schema: plain data only, no custom or language-specific tags.
  const doc = parseDocument(text, {
    lineCounter: counter,
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  for (const err of doc.errors) {
    const p = counter.linePos(err.pos[0]);
    problems.push({
      message: `invalid ${format.toUpperCase()}: ${err.message.split('\n')[0]}`,
      line: p.line - 1,
      col: p.col - 1,
      severity: 'error',
    });
  }
  if (problems.length > 0) return { entries: [], problems };
  for (const w of doc.warnings) {
    const p = counter.linePos(w.pos[0]);
    problems.push({
      message: w.message.split('\n')[0] ?? w.message,
      line: p.line - 1,
      col: p.col - 1,
      severity: 'warning',
    });
  }

  // Accept `{entries: [...]}` or a bare list.
  let listPath: (string | number)[];
  if (isSeq(doc.contents)) listPath = [];
  else if (isMap(doc.contents) && isSeq(doc.get('entries', true))) listPath = ['entries'];
  else {
    problems.push({
      message: 'expected a list of entries, or a mapping with an `entries:` list',
      line: 0,
      col: 0,
      severity: 'error',
    });
    return { entries: [], problems };
  }
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      const key = item.key as { value?: unknown; range?: [number, number, number] } | null;
      if (key?.value !== 'entries') {
        const p = counter.linePos(key?.range?.[0] ?? 0);
        problems.push({
          message: `unknown top-level key '${String(key?.value)}'`,
          line: p.line - 1,
          col: p.col - 1,
          severity: 'warning',
        });
      }
    }
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    problems.push({
      message: `cannot read the file as data: ${err instanceof Error ? err.message : String(err)}`,
      line: 0,
      col: 0,
      severity: 'error',
    });
    return { entries: [], problems };
  }
  const list = (listPath.length === 0 ? data : (data as { entries: unknown }).entries) as unknown[];
  const entries: UserEntry[] = [];
  const prefix = listPath.length === 0 ? '' : 'entries';
  list.forEach((raw, i) => {
    const path = `${prefix}[${i}]`;
    const id = (raw as { id?: unknown } | null)?.id;
    const names = [
      ...(typeof id === 'string' ? [id] : []),
      ...(((raw as { aliases?: unknown } | null)?.aliases as unknown[] | undefined) ?? []).filter(
        (a): a is string => typeof a === 'string',
      ),
    ];
    const overrides = names.some(isBuiltin);
    const found: Problem[] = validateEntry(raw, path, {
      mode: 'user',
      overridesBuiltin: overrides,
    });
    for (const p of found) {
      const at = positionOf(doc, counter, [
        ...listPath,
        ...splitPath(p.path).slice(prefix ? 1 : 0),
      ]);
      problems.push({ message: `${p.path}: ${p.message}`, ...at, severity: 'error' });
    }
    if (found.length === 0) entries.push(normalise(raw as Record<string, unknown>));
  });
  return { entries, problems };
}

/**
 * Merges a user entry over a built-in one: scalar and object fields replace, lists (aliases,
 * pitfalls, history, lookup, seeAlso) are appended so a team's notes add to the built-in text.
 */
export function mergeEntry(base: KnowledgeEntry, user: UserEntry): KnowledgeEntry {
  const out: KnowledgeEntry = { ...base };
  const o = out as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(user)) {
    if (v === undefined || k === 'id') continue;
    const prev = o[k];
    if (Array.isArray(v) && Array.isArray(prev)) {
      const merged = [...prev, ...v];
      o[k] =
        k === 'aliases' || k === 'seeAlso' ? [...new Set(merged as string[])] : (merged as unknown);
    } else o[k] = v;
  }
  return out;
}
