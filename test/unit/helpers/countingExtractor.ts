// The line-language test extractor (lineExtractor.ts), counting its calls across worker
// threads: each extraction appends the file's path to the file named by
// SKLENS_TEST_EXTRACT_LOG (workers inherit the environment), so a test can tell how many files
// were really re-extracted, independently of what the index reports.
import { openSync, writeSync } from 'node:fs';
import { extractLines } from './lineExtractor';

export async function createExtractor(): Promise<typeof extractLines> {
  const log = process.env.SKLENS_TEST_EXTRACT_LOG;
  // One O_APPEND descriptor per thread: each line is one write, so threads do not interleave.
  const fd = log ? openSync(log, 'a') : undefined;
  return (path, content) => {
    if (fd !== undefined) writeSync(fd, `${path}\n`);
    return extractLines(path, content);
  };
}
