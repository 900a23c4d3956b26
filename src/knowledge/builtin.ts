// The built-in entries, bundled from ./entries/*.json. Validated once at load: a bad entry is a
// programming error, caught by test/unit/knowledge-schema.test.ts long before it ships.
import passt from './entries/passt.json';
import skb from './entries/skb-and-constants.json';
import sockFields from './entries/sock-fields.json';
import sockopts from './entries/sockopts-ioctls.json';
import sysctls from './entries/sysctls.json';
import tcp from './entries/tcp.json';
import { validateEntry, type KnowledgeEntry, type Problem } from './schema';

/** Each built-in file with its entries, as raw data (what the schema test checks). */
export const BUILTIN_FILES: readonly { file: string; entries: readonly unknown[] }[] = [
  { file: 'sock-fields.json', entries: sockFields },
  { file: 'skb-and-constants.json', entries: skb },
  { file: 'sockopts-ioctls.json', entries: sockopts },
  { file: 'sysctls.json', entries: sysctls },
  { file: 'tcp.json', entries: tcp },
  { file: 'passt.json', entries: passt },
];

/** Problems in the built-in data: schema violations, duplicate names, dangling seeAlso. */
export function checkBuiltins(): Problem[] {
  const out: Problem[] = [];
  const owner = new Map<string, string>();
  const ids = new Set<string>();
  const seeAlso: { path: string; id: string }[] = [];
  for (const { file, entries } of BUILTIN_FILES) {
    entries.forEach((raw, i) => {
      const path = `${file}[${i}]`;
      const problems = validateEntry(raw, path, { mode: 'builtin' });
      out.push(...problems);
      if (problems.length > 0) return;
      const e = raw as KnowledgeEntry;
      ids.add(e.id);
      for (const n of [e.id, ...(e.aliases ?? [])]) {
        const prev = owner.get(n);
        if (prev !== undefined)
          out.push({ path, message: `name '${n}' is already used by ${prev}` });
        else owner.set(n, `${path} (${e.id})`);
      }
      for (const s of e.seeAlso ?? []) seeAlso.push({ path: `${path}.seeAlso`, id: s });
    });
  }
  for (const s of seeAlso)
    if (!ids.has(s.id))
      out.push({ path: s.path, message: `seeAlso names unknown entry '${s.id}'` });
  return out;
}

let cache: readonly KnowledgeEntry[] | undefined;

/** The validated built-in entries; throws if the bundled data is broken. */
export function builtinEntries(): readonly KnowledgeEntry[] {
  if (cache) return cache;
  const problems = checkBuiltins();
  if (problems.length > 0) {
    const first = problems
      .slice(0, 5)
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ');
    throw new Error(`SKLens built-in knowledge is invalid (${problems.length} problems): ${first}`);
  }
  cache = BUILTIN_FILES.flatMap((f) => f.entries as KnowledgeEntry[]);
  return cache;
}
