// The one schema of SKLens's identifier knowledge: the built-in entries under ./entries/*.json and
// the user's .sklens/annotations.{json,yaml} are both checked by validateEntry(). Entries are data,
// never code: the validator accepts only the fields below, with the types below.

export type Project = 'linux' | 'passt';

/** The kernel or passt definition a statement rests on. */
export interface Citation {
  project: Project;
  /** Path inside the project's tree, e.g. `net/ipv4/tcp.c`, `tcp_splice.c`. */
  file: string;
  /**
   * The function the statement rests on; for a constant or a table, the macro or file-scope
   * object that defines it (`SKB_TRUESIZE`, `ipv4_net_table`).
   */
  function: string;
  /** Set when the definition exists only in 2026 passt (not in Debian's 2023 snapshot). */
  since?: '2026';
}

/** One sentence (Markdown, short) and what it rests on. */
export interface Statement {
  text: string;
  cite: Citation[];
}

export interface HistoryItem {
  /** Kernel version (`6.0`) or passt date (`2025-12`) at which the change landed. */
  version: string;
  /** True when the version is our best estimate rather than checked against the commit. */
  approx?: boolean;
  text: string;
  cite: Citation[];
}

export const ENTRY_KINDS = [
  'field',
  'global',
  'sysctl',
  'sockopt',
  'ioctl',
  'macro',
  'enum',
  'function',
  'variable',
  'passt-macro',
  'passt-function',
  'passt-field',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const UNITS = [
  'bytes',
  'bytes (truesize)',
  'bytes (payload)',
  'pages',
  'segments',
  'usec',
  'jiffies',
  'flag',
  'count',
  'ratio',
  'none',
] as const;
export type Unit = (typeof UNITS)[number];

/** How the live-facts query finds this identifier in an index. */
export interface Lookup {
  name: string;
  /** `field`: struct member reads/writes; `symbol`: any reference to a function, macro or global. */
  as: 'field' | 'symbol';
  /** For fields: the owning struct tag (`sock`, `sk_buff`, `tcp_sock`). */
  struct?: string;
}

export interface SysctlInfo {
  /** Full name, e.g. `net.ipv4.tcp_wmem`. */
  path: string;
  /** Default as `sysctl` prints it, e.g. `4096 16384 4194304`. */
  default: string;
  /** Accepted range, e.g. `-31..31`, or a note such as `min 1 per element`. */
  range?: string;
  /** Per network namespace (`net->ipv4.sysctl_*`) or global. */
  perNetns: boolean;
}

export interface ModelLink {
  /** Model id in src/model/registry.ts. */
  model: string;
  /** Scenario id of that model, e.g. `S3`. */
  scenario: string;
  /** What the link opens, e.g. `Send path, S3: Send-Q above SO_SNDBUF`. */
  label: string;
}

export interface KnowledgeEntry {
  /** Canonical name: the identifier as it appears in the source. */
  id: string;
  /** Other spellings that open the same entry (`sysctl_tcp_wmem`, `A_OUT_WAIT`). */
  aliases?: string[];
  kind: EntryKind;
  project: Project;
  /** For fields: the struct that owns it. */
  struct?: string;
  summary: Statement;
  units?: Unit;
  sysctl?: SysctlInfo;
  pitfalls?: Statement[];
  history?: HistoryItem[];
  model?: ModelLink;
  /** Where the live-facts query looks; default: the id as a field (kind field) or symbol. */
  lookup?: Lookup[];
  /** Related entry ids. */
  seeAlso?: string[];
}

export interface Problem {
  /** Where in the entry list / file: `entries[3].summary.cite[0].file`. */
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkKeys(o: Obj, allowed: readonly string[], path: string, out: Problem[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) out.push({ path: `${path}.${k}`, message: `unknown field '${k}'` });
  }
}

function checkCitation(v: unknown, path: string, out: Problem[]): void {
  if (!isObj(v)) {
    out.push({ path, message: 'a citation must be an object {project, file, function}' });
    return;
  }
  checkKeys(v, ['project', 'file', 'function', 'since'], path, out);
  if (v.project !== 'linux' && v.project !== 'passt')
    out.push({ path: `${path}.project`, message: "project must be 'linux' or 'passt'" });
  if (!nonEmptyString(v.file) || v.file.startsWith('/') || v.file.includes('..'))
    out.push({ path: `${path}.file`, message: 'file must be a relative path inside the project' });
  if (typeof v.function !== 'string' || !IDENT.test(v.function))
    out.push({ path: `${path}.function`, message: 'function must be a C identifier' });
  if (v.since !== undefined && v.since !== '2026')
    out.push({ path: `${path}.since`, message: "since may only be '2026'" });
  if (v.since !== undefined && v.project !== 'passt')
    out.push({ path: `${path}.since`, message: "since '2026' applies to passt citations only" });
}

function checkCites(v: unknown, path: string, required: boolean, out: Problem[]): void {
  if (v === undefined) {
    if (required) out.push({ path, message: 'every statement cites at least one function' });
    return;
  }
  if (!Array.isArray(v) || (required && v.length === 0)) {
    out.push({ path, message: 'cite must be a non-empty array of citations' });
    return;
  }
  v.forEach((c, i) => checkCitation(c, `${path}[${i}]`, out));
}

function checkStatement(v: unknown, path: string, required: boolean, out: Problem[]): void {
  if (!required && typeof v === 'string') {
    if (!nonEmptyString(v)) out.push({ path, message: 'text must not be empty' });
    return;
  }
  if (!isObj(v)) {
    out.push({ path, message: 'a statement must be an object {text, cite}' });
    return;
  }
  checkKeys(v, ['text', 'cite'], path, out);
  if (!nonEmptyString(v.text))
    out.push({ path: `${path}.text`, message: 'text must not be empty' });
  checkCites(v.cite, `${path}.cite`, required, out);
}

function checkArray(
  v: unknown,
  path: string,
  out: Problem[],
  each: (x: unknown, p: string) => void,
): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    out.push({ path, message: 'must be an array' });
    return;
  }
  v.forEach((x, i) => each(x, `${path}[${i}]`));
}

