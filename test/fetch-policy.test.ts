// A certificate must not make the tool reach into the admin's own network: AIA/CRL/OCSP fetches to
// internal addresses are refused for public servers (after DNS and after every redirect), allowed
// for internal ones, and the two options force either way. Everything stays on loopback: a test
// classifier calls 127.0.0.2 "public" and 127.0.0.3 "internal", and a test resolver names them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { boundedFetch } from '../shared/engine/net/http-fetch.ts';
import { createFetchGuard, isInternalAddress } from '../shared/engine/net/fetch-policy.ts';
import { clearAiaCache } from '../shared/engine/chain/aia.ts';
import { clearRevocationCache } from '../shared/engine/revocation/index.ts';
import { runChecks } from '../shared/engine/pipeline.ts';
import type { InternalFetchMode } from '../shared/types.ts';
import { startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import { startTlsServer, type RunningServer } from './helpers/servers.ts';
import { TestPki } from './helpers/pki.ts';

const PUBLIC_IP = '127.0.0.2';
const INTERNAL_IP = '127.0.0.3';
const isInternal = (address: string) => address === INTERNAL_IP;
const NAMES: Record<string, string[]> = { 'crl.public.test': [PUBLIC_IP], 'crl.internal.test': [INTERNAL_IP], 'crl.both.test': [PUBLIC_IP, INTERNAL_IP] };
const testLookup: LookupFunction = (hostname, options, callback) => {
  const found = NAMES[hostname];
  if (!found) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
  const list: dns.LookupAddress[] = found.map((address) => ({ address, family: 4 }));
  if (options.all) callback(null, list);
  else callback(null, list[0]!.address, 4);
};

let publicServer: RouteServer;
let internalServer: RouteServer;
before(async () => {
  publicServer = await startRouteServer(PUBLIC_IP);
  internalServer = await startRouteServer(INTERNAL_IP);
  for (const server of [publicServer, internalServer]) server.serve('/x.crl', Buffer.from('crl bytes'), 'application/pkix-crl');
  publicServer.route('/to-internal', (_request, _body, response) => {
    response.statusCode = 302;
    response.setHeader('Location', `http://crl.internal.test:${internalServer.port}/x.crl`);
    response.end();
  });
});
after(async () => {
  await publicServer.close();
  await internalServer.close();
});

const guardFor = (mode: InternalFetchMode, targetAddress: string | null) => createFetchGuard({ mode, targetAddress, isInternal, lookup: testLookup });
const fetchWith = (url: string, guard: ReturnType<typeof guardFor>, extra: { method?: 'POST'; body?: Uint8Array } = {}) =>
  boundedFetch(url, { timeoutMs: 3000, maxBytes: 1024, guard, ...extra });

test('internal addresses: loopback, private, link-local, unique-local, CGNAT, mapped IPv4; not public ones', () => {
  for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::5', 'fc00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1']) {
    assert.equal(isInternalAddress(address), true, address);
  }
  for (const address of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '52.112.0.1', '2001:4860:4860::8888', 'not-an-ip']) {
    assert.equal(isInternalAddress(address), false, address);
  }
});

