// The event stream's memory budget: a page that stops reading is dropped instead of the server
// queueing every event for it, and a page that reconnects gets what it missed (or a `gap`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunHooks } from '../shared/engine/pipeline.ts';
import type { CheckRequest } from '../shared/types.ts';
import { startWebServer, type RunningWebServer } from '../web/server.ts';
import { fakeResult } from './helpers/fake-results.ts';

const RESULTS = 400;
const PADDING = 'x'.repeat(64 * 1024);

let server: RunningWebServer;
let workDir: string;

/** An engine that reports RESULTS large results, one per tick, as a bulk run does. */
async function bulkEngine(request: CheckRequest, hooks: RunHooks = {}) {
  for (let i = 0; i < RESULTS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    hooks.onResult?.(fakeResult({ host: `h${i}.contoso.com`, comments: [{ id: 'valid', severity: 'ok', text: PADDING }] }));
  }
  return [];
}

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sfb-web-events-'));
  const rendererDir = join(workDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  server = await startWebServer({
    port: 0,
    dataDir: join(workDir, 'data'),
    rendererDir,
    engine: bulkEngine as never,
    eventLimits: { clientBacklogBytes: 256 * 1024, replayBytes: 1024 * 1024, maxClients: 16 },
  });
});

after(async () => {
  await server?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** A raw event-stream client: the frames it read, and the socket so a test can stop reading. */
function openStream(headers: Record<string, string> = {}): Promise<{ socket: Socket; frames: string[]; bytes: () => number; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const frames: string[] = [];
    let buffered = '';
    let bytes = 0;
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.once('connect', () => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${extra}\r\n`);
    });
    socket.on('data', (chunk: string) => {
      bytes += chunk.length;
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        frames.push(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
      if (frames.some((f) => f.includes(': connected'))) resolve({ socket, frames, bytes: () => bytes, closed });
    });
    socket.once('error', reject);
  });
}

const dataOf = (frames: string[]) => frames.flatMap((f) => f.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6))));
const idOf = (frame: string) => Number(/^id: (\d+)/m.exec(frame)?.[1]);

async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a stalled event client is dropped within the budget; a reading one gets every event; a reconnecting one catches up', async () => {
  const stalled = await openStream();
  stalled.socket.pause();
  const reader = await openStream();
  try {
    const started = await fetch(`${server.url}api/startCheck`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: [{ targets: [{ input: 'bulk.contoso.com', type: 'DIR', port: null }], options: { dnsServer: null, testPool: true, timeoutMs: 1000 } }] }),
    });
    const { runId } = (await started.json()).value;
    await until(() => dataOf(reader.frames).some((e) => e.kind === 'done' && e.runId === runId), 'the done event');
    assert.equal(dataOf(reader.frames).filter((e) => e.kind === 'result').length, RESULTS, 'a client that reads gets every result');

    // The stalled client was cut off instead of the server queueing 25 MB for it.
    stalled.socket.resume();
    await Promise.race([stalled.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the stalled client was never dropped')), 20_000))]);
    assert.ok(stalled.bytes() < (RESULTS * PADDING.length) / 2, `the stalled client received ${stalled.bytes()} bytes`);

    // Reconnecting with Last-Event-ID: what is still kept is replayed, older misses are a gap.
    const frames = reader.frames.filter((f) => /^id: /m.test(f));
    const lastId = idOf(frames.at(-1)!);
    const recent = await openStream({ 'Last-Event-ID': String(lastId - 3) });
    await until(() => recent.frames.filter((f) => /^id: /m.test(f)).length >= 3, 'the replayed frames', 10_000);
    assert.deepEqual(recent.frames.filter((f) => /^id: /m.test(f)).map(idOf), [lastId - 2, lastId - 1, lastId]);
    recent.socket.destroy();
    // A replay larger than one client's backlog still arrives whole: before, the client was dropped in the
    // middle of its own replay, reconnected, was dropped again, and never caught up (a 10,000-result load stalled).
    const deep = await openStream({ 'Last-Event-ID': String(lastId - 12) });
    await until(() => deep.frames.filter((f) => /^id: /m.test(f)).length >= 12, 'a replay larger than the client backlog', 10_000);
    assert.equal(deep.frames.filter((f) => /^id: /m.test(f)).map(idOf).at(-1), lastId);
    deep.socket.destroy();
    const old = await openStream({ 'Last-Event-ID': '1' });
    await until(() => old.frames.some((f) => f.includes('event: gap')), 'the gap event', 10_000);
    assert.ok(!old.frames.some((f) => f.includes('"kind":"result"')), 'no partial replay after a gap');
    old.socket.destroy();
  } finally {
    stalled.socket.destroy();
    reader.socket.destroy();
  }
});
