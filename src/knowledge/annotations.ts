// User annotations: `.sklens/annotations.json` or `.yaml` in the workspace, merged over the
// built-in entries. Parsed strictly as data (JSON.parse, or the `yaml` package's core schema
// with no custom tags and a bounded alias count), validated with the same schema as the
// built-ins, and never allowed to break a hover: every problem becomes a FileProblem with a
// position for the diagnostics and the output channel. Files over 256 KiB are not read, and
// nesting deeper than 64 levels is refused before a parser sees it; an entry with a field of
// the wrong type is reported and skipped, the others load.
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

/**
 * Larger annotation files are refused unread: a 50 MB YAML took 39 s and 2.4 GB to parse, on the
 * host thread. All the built-in entries together are 110 KB.
 */
export const MAX_ANNOTATION_BYTES = 256 * 1024;
/** Deeper nesting is refused before parsing: the YAML parser ran out of memory at 200,000. */
export const MAX_ANNOTATION_DEPTH = 64;

/** The one-line reason a file of `bytes` bytes is not read, or undefined when it may be. */
export function sizeProblem(bytes: number): string | undefined {
  return bytes > MAX_ANNOTATION_BYTES
    ? `the file is ${bytes} bytes, over the limit of ${MAX_ANNOTATION_BYTES} bytes: not read`
    : undefined;
}

/**
 * Finds nesting the parsers should not be given: flow brackets (`[`, `{`) deeper than
 * MAX_ANNOTATION_DEPTH outside quoted scalars and comments, or a block line whose indentation
 * and `- ` / `? ` / `: ` indicators (each one a level) run past 4 × that depth. Quotes and `#`
 * count as YAML counts them: a quote only where a token starts, `#` only after a space.
 */
function nestingProblem(text: string): FileProblem | undefined {
  let depth = 0;
  let line = 0;
  let lineStart = 0;
  let atLineStart = true;
  const at = (i: number, message: string): FileProblem => ({
    message,
    line,
    col: i - lineStart,
    severity: 'error',
  });
  for (let i = 0; i < text.length; i++) {
    if (atLineStart) {
      atLineStart = false;
      let k = i;
      for (;;) {
        const c = text[k];
        if (c === ' ' || c === '\t') k++;
        else if ((c === '-' || c === '?' || c === ':') && /[ \t\r\n]/.test(text[k + 1] ?? ' '))
          k += 1;
        else break;
      }
      if (k - i > 4 * MAX_ANNOTATION_DEPTH)
        return at(k, `nested deeper than ${MAX_ANNOTATION_DEPTH} levels: not read`);
    }
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      atLineStart = true;
    } else if (c === '#' && (i === 0 || /[ \t\r\n]/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = (nl < 0 ? text.length : nl) - 1;
    } else if ((c === '"' || c === "'") && (i === 0 || /[ \t\r\n[{,:]/.test(text[i - 1]!))) {
      // A quoted scalar: skip to its end (`\"` escapes in double quotes, `''` in single).
      let k = i + 1;
      for (; k < text.length; k++) {
        const d = text[k]!;
        if (d === '\n') {
          line++;
          lineStart = k + 1;
        } else if (c === '"' && d === '\\') k++;
        else if (d === c) {
          if (c === "'" && text[k + 1] === "'") k++;
          else break;
        }
      }
      i = k;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_ANNOTATION_DEPTH)
        return at(i, `nested deeper than ${MAX_ANNOTATION_DEPTH} levels: not read`);
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

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
  // Characters: each is at least one byte, so a text over the limit is a file over it.
  const tooBig = sizeProblem(text.length);
  if (tooBig)
    return { entries: [], problems: [{ message: tooBig, line: 0, col: 0, severity: 'error' }] };
  if (text.trim() === '') return { entries: [], problems };
  const deep = nestingProblem(text);
  if (deep) return { entries: [], problems: [deep] };
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
    // Only the names that are strings, from an aliases field that is a list: anything else
    // is reported by validateEntry below (a string `aliases` used to throw a TypeError here).
    const aliases = (raw as { aliases?: unknown } | null)?.aliases;
    const names = [
      ...(typeof id === 'string' ? [id] : []),
      ...(Array.isArray(aliases) ? aliases.filter((a): a is string => typeof a === 'string') : []),
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

/** Where an annotations file comes from (the workspace file system in the extension). */
export interface AnnotationFile {
  format: AnnotationFormat;
  /** Its size in bytes, asked before it is read. */
  size(): Promise<number>;
  read(): Promise<string>;
}

/**
 * Reads and parses one annotations file; never rejects. A file over MAX_ANNOTATION_BYTES is
 * not read; a failed stat or read, or a fault in the parser, is one problem at line 1.
 */
export async function readAnnotationFile(
  file: AnnotationFile,
  isBuiltin: (name: string) => boolean,
): Promise<ParsedAnnotations> {
  const fault = (message: string): ParsedAnnotations => ({
    entries: [],
    problems: [{ message, line: 0, col: 0, severity: 'error' }],
  });
  const why = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];
  let text: string;
  try {
    const tooBig = sizeProblem(await file.size());
    if (tooBig) return fault(tooBig);
    text = await file.read();
  } catch (err) {
    return fault(`cannot read the file: ${why(err)}`);
  }
  try {
    return parseAnnotations(text, file.format, isBuiltin);
  } catch (err) {
    return fault(`cannot parse the file: ${why(err)}`);
  }
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
