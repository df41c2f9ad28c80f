// The check worker (electron/check-worker.ts) forked with plain Node, as the app forks it with Electron's
// utilityProcess: real checks against loopback TLS servers, over the worker protocol and through the
// main process's runner (electron/check-runner.ts), with progress, cancel and a worker that dies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToWorker, WorkerToHost } from '../electron/check-worker-protocol.ts';
import { createWorkerRunner } from '../electron/check-runner.ts';
import type { CheckRequest } from '../shared/types.ts';
import { forkWorker, type ForkedWorker } from './helpers/forked-worker.ts';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { startSilentServer, startTlsServer, type RunningServer } from './helpers/servers.ts';

const STEP_TIMEOUT_MS = 30_000;

let leaf: IssuedCert;
let ca: IssuedCert;
let tlsServer: RunningServer;
let silentServer: RunningServer;
const workers: ForkedWorker[] = [];

before(async () => {
  const pki = new TestPki();
  ({ ca } = pki.hierarchy('Worker'));
  leaf = pki.issue({ cn: 'sip.worker.test', sans: ['DNS:sip.worker.test', 'IP:127.0.0.1'], issuer: ca });
  tlsServer = await startTlsServer({ host: '127.0.0.1', certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem });
  silentServer = await startSilentServer('127.0.0.1');
});

after(async () => {
  for (const worker of workers) worker.kill();
  await Promise.all(workers.map((worker) => worker.exited));
  await tlsServer?.close();
  await silentServer?.close();
});

function startWorker(): ForkedWorker {
  const worker = forkWorker();
  workers.push(worker);
  return worker;
}

function request(server: RunningServer, timeoutMs = 5000): CheckRequest {
  return { targets: [{ input: `127.0.0.1:${server.port}`, type: 'DIR', port: null }], options: { dnsServer: null, testPool: false, timeoutMs, offline: true } };
}

