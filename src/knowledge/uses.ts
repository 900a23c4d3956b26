// Calls and plain references of a name, per file, for the hovers' counts: answered by the index
// (CodeIndex.nameUses: the call postings of the name, and one pass over the packed reference
// rows comparing a string id), without decoding any file's facts.
import type { CodeIndex } from '../index/api';
import type { Span } from '../index/facts';

export interface NameUses {
  calls: Span[];
  refs: Span[];
}

/** Calls and non-call references of `name` in every indexed file, files in path order. */
export function* usesOf(
  index: CodeIndex,
  name: string,
): Generator<{ file: string; uses: NameUses }> {
  for (const u of index.nameUses(name))
    yield { file: u.file, uses: { calls: u.calls, refs: u.refs } };
}
