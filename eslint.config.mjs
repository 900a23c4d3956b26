// ESLint flat config: typescript-eslint recommended, and the layering enforced with
// no-restricted-imports: the core folders and the files that say so never import `vscode`;
// the core never imports the host layers (services, features, panels, cli); services never
// import features or panels. One rule entry per file group (a later entry for the same rule
// replaces an earlier one in flat config, so each group lists everything it forbids).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_VSCODE = {
  name: 'vscode',
  message: 'This file runs outside VS Code (the CLI, a worker thread, the tests or a webview).',
};

/** Imports of the named src folders, from anywhere in the tree. */
function folders(names, message) {
  return { group: names.flatMap((n) => [`**/${n}/*`, `**/src/${n}`]), message };
}

const CORE_UP = folders(
  ['services', 'features', 'panels', 'cli'],
  'src/parse, index, graph, model, knowledge and protocol are the core: they do not depend on the host layers.',
);
const WEBVIEW_UP = folders(
  ['services', 'features', 'panels', 'cli'],
  'The webview bundles run in the panel: they import only src/model, src/protocol and webview/.',
);
const SERVICES_UP = folders(
  ['features', 'panels'],
  'src/services sits under features and panels: move what both need into services or the core.',
);

function restrict({ vscode, patterns }) {
  return {
    'no-restricted-imports': ['error', { paths: vscode ? [NO_VSCODE] : [], patterns }],
  };
}

/** Files outside the core folders that run without VS Code (they say so in their header). */
const SERVICES_WITHOUT_VSCODE = [
  'src/services/changeBatcher.ts',
  'src/services/claimWorker.ts',
  'src/services/claimWorkerClient.ts',
  'src/services/claimWorkerProtocol.ts',
  'src/services/debouncer.ts',
  'src/services/docWorker.ts',
  'src/services/docWorkerClient.ts',
  'src/services/docWorkerProtocol.ts',
  'src/services/engine.ts',
  'src/services/hostTimer.ts',
  'src/services/indexState.ts',
  'src/services/problemSummary.ts',
  'src/services/selector.ts',
  'src/services/workspaceEngine.ts',
];
const FEATURES_WITHOUT_VSCODE = ['src/features/navQueries.ts'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.cache/',
      'grammars/',
      'test-results/',
      '.e2e/',
      '**/*.js',
      '!eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: [
      'src/parse/**',
      'src/index/**',
      'src/graph/**',
      'src/model/**',
      'src/knowledge/**',
      'src/protocol/**',
    ],
    rules: restrict({ vscode: true, patterns: [CORE_UP] }),
  },
  { files: ['webview/**'], rules: restrict({ vscode: true, patterns: [WEBVIEW_UP] }) },
  { files: ['src/services/**'], rules: restrict({ vscode: false, patterns: [SERVICES_UP] }) },
  {
    files: SERVICES_WITHOUT_VSCODE,
    rules: restrict({ vscode: true, patterns: [SERVICES_UP] }),
  },
  { files: FEATURES_WITHOUT_VSCODE, rules: restrict({ vscode: true, patterns: [] }) },
  {
    files: ['scripts/**/*.mjs', 'esbuild.mjs'],
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
);
