// The README is the admin's reference: every comment id the engine can emit must be explained there,
// and the two newcomer commands CI runs must be present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../shared/rules.ts';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

test('every comment rule id is explained in the README', () => {
  const missing = RULES.map((rule) => rule.id).filter((id) => !readme.includes(`| \`${id}\` |`));
  assert.deepEqual(missing, []);
});

test('the README starts with the run and test commands', () => {
  for (const marker of ['<!-- run-command -->', '<!-- test-command -->']) {
    const after = readme.slice(readme.indexOf(marker));
    assert.ok(readme.indexOf(marker) > 0 && readme.indexOf(marker) < 2000, `${marker} near the top`);
    assert.match(after, /```\nnpm ci && npm (start|test)\n```/);
  }
});
