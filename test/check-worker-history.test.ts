// The check worker records each run where its results are produced: forked as the app forks it (with
// the data folder as --data-dir=), from the source and from the built bundle, which must find SQLite's
// .wasm beside itself in dist/electron/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, SQLITE_WASM_NAME } from '../scripts/build.ts';
import { createWorkerRunner } from '../electron/check-runner.ts';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { forkWorker, WORKER_SOURCE, type ForkedWorker } from './helpers/forked-worker.ts';
import { TestPki } from './helpers/pki.ts';
import { startTlsServer, type RunningServer } from './helpers/servers.ts';

let server: RunningServer;
let workDir: string;
const workers: ForkedWorker[] = [];

before(async () => {
  const pki = new TestPki();
  const { ca } = pki.hierarchy('Worker history');
  const leaf = pki.issue({ cn: 'sip.worker.test', sans: ['DNS:sip.worker.test', 'IP:127.0.0.1'], issuer: ca });
  server = await startTlsServer({ host: '127.0.0.1', certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem });
  workDir = mkdtempSync(join(tmpdir(), 'sfb-worker-history-'));
});

after(async () => {
  for (const worker of workers) worker.kill();
  await Promise.all(workers.map((worker) => worker.exited));
  await server?.close();
  rmSync(workDir, { recursive: true, force: true });
});

async function runInWorker(script: string, dataDir: string): Promise<void> {
  const runner = createWorkerRunner(() => {
    const worker = forkWorker(script, [`--data-dir=${dataDir}`]);
    workers.push(worker);
    return worker;
  });
  try {
    const results = await runner.runChecks({ targets: [{ input: `127.0.0.1:${server.port}`, type: 'DIR', port: null }], options: { dnsServer: null, testPool: false, timeoutMs: 5000, offline: true } });
    assert.equal(results.length, 1);
    assert.equal(results[0]!.error, null);
  } finally {
    runner.stop();
  }
  const store = HistoryStore.open(historyPath(dataDir));
  try {
    assert.deepEqual(store.runs().map((run) => [run.source, run.endpoints, run.finished !== null]), [['app', 1, true]]);
    assert.equal(store.integrityCheck(), 'ok');
  } finally {
    store.close();
  }
}

test('the worker (source) records the run it did in the data folder it was given', { timeout: 60_000 }, async () => {
  await runInWorker(WORKER_SOURCE, join(workDir, 'source-data'));
});

test('the built check-worker.cjs finds node-sqlite3-wasm.wasm beside it and records too', { timeout: 120_000 }, async () => {
  const output = await build({ parts: ['electron'], outDir: join(workDir, 'dist') });
  assert.ok(existsSync(join(output.outDir, 'electron', SQLITE_WASM_NAME)));
  await runInWorker(output.workerScript, join(workDir, 'bundle-data'));
});
