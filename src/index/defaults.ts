// What a tree's index takes by default: the files it walks, the size limit, symlinks. These are also
// the defaults of the sklens.index.* settings (src/config.ts builds its table from them), and
// package.json declares the same values (test/unit/commands.test.ts checks), so the CLI, the
// tests and the extension index the same files.

export const DEFAULT_INCLUDE: readonly string[] = ['**/*.c', '**/*.h'];
/** Never C sources a user wants indexed: VCS and tool folders, and the kernel's docs. */
export const DEFAULT_EXCLUDE: readonly string[] = [
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/node_modules/**',
  '**/.cache/**',
  '**/.vscode-test/**',
  'Documentation/**',
];
/** Larger files are skipped: generated tables, amalgamations. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Symlinked folders and files are indexed (as VS Code's search.followSymlinks). */
export const DEFAULT_FOLLOW_SYMLINKS = true;
