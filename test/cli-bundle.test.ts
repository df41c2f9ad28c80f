// `npm run cli` runs the built bundle (dist/cli/main.mjs, scripts/cli-bundle.mjs): it must say what the
// TypeScript source says, and be rebuilt when a source it was built from is newer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cliBundleStale, ensureCliBundle } from '../scripts/cli-bundle.mjs';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

test('the bundle and npm run cli print the same help as the TypeScript source', { timeout: 120_000 }, async () => {
  const bundle = await ensureCliBundle();
  assert.equal(cliBundleStale(), false, 'fresh right after ensureCliBundle');
  assert.ok(statSync(bundle).size > 0);
  const run = (args: string[]) => execFileAsync(process.execPath, args, { cwd: repoRoot, timeout: 60_000 }).then((r) => r.stdout);
  const [fromSource, fromBundle, fromLauncher] = await Promise.all([
    run(['--import', 'tsx', 'cli/main.ts', '--help']),
    run([bundle, '--help']),
    run(['scripts/cli.mjs', '--help']),
  ]);
  assert.match(fromSource, /^Usage:/);
  assert.equal(fromBundle, fromSource);
  assert.equal(fromLauncher, fromSource);
});
