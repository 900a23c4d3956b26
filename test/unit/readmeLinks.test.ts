// The README becomes the extension's page in the .vsix, and `vsce package` refuses relative
// links when package.json names no repository ("The link 'docs/models.md' will be broken"),
// which stops the e2e setup and `npm start`. Keep every link in it absolute.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

test('README.md has no relative Markdown links (vsce package would refuse them)', () => {
  const text = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const relative = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^(https?:|mailto:|#)/.test(href));
  assert.deepEqual(relative, []);
});
