// One deadline per endpoint: however many certificate URLs stall, an endpoint ends within 2 x --timeout,
// and the result says which steps were cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { runChecks } from '../shared/engine/pipeline.ts';
import { startDeadline } from '../shared/engine/deadline.ts';
import { DEFAULT_OPTIONS } from '../shared/types.ts';
import { TestPki } from './helpers/pki.ts';
import { startStallingEndpoint } from './helpers/hostile.ts';

const TIMEOUT_MS = 1500;
/** The machine is shared and loaded: room for the capture, decoding and scheduling on top of the budget. */
const MARGIN_MS = 1500;

test('an endpoint whose every fetch stalls ends within 2 x --timeout, with the fact and the comment', { timeout: 60_000 }, async () => {
  const endpoint = await startStallingEndpoint(new TestPki());
  try {
    const started = performance.now();
    const [result] = await runChecks({ targets: [{ input: endpoint.target, type: 'DIR' }], options: { ...DEFAULT_OPTIONS, timeoutMs: TIMEOUT_MS } });
    const elapsed = performance.now() - started;
    // Before the endpoint deadline this took over 3 x the timeout (9.4 s at --timeout 3000).
    assert.ok(elapsed < 2 * TIMEOUT_MS + MARGIN_MS, `the endpoint took ${Math.round(elapsed)} ms`);
    assert.equal(result!.error, null, 'the capture itself worked');
    assert.equal(result!.deadlineExceeded?.budgetMs, 2 * TIMEOUT_MS);
    // The revocation check always outlasts the budget; on a loaded machine the AIA fetch may be cut too.
    assert.ok(result!.deadlineExceeded.steps.includes('revocation'), `cut: ${result!.deadlineExceeded.steps.join(', ')}`);
    const comment = result!.comments.find((c) => c.id === 'deadline-exceeded');
    assert.ok(comment, 'the deadline-exceeded comment is given');
    assert.match(comment.text, /3000 ms budget ran out during .*the revocation check/);
    assert.equal(result!.revocation?.status, 'unknown');
  } finally {
    await endpoint.close();
  }
});

test('an endpoint that fetches nothing (offline) has no deadline fact', { timeout: 60_000 }, async () => {
  const endpoint = await startStallingEndpoint(new TestPki(), 0);
  try {
    const [result] = await runChecks({ targets: [{ input: endpoint.target, type: 'DIR' }], options: { ...DEFAULT_OPTIONS, timeoutMs: TIMEOUT_MS, offline: true } });
    assert.equal(result!.deadlineExceeded, undefined);
    assert.ok(!result!.comments.some((c) => c.id === 'deadline-exceeded'));
  } finally {
    await endpoint.close();
  }
});

test('the deadline fires on the run being cancelled without counting as expired, and lets go of the run signal', async () => {
  const run = new AbortController();
  const deadline = startDeadline(60_000, run.signal);
  assert.equal(getEventListeners(run.signal, 'abort').length, 1);
  run.abort();
  assert.ok(deadline.signal.aborted);
  assert.equal(deadline.expired, false);
  deadline.dispose();

  const quiet = new AbortController();
  const finished = startDeadline(60_000, quiet.signal);
  finished.dispose();
  assert.equal(getEventListeners(quiet.signal, 'abort').length, 0, 'nothing is left on a long-lived run signal');

  const short = startDeadline(20, undefined);
  // The deadline's timer does not keep the process alive by itself: wait on one that does.
  await delay(200);
  assert.ok(short.signal.aborted);
  assert.equal(short.expired, true);
  assert.equal((short.signal.reason as DOMException).name, 'TimeoutError');
  short.dispose();
});
