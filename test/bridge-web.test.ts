// The browser bridge's side of the event stream's budget: after a `gap` (events the server no longer
// keeps) the runs the page follows are stopped and reported cancelled, so Resume can finish them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebBridge } from '../renderer/bridge-web.ts';
import type { CheckEvent } from '../shared/ipc.ts';

/** Enough of the browser's EventSource for the bridge: the test dispatches its events. */
class FakeEventSource extends EventTarget {
  static last: FakeEventSource;
  constructor(readonly url: string) {
    super();
    FakeEventSource.last = this;
    queueMicrotask(() => this.dispatchEvent(new Event('open')));
  }
  push(type: string, data: unknown) {
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

test('a gap in the event stream ends the followed runs as cancelled and cancels them on the server', async (t) => {
  const calls: string[] = [];
  const runId = '11111111-2222-4333-8444-555555555555';
  const originalFetch = globalThis.fetch;
  const g = globalThis as { EventSource?: unknown };
  const originalEventSource = g.EventSource;
  g.EventSource = FakeEventSource;
  globalThis.fetch = (async (url: string) => {
    const method = String(url).split('/api/')[1];
    calls.push(method);
    const value = method === 'startCheck' ? { runId } : { cancelled: true };
    return new Response(JSON.stringify({ ok: true, value }), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  t.after(() => {
    globalThis.fetch = originalFetch;
    g.EventSource = originalEventSource;
  });

  const bridge = createWebBridge('http://127.0.0.1:1');
  const seen: CheckEvent[] = [];
  bridge.onCheckEvent((event) => seen.push(event));
  await bridge.startCheck({ targets: [{ input: 'a.contoso.com', type: 'DIR' }], options: { dnsServer: null, testPool: true, timeoutMs: 1000 } });
  FakeEventSource.last.push('message', { kind: 'progress', runId, done: 0, total: 2, current: 'a.contoso.com' });
  FakeEventSource.last.push('gap', { missedFrom: 1, missedTo: 40 });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(seen.at(-1), { kind: 'done', runId, cancelled: true, error: null });
  assert.deepEqual(calls, ['startCheck', 'cancelCheck']);
  // A run already done is not touched by a later gap.
  FakeEventSource.last.push('gap', {});
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(calls, ['startCheck', 'cancelCheck']);
});
