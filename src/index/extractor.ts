// The per-file extraction step shared by the worker threads and the in-process paths (open
// documents, tests): bytes on disk -> FileFacts, with the size/binary checks, the content hash
// and a caught failure turning into a `problems` entry instead of a lost index.
import { createHash } from 'node:crypto';
import { TreeCache } from '../parse/treeCache';
import { createParser } from '../parse/treeSitter';
import { collect, CollectMemos, extractFacts } from './extract';
import { emptyFacts, type FileFacts } from './facts';

/** Facts of one file's content (bytes on disk, or an open document's text); `path` is root-relative. */
export type Extractor = (path: string, content: Uint8Array | string) => FileFacts;

/** The production extractor: tree-sitter-c plus src/index/extract.ts, one parser per thread. */
export async function createExtractor(): Promise<Extractor> {
  const parser = await createParser();
  return (path, content) => extractFacts(path, content, parser);
}

/**
 * Facts of an open document at a version: reparsed incrementally from the document's previous
 * tree (src/parse/treeCache.ts), so a keystroke in a 4,000-line file costs a few milliseconds.
 * Returns undefined when the parse hit its time bound (the caller keeps the previous facts).
 */
export type DocumentExtractor = {
  update(path: string, version: number, text: string): FileFacts | undefined;
  close(path: string): void;
  dispose(): void;
};

export async function createDocumentExtractor(): Promise<DocumentExtractor> {
  const parser = await createParser();
  const trees = new TreeCache(parser);
  const memos = new CollectMemos();
  return {
    update(path, version, text) {
      const tree = trees.update(path, version, text);
      if (tree === null) return undefined;
      const f = emptyFacts(path, Buffer.byteLength(text), 0, '');
      collect(f, text, tree.rootNode, parser, memos.get(path));
      return f;
    },
    close: (path) => {
      trees.delete(path);
      memos.delete(path);
    },
    dispose: () => {
      trees.dispose();
      memos.clear();
    },
  };
}

/** Content hash stored per file in the cache (hex). */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** Git's heuristic: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

export function factsFromBytes(
  path: string,
  bytes: Uint8Array,
  mtimeMs: number,
  maxFileBytes: number,
  extract: Extractor,
): FileFacts {
  const hash = contentHash(bytes);
  const skip = (reason: string): FileFacts => {
    const f = emptyFacts(path, bytes.length, mtimeMs, hash);
    f.problems.push(reason);
    return f;
  };
  if (bytes.length > maxFileBytes) {
    return skip(`skipped: ${bytes.length} bytes is over the limit of ${maxFileBytes} bytes`);
  }
  if (looksBinary(bytes)) return skip('skipped: binary file (NUL byte in the first 8000 bytes)');
  let f: FileFacts;
  try {
    f = extract(path, bytes);
  } catch (e) {
    return skip(`extraction failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  f.path = path;
  f.size = bytes.length;
  f.mtimeMs = mtimeMs;
  f.hash = hash;
  return f;
}
