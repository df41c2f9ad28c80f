// The engine's order and progress facilities: results carry their place in the input, an in-order
// emitter releases them as soon as they are next, progress counts endpoints and names what each waits for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from '../shared/engine/pipeline.ts';
import { createInOrderEmitter, inInputOrder } from '../shared/engine/in-order.ts';
import { progressText } from '../shared/formats/progress-text.ts';
import { DEFAULT_OPTIONS, type EndpointResult, type RunProgress } from '../shared/types.ts';
import { fakeResult } from './helpers/fake-results.ts';
import { startDnsServer, startSilentServer } from './helpers/servers.ts';

const placed = (inputIndex: number, memberIndex: number, memberCount: number) => fakeResult({ host: `h${inputIndex}-${memberIndex}`, inputIndex, memberIndex, memberCount });

test('the in-order emitter releases each result as soon as everything before it was released', () => {
  const emitted: string[] = [];
  const emitter = createInOrderEmitter((r) => emitted.push(r.host));
  emitter.push(placed(2, 0, 1));
  emitter.push(placed(1, 1, 2));
  assert.equal(emitted.length, 0, 'nothing before target 0');
  emitter.push(placed(0, 0, 1));
  assert.deepEqual(emitted, ['h0-0'], 'target 1 is not complete yet');
  emitter.push(placed(1, 0, 2));
  assert.deepEqual(emitted, ['h0-0', 'h1-0', 'h1-1', 'h2-0']);
  const cancelled = createInOrderEmitter((r) => emitted.push(r.host));
  cancelled.push(placed(4, 0, 1));
  cancelled.push(placed(3, 1, 2));
  cancelled.flush();
  assert.deepEqual(emitted.slice(4), ['h3-1', 'h4-0'], 'flush releases what a cancelled run left, in order');
  assert.deepEqual(inInputOrder([placed(1, 0, 1), placed(0, 1, 2), placed(0, 0, 2)]).map((r) => r.host), ['h0-0', 'h0-1', 'h1-0']);
});

test('runChecks: results carry inputIndex and memberIndex; onResult comes as targets finish, the emitter restores the input order; progress counts endpoints', { timeout: 60_000 }, async () => {
  const silent = await startSilentServer('127.0.0.41');
  const dns = await startDnsServer({ records: { a: { 'pool.order.test': ['127.0.0.42', '127.0.0.43', '127.0.0.44'] } } });
  try {
    const arrived: EndpointResult[] = [];
    const ordered: EndpointResult[] = [];
    const progress: RunProgress[] = [];
    const emitter = createInOrderEmitter((r) => ordered.push(r));
    const results = await runChecks(
      {
        targets: [
          { input: `127.0.0.41:${silent.port}`, type: 'DIR' },
          { input: 'pool.order.test:9', type: 'DIR' },
        ],
        options: { ...DEFAULT_OPTIONS, dnsServer: dns.address, timeoutMs: 1000 },
      },
      {
        onResult(result) {
          arrived.push(result);
          emitter.push(result);
        },
        onProgress: (p) => progress.push(structuredClone(p)),
      },
    );
    const where = (list: EndpointResult[]) => list.map((r) => `${r.inputIndex}.${r.memberIndex}/${r.memberCount} ${r.ip}`);
    const expected = ['0.0/1 127.0.0.41', '1.0/3 127.0.0.42', '1.1/3 127.0.0.43', '1.2/3 127.0.0.44'];
    assert.deepEqual(where(results), expected);
    assert.equal(arrived[0].inputIndex, 1, 'the refused pool finishes before the silent server');
    assert.deepEqual(where(ordered), expected);

    assert.deepEqual(progress[0].endpoints, { done: 0, total: 2 }, 'before DNS, a target counts as one endpoint');
    assert.ok(progress.some((p) => p.endpoints.total === 4), 'DNS expands the pool to three endpoints');
    assert.deepEqual(progress.at(-1)?.endpoints, { done: 4, total: 4 });
    assert.deepEqual(progress.at(-1)?.inFlight, []);
    const steps = new Set(progress.flatMap((p) => p.inFlight.map((e) => e.step)));
    assert.ok(steps.has('dns') && steps.has('handshake'), [...steps].join());
    const waiting = progress.findLast((p) => p.inFlight.length === 1 && p.inFlight[0].ip === '127.0.0.41');
    assert.ok(waiting, 'the silent server is left in flight alone');
    assert.equal(waiting.inFlight[0].step, 'handshake');
    assert.match(progressText(waiting, 1000, waiting.inFlight[0].startedAt + 3000), /^3\/4 endpoints · checking 127\.0\.0\.41:\d+ · waiting 3 s for the TLS handshake · a few seconds left$/);
  } finally {
    await Promise.all([silent.close(), dns.close()]);
  }
});

test('progress text names the slowest endpoint, what it waits for and for how long, escaped', () => {
  const progress: RunProgress = {
    done: 1,
    total: 3,
    current: 'b',
    endpoints: { done: 2, total: 6 },
    inFlight: [
      { target: 'a', host: 'edge\u001b[2J.contoso.com', ip: '10.0.0.1', port: 443, step: 'revocation', startedAt: 1000 },
      { target: 'b', host: 'sip.contoso.com', ip: '10.0.0.2', port: 5061, step: 'handshake', startedAt: 9000 },
    ],
  };
  const text = progressText(progress, 20_000, 13_000);
  assert.equal(
    text,
    '2/6 endpoints · checking sip.contoso.com:5061 and 1 more · slowest: edge\\x1b[2J.contoso.com:443, waiting 12 s for the revocation check (CRL, OCSP) · about 40 s left',
  );
});
