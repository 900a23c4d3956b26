// The query commands' fast path: an answer read in place from the tree's on-disk index store
// (src/index/store), without walking or loading the tree, as `cscope -d` answers from its
// database. The answer is used only if it holds: the store is for this tree, extractor and
// walk, and every file the answer read (the files it names and those consulted to resolve
// it) still has the size and mtime the store recorded. `--check` also compares the whole tree
// first (new, changed and deleted files anywhere). Otherwise the caller indexes the tree,
// which rewrites the store. A damaged store is said in one line and never answers.
import type { CodeIndex } from '../index/api';
import { StoreError } from '../index/store/format';
import { StoreReader } from '../index/store/reader';
import { changedOnDisk, sameWalk, storeFileFor, treeChanges } from '../index/storeIndex';
import { extractorFingerprint, walkKeyOf } from '../index/workspaceIndex';
import { UsageError, type CliIo } from './command';
import type { QueryArgs } from './indexCommands';

/** What the query commands ask of an index: the workspace index and the store both answer. */
export type QuerySource = Pick<
  CodeIndex,
  'callersOf' | 'calleesOf' | 'functionDefs' | 'fieldAccesses' | 'allFunctions'
>;

/** A query command's answer, as the text it prints; a UsageError for an unknown name. */
export type QueryAnswer = (src: QuerySource, q: QueryArgs) => string;

/** The answer from the store, or undefined when there is no store or it does not hold. */
export async function answerFromStore(
  q: QueryArgs,
  io: CliIo,
  answer: QueryAnswer,
): Promise<string | undefined> {
  const cacheDir = q.options.cacheDir;
  if (cacheDir === null) return undefined;
  let store: StoreReader;
  try {
    store = StoreReader.open(storeFileFor(cacheDir, q.root), {
      root: q.root,
      fingerprint: extractorFingerprint(),
    });
  } catch (e) {
    if (e instanceof StoreError) return undefined; // none yet, or of another build: rebuilt
    throw e;
  }
  try {
    const walk = walkKeyOf(q.options);
    if (!sameWalk(store.header.walk, walk)) return undefined;
    if (q.check) {
      const d = await treeChanges(q.root, store, walk);
      if (d.changed.length + d.added.length + d.removed.length > 0) return undefined;
    }
    let text = '';
    let unknown: UsageError | undefined;
    try {
      text = answer(store, q);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      unknown = e;
    }
    if (changedOnDisk(q.root, store.filesRead()).length > 0) return undefined;
    if (unknown) throw unknown;
    return text;
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    io.err(`sklens: index store not used (${e.message}); indexing the tree\n`);
    return undefined;
  } finally {
    store.close();
  }
}
