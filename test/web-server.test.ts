// The browser host: static page with its security headers, the JSON API, the event stream, and refusal of
// anything not addressed to it by its own loopback name or not coming from its own page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/build.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/host/static-files.ts';
import type { CheckEvent } from '../shared/ipc.ts';
import { startWebServer, type RunningWebServer } from '../web/server.ts';
import { TestPki } from './helpers/pki.ts';
import { startTlsServer } from './helpers/servers.ts';

let server: RunningWebServer;
let workDir: string;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sfb-web-'));
  const { rendererDir } = await build({ outDir: join(workDir, 'dist'), parts: ['renderer'] });
  server = await startWebServer({ port: 0, dataDir: join(workDir, 'data'), rendererDir });
});

after(async () => {
  await server?.close();
  rmSync(workDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request to the server (node:http, so Host and Origin can be anything). */
function send(method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, method, path, headers: { host: `127.0.0.1:${server.port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function call(method: string, args: unknown[], headers: Record<string, string> = {}): Promise<{ status: number; json: { ok: boolean; value?: any; error?: string } }> {
  const reply = await send('POST', `/api/${method}`, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ args }) });
  return { status: reply.status, json: JSON.parse(reply.body) };
}

test('serves the built page with a strict CSP and nosniff', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await send('GET', '/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.equal(page.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';.*object-src 'none'; base-uri 'none'; frame-ancestors 'none'/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.match(page.body, /app\.js/);

  const script = await send('GET', '/app.js');
  assert.equal(script.status, 200);
  assert.match(String(script.headers['content-type']), /^text\/javascript/);
  assert.equal((await send('GET', '/app.css')).status, 200);

  for (const path of ['/%2e%2e/package.json', '/..%2fpackage.json', '/missing.js', '/%00']) {
    assert.equal((await send('GET', path)).status, 404, path);
  }
});

test('API round trip: appInfo, listTrustedRoots, addTrustedRoots with a generated root', async () => {
  const info = await call('appInfo', []);
  assert.equal(info.status, 200);
  assert.equal(info.json.ok, true);
  assert.equal(info.json.value.shell, 'web');
  assert.equal(info.json.value.name, 'SfB Certificate Checker');

  assert.deepEqual((await call('listTrustedRoots', [])).json, { ok: true, value: [] });

  const root = new TestPki().issue({ cn: 'Web Test Root', ca: true });
  const added = await call('addTrustedRoots', [[{ name: 'root.cer', contentBase64: root.der.toString('base64') }]]);
  assert.equal(added.status, 200, added.json.error);
  assert.equal(added.json.value.added, true);
  assert.equal(added.json.value.roots.length, 1);
  assert.equal(added.json.value.roots[0].thumbprint, root.thumbprint);

  const listed = await call('listTrustedRoots', []);
  assert.deepEqual(listed.json.value, added.json.value.roots);
  assert.deepEqual((await call('removeTrustedRoot', [root.thumbprint])).json, { ok: true, value: [] });
});

test('requests for a foreign Host or from a foreign Origin are refused with 403', async () => {
  const body = JSON.stringify({ args: [] });
  const json = { 'content-type': 'application/json' };
  const foreign: Record<string, string>[] = [
    { host: 'attacker.example' },
    { host: `attacker.example:${server.port}` },
    { host: `127.0.0.1:${server.port + 1}` },
    { host: `127.0.0.2:${server.port}` },
    { origin: 'http://attacker.example' },
    { origin: `http://attacker.example:${server.port}` },
    { origin: 'null' },
    { origin: `https://127.0.0.1:${server.port}` },
    { 'sec-fetch-site': 'cross-site' },
  ];
  for (const headers of foreign) {
    assert.equal((await send('POST', '/api/appInfo', { headers: { ...json, ...headers }, body })).status, 403, JSON.stringify(headers));
  }
  assert.equal((await send('GET', '/', { headers: { host: 'rebound.attacker.example' } })).status, 403);
  assert.equal((await send('GET', '/api/events', { headers: { origin: 'http://attacker.example' } })).status, 403);

  // The page's own requests, by each loopback name it may be opened under.
  for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
    const reply = await send('POST', '/api/appInfo', { headers: { ...json, host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }, body });
    assert.equal(reply.status, 200, host);
  }
});

test('malformed calls get 400 (bad input), 404, 405, 415 or 501 with a JSON error', async () => {
  const startCheck = await call('startCheck', [{ targets: 'sip.contoso.com', options: {} }]);
  assert.equal(startCheck.status, 400);
  assert.deepEqual(startCheck.json, { ok: false, error: 'targets must be an array.' });
  assert.equal((await call('startCheck', [{ targets: [{ input: 'a.com', type: 'DIR', port: 70000 }] }])).status, 400);
  assert.equal((await call('cancelCheck', ['not-a-run'])).status, 400);
  assert.equal((await call('removeTrustedRoot', [{}])).status, 400);

  const notJson = await send('POST', '/api/appInfo', { headers: { 'content-type': 'application/json' }, body: '{"args":' });
  assert.equal(notJson.status, 400);
  assert.equal(JSON.parse(notJson.body).ok, false);
  assert.equal((await send('POST', '/api/appInfo', { headers: { 'content-type': 'application/json' }, body: '{"args":"x"}' })).status, 400);
  assert.equal((await send('POST', '/api/appInfo', { headers: { 'content-type': 'text/plain' }, body: '{"args":[]}' })).status, 415);
  assert.equal((await call('constructor', [])).status, 404);
  assert.equal((await call('__proto__', [])).status, 404);
  assert.equal((await send('GET', '/api/appInfo')).status, 405);

  const dialog = await call('importList', []);
  assert.equal(dialog.status, 501);
  assert.match(dialog.json.error ?? '', /browser page/);
});

test('the event stream delivers a check run as JSON CheckEvents', async (t) => {
  const pki = new TestPki();
  const { root, ca } = pki.hierarchy('WebSse');
  const leaf = pki.issue({ cn: 'sip.contoso.test', sans: ['DNS:sip.contoso.test', 'IP:127.0.0.1'], issuer: ca });
  const tlsServer = await startTlsServer({ host: '127.0.0.1', certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem });
  t.after(() => tlsServer.close());
  void root;

  const events: CheckEvent[] = [];
  let wake: () => void = () => {};
  const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { host: `127.0.0.1:${server.port}` } }, resolve);
    req.on('error', reject);
    req.end();
  });
  t.after(() => stream.destroy());
  assert.equal(stream.statusCode, 200);
  assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      for (const line of frame.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as CheckEvent);
      wake();
    }
  });

  const started = await call('startCheck', [
    { targets: [{ input: `127.0.0.1:${tlsServer.port}`, type: 'DIR', port: null }], options: { dnsServer: null, testPool: false, timeoutMs: 5000, offline: true } },
  ]);
  assert.equal(started.status, 200, started.json.error);
  const runId: string = started.json.value.runId;

  const deadline = Date.now() + 20_000;
  while (!events.some((e) => e.kind === 'done' && e.runId === runId)) {
    assert.ok(Date.now() < deadline, 'no done event within 20 s');
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 200);
    });
  }
  const ofRun = events.filter((e) => e.runId === runId);
  const done = ofRun.at(-1);
  assert.deepEqual(done, { kind: 'done', runId, cancelled: false, error: null });
  const results = ofRun.flatMap((e) => (e.kind === 'result' ? [e.result] : []));
  assert.equal(results.length, 1);
  assert.equal(results[0].ip, '127.0.0.1');
  assert.equal(results[0].port, tlsServer.port);
  assert.equal(results[0].error, null);
  assert.equal(results[0].served[0]?.thumbprint, leaf.thumbprint);
  assert.ok(ofRun.some((e) => e.kind === 'progress'), 'progress events are sent');
});

test('a bad field gets 400 naming the field, so the page can put the message beside it', async () => {
  const dns = await call('startCheck', [{ targets: [{ input: 'sip.contoso.com', type: 'DIR' }], options: { dnsServer: '999.1.1.1' } }]);
  assert.equal(dns.status, 400);
  assert.match(dns.json.error ?? '', /Invalid DNS server "999\.1\.1\.1"/);
  assert.equal((dns.json as { field?: string }).field, 'dns-server');
  const port = await call('startCheck', [{ targets: [{ input: 'sip.contoso.com:99999', type: 'DIR' }], options: {} }]);
  assert.deepEqual([port.status, (port.json as { field?: string }).field, (port.json as { targetIndex?: number }).targetIndex], [400, 'port', 0]);
});
