// Engine mechanics, with no network beyond loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLimiter, runChecks } from '../shared/engine/pipeline.ts';
import { UsageError } from '../shared/engine/target.ts';
import { DEFAULT_OPTIONS } from '../shared/types.ts';
import { startDnsServer } from './helpers/servers.ts';

test('the concurrency limiter never runs more than its limit at once', async () => {
  const limit = createLimiter(3);
  let running = 0;
  let peak = 0;
  const task = async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    running--;
  };
  await Promise.all(Array.from({ length: 50 }, () => limit(task)));
  assert.equal(peak, 3);
});

test('an invalid target is a usage error before anything is sent', async () => {
  await assert.rejects(runChecks({ targets: [{ input: 'ok.contoso.com', type: 'DIR' }, { input: 'bad host', type: 'DIR' }], options: DEFAULT_OPTIONS }), UsageError);
});

test('an invalid DNS server is one usage error naming its field, before anything runs', async () => {
  let results = 0;
  await assert.rejects(
    runChecks({ targets: [{ input: '127.0.0.1:9', type: 'DIR' }, { input: '127.0.0.2:9', type: 'DIR' }], options: { ...DEFAULT_OPTIONS, dnsServer: '999.1.1.1' } }, { onResult: () => results++ }),
    (err: unknown) => err instanceof UsageError && err.field === 'dns-server' && /Invalid DNS server "999\.1\.1\.1"/.test(err.message),
  );
  assert.equal(results, 0, 'no endpoint ran, so no card says "Internal error"');
});

test('a cancelled run stops and keeps what finished', async () => {
  const controller = new AbortController();
  controller.abort();
  const results = await runChecks({ targets: [{ input: '127.0.0.1:9', type: 'DIR' }], options: { ...DEFAULT_OPTIONS, timeoutMs: 500 } }, { signal: controller.signal });
  assert.deepEqual(results, []);
});

test('a target DNS expands past maxEndpointsPerTarget is tested up to the cap, and the first result says so', async () => {
  const dns = await startDnsServer({
    records: {
      srv: { '_sipfederationtls._tcp.wide.test': [{ priority: 0, weight: 0, port: 9, target: 'pool.wide.test' }] },
      a: { 'pool.wide.test': ['127.0.3.1', '127.0.3.2', '127.0.3.3', '127.0.3.4', '127.0.3.5'] },
    },
  });
  try {
    const options = { ...DEFAULT_OPTIONS, dnsServer: dns.address, timeoutMs: 1500, offline: true, maxEndpointsPerTarget: 3 };
    const results = await runChecks({ targets: [{ input: 'wide.test', type: 'FED' }], options });
    assert.deepEqual(results.map((r) => r.ip), ['127.0.3.1', '127.0.3.2', '127.0.3.3']);
    assert.deepEqual(results.map((r) => r.comments.some((c) => c.id === 'endpoint-cap')), [true, false, false]);
  } finally {
    await dns.close();
  }
});