/** Messages of one worker, with a wait for the first that matches. */
function recorder(worker: ForkedWorker) {
  const messages: WorkerToHost[] = [];
  const waiters: (() => void)[] = [];
  worker.onMessage((message) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    messages,
    async waitFor(predicate: (message: WorkerToHost) => boolean, what: string): Promise<WorkerToHost> {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        assert.ok(Date.now() < deadline, `no ${what} from the worker within ${STEP_TIMEOUT_MS / 1000} s`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

test('a run in the worker reports progress, the served chain in order, then finished', { timeout: 60_000 }, async () => {
  const worker = startWorker();
  const seen = recorder(worker);
  const start: HostToWorker = { type: 'start', job: 7, request: request(tlsServer) };
  worker.postMessage(start);
  await seen.waitFor((m) => m.type === 'finished', 'finished message');

  const ofJob = seen.messages.filter((m) => m.job === 7);
  assert.equal(ofJob.length, seen.messages.length, 'every message carries the job number');
  assert.deepEqual(ofJob.at(-1), { type: 'finished', job: 7, cancelled: false, error: null });
  const progress = ofJob.filter((m) => m.type === 'progress');
  assert.deepEqual(progress[0], { type: 'progress', job: 7, progress: { done: 0, total: 1, current: null, endpoints: { done: 0, total: 1 }, inFlight: [] } });
  assert.ok(progress.some((m) => m.progress.current === `127.0.0.1:${tlsServer.port}`), 'progress names the target being checked');
  assert.deepEqual(progress.at(-1), { type: 'progress', job: 7, progress: { done: 1, total: 1, current: null, endpoints: { done: 1, total: 1 }, inFlight: [] } });
  const results = ofJob.flatMap((m) => (m.type === 'result' ? [m.result] : []));
  assert.equal(results.length, 1);
  assert.equal(results[0].error, null);
  assert.equal(results[0].port, tlsServer.port);
  assert.deepEqual(results[0].served.map((c) => c.thumbprint), [leaf.thumbprint, ca.thumbprint]);
  // The result arrives before the progress that counts it, as from the engine itself.
  assert.ok(ofJob.findIndex((m) => m.type === 'result') < ofJob.indexOf(progress.at(-1)!));
});

test('cancel stops a run that is waiting on a silent server, without a result', { timeout: 60_000 }, async () => {
  const worker = startWorker();
  const seen = recorder(worker);
  worker.postMessage({ type: 'start', job: 1, request: request(silentServer, 60_000) });
  await seen.waitFor((m) => m.type === 'progress' && m.progress.current !== null, 'progress naming the target');
  const cancelledAt = Date.now();
  worker.postMessage({ type: 'cancel', job: 1 });
  const finished = await seen.waitFor((m) => m.type === 'finished', 'finished message');
  assert.deepEqual(finished, { type: 'finished', job: 1, cancelled: true, error: null });
  assert.ok(Date.now() - cancelledAt < 20_000, 'cancel took effect long before the 60 s timeout');
  assert.equal(seen.messages.filter((m) => m.type === 'result').length, 0);
});

test('the main process runner: runChecks over the worker, errors, cancel, and a worker that dies', { timeout: 120_000 }, async () => {
  const started: ForkedWorker[] = [];
  const runner = createWorkerRunner(() => {
    const worker = startWorker();
    started.push(worker);
    return worker;
  });

  const progress: { done: number; total: number }[] = [];
  const streamed: string[][] = [];
  const results = await runner.runChecks(request(tlsServer), {
    onProgress: ({ done, total }) => progress.push({ done, total }),
    onResult: (result) => streamed.push(result.served.map((c) => c.thumbprint)),
  });
  assert.deepEqual(streamed, [[leaf.thumbprint, ca.thumbprint]]);
  assert.deepEqual(results.map((r) => r.served.map((c) => c.thumbprint)), streamed);
  assert.deepEqual(progress.at(-1), { done: 1, total: 1 });

  // The engine's own errors come back as errors with its message.
  await assert.rejects(runner.runChecks({ ...request(tlsServer), targets: [{ input: 'not a host', type: 'DIR', port: null }] }), /"not a host" is not a valid host name/);

  // Cancel through the signal, as shared/host/handlers.ts does.
  const controller = new AbortController();
  const cancelled = runner.runChecks(request(silentServer, 60_000), {
    signal: controller.signal,
    onProgress: ({ current }) => {
      if (current !== null) controller.abort();
    },
  });
  assert.deepEqual(await cancelled, []);

  // A worker that dies fails its run; the next run gets a new worker.
  const doomed = runner.runChecks(request(silentServer, 60_000), {
    onProgress: ({ current }) => {
      if (current !== null) started[0].kill();
    },
  });
  await assert.rejects(doomed, /check process stopped unexpectedly/);
  const again = await runner.runChecks(request(tlsServer));
  assert.deepEqual(again[0].served.map((c) => c.thumbprint), [leaf.thumbprint, ca.thumbprint]);
  assert.equal(started.length, 2);
  runner.stop();
});

test('the runner drops what the worker sent after the run was cancelled, as the engine does', async () => {
  let deliver: (message: WorkerToHost) => void = () => {};
  const posted: HostToWorker[] = [];
  const runner = createWorkerRunner(() => ({ postMessage: (m) => void posted.push(m), onMessage: (l) => void (deliver = l), onExit() {}, kill() {} }));
  const controller = new AbortController();
  const seen: unknown[] = [];
  const run = runner.runChecks(request(tlsServer), { signal: controller.signal, onResult: (r) => seen.push(r), onProgress: (p) => seen.push(p) });
  controller.abort();
  assert.deepEqual(posted.map((m) => m.type), ['start', 'cancel']);
  const job = posted[0].job;
  deliver({ type: 'progress', job, progress: { done: 1, total: 1, current: null, endpoints: { done: 1, total: 1 }, inFlight: [] } });
  deliver({ type: 'result', job, result: {} as never });
  deliver({ type: 'finished', job, cancelled: true, error: null });
  assert.deepEqual(await run, []);
  assert.deepEqual(seen, []);
});