test('public server: fetches to internal addresses are refused after DNS, for literals, and after a redirect; nothing reaches them', async () => {
  const hitsBefore = internalServer.hits.get('/x.crl') ?? 0;
  const guard = guardFor('auto', PUBLIC_IP);
  const ok = await fetchWith(`http://crl.public.test:${publicServer.port}/x.crl`, guard);
  assert.equal(ok.ok && Buffer.from(ok.bytes).toString(), 'crl bytes');

  const byName = await fetchWith(`http://crl.internal.test:${internalServer.port}/x.crl`, guard);
  assert.deepEqual(byName, { ok: false, error: `not fetched: crl.internal.test (${INTERNAL_IP}) is an internal address and the checked server is not`, refusedAddress: INTERNAL_IP });
  const literal = await fetchWith(`http://${INTERNAL_IP}:${internalServer.port}/x.crl`, guard);
  assert.equal(!literal.ok && literal.refusedAddress, INTERNAL_IP);
  const mixed = await fetchWith(`http://crl.both.test:${internalServer.port}/x.crl`, guard);
  assert.equal(!mixed.ok && mixed.refusedAddress, INTERNAL_IP, 'a name with any internal address is refused');
  const redirected = await fetchWith(`http://crl.public.test:${publicServer.port}/to-internal`, guard);
  assert.equal(!redirected.ok && redirected.refusedAddress, INTERNAL_IP);
  const posted = await fetchWith(`http://crl.internal.test:${internalServer.port}/x.crl`, guard, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
  assert.equal(!posted.ok && posted.refusedAddress, INTERNAL_IP, 'an OCSP POST is not sent either');
  assert.equal(internalServer.hits.get('/x.crl') ?? 0, hitsBefore, 'no request reached the internal server');
});

test('internal server, --allow-private-fetch and --public-fetch-only', async () => {
  const viaRedirect = `http://crl.public.test:${publicServer.port}/to-internal`;
  // An internal PKI behind SIP INT SRV: the server is internal, so are its URLs.
  const internalTarget = await fetchWith(viaRedirect, guardFor('auto', INTERNAL_IP));
  assert.equal(internalTarget.ok && internalTarget.finalUrl, `http://crl.internal.test:${internalServer.port}/x.crl`);
  assert.equal((await fetchWith(viaRedirect, guardFor('allow', PUBLIC_IP))).ok, true);
  const refused = await fetchWith(viaRedirect, guardFor('refuse', INTERNAL_IP));
  assert.equal(!refused.ok && refused.refusedAddress, INTERNAL_IP);
  // Certificates from files have no server: refused unless allowed.
  assert.equal(guardFor('auto', null).refuses(INTERNAL_IP), true);
  assert.equal(guardFor('allow', null).refuses(INTERNAL_IP), false);
});

test('the engine: a loopback server fetches its loopback CRL; with refuse it is a fact and a comment', async (t) => {
  const pki = new TestPki();
  const crlServer = await startRouteServer('127.0.0.1');
  const { ca } = pki.hierarchy('FetchPolicy');
  const crlUrl = `http://127.0.0.1:${crlServer.port}/leaf.crl`;
  crlServer.serve('/leaf.crl', Buffer.from('not a crl'), 'application/pkix-crl');
  const leaf = pki.issue({ cn: 'sip.contoso.test', sans: ['DNS:sip.contoso.test'], issuer: ca, crlUrl });
  const tlsServer: RunningServer = await startTlsServer({ host: '127.0.0.1', certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem });
  t.after(async () => {
    await tlsServer.close();
    await crlServer.close();
  });
  const check = async (internalFetches: InternalFetchMode) => {
    clearAiaCache();
    clearRevocationCache();
    const [result] = await runChecks({ targets: [{ input: `127.0.0.1:${tlsServer.port}`, type: 'DIR' }], options: { dnsServer: null, testPool: false, timeoutMs: 3000, internalFetches } });
    return result!;
  };
  const allowed = await check('auto');
  assert.equal(crlServer.hits.get('/leaf.crl'), 1, 'the internal server\'s own CRL is fetched');
  assert.equal(allowed.refusedFetches, undefined);

  const refused = await check('refuse');
  assert.equal(crlServer.hits.get('/leaf.crl'), 1, 'nothing more was fetched');
  assert.deepEqual(refused.refusedFetches, [{ purpose: 'CRL', url: crlUrl, address: '127.0.0.1' }]);
  const comment = refused.comments.find((c) => c.id === 'internal-fetch-refused');
  assert.ok(comment, JSON.stringify(refused.comments.map((c) => c.id)));
  assert.match(comment.text, /CRL http:\/\/127\.0\.0\.1:\d+\/leaf\.crl \(127\.0\.0\.1\)/);
  assert.ok(!refused.comments.some((c) => c.id === 'crl-unreachable'), 'a refused CRL was not tried, so it is not called unreachable');
});
