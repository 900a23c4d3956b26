import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { affects, Config, DEFAULTS, INDEX_SETTINGS, type ConfigSource } from '../../src/config';

function source(values: Record<string, unknown>): ConfigSource {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test('unset settings read as their defaults', () => {
  const c = new Config(source({}));
  assert.deepEqual(c.indexInclude, DEFAULTS['index.include']);
  assert.equal(c.deferToLanguageServer, 'auto');
  assert.equal(c.reparseDelayMs, 100);
  assert.equal(c.slowTaskMs, 50);
});

test('valid user values are used', () => {
  const c = new Config(
    source({
      'index.exclude': ['**/drivers/**'],
      'navigation.deferToLanguageServer': 'never',
      'index.reparseDelayMs': 250,
      'index.maxFileSizeBytes': 1024,
    }),
  );
  assert.deepEqual(c.indexExclude, ['**/drivers/**']);
  assert.equal(c.deferToLanguageServer, 'never');
  assert.equal(c.reparseDelayMs, 250);
  assert.equal(c.maxFileSizeBytes, 1024);
});

test('malformed values from settings.json fall back to the default instead of leaking through', () => {
  const c = new Config(
    source({
      'index.include': 'not-an-array',
      'index.exclude': [1, 2],
      'navigation.deferToLanguageServer': 'sometimes',
      'index.reparseDelayMs': -5,
      'index.workerThreads': Number.NaN,
      'workspaceSymbols.maxResults': '12',
    }),
  );
  assert.deepEqual(c.indexInclude, DEFAULTS['index.include']);
  assert.deepEqual(c.indexExclude, DEFAULTS['index.exclude']);
  assert.equal(c.deferToLanguageServer, 'auto');
  assert.equal(c.reparseDelayMs, 100);
  assert.equal(c.workerThreads, 0);
  assert.equal(c.workspaceSymbolsMaxResults, 256);
});

test('affects() matches full setting names only', () => {
  const changed = new Set(['sklens.index.exclude', 'sklens.index', 'sklens']);
  const e = { affectsConfiguration: (s: string) => changed.has(s) };
  assert.equal(affects(e, INDEX_SETTINGS), true);
  assert.equal(affects(e, ['navigation.deferToLanguageServer']), false);
});
