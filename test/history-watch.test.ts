// Watch mode's loop (shared/history/watch.ts) with a canned check in place of the engine: every run is
// recorded, each run's changes are handed on, and the loop stops when told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { watch } from '../shared/history/watch.ts';
import type { ChangeRecord } from '../shared/history/changes.ts';
import { endpointResult, leafCert } from './helpers/history-fixtures.ts';

test('watch records each run and reports what each one changed, then stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-history-watch-'));
  const store = HistoryStore.open(historyPath(dir));
  try {
    const certificates = [leafCert('first'), leafCert('first'), leafCert('second')];
    const reports: { runId: number; endpoints: number; changes: ChangeRecord[] }[] = [];
    const runs = await watch({
      store,
      source: 'partners.csv',
      intervalMs: 10,
      maxRuns: 3,
      signal: new AbortController().signal,
      check: async (record) => record(endpointResult({ target: 'contoso.com', type: 'FED', checkedAt: new Date().toISOString() }, certificates[reports.length]!)),
      onRun: (run) => reports.push(run),
    });
    assert.equal(runs, 3);
    assert.deepEqual(reports.map((r) => [r.runId, r.endpoints, r.changes.map((c) => c.kind)]), [
      [1, 1, []],
      [2, 1, []],
      [3, 1, ['certificate-changed']],
    ]);
    assert.ok(store.runs().every((run) => run.finished !== null && run.source === 'partners.csv'));
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stop during a run leaves that run unfinished and reports nothing for it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-history-watch-'));
  const store = HistoryStore.open(historyPath(dir));
  try {
    const stop = new AbortController();
    const reported: number[] = [];
    const runs = await watch({
      store,
      source: 'manual',
      intervalMs: 60_000,
      signal: stop.signal,
      check: async (record) => {
        record(endpointResult({}, leafCert('a')));
        stop.abort();
      },
      onRun: (run) => reported.push(run.runId),
    });
    assert.equal(runs, 1);
    assert.deepEqual(reported, []);
    assert.deepEqual(store.runs().map((run) => [run.endpoints, run.finished]), [[1, null]]);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
