// Deep TLS end to end through `npm run cli -- check`: the version matrix against openssl servers
// limited to one version, the far end's MTLS CA list, revocation over a loopback CRL server, and a
// missing intermediate fetched through AIA. Everything on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import { TestPki, bundle, type IssuedCert } from './helpers/pki.ts';
import { startOpensslServer, startTlsServer, type RunningServer } from './helpers/servers.ts';
import { RevocationCa, startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import type { EndpointResult } from '../shared/types.ts';

let pki: TestPki;
let root: IssuedCert;
let ca: IssuedCert;
let web: RouteServer;
let revocations: RevocationCa;
const servers: Record<string, RunningServer> = {};
const certs: Record<string, IssuedCert> = {};
let rootFile: string;

before(async () => {
  pki = new TestPki();
  web = await startRouteServer();
  ({ root, ca } = pki.hierarchy('Deep'));
  rootFile = join(pki.dir, 'deep-root.pem');
  writeFileSync(rootFile, root.certPem);
  revocations = new RevocationCa(ca);
  const crlUrl = `${web.base}/issuing.crl`;
  const leaf = (cn: string, extra: Partial<Parameters<TestPki['issue']>[0]> = {}) =>
    pki.issue({ cn, sans: [`DNS:${cn}`], issuer: ca, crlUrl, aiaIssuerUrl: `${web.base}/issuing.cer`, ...extra });
  certs.good = leaf('good.contoso.test');
  certs.revoked = leaf('revoked.contoso.test');
  certs.deadCrl = leaf('deadcrl.contoso.test', { crlUrl: 'http://127.0.0.1:9/gone.crl' });
  revocations.register(certs.good, certs.revoked, certs.deadCrl);
  revocations.revoke(certs.revoked, 'keyCompromise');
  web.serve('/issuing.crl', () => revocations.crl().der, 'application/pkix-crl');
  web.serve('/issuing.cer', ca.der, 'application/pkix-cert');

  const chainFile = join(pki.dir, 'deep-chain.pem');
  writeFileSync(chainFile, bundle(ca));
  const clientCas = join(pki.dir, 'client-cas.pem');
  writeFileSync(clientCas, root.certPem);
  const openssl = (args: string[], cert = certs.good) => startOpensslServer({ certPath: cert.certPath, keyPath: cert.keyPath, args: ['-cert_chain', chainFile, ...args] });
  servers.tls10 = await openssl(['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0']);
  servers.tls12 = await openssl(['-tls1_2']);
  servers.tls13 = await openssl(['-tls1_3']);
  servers.mtls = await openssl(['-tls1_2', '-Verify', '1', '-CAfile', clientCas]);
  servers.revoked = await startTlsServer({ certPem: bundle(certs.revoked, ca), keyPem: certs.revoked.keyPem });
  servers.deadCrl = await startTlsServer({ certPem: bundle(certs.deadCrl, ca), keyPem: certs.deadCrl.keyPem });
  servers.leafOnly = await startTlsServer({ certPem: bundle(certs.good), keyPem: certs.good.keyPem });
});

after(async () => {
  await Promise.all([...Object.values(servers).map((s) => s.close()), web.close()]);
});

async function check(server: RunningServer, ...extra: string[]): Promise<EndpointResult> {
  let out = '';
  const code = await main(['check', `${server.host}:${server.port}`, '--json', '--timeout', '3000', '--trust', rootFile, ...extra], (t) => {
    out += t;
  }, () => {});
  const result: EndpointResult = JSON.parse(out).results[0];
  // Reached; exit status 1 only for an error comment (--fail-on error, the default).
  assert.equal(code, result.error === null && !result.comments.some((c) => c.severity === 'error') ? 0 : 1, out);
  assert.equal(result.error, null, out);
  return result;
}

const ids = (r: EndpointResult) => r.comments.map((c) => c.id);

test('version matrix: a TLS 1.0-only server, a TLS 1.2-only and a TLS 1.3-only one', async () => {
  const old = await check(servers.tls10);
  assert.deepEqual(old.tls.versions, { SSLv2: false, SSLv3: false, TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false });
  assert.ok(old.tls.suites?.TLSv1, 'the suite chosen for TLS 1.0 is reported');
  assert.equal(old.served[0].thumbprint, certs.good.thumbprint, 'certificates are captured from a TLS 1.0-only server');
  assert.ok(ids(old).includes('no-tls12'));
  const t12 = await check(servers.tls12);
  assert.deepEqual(t12.tls.versions, { SSLv2: false, SSLv3: false, TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false });
  assert.ok(!ids(t12).includes('no-tls12') && !ids(t12).includes('legacy-tls'));
  const t13 = await check(servers.tls13);
  assert.deepEqual(t13.tls.versions, { SSLv2: false, SSLv3: false, TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': true });
  assert.match(t13.tls.suites?.['TLSv1.3'] ?? '', /^TLS_(AES|CHACHA20)/);
});

test('MTLS: the CA list the far end accepts, and whether it is one of our own roots', async () => {
  const r = await check(servers.mtls);
  assert.equal(r.tls.clientCertRequested, true);
  // Windows order: the reverse of the DER order, which `openssl ca` wrote as CN, O.
  assert.deepEqual(r.tls.acceptableCAs, ['O=Contoso Test, CN=Deep Root CA']);
  const comment = r.comments.find((c) => c.id === 'mtls-requested');
  assert.ok(comment);
  assert.match(comment.text, /Your own trusted root O=Contoso Test, CN=Deep Root CA is on that list/);
});

test('revocation: good, revoked (with reason), and an unreachable CRL', async () => {
  const good = await check(servers.tls12);
  const [leaf, intermediate] = good.revocation?.certificates ?? [];
  assert.deepEqual([leaf.status, leaf.method], ['good', 'crl']);
  // The test CA publishes no CRL for its own certificate, so the chain as a whole stays unknown.
  assert.equal(intermediate.status, 'unknown');
  assert.equal(good.revocation?.status, 'unknown');
  const revoked = await check(servers.revoked);
  assert.equal(revoked.revocation?.status, 'revoked');
  const comment = revoked.comments.find((c) => c.id === 'revoked');
  assert.equal(comment?.severity, 'error');
  assert.match(comment!.text, /keyCompromise/);
  const dead = await check(servers.deadCrl);
  assert.ok(ids(dead).includes('crl-unreachable'));
  const offline = await check(servers.revoked, '--offline');
  assert.equal(offline.revocation, null, '--offline checks no revocation');
});

test('AIA: a missing intermediate is fetched to build the chain, and still reported as the server\'s fault', async () => {
  const hitsBefore = web.hits.get('/issuing.cer') ?? 0;
  const r = await check(servers.leafOnly);
  assert.deepEqual(r.served.map((c) => c.thumbprint), [certs.good.thumbprint]);
  assert.deepEqual(r.chain.map((c) => `${c.cert.thumbprint}:${c.source}`), [`${certs.good.thumbprint}:served`, `${ca.thumbprint}:aia`, `${root.thumbprint}:user`]);
  assert.equal(r.trust?.trusted, true);
  const comment = r.comments.find((c) => c.id === 'incomplete-chain');
  assert.equal(comment?.severity, 'error');
  assert.match(comment!.text, /Deep Issuing CA/);
  assert.ok((web.hits.get('/issuing.cer') ?? 0) > hitsBefore);
  const offline = await check(servers.leafOnly, '--offline');
  assert.equal(offline.chain.length, 1);
  assert.ok(offline.comments.some((c) => c.id === 'incomplete-chain'));
});

test('text output shows the version matrix, the CA list and revocation', async () => {
  let out = '';
  await main(['check', `127.0.0.1:${servers.mtls.port}`, '--trust', rootFile, '--timeout', '3000'], (t) => {
    out += t;
  }, () => {});
  assert.match(out, /TLS versions accepted: TLSv1 no, TLSv1\.1 no, TLSv1\.2 yes, TLSv1\.3 no/);
  assert.match(out, /^Certificates from: wire \(exactly as the server sent them/m);
  assert.match(out, /^Key exchange: x25519$/m);
  assert.match(out, /^Normal client \(Node's TLS\): /m);
  assert.match(out, /Acceptable client certificate CAs:\n {2}O=Contoso Test, CN=Deep Root CA/);
  // The leaf is good by CRL; the intermediate names no CRL: the unknown overall status is not labelled "crl".
  assert.match(out, /Revocation: unknown \(none\) Revocation status unknown for the intermediate/);
  assert.doesNotMatch(out, /ssl3_read_bytes/, 'OpenSSL internals are not shown to the admin');
});