const ENTRY_KEYS = [
  'id',
  'aliases',
  'kind',
  'project',
  'struct',
  'summary',
  'units',
  'sysctl',
  'pitfalls',
  'history',
  'model',
  'lookup',
  'seeAlso',
] as const;

export interface ValidateOptions {
  /**
   * Built-in entries: complete, every statement cited. User overrides (`partial`): only `id` is
   * required, statements may be plain strings and need no citation.
   */
  mode: 'builtin' | 'user';
  /** For user entries: true when the id names a built-in entry (then other fields are optional). */
  overridesBuiltin?: boolean;
}

/** Checks one entry; returns every problem found (empty when valid). */
export function validateEntry(v: unknown, path: string, opts: ValidateOptions): Problem[] {
  const out: Problem[] = [];
  const strict = opts.mode === 'builtin';
  const complete = strict || !opts.overridesBuiltin;
  if (!isObj(v)) return [{ path, message: 'an entry must be an object' }];
  checkKeys(v, ENTRY_KEYS, path, out);
  if (typeof v.id !== 'string' || !IDENT.test(v.id))
    out.push({ path: `${path}.id`, message: 'id must be a C identifier' });
  checkArray(v.aliases, `${path}.aliases`, out, (a, p) => {
    if (typeof a !== 'string' || !IDENT.test(a))
      out.push({ path: p, message: 'an alias must be a C identifier' });
  });
  if (complete || v.kind !== undefined) {
    if (!(ENTRY_KINDS as readonly unknown[]).includes(v.kind))
      out.push({ path: `${path}.kind`, message: `kind must be one of ${ENTRY_KINDS.join(', ')}` });
  }
  if (complete || v.project !== undefined) {
    if (v.project !== 'linux' && v.project !== 'passt')
      out.push({ path: `${path}.project`, message: "project must be 'linux' or 'passt'" });
  }
  if (v.struct !== undefined && (typeof v.struct !== 'string' || !IDENT.test(v.struct)))
    out.push({ path: `${path}.struct`, message: 'struct must be a C identifier' });
  if (complete || v.summary !== undefined)
    checkStatement(v.summary, `${path}.summary`, strict, out);
  if (v.units !== undefined && !(UNITS as readonly unknown[]).includes(v.units))
    out.push({ path: `${path}.units`, message: `units must be one of ${UNITS.join(', ')}` });
  if (v.sysctl !== undefined) {
    const s = v.sysctl;
    const p = `${path}.sysctl`;
    if (!isObj(s)) out.push({ path: p, message: 'sysctl must be an object' });
    else {
      checkKeys(s, ['path', 'default', 'range', 'perNetns'], p, out);
      if (typeof s.path !== 'string' || !/^net\.[a-z0-9_.]+$/.test(s.path))
        out.push({ path: `${p}.path`, message: 'path must look like net.ipv4.tcp_wmem' });
      if (!nonEmptyString(s.default))
        out.push({ path: `${p}.default`, message: 'default is required' });
      if (s.range !== undefined && !nonEmptyString(s.range))
        out.push({ path: `${p}.range`, message: 'range must be a non-empty string' });
      if (typeof s.perNetns !== 'boolean')
        out.push({ path: `${p}.perNetns`, message: 'perNetns must be true or false' });
    }
  }
  if (strict && v.kind === 'sysctl' && v.sysctl === undefined)
    out.push({ path: `${path}.sysctl`, message: 'a sysctl entry needs its default and range' });
  checkArray(v.pitfalls, `${path}.pitfalls`, out, (x, p) => checkStatement(x, p, strict, out));
  checkArray(v.history, `${path}.history`, out, (x, p) => {
    if (!isObj(x)) {
      out.push({ path: p, message: 'a history item must be an object {version, text, cite}' });
      return;
    }
    checkKeys(x, ['version', 'approx', 'text', 'cite'], p, out);
    if (!nonEmptyString(x.version))
      out.push({ path: `${p}.version`, message: 'version is required' });
    if (x.approx !== undefined && typeof x.approx !== 'boolean')
      out.push({ path: `${p}.approx`, message: 'approx must be true or false' });
    if (!nonEmptyString(x.text)) out.push({ path: `${p}.text`, message: 'text must not be empty' });
    checkCites(x.cite, `${p}.cite`, strict, out);
  });
  if (v.model !== undefined) {
    const m = v.model;
    const p = `${path}.model`;
    if (!isObj(m))
      out.push({ path: p, message: 'model must be an object {model, scenario, label}' });
    else {
      checkKeys(m, ['model', 'scenario', 'label'], p, out);
      for (const k of ['model', 'scenario', 'label'] as const)
        if (!nonEmptyString(m[k])) out.push({ path: `${p}.${k}`, message: `${k} is required` });
    }
  }
  checkArray(v.lookup, `${path}.lookup`, out, (x, p) => {
    if (!isObj(x)) {
      out.push({ path: p, message: 'a lookup must be an object {name, as, struct?}' });
      return;
    }
    checkKeys(x, ['name', 'as', 'struct'], p, out);
    if (typeof x.name !== 'string' || !IDENT.test(x.name))
      out.push({ path: `${p}.name`, message: 'name must be a C identifier' });
    if (x.as !== 'field' && x.as !== 'symbol')
      out.push({ path: `${p}.as`, message: "as must be 'field' or 'symbol'" });
    if (x.struct !== undefined && (typeof x.struct !== 'string' || !IDENT.test(x.struct)))
      out.push({ path: `${p}.struct`, message: 'struct must be a C identifier' });
  });
  checkArray(v.seeAlso, `${path}.seeAlso`, out, (x, p) => {
    if (typeof x !== 'string' || !IDENT.test(x))
      out.push({ path: p, message: 'seeAlso lists entry ids' });
  });
  return out;
}

/** Every name an entry answers to. */
export function namesOf(e: Pick<KnowledgeEntry, 'id' | 'aliases'>): string[] {
  return [e.id, ...(e.aliases ?? [])];
}

/** Every citation of an entry, in reading order. */
export function citationsOf(e: KnowledgeEntry): Citation[] {
  return [
    ...e.summary.cite,
    ...(e.pitfalls ?? []).flatMap((s) => s.cite),
    ...(e.history ?? []).flatMap((h) => h.cite),
  ];
}
