// Checks in the desktop app, end to end under plain Node: the built main process (stand-in electron
// module) hands runs to the built check worker (dist/electron/check-worker.cjs, forked as Electron's
// utilityProcess would). Real checks against loopback servers; events to the page, cancel, the taskbar
// progress bar over several runs, and a worker that dies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_CHANNELS, CHECK_EVENT_CHANNEL, type CheckEvent } from '../shared/ipc.ts';
import type { CheckRequest } from '../shared/types.ts';
import { startMainProcess, type FakeBrowserWindow, type RunningMainProcess } from './helpers/electron-stand-in.ts';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { startSilentServer, startTlsServer, type RunningServer } from './helpers/servers.ts';

const STEP_TIMEOUT_MS = 30_000;

describe('checks run in the worker process, behind the same IPC API', () => {
  let workDir: string;
  let main: RunningMainProcess;
  let win: FakeBrowserWindow;
  let leaf: IssuedCert;
  let ca: IssuedCert;
  let tlsServer: RunningServer;
  let silentServer: RunningServer;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sfb-electron-checks-'));
    const pki = new TestPki();
    ({ ca } = pki.hierarchy('Desktop'));
    leaf = pki.issue({ cn: 'sip.desktop.test', sans: ['DNS:sip.desktop.test', 'IP:127.0.0.1'], issuer: ca });
    tlsServer = await startTlsServer({ host: '127.0.0.1', certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem });
    silentServer = await startSilentServer('127.0.0.1');
    main = await startMainProcess(workDir);
    win = main.win;
  });

  after(async () => {
    await main?.quit();
    await tlsServer?.close();
    await silentServer?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const targetOf = (server: RunningServer) => ({ input: `127.0.0.1:${server.port}`, type: 'DIR', port: null });
  const request = (servers: RunningServer[], timeoutMs = 5000): CheckRequest =>
    ({ targets: servers.map(targetOf), options: { dnsServer: null, testPool: false, timeoutMs, offline: true } }) as CheckRequest;
  const eventsOf = (runId: string) => win.webContents.sent.filter((m) => m.channel === CHECK_EVENT_CHANNEL).map((m) => m.payload as CheckEvent).filter((e) => e.runId === runId);

  async function startCheck(checkRequest: CheckRequest): Promise<string> {
    const { runId } = await main.invoke(API_CHANNELS.startCheck, main.ipcEvent(), checkRequest);
    return runId;
  }

  async function waitForEvent(runId: string, predicate: (event: CheckEvent) => boolean, what: string): Promise<CheckEvent> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const found = eventsOf(runId).find(predicate);
      if (found) return found;
      assert.ok(Date.now() < deadline, `no ${what} within ${STEP_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const isDone = (event: CheckEvent) => event.kind === 'done';

  test('a check goes to the worker and its served chain, progress and done reach the page', { timeout: 60_000 }, async () => {
    const runId = await startCheck(request([tlsServer]));
    const done = await waitForEvent(runId, isDone, 'done event');
    assert.deepEqual(done, { kind: 'done', runId, cancelled: false, error: null });
    const events = eventsOf(runId);
    const results = events.flatMap((e) => (e.kind === 'result' ? [e.result] : []));
    assert.equal(results.length, 1);
    assert.deepEqual(results[0].served.map((c) => c.thumbprint), [leaf.thumbprint, ca.thumbprint]);
    const progress = events.filter((e) => e.kind === 'progress');
    assert.deepEqual(progress.at(-1), { kind: 'progress', runId, done: 1, total: 1, current: null, endpoints: { done: 1, total: 1 }, inFlight: [] });

    const workers = main.fake.state.utilityProcesses;
    assert.equal(workers.length, 1, 'one worker process');
    assert.match(workers[0].modulePath, /[\\/]dist[\\/]electron[\\/]check-worker\.cjs$/);
  });

  test('the taskbar bar follows every run: a second run shows it again', { timeout: 60_000 }, async () => {
    win.progressBar.length = 0;
    for (let run = 0; run < 2; run++) await waitForEvent(await startCheck(request([tlsServer])), isDone, `done of run ${run + 1}`);
    assert.deepEqual(win.progressBar, [0, 1, -1, 0, 1, -1]);
  });

  test('cancelling one of two overlapping runs leaves the bar to the other; cancel reaches the worker', { timeout: 60_000 }, async () => {
    win.progressBar.length = 0;
    const first = await startCheck(request([silentServer], 60_000));
    await waitForEvent(first, (e) => e.kind === 'progress' && e.current !== null, 'progress of the first run');
    const second = await startCheck(request([tlsServer, silentServer], 60_000));
    await waitForEvent(second, (e) => e.kind === 'result', 'result of the second run');
    await waitForEvent(second, (e) => e.kind === 'progress' && e.done === 1, 'progress of the second run');
    assert.equal(win.progressBar.at(-1), 1 / 3, 'both runs together: 1 of 3 targets');

    assert.deepEqual(await main.invoke(API_CHANNELS.cancelCheck, main.ipcEvent(), first), { cancelled: true });
    assert.deepEqual(await waitForEvent(first, isDone, 'done of the cancelled run'), { kind: 'done', runId: first, cancelled: true, error: null });
    assert.equal(win.progressBar.at(-1), 1 / 2, 'the first run ending must not clear the bar of the second');

    await main.invoke(API_CHANNELS.cancelCheck, main.ipcEvent(), second);
    assert.equal((await waitForEvent(second, isDone, 'done of the second run')).kind, 'done');
    assert.equal(win.progressBar.at(-1), -1);
    assert.equal(eventsOf(first).filter((e) => e.kind === 'result').length, 0);
  });

  test('a worker that dies fails its run with a message; the next run gets a new worker', { timeout: 60_000 }, async () => {
    const workers = main.fake.state.utilityProcesses;
    const runId = await startCheck(request([silentServer], 60_000));
    await waitForEvent(runId, (e) => e.kind === 'progress' && e.current !== null, 'progress');
    workers.at(-1)!.kill();
    const done = await waitForEvent(runId, isDone, 'done after the worker died');
    assert.equal(done.kind === 'done' && done.cancelled, false);
    assert.match(done.kind === 'done' ? (done.error ?? '') : '', /check process stopped unexpectedly/);
    assert.equal(win.progressBar.at(-1), -1);

    const count = workers.length;
    const next = await startCheck(request([tlsServer]));
    assert.deepEqual(await waitForEvent(next, isDone, 'done of the next run'), { kind: 'done', runId: next, cancelled: false, error: null });
    assert.equal(workers.length, count + 1);
  });
});
