// Fetching intermediates a server did not send, from AIA caIssuers URLs on a loopback server.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { RevocationCa, startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import { closedPort, startSilentServer } from './helpers/servers.ts';
import { clearAiaCache, fetchMissingIssuers, readIssuerCertificates } from '../shared/engine/chain/aia.ts';

describe('fetchMissingIssuers', () => {
  let server: RouteServer;
  let pki: TestPki;
  let root: IssuedCert;
  let ca: IssuedCert;
  let url: (path: string) => string;
  const der = (cert: IssuedCert) => new Uint8Array(cert.der);
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  const leafWithAia = (cn: string, aiaPath: string, issuer: IssuedCert = ca) =>
    pki.issue({ cn, issuer, aiaIssuerUrl: aiaPath.includes('://') ? aiaPath : url(aiaPath), key: 'ec:P-256' });

  before(async () => {
    server = await startRouteServer();
    url = (path) => `${server.base}${path}`;
    pki = new TestPki();
    root = pki.issue({ cn: 'AIA Test Root', subjectPrefix: '/O=Contoso Test', ca: true, days: 3650 });
    ca = pki.issue({ cn: 'AIA Test Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root, aiaIssuerUrl: `http://127.0.0.1:${server.port}/root.cer` });
    server.serve('/ca.cer', ca.der, 'application/pkix-cert');
    server.serve('/root.cer', root.der, 'application/pkix-cert');
    server.serve('/ca.p7c', new RevocationCa(ca).p7c(), 'application/pkcs7-mime');
    server.serve('/ca.pem', Buffer.from(ca.certPem), 'application/x-pem-file');
    server.serve('/unrelated.cer', pki.issue({ cn: 'Somebody Else CA', ca: true }).der);
    for (const path of ['/cached.cer', '/coalesced.cer']) server.serve(path, ca.der);
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => clearAiaCache());

  it('fetches the missing intermediate from a DER caIssuers URL', async () => {
    const leaf = leafWithAia('der.contoso.test', '/ca.cer');
    const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 3000, knownIssuers: [der(root)] });
    assert.deepEqual(result.errors, []);
    assert.equal(result.fetched.length, 1, 'the root is known: not fetched');
    assert.equal(hex(result.fetched[0]!.der), hex(der(ca)));
    assert.equal(result.fetched[0]!.url, url('/ca.cer'));
  });

  it('fetches from a PKCS#7 .p7c and from PEM', async () => {
    for (const path of ['/ca.p7c', '/ca.pem']) {
      const leaf = leafWithAia(`p7c${path.replace(/\W/g, '')}.contoso.test`, path);
      const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 3000, knownIssuers: [der(root)] });
      assert.deepEqual(result.errors, [], path);
      assert.equal(result.fetched.length, 1, path);
      assert.equal(hex(result.fetched[0]!.der), hex(der(ca)), path);
    }
  });

  it('keeps walking up: the intermediate\'s own issuer comes from its AIA too', async () => {
    const leaf = leafWithAia('walk.contoso.test', '/ca.cer');
    const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 3000 });
    assert.deepEqual(result.fetched.map((f) => f.url), [url('/ca.cer'), url('/root.cer')]);
    assert.equal(hex(result.fetched[1]!.der), hex(der(root)));
    assert.deepEqual(result.errors, []);
  });

  it('fetches nothing when the server sent the intermediate', async () => {
    const leaf = leafWithAia('complete.contoso.test', '/ca.cer');
    const before = server.hits.get('/ca.cer') ?? 0;
    const result = await fetchMissingIssuers([der(leaf), der(ca)], { timeoutMs: 3000, knownIssuers: [der(root)] });
    assert.deepEqual(result, { fetched: [], errors: [] });
    assert.equal(server.hits.get('/ca.cer') ?? 0, before);
  });

  it('reports an unreachable caIssuers URL, a 404 and a download without the issuer', async () => {
    const port = await closedPort();
    const dead = leafWithAia('dead.contoso.test', `http://127.0.0.1:${port}/ca.cer`);
    const deadResult = await fetchMissingIssuers([der(dead)], { timeoutMs: 3000 });
    assert.deepEqual(deadResult.fetched, []);
    assert.deepEqual(deadResult.errors, [`Could not fetch the issuer of dead.contoso.test from http://127.0.0.1:${port}/ca.cer: connection refused`]);

    const missing = leafWithAia('missing.contoso.test', '/nothing-here.cer');
    const missingResult = await fetchMissingIssuers([der(missing)], { timeoutMs: 3000 });
    assert.match(missingResult.errors[0]!, /: HTTP 404$/);

    const wrong = leafWithAia('wrong.contoso.test', '/unrelated.cer');
    const wrongResult = await fetchMissingIssuers([der(wrong)], { timeoutMs: 3000 });
    assert.deepEqual(wrongResult.fetched, []);
    assert.match(wrongResult.errors[0]!, /does not contain the issuer of wrong\.contoso\.test/);
  });

  it('does not fetch ldap:// locations and says so', async () => {
    const leaf = leafWithAia('ldap.contoso.test', 'ldap:///CN=AIA%20Test%20Issuing%20CA?cACertificate?base');
    const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 3000 });
    assert.deepEqual(result.fetched, []);
    assert.match(result.errors[0]!, /names only ldap:\/\/\/CN=AIA%20Test%20Issuing%20CA\?cACertificate\?base, which is not fetched/);
  });

  it('fetches nothing offline', async () => {
    const leaf = leafWithAia('offline.contoso.test', '/ca.cer');
    const before = [...server.hits.values()].reduce((a, b) => a + b, 0);
    const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 3000, offline: true });
    assert.deepEqual(result, { fetched: [], errors: [] });
    assert.equal([...server.hits.values()].reduce((a, b) => a + b, 0), before);
  });

  it('downloads each URL once: later and concurrent requests share it', async () => {
    const leaves = [1, 2, 3].map((n) => leafWithAia(`cache${n}.contoso.test`, '/cached.cer'));
    for (const leaf of leaves) {
      const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 3000, knownIssuers: [der(root)] });
      assert.equal(result.fetched.length, 1);
    }
    assert.equal(server.hits.get('/cached.cer'), 1);

    const concurrent = [1, 2, 3].map((n) => leafWithAia(`together${n}.contoso.test`, '/coalesced.cer'));
    const results = await Promise.all(concurrent.map((leaf) => fetchMissingIssuers([der(leaf)], { timeoutMs: 3000, knownIssuers: [der(root)] })));
    assert.deepEqual(results.map((r) => r.fetched.length), [1, 1, 1]);
    assert.equal(server.hits.get('/coalesced.cer'), 1);
  });

  it('stops after maxFetches downloads', async () => {
    const leaf = leafWithAia('bounded.contoso.test', '/ca.cer');
    const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 3000, maxFetches: 1 });
    assert.equal(result.fetched.length, 1);
    assert.deepEqual(result.errors, ['Stopped fetching missing issuers after 1 download']);
  });

  it("fetches a certificate's caIssuers URLs at once: two silent ones cost one timeout, not two", async () => {
    const silent = await startSilentServer();
    try {
      const stalls = [1, 2].map((n) => `caIssuers;URI:http://127.0.0.1:${silent.port}/stall${n}.cer`);
      const leaf = pki.issue({ cn: 'parallel.contoso.test', issuer: ca, key: 'ec:P-256', extraExt: [`authorityInfoAccess = ${[...stalls, `caIssuers;URI:${url('/ca.cer')}`].join(', ')}`] });
      const started = performance.now();
      const result = await fetchMissingIssuers([der(leaf)], { timeoutMs: 1500, knownIssuers: [der(root)] });
      const elapsed = performance.now() - started;
      assert.deepEqual(result.fetched.map((f) => f.url), [url('/ca.cer')]);
      assert.equal(result.errors.length, 2, result.errors.join('; '));
      // One after another they took 3 s; generous margin for a loaded machine.
      assert.ok(elapsed < 2700, `took ${Math.round(elapsed)} ms`);
    } finally {
      await silent.close();
    }
  });

  it('never rejects on garbage', async () => {
    const result = await fetchMissingIssuers([new Uint8Array([1, 2, 3])], { timeoutMs: 1000 });
    assert.deepEqual(result.fetched, []);
    assert.equal(result.errors.length, 1);
    assert.deepEqual(await fetchMissingIssuers([], { timeoutMs: 1000 }), { fetched: [], errors: [] });
  });
});

describe('readIssuerCertificates', () => {
  it('reads DER, PEM and PKCS#7, and refuses anything else', () => {
    const pki = new TestPki();
    const { root, ca } = pki.hierarchy('Reader');
    const p7c = new RevocationCa(ca).p7c(root);
    const fromP7c = readIssuerCertificates(new Uint8Array(p7c));
    assert.equal(fromP7c.error, null);
    assert.deepEqual(fromP7c.certificates.map((c) => Buffer.from(c).toString('hex')).sort(), [ca.der.toString('hex'), root.der.toString('hex')].sort());
    const fromPem = readIssuerCertificates(new Uint8Array(Buffer.from(ca.certPem + root.certPem)));
    assert.equal(fromPem.certificates.length, 2);
    assert.equal(readIssuerCertificates(new Uint8Array(ca.der)).certificates.length, 1);
    assert.notEqual(readIssuerCertificates(new Uint8Array(Buffer.from('<html>nope</html>'))).error, null);
    assert.notEqual(readIssuerCertificates(new Uint8Array([0x30, 0x82, 0xff])).error, null);
  });
});
