// ESLint flat config: typescript-eslint recommended, with the core folders kept free of `vscode`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const coreNoVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'vscode',
          message: 'src/parse, index, graph, model, knowledge and protocol run outside VS Code.',
        },
      ],
    },
  ],
};

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
      'webview/**',
    ],
    rules: coreNoVscode,
  },
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
