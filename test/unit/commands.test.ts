// The command table (src/commands.ts), the settings (src/config.ts) and package.json must agree:
// a command registered but not contributed is invisible; one contributed but not registered
// fails when clicked.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { allCommands, CATEGORY } from '../../src/commands';
import { DEFAULTS, SECTION } from '../../src/config';

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

test('every typed setting is declared in package.json with the same default', () => {
  const props = manifest.contributes.configuration.properties;
  for (const [key, def] of Object.entries(DEFAULTS)) {
    const p = props[`${SECTION}.${key}`];
    assert.ok(p, `${SECTION}.${key} missing from contributes.configuration`);
    assert.deepEqual(p.default, def, `${SECTION}.${key} default`);
  }
  assert.deepEqual(props['sklens.navigation.deferToLanguageServer']?.enum, [
    'auto',
    'always',
    'never',
  ]);
});
