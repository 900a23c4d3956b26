// Calls and plain references of a name, per file, memoised on the FileFacts object. The index
// keys calls and references by file, not by name (CodeIndex.references() scans every file's
// references on each query, ~40 ms on net/); a hover needs only the counts of one name, so each
// file's facts are grouped by name once and reused until the index replaces that file's facts
// (a reparse yields a new FileFacts object, which the WeakMap simply does not know yet).
import type { CodeIndex } from '../index/api';
import type { FileFacts, Span } from '../index/facts';

export interface NameUses {
  calls: Span[];
  refs: Span[];
}

const memo = new WeakMap<FileFacts, Map<string, NameUses>>();

function byName(f: FileFacts): Map<string, NameUses> {
  let m = memo.get(f);
  if (m) return m;
  m = new Map();
  const get = (name: string): NameUses => {
    let u = (m as Map<string, NameUses>).get(name);
    if (!u) (m as Map<string, NameUses>).set(name, (u = { calls: [], refs: [] }));
    return u;
  };
  // Calls through ops tables name a struct member (`->sendmsg`), not the identifier itself.
  for (const c of f.calls) if (c.via.kind !== 'ops') get(c.callee).calls.push(c.span);
  for (const r of f.refs) get(r.name).refs.push(r.span);
  memo.set(f, m);
  return m;
}

/** Calls and non-call references of `name` in every indexed file. */
export function* usesOf(
  index: CodeIndex,
  name: string,
): Generator<{ file: string; uses: NameUses }> {
  for (const file of index.files()) {
    const f = index.facts(file);
    if (!f) continue;
    const uses = byName(f).get(name);
    if (uses) yield { file, uses };
  }
}
