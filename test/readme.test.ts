// The README is the admin's reference: every comment id the engine can emit must be explained there,
// and the two newcomer commands CI runs must be present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RULES } from '../shared/engine/rules/index.ts';

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

test('the README layout lists every source folder, and only folders that exist', () => {
  const block = /<!-- layout -->\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README.md has a layout block after <!-- layout -->');
  const listed = block.split('\n').filter(Boolean).map((line) => line.split(/\s+/)[0]!);
  const root = join(import.meta.dirname, '..');
  for (const folder of listed) assert.ok(existsSync(join(root, folder)), `README lists ${folder}, which does not exist`);
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n');
  const folders = new Set(tracked.filter((file) => /^(shared|electron|renderer|web|cli|scripts|test|build|docs)\//.test(file)).map((file) => `${dirname(file)}/`));
  const missing = [...folders].filter((folder) => !listed.includes(folder)).sort();
  assert.deepEqual(missing, [], 'folders missing from the README layout');
});

test('the README names the Node version Electron installs cleanly with, and how to stop npm start', () => {
  // The engines field of the Electron actually installed: the README must not promise less.
  const electron = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'node_modules', 'electron', 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const wanted = /(\d+\.\d+)/.exec(electron.engines?.node ?? '')?.[1];
  assert.ok(wanted, 'electron declares a Node version');
  const start = readme.slice(readme.indexOf('## Start here'), readme.indexOf('## What it does'));
  assert.match(start, new RegExp(`Node\\.js ${wanted.replace('.', '\\.')} or later: \`npm ci\` then installs without warnings`));
  assert.match(start, /Node\.js 20 .*works for the command line.*EBADENGINE/s);
  assert.doesNotMatch(start, /Node\.js 20 or later\. Install/, 'Node 20 is not the clean-install version');
  assert.match(start, /press Ctrl\+C in the terminal where `npm start` runs/);
});

test('the command-line section documents --fail-on, because it sets the exit status', () => {
  const cli = readme.slice(readme.indexOf('## The command line'), readme.indexOf('## The browser harness'));
  assert.match(cli, /`--fail-on error\\\|warning\\\|never`/);
  assert.match(cli, /\| 1 \| an endpoint was not reached.*default `--fail-on error`, any error comment/);
});
