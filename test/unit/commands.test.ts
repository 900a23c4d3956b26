// The command table (src/commands.ts), the settings (src/config.ts) and package.json must agree:
// a command registered but not contributed is invisible; one contributed but not registered
// fails when clicked.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { allCommands, CATEGORY } from '../../src/commands';
import { DEFAULTS, SECTION } from '../../src/config';
import {
  DEFAULT_EXCLUDE,
  DEFAULT_FOLLOW_SYMLINKS,
  DEFAULT_INCLUDE,
  DEFAULT_MAX_FILE_BYTES,
} from '../../src/index/defaults';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus?: Record<string, { command: string }[]>;
    configuration: { properties: Record<string, { default?: unknown; enum?: string[] }> };
  };
}

const manifest = JSON.parse(
  readFileSync(join(__dirname, '../../package.json'), 'utf8'),
) as Manifest;

test('every command in the table is contributed in package.json with the same title', () => {
  const contributed = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
  for (const spec of allCommands()) {
    const c = contributed.get(spec.id);
    assert.ok(c, `${spec.id} missing from package.json contributes.commands`);
    assert.equal(c.title, spec.title, `${spec.id} title`);
    assert.equal(c.category, CATEGORY, `${spec.id} category`);
  }
});

test('every contributed command is in the table', () => {
  const ids = new Set(allCommands().map((c) => c.id));
  for (const c of manifest.contributes.commands) {
    assert.ok(ids.has(c.command), `${c.command} contributed but not in src/commands.ts`);
  }
});

test('command ids are unique and menus only name known commands', () => {
  const ids = allCommands().map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  const known = new Set(ids);
  for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
    for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
  }
});

test('package.json declares exactly the typed settings, with the same defaults', () => {
  const props = manifest.contributes.configuration.properties;
  const declared = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, p.default]));
  const typed = Object.fromEntries(
    Object.entries(DEFAULTS).map(([k, def]) => [`${SECTION}.${k}`, def]),
  );
  assert.deepEqual(declared, typed);
  assert.deepEqual(props['sklens.navigation.deferToLanguageServer']?.enum, [
    'auto',
    'always',
    'never',
  ]);
});

test("the index's defaults are the settings' defaults", () => {
  assert.deepEqual(DEFAULTS['index.include'], DEFAULT_INCLUDE);
  assert.deepEqual(DEFAULTS['index.exclude'], DEFAULT_EXCLUDE);
  assert.equal(DEFAULTS['index.maxFileSizeBytes'], DEFAULT_MAX_FILE_BYTES);
  assert.equal(DEFAULTS['index.followSymlinks'], DEFAULT_FOLLOW_SYMLINKS);
});
