// The options a test builds a WorkspaceEngine with: every C file, one worker, no callbacks.
import type { BuildOptions } from '../../../src/services/engine';

export function engineOptions(extra: Partial<BuildOptions> = {}): BuildOptions {
  return {
    include: ['**/*.c'],
    exclude: [],
    maxFileSizeBytes: 1 << 20,
    followSymlinks: true,
    workerThreads: 1,
    signal: new AbortController().signal,
    onProgress: () => {},
    onProblem: () => {},
    ...extra,
  };
}
