// The claim checker split across threads: the side holding the text (the extension's claim
// worker) extracts and classifies; the side holding the index (the extension host) answers
// small queries, each bounded: the relations of at most RELATIONS_PER_QUERY names, or the next
// NAMES_PER_QUERY function names. The classification is checkClaims (claims.ts), run on the
// answers, so results equal checkDocument's.
import type { CodeIndex } from '../index/api';
import {
  checkClaims,
  existsIn,
  relationOf,
  successorNames,
  SuccessorCandidates,
  type CheckedClaim,
  type ClaimEdge,
  type ClaimGraph,
  type ClaimKind,
  type ExtractedClaim,
} from './claims';

export const RELATIONS_PER_QUERY = 64;
export const NAMES_PER_QUERY = 5000;

export type ClaimQuery =
  | { type: 'relations'; items: { name: string; kind: ClaimKind }[] }
  | { type: 'functionNames'; after: number };

export interface RelationFacts {
  exists: boolean;
  names: string[];
  edges: ClaimEdge[];
}

export type ClaimAnswer =
  | { type: 'relations'; items: RelationFacts[] }
  | { type: 'functionNames'; names: string[]; done: boolean };

const keyOf = (name: string, kind: ClaimKind): string => `${kind}\0${name}`;

/** Yields the queries the claims need, takes their answers, returns the checked claims. */
export function* checkClaimsByQueries(
  claims: ExtractedClaim[],
): Generator<ClaimQuery, CheckedClaim[], ClaimAnswer> {
  const facts = new Map<string, RelationFacts>();
  function* fetch(
    items: { name: string; kind: ClaimKind }[],
  ): Generator<ClaimQuery, void, ClaimAnswer> {
    const todo = items.filter((i) => !facts.has(keyOf(i.name, i.kind)));
    const unique = [...new Map(todo.map((i) => [keyOf(i.name, i.kind), i])).values()];
    for (let k = 0; k < unique.length; k += RELATIONS_PER_QUERY) {
      const chunk = unique.slice(k, k + RELATIONS_PER_QUERY);
      const a = yield { type: 'relations', items: chunk };
      if (a.type !== 'relations' || a.items.length !== chunk.length)
        throw new Error('claim query: relations answer does not match its query');
      chunk.forEach((i, j) => facts.set(keyOf(i.name, i.kind), a.items[j]!));
    }
  }
  yield* fetch(claims.map((c) => ({ name: c.subject, kind: c.kind })));
  const gone = claims.filter((c) => !facts.get(keyOf(c.subject, c.kind))!.exists);
  const names: string[] = [];
  if (gone.length > 0) {
    for (;;) {
      const a = yield { type: 'functionNames', after: names.length };
      if (a.type !== 'functionNames') throw new Error('claim query: expected function names');
      names.push(...a.names);
      if (a.done) break;
    }
    const cands = new SuccessorCandidates(names);
    yield* fetch(
      gone.flatMap((c) => successorNames(c.subject, cands).map((name) => ({ name, kind: c.kind }))),
    );
  }
  const get = (name: string, kind: ClaimKind): RelationFacts => {
    const f = facts.get(keyOf(name, kind));
    if (!f) throw new Error(`claim query: no answer for ${name}`);
    return f;
  };
  const graph: ClaimGraph = {
    // A subject's existence does not depend on the kind it was asked with.
    exists: (fn) => [...KINDS].some((k) => facts.get(keyOf(fn, k))?.exists === true),
    relation: (fn, kind) => get(fn, kind),
    functionNames: () => names,
  };
  return checkClaims(graph, claims);
}

const KINDS: readonly ClaimKind[] = ['called_by', 'only_called_by', 'calls'];

/**
 * The index side: answers one query with bounded work. Function names come from one iterator
 * kept across queries, so paging costs one step per name in all.
 */
export class ClaimQueryAnswerer {
  private names: Iterator<{ item: { name: string } }> | undefined;
  private sent = 0;

  constructor(private readonly index: CodeIndex) {}

  answer(q: ClaimQuery): ClaimAnswer {
    if (q.type === 'relations') {
      return {
        type: 'relations',
        items: q.items.slice(0, RELATIONS_PER_QUERY).map(({ name, kind }) => ({
          exists: existsIn(this.index, name),
          ...relationOf(this.index, name, kind),
        })),
      };
    }
    if (!this.names || q.after !== this.sent) {
      this.names = this.index.allFunctions()[Symbol.iterator]();
      this.sent = 0;
      for (let i = 0; i < q.after && !this.names.next().done; i++) this.sent++;
    }
    const out: string[] = [];
    let done = false;
    while (out.length < NAMES_PER_QUERY) {
      const r = this.names.next();
      if (r.done) {
        done = true;
        break;
      }
      out.push(r.value.item.name);
    }
    this.sent += out.length;
    return { type: 'functionNames', names: out, done };
  }
}

/** Runs the query protocol in one thread (tests; equal to checkDocument). */
export function checkClaimsWith(
  index: CodeIndex,
  claims: ExtractedClaim[],
  host: Pick<ClaimQueryAnswerer, 'answer'> = new ClaimQueryAnswerer(index),
): CheckedClaim[] {
  const gen = checkClaimsByQueries(claims);
  let r = gen.next(undefined as unknown as ClaimAnswer);
  while (!r.done) r = gen.next(host.answer(r.value));
  return r.value;
}
