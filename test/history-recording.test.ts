// Recording by default (shared/history/recording.ts): every run the wrapped engine does is written in
// batches, the app's setting turns it off, a broken history never fails the check, and the real CLI
// killed mid-way through a 500-endpoint recorded run leaves a file that opens whole with what it wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { runChecks } from '../shared/engine/pipeline.ts';
import type { CheckRequest } from '../shared/types.ts';
import { recordingEngine, writeHistorySettings } from '../shared/history/recording.ts';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { syntheticResult } from './helpers/history-fixtures.ts';
import { startDnsServer, startSilentServer } from './helpers/servers.ts';

const REQUEST: CheckRequest = { targets: [], options: { dnsServer: null, testPool: true, timeoutMs: 1000 } };

/** A stand-in engine that yields `count` results, a few milliseconds apart. */
function fakeEngine(count: number): typeof runChecks {
  return async (_request, hooks = {}) => {
    const results = Array.from({ length: count }, (_, i) => syntheticResult(i));
    for (const result of results) {
      hooks.onResult?.(result);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return results;
  };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-recording-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function recordedRuns(dataDir: string) {
  const store = HistoryStore.open(historyPath(dataDir));
  try {
    return { runs: store.runs(), integrity: store.integrityCheck() };
  } finally {
    store.close();
  }
}

test('every run of the wrapped engine is recorded, whole and finished, and its results still reach the caller', async (t) => {
  const dataDir = tempDir(t);
  const seen: string[] = [];
  const engine = recordingEngine(fakeEngine(60), { dataDir, source: 'app', warn: (m) => assert.fail(m) });
  const results = await engine(REQUEST, { onResult: (r) => seen.push(r.host) });
  assert.equal(results.length, 60);
  assert.equal(seen.length, 60);
  const { runs, integrity } = recordedRuns(dataDir);
  assert.equal(integrity, 'ok');
  assert.deepEqual(runs.map((r) => [r.source, r.endpoints, r.finished !== null]), [['app', 60, true]]);
});

test("the app's setting turns recording off; a history that cannot be written does not fail the check", async (t) => {
  const dataDir = tempDir(t);
  writeHistorySettings(dataDir, { record: false, retention: { maxDays: 400, maxRuns: null } });
  assert.equal((await recordingEngine(fakeEngine(3), { dataDir, source: 'app' })(REQUEST)).length, 3);
  assert.equal(recordedRuns(dataDir).runs.length, 0);

  const notADatabase = tempDir(t);
  writeFileSync(historyPath(notADatabase), 'this is not SQLite '.repeat(100));
  const warnings: string[] = [];
  const results = await recordingEngine(fakeEngine(3), { dataDir: notADatabase, source: 'app', warn: (m) => warnings.push(m) })(REQUEST);
  assert.equal(results.length, 3);
  assert.match(warnings.join('\n'), /History not recorded: The history database .* cannot be read/);
});

test('the CLI killed during a 500-endpoint recorded run leaves a file that passes integrity_check and keeps what it had written', async (t) => {
  const dataDir = tempDir(t);
  const silent = await startSilentServer('127.0.0.1');
  t.after(() => silent.close());
  const names = Array.from({ length: 500 }, (_, i) => `h${i}.kill.test`);
  const dns = await startDnsServer({ records: { a: Object.fromEntries(names.map((name) => [name, ['127.0.0.1']])) } });
  t.after(() => dns.close());
  const list = join(dataDir, 'list.csv');
  writeFileSync(list, `Domain,Type,Port\r\n${names.map((name) => `${name},DIR,${silent.port}`).join('\r\n')}\r\n`);
  const cli = join(import.meta.dirname, '..', 'cli', 'main.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, 'check', '--import', list, '--record', '--data-dir', dataDir, '--dns-server', dns.address, '--timeout', '150', '--concurrency', '8', '--offline', '--json'],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  t.after(() => void child.kill('SIGKILL'));

  // Wait (bounded) until some endpoints are on disk, then kill it mid-run.
  let written = 0;
  const deadline = Date.now() + 120_000;
  while (written < 40 && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    try {
      written = recordedRuns(dataDir).runs[0]?.endpoints ?? 0;
    } catch {
      // Not created yet.
    }
  }
  assert.equal(child.exitCode, null, 'the run was still going when killed');
  child.kill('SIGKILL');
  await exited;

  const { runs, integrity } = recordedRuns(dataDir);
  assert.equal(integrity, 'ok');
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.finished, null, 'a killed run is not marked finished');
  assert.ok(runs[0]!.endpoints >= written && runs[0]!.endpoints < 500, `${runs[0]!.endpoints} endpoints kept, ${written} seen written before the kill`);
});
