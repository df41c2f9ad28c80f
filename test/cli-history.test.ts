// The history through the real CLI: two recorded runs of one list against loopback servers whose
// certificates were swapped between them, then `diff` (text, JSON, CSV read back by Python), `history`,
// `check --record`'s exit status, and `watch` bounded by a tiny interval and a run count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import { watchCommand } from '../cli/history.ts';
import { runChecks } from '../shared/engine/pipeline.ts';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { EXPECTED_CHANGES, startHistoryScenario, type HistoryScenario, pythonCsv } from './helpers/history-scenario.ts';

let scenario: HistoryScenario;
let dataDir: string;
before(async () => {
  scenario = await startHistoryScenario();
  dataDir = mkdtempSync(join(tmpdir(), 'sfb-cli-history-'));
});
after(async () => {
  await scenario.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--data-dir', dataDir], (t) => void (out += t), (t) => void (err += t));
  return { code, out, err };
}

const check = (...extra: string[]) => cli('check', '--import', scenario.listPath, '--dns-server', scenario.dns.address, '--timeout', '3000', '--json', '--fail-on', 'never', ...extra);

const kinds = (changes: { kind: string; target: string; ip: string | null }[]) => changes.map((c) => `${c.kind} ${c.target} ${c.ip}`).sort();

test('two recorded runs with certificates swapped between them: diff, history and check --record tell what changed', async () => {
  const first = await check('--record');
  assert.equal(first.code, 0, first.err); // every endpoint reached, and a first run has nothing to compare with
  assert.match(first.err, /No changes\./);
  assert.equal(JSON.parse(first.out).results.length, 4);

  await scenario.change();
  const second = await check('--record');
  assert.equal(second.code, 3, `new errors (the server taken away) exit 3: ${second.err}`);

  const json = await cli('diff', '--json');
  assert.equal(json.code, 0, json.err);
  assert.deepEqual(kinds(JSON.parse(json.out).changes), EXPECTED_CHANGES);
  const eku = JSON.parse(json.out).changes.find((c: { kind: string }) => c.kind === 'eku-lost');
  assert.equal(eku.from, 'Client Authentication');
  const comments = JSON.parse(json.out).changes.filter((c: { kind: string }) => c.kind === 'comment-new');
  assert.deepEqual(comments.map((c: { to: string; ip: string }) => `${c.to} ${c.ip}`).sort(), ['client-eku-missing 127.0.0.41', 'pool-mismatch 127.0.0.42', 'pool-mismatch 127.0.0.43']);

  const since = await cli('diff', '--since', '1', '--json');
  assert.deepEqual(kinds(JSON.parse(since.out).changes), EXPECTED_CHANGES);
  const text = await cli('diff');
  assert.match(text.out, /Changes in run 2:/);
  assert.match(text.out, /reachability-lost/);

  const csv = await cli('diff', '--csv');
  const csvPath = join(dataDir, 'changes.csv');
  writeFileSync(csvPath, csv.out);
  const rows = pythonCsv(csvPath);
  assert.deepEqual(rows.map((r) => `${r.Change} ${r.Target} ${r['IP Address']}`).sort(), EXPECTED_CHANGES);

  const history = await cli('history', 'pool.contoso.test', '--csv');
  const historyPathCsv = join(dataDir, 'history.csv');
  writeFileSync(historyPathCsv, history.out);
  const entries = pythonCsv(historyPathCsv);
  assert.deepEqual(entries.map((e) => `${e.Run} ${e['IP Address']} ${e.Thumbprint}`), [
    `1 127.0.0.42 ${scenario.certs.pool.thumbprint}`,
    `1 127.0.0.43 ${scenario.certs.pool.thumbprint}`,
    `2 127.0.0.42 ${scenario.certs.pool.thumbprint}`,
    `2 127.0.0.43 ${scenario.certs.poolOther.thumbprint}`,
  ]);

  const off = await check('--no-history');
  assert.notEqual(off.code, 2, off.err);
  const store = HistoryStore.open(historyPath(dataDir));
  try {
    assert.equal(store.runs().length, 2, '--no-history recorded nothing');
    assert.equal(store.integrityCheck(), 'ok');
  } finally {
    store.close();
  }

  // Retention from the command line: keep only the newest run.
  const kept = await check('--keep-runs', '1');
  assert.notEqual(kept.code, 2, kept.err);
  const pruned = HistoryStore.open(historyPath(dataDir));
  try {
    assert.deepEqual(pruned.runs().map((run) => run.id), [3]);
  } finally {
    pruned.close();
  }
});

test('watch records a run every interval, prints each run\'s changes and stops after maxRuns', async () => {
  const watchDir = mkdtempSync(join(tmpdir(), 'sfb-cli-watch-'));
  let out = '';
  try {
    const code = await watchCommand(
      { 'data-dir': watchDir, every: '10ms', json: true },
      {
        request: { targets: [{ input: `127.0.0.42:${scenario.ports.pool}`, type: 'DIR', port: null }], options: { dnsServer: null, testPool: true, timeoutMs: 3000, offline: true } as never },
        source: 'watch-test',
        out: (t) => void (out += t),
        err: () => {},
        signal: new AbortController().signal,
        engine: runChecks,
        maxRuns: 2,
      },
    );
    assert.equal(code, 0);
    assert.equal(out.match(/"changes"/g)?.length, 2);
    const store = HistoryStore.open(historyPath(watchDir));
    try {
      assert.deepEqual(store.runs().map((r) => [r.source, r.endpoints, r.finished !== null]), [['watch-test', 1, true], ['watch-test', 1, true]]);
    } finally {
      store.close();
    }
  } finally {
    rmSync(watchDir, { recursive: true, force: true });
  }
});

test('watch --every refuses a duration it cannot read', async () => {
  const result = await cli('watch', '127.0.0.1', '--every', 'soon');
  assert.equal(result.code, 2);
  assert.match(result.err, /--every/);
});
