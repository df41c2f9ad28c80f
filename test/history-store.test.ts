// The history store end to end, the scenario of issue 16's done-when: two runs of the same list with
// certificates swapped on purpose, the changes found, a CSV export Python reads back, and the same file
// read by processes one after the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EndpointResult } from '../shared/types.ts';
import { changesOfRun, diffCommand, diffSince, historyCommand, latestCommand, latestResults } from '../shared/history/commands.ts';
import { measureRecording } from '../shared/history/bench.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../shared/history/schema.ts';
import { SqliteConnection } from '../shared/history/sqlite.ts';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { endpointResult, leafCert, syntheticResult } from './helpers/history-fixtures.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const WRITER = join(import.meta.dirname, 'helpers', 'history-writer.ts');

/** Runs `work` with a history file in a new temporary data folder, and removes the folder (and closes `store` when given) afterwards. */
function inDataDir(work: (dir: string, path: string, closeLater: (store: { close(): void }) => void) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-history-'));
  const opened: { close(): void }[] = [];
  try {
    work(dir, historyPath(dir), (store) => opened.push(store));
  } finally {
    for (const store of opened) store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const OTHER_ROOT = leafCert('Fabrikam Other Root', { issuer: 'CN=Fabrikam Other Root', isCA: true, selfIssued: true, ekus: null });

/** The list: a FED Edge, a three-member FED pool, a DIR SBC. Run 2 changes what the issue names. */
function runOfList(second: boolean): EndpointResult[] {
  const at = second ? '2026-11-24T08:00:00.000Z' : '2026-11-17T08:00:00.000Z';
  const edge = second
    ? leafCert('sip.contoso.com renewed', { ekus: [SERVER_AUTH], notAfter: '2027-11-30T23:59:59.000Z' })
    : leafCert('sip.contoso.com', { notAfter: '2027-01-31T23:59:59.000Z' });
  const pool = leafCert('sip.fabrikam.com');
  const rebuilt = leafCert('sip.fabrikam.com old', { issuer: 'CN=Fabrikam Other CA', notAfter: '2026-12-20T00:00:00.000Z' });
  const member = (ip: string, poolMember: boolean, leaf = pool, root?: typeof OTHER_ROOT) =>
    endpointResult({ target: 'fabrikam.com', type: 'FED', host: 'sip.fabrikam.com', ip, port: 5061, poolMember, srv: '_sipfederationtls._tcp.fabrikam.com', checkedAt: at }, leaf, root);
  const results = [
    endpointResult(
      {
        target: 'contoso.com',
        type: 'FED',
        host: 'sip.contoso.com',
        ip: '127.0.0.10',
        port: 5061,
        checkedAt: at,
        ...(second ? { comments: [{ id: 'client-eku-missing', severity: 'warning' as const, text: 'No Client Authentication EKU.' }] } : {}),
      },
      edge,
    ),
    member('127.0.0.11', false),
    second ? member('127.0.0.12', true, rebuilt, OTHER_ROOT) : member('127.0.0.12', true),
    ...(second ? [] : [member('127.0.0.13', true)]),
  ];
  const sbc = { target: 'sbc.adatum.com:5061', type: 'DIR' as const, host: 'sbc.adatum.com', ip: '127.0.0.20', port: 5061, checkedAt: at };
  results.push(
    second
      ? endpointResult({ ...sbc, error: { code: 'CONNECT_REFUSED', message: 'Connection refused.' }, served: [], chain: [], trust: null, comments: [] }, leafCert('unused'))
      : endpointResult(sbc, leafCert('sbc.adatum.com')),
  );
  return results;
}

function recordRun(store: HistoryStore, results: EndpointResult[], started: string): number {
  const runId = store.startRun({ source: 'partners.csv', options: { timeoutMs: 5000, testPool: true, extraRootsPem: ['-----BEGIN CERTIFICATE-----'] }, started });
  for (const result of results) store.recordEndpoint(runId, result);
  store.finishRun(runId, started);
  return runId;
}

function twoRuns(path: string): { store: HistoryStore; first: number; second: number } {
  const store = HistoryStore.open(path, { retention: { maxDays: null, maxRuns: null } });
  const first = recordRun(store, runOfList(false), '2026-11-17T08:00:00.000Z');
  const second = recordRun(store, runOfList(true), '2026-11-24T08:00:00.000Z');
  return { store, first, second };
}

test('two runs with certificates swapped on purpose give the expected change records', () => {
  inDataDir((_dir, path, closeLater) => {
    const { store, first, second } = twoRuns(path);
    closeLater(store);
    const changes = changesOfRun(store, second);
    const brief = changes.map((c) => `${c.severity} ${c.kind} ${c.target} ${c.ip} ${c.from ?? ''}>${c.to ?? ''}`);
    const renewedEdge = leafCert('sip.contoso.com renewed');
    assert.deepEqual(brief.sort(), [
      'error reachability-lost sbc.adatum.com:5061 127.0.0.20 >CONNECT_REFUSED',
      `info certificate-changed contoso.com 127.0.0.10 ${leafCert('sip.contoso.com').thumbprint}>${renewedEdge.thumbprint}`,
      `info certificate-changed fabrikam.com 127.0.0.12 ${leafCert('sip.fabrikam.com').thumbprint}>${leafCert('sip.fabrikam.com old').thumbprint}`,
      'info issuer-changed fabrikam.com 127.0.0.12 CN=Contoso Issuing CA 01, O=Contoso Ltd, C=US>CN=Fabrikam Other CA',
      'warning comment-new contoso.com 127.0.0.10 >client-eku-missing',
      'warning eku-lost contoso.com 127.0.0.10 Client Authentication>',
      'warning endpoint-disappeared fabrikam.com 127.0.0.13 127.0.0.13:5061>',
      'warning root-changed fabrikam.com 127.0.0.12 CN=Contoso Root CA>CN=Fabrikam Other Root',
    ].sort());
    assert.equal(changes[0]!.severity, 'error', 'most serious first');
    const edgeChange = changes.find((c) => c.kind === 'certificate-changed' && c.target === 'contoso.com')!;
    assert.equal(edgeChange.certificates?.to.notAfter, '2027-11-30T23:59:59.000Z');
    assert.match(edgeChange.text, /not a renewal on schedule/);
    assert.equal(changes.find((c) => c.kind === 'endpoint-disappeared')!.poolMember, true);
    // The same changes by date and by run id, and nothing since the last run.
    assert.deepEqual(diffSince(store, { runId: first }), changes);
    assert.deepEqual(diffSince(store, { date: '2026-11-20' }), changes);
    assert.deepEqual(diffSince(store, { runId: second }), []);
    assert.deepEqual(changesOfRun(store, first), [], 'a first run has nothing to compare with');
    // Results come back whole, DER included, though each certificate is stored once.
    assert.deepEqual(store.resultsOfRun(first), runOfList(false));
    assert.equal(store.runs()[0]!.options.extraRootsPem, undefined, 'trusted roots are not copied into the history');
  });
});

test('the history CSV reads back in Python csv with every cell intact and no formula', () => {
  inDataDir((dir, path, closeLater) => {
    const { store, first } = twoRuns(path);
    closeLater(store);
    const csv = diffCommand(store, String(first), 'csv');
    assert.ok(csv.startsWith('\uFEFF"Severity"') && csv.endsWith('\r\n'));
    const file = join(dir, 'diff.csv');
    writeFileSync(file, csv);
    const read = `import csv, json, sys\nwith open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n    print(json.dumps(list(csv.reader(f))))`;
    const rows = JSON.parse(execFileSync('python3', ['-c', read, file], { encoding: 'utf8' })) as string[][];
    const changes = diffSince(store, { runId: first });
    assert.equal(rows.length, changes.length + 1);
    assert.equal(rows[0]![0], 'Severity');
    assert.ok(rows.every((row) => row.length === rows[0]!.length));
    assert.deepEqual(rows.slice(1).map((row) => [row[0], row[1], row[2], row[5]]), changes.map((c) => [c.severity, c.kind, c.target, c.ip]));
    assert.ok(rows.flat().every((cell) => !/^[=+\-@]/.test(cell)), 'no cell starts a formula');
    const timeline = historyCommand(store, 'fabrikam.com', 'csv');
    writeFileSync(file, timeline);
    const timelineRows = JSON.parse(execFileSync('python3', ['-c', read, file], { encoding: 'utf8' })) as string[][];
    assert.equal(timelineRows.length, 1 + 3 + 2, 'three members in run 1, two in run 2');
  });
});

test('history of a target, latest results by expiry, text that escapes a stranger\'s control characters', () => {
  inDataDir((_dir, path, closeLater) => {
    const { store } = twoRuns(path);
    closeLater(store);
    const text = historyCommand(store, 'fabrikam.com', 'text');
    assert.match(text, /run 1 .*127\.0\.0\.13:5061/);
    assert.match(text, /\[warning\] fabrikam\.com \(FED\) sip\.fabrikam\.com 127\.0\.0\.13:5061 {2}endpoint-disappeared/);
    const latest = latestResults(store);
    assert.equal(latest.length, 4, 'contoso, two fabrikam members, the SBC; the removed member is not current');
    assert.equal(latest[0]!.ip, '127.0.0.12', 'soonest Not After first');
    assert.equal(latest.at(-1)!.error?.code, 'CONNECT_REFUSED', 'no certificate: last');
    assert.match(latestCommand(store, 'text', new Date('2026-12-01T00:00:00Z')), /^2026-12-20 00:00:00 {2}19 days {2}fabrikam\.com.*\n[\s\S]*\nno certificate {2}sbc\.adatum\.com:5061 \(DIR\).*CONNECT_REFUSED\n$/);
    const evil = store.startRun({ source: 'manual' });
    store.recordEndpoint(evil, endpointResult({ target: 'evil\u001b[2J.example', checkedAt: '2026-11-25T00:00:00.000Z' }, leafCert('evil', { issuer: '=HYPERLINK("x")\nCN=x' })));
    assert.ok(!latestCommand(store, 'text').includes('\u001b'));
    assert.match(latestCommand(store, 'csv'), /"'=HYPERLINK\(""x""\)\nCN=x"/);
  });
});

test('the same file opened by two processes one after the other gives the same data', () => {
  inDataDir((_dir, path, closeLater) => {
    execFileSync(process.execPath, ['--import', 'tsx', WRITER, 'write', path, '40'], { encoding: 'utf8', timeout: 120_000 });
    const dumped = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', WRITER, 'dump', path], { encoding: 'utf8', timeout: 120_000 }));
    const store = HistoryStore.open(path);
    closeLater(store);
    assert.deepEqual(dumped, JSON.parse(JSON.stringify({ runs: store.runs(), results: store.runs().map((run) => store.resultsOfRun(run.id)) })));
    assert.deepEqual(store.resultsOfRun(1), Array.from({ length: 40 }, (_, i) => syntheticResult(i)));
  });
});

test('retention keeps N days or N runs and drops certificates no result uses any more', () => {
  inDataDir((_dir, path, closeLater) => {
    const store = HistoryStore.open(path, { retention: { maxDays: 400, maxRuns: null } });
    closeLater(store);
    for (const [i, started] of ['2025-01-01', '2026-06-01', '2026-11-01', '2026-11-30'].entries()) {
      const runId = store.startRun({ source: 'manual', started: `${started}T00:00:00.000Z` });
      store.recordEndpoint(runId, endpointResult({ checkedAt: `${started}T00:00:00.000Z` }, leafCert(`cert ${i}`)));
      store.finishRun(runId, `${started}T00:00:00.000Z`);
    }
    assert.deepEqual(store.runs().map((r) => r.started.slice(0, 10)), ['2026-06-01', '2026-11-01', '2026-11-30'], '400 days by default');
    assert.equal(store.prune({ maxDays: null, maxRuns: 2 }, new Date('2026-12-01')), 1);
    assert.deepEqual(store.runs().map((r) => r.started.slice(0, 10)), ['2026-11-01', '2026-11-30']);
    const db = new SqliteConnection(path);
    closeLater(db);
    assert.equal(Number(db.get('SELECT count(*) AS n FROM certificates')?.n), 3, 'two leaves and the one root they share');
    assert.equal(Number(db.get('SELECT count(*) AS n FROM certificate_infos')?.n), 3);
  });
});

test('the schema is versioned: an older file is migrated forward, a newer one is refused', () => {
  inDataDir((_dir, path) => {
    HistoryStore.open(path).close();
    const db = new SqliteConnection(path);
    assert.equal(Number(db.get('PRAGMA user_version')?.user_version), SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => HistoryStore.open(path), /newer version of this tool/);
    writeFileSync(path, 'not a database '.repeat(100));
    assert.throws(() => HistoryStore.open(path), /cannot be read \(file is not a database\); move it aside/);
  });
});

test('the recording benchmark gives every figure for a small run', () => {
  const cost = measureRecording(Array.from({ length: 20 }, (_, i) => syntheticResult(i)), 2);
  assert.equal(cost.endpoints, 20);
  for (const figure of ['msPerEndpointFirstRun', 'msPerEndpointLaterRuns', 'cpuMsPerEndpoint', 'bytesPerEndpointFirstRun', 'jsonBytesPerEndpoint', 'fileBytes'] as const) {
    assert.ok(cost[figure] > 0, `${figure} > 0 (got ${cost[figure]})`);
  }
  assert.ok(cost.bytesPerEndpointLaterRuns < cost.bytesPerEndpointFirstRun, 'certificates already stored are not stored again');
});
