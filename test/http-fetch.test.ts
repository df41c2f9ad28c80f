// boundedFetch against loopback servers: limits on size, time, redirects and schemes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import { closedPort, startSilentServer, type RunningServer } from './helpers/servers.ts';
import { boundedFetch, isHttpUrl } from '../shared/engine/net/http-fetch.ts';

describe('boundedFetch', () => {
  let server: RouteServer;
  let silent: RunningServer;
  const url = (path: string) => `${server.base}${path}`;
  const limits = { timeoutMs: 3000, maxBytes: 64 * 1024 };

  before(async () => {
    server = await startRouteServer();
    silent = await startSilentServer();
    server.serve('/hello', Buffer.from('hello'), 'text/plain');
    server.route('/echo', (request, body, response) => {
      response.setHeader('Content-Type', 'application/octet-stream');
      response.setHeader('X-Method', request.method ?? '');
      response.setHeader('X-Content-Type', request.headers['content-type'] ?? '');
      response.end(body);
    });
    const redirect = (path: string, target: string, status = 302) =>
      server.route(path, (_request, _body, response) => {
        response.statusCode = status;
        response.setHeader('Location', target);
        response.end();
      });
    redirect('/hop1', '/hop2', 301);
    redirect('/hop2', `${server.base}/hello`, 307);
    redirect('/loop', '/loop');
    redirect('/to-ftp', 'ftp://127.0.0.1/file.crl');
    redirect('/to-ldap', 'ldap://127.0.0.1/cn=crl');
    redirect('/post-redirect', '/echo', 303);
    server.route('/stream', (_request, _body, response) => {
      // 1 MB in 16 KB chunks without a Content-Length.
      let sent = 0;
      const pump = () => {
        while (sent < 64) {
          sent++;
          if (!response.write(Buffer.alloc(16 * 1024, 0x41))) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('error', () => {});
      pump();
    });
    server.route('/declared-huge', (_request, _body, response) => {
      response.setHeader('Content-Length', String(50 * 1024 * 1024));
      response.write('x');
      // Never finishes: the declared length alone must be enough to refuse.
    });
    server.route('/drip', (_request, _body, response) => {
      // A byte every 100 ms: each chunk is quick, the whole never ends within the time limit.
      const timer = setInterval(() => response.write('.'), 100);
      response.on('close', () => clearInterval(timer));
    });
    server.route('/missing', (_request, _body, response) => {
      response.statusCode = 404;
      response.end('no such file');
    });
  });

  after(async () => {
    await server.close();
    await silent.close();
  });

  it('downloads a body with its status, type and final URL', async () => {
    const result = await boundedFetch(url('/hello'), limits);
    assert.ok(result.ok);
    assert.equal(result.status, 200);
    assert.equal(Buffer.from(result.bytes).toString(), 'hello');
    assert.equal(result.contentType, 'text/plain');
    assert.equal(result.finalUrl, url('/hello'));
  });

  it('returns other statuses to the caller rather than failing', async () => {
    const result = await boundedFetch(url('/missing'), limits);
    assert.ok(result.ok);
    assert.equal(result.status, 404);
  });

  it('POSTs a body with its content type', async () => {
    const body = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const result = await boundedFetch(url('/echo'), { ...limits, method: 'POST', body, contentType: 'application/ocsp-request' });
    assert.ok(result.ok);
    assert.deepEqual([...result.bytes], [...body]);
  });

  it('follows redirects up to the limit and reports where it ended', async () => {
    const result = await boundedFetch(url('/hop1'), limits);
    assert.ok(result.ok);
    assert.equal(Buffer.from(result.bytes).toString(), 'hello');
    assert.equal(result.finalUrl, url('/hello'));

    const refused = await boundedFetch(url('/hop1'), { ...limits, maxRedirects: 1 });
    assert.deepEqual(refused, { ok: false, error: 'too many redirects (more than 1)' });
  });

  it('turns a POST into a GET on 303', async () => {
    const result = await boundedFetch(url('/post-redirect'), { ...limits, method: 'POST', body: new Uint8Array([1, 2, 3]) });
    assert.ok(result.ok);
    assert.equal(result.bytes.length, 0, 'the body is not sent again');
  });

  it('stops a redirect loop', async () => {
    const before = server.hits.get('/loop') ?? 0;
    const result = await boundedFetch(url('/loop'), limits);
    assert.deepEqual(result, { ok: false, error: 'too many redirects (more than 3)' });
    assert.equal((server.hits.get('/loop') ?? 0) - before, 4);
  });

  it('refuses schemes other than http and https, also after a redirect', async () => {
    for (const target of ['ldap://127.0.0.1/cn=crl', 'file:///etc/passwd', 'ftp://127.0.0.1/x.crl']) {
      const result = await boundedFetch(target, limits);
      assert.ok(!result.ok);
      assert.match(result.error, /unsupported URL scheme/);
    }
    const viaFtp = await boundedFetch(url('/to-ftp'), limits);
    assert.ok(!viaFtp.ok);
    assert.match(viaFtp.error, /redirected to an unsupported URL scheme ftp:/);
    const viaLdap = await boundedFetch(url('/to-ldap'), limits);
    assert.ok(!viaLdap.ok);
    assert.match(viaLdap.error, /ldap:/);
    assert.equal(isHttpUrl('ldap:///CN=CA?certificateRevocationList'), false);
    assert.equal(isHttpUrl('HTTP://127.0.0.1/a.crl'), true);
  });

  it('aborts a body past maxBytes while streaming', async () => {
    const result = await boundedFetch(url('/stream'), { timeoutMs: 3000, maxBytes: 100_000 });
    assert.deepEqual(result, { ok: false, error: 'response too large (more than 100000 bytes)' });
    const whole = await boundedFetch(url('/stream'), { timeoutMs: 3000, maxBytes: 2 * 1024 * 1024 });
    assert.ok(whole.ok);
    assert.equal(whole.bytes.length, 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit without waiting for it', async () => {
    const started = Date.now();
    const result = await boundedFetch(url('/declared-huge'), { timeoutMs: 3000, maxBytes: 1024 });
    assert.ok(!result.ok);
    assert.match(result.error, /response too large \(52428800 bytes declared, limit 1024\)/);
    assert.ok(Date.now() - started < 2000);
  });

  it('bounds the total time: a silent server and a drip-feeding one', async () => {
    for (const target of [`http://127.0.0.1:${silent.port}/x.crl`, url('/drip')]) {
      const started = Date.now();
      const result = await boundedFetch(target, { timeoutMs: 400, maxBytes: 1024 * 1024 });
      const elapsed = Date.now() - started;
      assert.deepEqual(result, { ok: false, error: 'timed out after 400 ms' });
      assert.ok(elapsed >= 350 && elapsed < 2000, `took ${elapsed} ms`);
    }
  });

  it('asks admitBody before reading a body: the declared length, a refusal, and the end of a wait', async () => {
    const asked: (number | null)[] = [];
    const admitted = await boundedFetch(url('/hello'), { ...limits, admitBody: async (declared) => (asked.push(declared), null) });
    assert.ok(admitted.ok && Buffer.from(admitted.bytes).toString() === 'hello');
    const streamed = await boundedFetch(url('/stream'), { ...limits, maxBytes: 2 * 1024 * 1024, admitBody: async (declared) => (asked.push(declared), null) });
    assert.ok(streamed.ok);
    assert.deepEqual(asked, [5, null], 'the declared length, or null without one');
    const refused = await boundedFetch(url('/hello'), { ...limits, admitBody: async () => 'no room' });
    assert.deepEqual(refused, { ok: false, error: 'no room' });
    // A wait that outlasts the exchange is told so through its signal, and the result is the timeout.
    let waitEnded = false;
    const waited = await boundedFetch(url('/hello'), {
      ...limits,
      timeoutMs: 300,
      admitBody: (_declared, signal) => new Promise((resolve) => signal.addEventListener('abort', () => ((waitEnded = true), resolve(null)))),
    });
    assert.equal(waited.ok, false);
    assert.match(!waited.ok ? waited.error : '', /timed out after 300 ms/);
    assert.equal(waitEnded, true);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    assert.deepEqual(await boundedFetch(`http://127.0.0.1:${port}/ca.crl`, limits), { ok: false, error: 'connection refused' });
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = boundedFetch(url('/drip'), { timeoutMs: 5000, maxBytes: 1024, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    assert.deepEqual(await pending, { ok: false, error: 'cancelled' });
    controller.abort();
    assert.deepEqual(await boundedFetch(url('/hello'), { ...limits, signal: controller.signal }), { ok: false, error: 'cancelled' });
  });

  it('never rejects on nonsense', async () => {
    for (const target of ['', 'not a url', 'http://', 'http://[::1', 'https://127.0.0.1:99999/']) {
      const result = await boundedFetch(target, limits);
      assert.equal(result.ok, false, target);
    }
  });
});
