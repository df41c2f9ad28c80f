// Revocation against loopback only: CRLs made by `openssl ca -gencrl`, OCSP answers made by
// `openssl ocsp -index` for the exact request the checker POSTs, and the hostile cases.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { TestPki, daysFromNow, type IssuedCert } from './helpers/pki.ts';
import { RevocationCa, startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import { closedPort } from './helpers/servers.ts';
import { checkRevocation, clearRevocationCache, type RevocationInput } from '../shared/engine/revocation/index.ts';

const TIMEOUT = 3000;

describe('checkRevocation', () => {
  let server: RouteServer;
  let pki: TestPki;
  let root: IssuedCert;
  let rootDb: RevocationCa;
  let ca: IssuedCert;
  let caDb: RevocationCa;
  let url: (path: string) => string;

  const chainOf = (...certs: IssuedCert[]) => certs.map((c) => new Uint8Array(c.der));
  const run = (chain: Uint8Array[], extra: Partial<RevocationInput> = {}) =>
    checkRevocation({ chain, stapledOcsp: null, timeoutMs: TIMEOUT, ...extra });
  const leafUnderCa = (cn: string, opts: { crl?: string | null; crls?: string[]; ocsp?: string | null; aia?: string } = {}) => {
    const leaf = pki.issue({
      cn,
      sans: [`DNS:${cn}`],
      issuer: ca,
      key: 'ec:P-256', // quicker to generate than RSA; the CA's signatures stay RSA
      crlUrl: opts.crl === null ? undefined : (opts.crl ?? url('/ca.crl')),
      crlUrls: opts.crls,
      ocspUrl: opts.ocsp === null ? undefined : (opts.ocsp ?? url('/ocsp')),
    });
    caDb.register(leaf);
    return leaf;
  };

  before(async () => {
    server = await startRouteServer();
    url = (path) => `${server.base}${path}`;
    pki = new TestPki();
    root = pki.issue({ cn: 'Revocation Test Root', subjectPrefix: '/O=Contoso Test', ca: true, days: 3650 });
    rootDb = new RevocationCa(root);
    ca = pki.issue({ cn: 'Revocation Test Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root, days: 1825, crlUrl: url('/root.crl') });
    rootDb.register(ca);
    caDb = new RevocationCa(ca);
    // CRLs are generated per request, so they always list what has been revoked so far.
    server.serve('/root.crl', () => rootDb.crl().der, 'application/pkix-crl');
    server.serve('/ca.crl', () => caDb.crl().der, 'application/pkix-crl');
    server.serve('/ca-pem.crl', () => Buffer.from(caDb.crl().pem), 'application/x-pem-file');
    server.serve('/cached.crl', () => caDb.crl().der);
    server.serve('/coalesced.crl', () => caDb.crl().der);
    server.route('/ocsp', async (request, body, response) => {
      // RFC 6960 A.1: a POSTed request says what it is.
      if (request.method !== 'POST' || request.headers['content-type'] !== 'application/ocsp-request') {
        response.statusCode = 415;
        return void response.end();
      }
      response.setHeader('Content-Type', 'application/ocsp-response');
      response.end(await caDb.ocspRespond(body));
    });
    server.serve('/garbage', Buffer.from('<html><body>Proxy login required</body></html>'), 'text/html');
    server.route('/loop', (_request, _body, response) => {
      response.statusCode = 302;
      response.setHeader('Location', '/loop');
      response.end();
    });
    server.route('/huge', (_request, _body, response) => {
      // 21 MB without a Content-Length: the limit must be enforced while streaming.
      const chunk = Buffer.alloc(1024 * 1024, 0x30);
      let sent = 0;
      const pump = () => {
        while (sent < 21) {
          sent++;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('error', () => {});
      pump();
    });
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => clearRevocationCache());

  it('reports a good leaf as good by OCSP and the intermediate as good by CRL', async () => {
    const leaf = leafUnderCa('good.contoso.test');
    const report = await run(chainOf(leaf, ca, root));
    assert.equal(report.overall.status, 'good');
    assert.equal(report.overall.method, 'ocsp');
    assert.match(report.overall.details, /Not revoked/);
    assert.ok(!Number.isNaN(Date.parse(report.overall.checkedAt)));
    assert.equal(report.perCert.length, 2, 'the root is not checked');
    const [leafResult, caResult] = report.perCert;
    assert.equal(leafResult!.status, 'good');
    assert.equal(leafResult!.method, 'ocsp');
    assert.equal(leafResult!.crlUnreachable, false);
    assert.equal(leafResult!.ocspUnreachable, false);
    assert.equal(leafResult!.subject, 'CN=good.contoso.test');
    // Both methods were asked and both said good.
    assert.match(leafResult!.details, /OCSP http:\/\/127\.0\.0\.1:\d+\/ocsp: good/);
    assert.match(leafResult!.details, /CRL http:\/\/127\.0\.0\.1:\d+\/ca\.crl: not listed/);
    assert.equal(caResult!.status, 'good');
    assert.equal(caResult!.method, 'crl');
    assert.equal(caResult!.index, 1);
    assert.match(caResult!.subject, /CN=Revocation Test Issuing CA/);
  });

  it('reports a revoked leaf with its reason and date, by OCSP and by CRL', async () => {
    const leaf = leafUnderCa('revoked.contoso.test');
    const { revokedAt } = caDb.revoke(leaf, 'keyCompromise');
    const report = await run(chainOf(leaf, ca, root));
    assert.equal(report.overall.status, 'revoked');
    assert.equal(report.overall.method, 'ocsp');
    assert.match(report.overall.details, /revoked on \d{4}-\d{2}-\d{2} \(keyCompromise\)/);
    const leafResult = report.perCert[0]!;
    assert.equal(leafResult.status, 'revoked');
    assert.equal(leafResult.method, 'ocsp');
    assert.equal(leafResult.reason, 'keyCompromise');
    assert.equal(leafResult.revokedAt, revokedAt.toISOString());
    assert.match(leafResult.details, /CRL [^;]*: revoked on [^;]*\(keyCompromise\)/, 'the CRL agrees');

    const crlOnly = pki.issue({ cn: 'revoked-crl.contoso.test', issuer: ca, crlUrl: url('/ca-pem.crl') });
    const crlRevoked = caDb.revoke(crlOnly, 'superseded');
    const byCrl = await run(chainOf(crlOnly, ca, root));
    assert.equal(byCrl.overall.status, 'revoked');
    assert.equal(byCrl.perCert[0]!.method, 'crl');
    assert.equal(byCrl.perCert[0]!.reason, 'superseded');
    assert.equal(byCrl.perCert[0]!.revokedAt, crlRevoked.revokedAt.toISOString());
  });

  it('reports a revoked intermediate while the leaf itself is good', async () => {
    const badCa = pki.issue({ cn: 'Revoked Issuing CA', ca: true, issuer: root, crlUrl: url('/root.crl') });
    const badCaDb = new RevocationCa(badCa);
    server.serve('/bad-ca.crl', () => badCaDb.crl().der);
    const leaf = pki.issue({ cn: 'under-revoked.contoso.test', issuer: badCa, crlUrl: url('/bad-ca.crl') });
    rootDb.revoke(badCa, 'cACompromise');
    const report = await run(chainOf(leaf, badCa, root));
    assert.equal(report.overall.status, 'revoked');
    assert.equal(report.overall.method, 'crl', 'the method that decided the leaf');
    assert.match(report.overall.details, /intermediate CN=Revoked Issuing CA was revoked/);
    assert.equal(report.perCert[0]!.status, 'good');
    assert.equal(report.perCert[1]!.status, 'revoked');
    assert.equal(report.perCert[1]!.reason, 'cACompromise');
  });

  it('an intermediate naming no CRL or OCSP makes the chain unknown, labelled by that part (not by the leaf\'s OCSP)', async () => {
    const bare = pki.issue({ cn: 'Revocation Bare Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root, days: 1825 });
    const bareDb = new RevocationCa(bare);
    server.serve('/bare.crl', () => bareDb.crl().der, 'application/pkix-crl');
    const leaf = pki.issue({ cn: 'bare-leaf.contoso.test', sans: ['DNS:bare-leaf.contoso.test'], issuer: bare, crlUrl: url('/bare.crl') });
    bareDb.register(leaf);
    const report = await run(chainOf(leaf, bare, root));
    assert.equal(report.perCert[0]!.status, 'good');
    assert.equal(report.perCert[0]!.method, 'crl');
    assert.equal(report.perCert[1]!.status, 'unknown');
    assert.equal(report.overall.status, 'unknown');
    assert.equal(report.overall.method, 'none', 'the leaf\'s method must not label the unknown intermediate');
    assert.match(report.overall.details, /unknown for the intermediate .*Revocation Bare Issuing CA.*names neither a CRL distribution point nor an OCSP responder/);
  });

  it('marks an unreachable CRL (closed loopback port) and leaves the status unknown', async () => {
    const port = await closedPort();
    const leaf = leafUnderCa('nocrl.contoso.test', { crl: `http://127.0.0.1:${port}/ca.crl`, ocsp: null });
    const report = await run(chainOf(leaf, ca, root));
    const leafResult = report.perCert[0]!;
    assert.equal(leafResult.status, 'unknown');
    assert.equal(leafResult.method, 'none');
    assert.equal(leafResult.crlUnreachable, true);
    assert.equal(leafResult.ocspUnreachable, false);
    assert.match(leafResult.details, /unreachable \(connection refused\)/);
    assert.equal(report.overall.status, 'unknown');
    assert.match(report.overall.details, /Revocation status unknown for the certificate/);
  });

  it('still says good by OCSP when the CRL is unreachable, and records the unreachable CRL', async () => {
    const port = await closedPort();
    const leaf = leafUnderCa('ocsp-only.contoso.test', { crl: `http://127.0.0.1:${port}/ca.crl` });
    const report = await run(chainOf(leaf, ca, root));
    assert.equal(report.perCert[0]!.status, 'good');
    assert.equal(report.perCert[0]!.method, 'ocsp');
    assert.equal(report.perCert[0]!.crlUnreachable, true);
  });

  it('falls back to the CRL when the OCSP responder returns garbage', async () => {
    const leaf = leafUnderCa('garbage-ocsp.contoso.test', { ocsp: url('/garbage') });
    const report = await run(chainOf(leaf, ca, root));
    const leafResult = report.perCert[0]!;
    assert.equal(leafResult.status, 'good');
    assert.equal(leafResult.method, 'crl');
    assert.equal(leafResult.ocspUnreachable, false, 'it answered, just not with OCSP');
    assert.match(leafResult.details, /OCSP [^;]*\/garbage answer not usable \(not an OCSP response\)/);

    const onlyGarbage = leafUnderCa('garbage-only.contoso.test', { ocsp: url('/garbage'), crl: null });
    const unknown = await run(chainOf(onlyGarbage, ca, root));
    assert.equal(unknown.perCert[0]!.status, 'unknown');
    assert.match(unknown.perCert[0]!.details, /names no CRL distribution point/);
  });

  it('marks an OCSP responder on a closed port as unreachable', async () => {
    const port = await closedPort();
    const leaf = leafUnderCa('dead-ocsp.contoso.test', { ocsp: `http://127.0.0.1:${port}/ocsp` });
    const report = await run(chainOf(leaf, ca, root));
    assert.equal(report.perCert[0]!.ocspUnreachable, true);
    assert.equal(report.perCert[0]!.status, 'good', 'the CRL still answers');
    assert.equal(report.perCert[0]!.method, 'crl');
  });

  it('does not trust a CRL signed by another key under the same CA name', async () => {
    const impostor = pki.issue({ cn: 'Revocation Test Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root });
    const impostorDb = new RevocationCa(impostor);
    server.serve('/impostor.crl', () => impostorDb.crl().der);
    const leaf = leafUnderCa('wrong-key.contoso.test', { crl: url('/impostor.crl'), ocsp: null });
    const report = await run(chainOf(leaf, ca, root));
    const leafResult = report.perCert[0]!;
    assert.equal(leafResult.status, 'unknown');
    assert.equal(leafResult.crlUnreachable, false, 'it was downloaded');
    assert.match(leafResult.details, /not trusted \(its signature does not verify with the issuer's key\)/);
  });

  it('aborts a CRL download past the size limit', async () => {
    const leaf = leafUnderCa('huge.contoso.test', { crl: url('/huge'), ocsp: null });
    const report = await run(chainOf(leaf, ca, root));
    assert.equal(report.perCert[0]!.status, 'unknown');
    assert.equal(report.perCert[0]!.crlUnreachable, true);
    assert.match(report.perCert[0]!.details, /response too large \(more than 20971520 bytes\)/);
  });

  it('gives up on a redirect loop', async () => {
    const leaf = leafUnderCa('loop.contoso.test', { crl: url('/loop'), ocsp: null });
    const before = server.hits.get('/loop') ?? 0;
    const report = await run(chainOf(leaf, ca, root));
    assert.equal(report.perCert[0]!.status, 'unknown');
    assert.match(report.perCert[0]!.details, /too many redirects/);
    assert.equal((server.hits.get('/loop') ?? 0) - before, 4, 'the first request and three redirects');
  });

  it('skips ldap:// distribution points with a note and uses the http one', async () => {
    const ldap = 'ldap:///CN=Revocation%20Test%20Issuing%20CA?certificateRevocationList?base';
    const leaf = leafUnderCa('ldap.contoso.test', { crl: null, crls: [ldap, url('/ca.crl')], ocsp: null });
    const report = await run(chainOf(leaf, ca, root));
    assert.equal(report.perCert[0]!.status, 'good');
    assert.equal(report.perCert[0]!.method, 'crl');
    assert.ok(report.perCert[0]!.details.includes(`CRL location ${ldap} skipped (only http and https are fetched)`));

    const ldapOnly = leafUnderCa('ldap-only.contoso.test', { crl: ldap, ocsp: null });
    const unknown = await run(chainOf(ldapOnly, ca, root));
    assert.equal(unknown.perCert[0]!.status, 'unknown');
    assert.equal(unknown.perCert[0]!.crlUnreachable, false, 'nothing was fetched');
    assert.match(unknown.perCert[0]!.details, /skipped/);
  });

  it('uses a stapled OCSP response without asking the responder', async () => {
    const leaf = leafUnderCa('stapled.contoso.test');
    const staple = await caDb.ocspResponseFor(leaf);
    const before = server.hits.get('/ocsp') ?? 0;
    const report = await run(chainOf(leaf, ca, root), { stapledOcsp: new Uint8Array(staple) });
    assert.equal(report.perCert[0]!.status, 'good');
    assert.equal(report.perCert[0]!.method, 'ocsp-staple');
    assert.equal(report.overall.method, 'ocsp-staple');
    assert.equal(server.hits.get('/ocsp') ?? 0, before, 'the responder was not asked');

    // A staple for another certificate is not used: the responder is asked instead.
    const other = leafUnderCa('other.contoso.test');
    const otherStaple = await caDb.ocspResponseFor(other);
    const fallback = await run(chainOf(leaf, ca, root), { stapledOcsp: new Uint8Array(otherStaple) });
    assert.equal(fallback.perCert[0]!.method, 'ocsp');
    assert.match(fallback.perCert[0]!.details, /stapled OCSP response not usable \(it does not answer for this certificate\)/i);
  });

  it('accepts a delegated OCSP responder with OCSP Signing and refuses one without', async () => {
    const responder = pki.issue({ cn: 'OCSP Responder', issuer: ca, eku: 'OCSPSigning', keyUsage: 'critical, digitalSignature' });
    const impostor = pki.issue({ cn: 'Not A Responder', issuer: ca, eku: 'serverAuth' });
    server.route('/ocsp-delegated', async (_request, body, response) => void response.end(await caDb.ocspRespond(body, responder)));
    server.route('/ocsp-impostor', async (_request, body, response) => void response.end(await caDb.ocspRespond(body, impostor)));
    const delegated = leafUnderCa('delegated.contoso.test', { ocsp: url('/ocsp-delegated'), crl: null });
    const good = await run(chainOf(delegated, ca, root));
    assert.equal(good.perCert[0]!.status, 'good');
    assert.equal(good.perCert[0]!.method, 'ocsp');

    const refused = leafUnderCa('impostor.contoso.test', { ocsp: url('/ocsp-impostor'), crl: null });
    const unknown = await run(chainOf(refused, ca, root));
    assert.equal(unknown.perCert[0]!.status, 'unknown');
    assert.match(unknown.perCert[0]!.details, /lacks the OCSP Signing usage/);
  });

  it('does not accept a CRL or OCSP answer past its nextUpdate', async () => {
    const leaf = leafUnderCa('stale.contoso.test');
    const report = await run(chainOf(leaf, ca, root), { now: daysFromNow(3) });
    assert.equal(report.perCert[0]!.status, 'unknown');
    assert.match(report.perCert[0]!.details, /OCSP [^;]* answer not usable \(it expired on/);
    assert.match(report.perCert[0]!.details, /CRL [^;]* not trusted \(it expired on [^;]*and the CA has not published a newer one\)/);
  });

  it('checks nothing offline', async () => {
    const leaf = leafUnderCa('offline.contoso.test');
    const hitsBefore = [...server.hits.values()].reduce((a, b) => a + b, 0);
    const report = await run(chainOf(leaf, ca, root), { offline: true });
    assert.equal(report.overall.status, 'unknown');
    assert.equal(report.overall.method, 'none');
    assert.equal(report.overall.details, 'Revocation not checked (offline)');
    assert.equal(report.perCert.length, 2);
    for (const cert of report.perCert) {
      assert.equal(cert.status, 'unknown');
      assert.equal(cert.method, 'none');
      assert.equal(cert.details, 'Revocation not checked (offline)');
    }
    assert.equal([...server.hits.values()].reduce((a, b) => a + b, 0), hitsBefore, 'no request was made');
  });

  it('downloads a CRL once and serves later checks from the cache', async () => {
    const first = leafUnderCa('cache1.contoso.test', { crl: url('/cached.crl'), ocsp: null });
    const second = leafUnderCa('cache2.contoso.test', { crl: url('/cached.crl'), ocsp: null });
    assert.equal((await run(chainOf(first, ca, root))).perCert[0]!.status, 'good');
    assert.equal((await run(chainOf(second, ca, root))).perCert[0]!.status, 'good');
    assert.equal(server.hits.get('/cached.crl'), 1);
  });

  it('shares one download between concurrent checks of the same CRL', async () => {
    const leaves = [1, 2, 3].map((n) => leafUnderCa(`coalesce${n}.contoso.test`, { crl: url('/coalesced.crl'), ocsp: null }));
    const reports = await Promise.all(leaves.map((leaf) => run(chainOf(leaf, ca, root))));
    assert.deepEqual(reports.map((r) => r.perCert[0]!.status), ['good', 'good', 'good']);
    assert.equal(server.hits.get('/coalesced.crl'), 1);
  });

  it('cannot check a certificate whose issuer is not in the chain', async () => {
    const leaf = leafUnderCa('alone.contoso.test');
    const report = await run(chainOf(leaf));
    assert.equal(report.overall.status, 'unknown');
    assert.match(report.perCert[0]!.details, /issuer certificate is not in the chain/);
  });

  it('has nothing to check for a self-signed certificate', async () => {
    const selfSigned = pki.issue({ cn: 'self.contoso.test' });
    const report = await run(chainOf(selfSigned));
    assert.equal(report.overall.status, 'unknown');
    assert.equal(report.perCert.length, 0);
    assert.match(report.overall.details, /Self-signed/);
  });

  it('never rejects on hostile input', async () => {
    const report = await run([new Uint8Array([0x30, 0x03, 0x02, 0x01]), new Uint8Array(0)], { stapledOcsp: new Uint8Array([1, 2, 3]) });
    assert.equal(report.overall.status, 'unknown');
    const leaf = leafUnderCa('bad-staple.contoso.test');
    const withJunkStaple = await run(chainOf(leaf, ca, root), { stapledOcsp: new Uint8Array([0x30, 0x80, 0xff]) });
    assert.equal(withJunkStaple.perCert[0]!.status, 'good');
    assert.match(withJunkStaple.perCert[0]!.details, /stapled OCSP response not usable \(not an OCSP response\)/i);
  });

  it('reads a CRL of 20,000 entries (beyond what asn1js parses by default)', async () => {
    const leaf = leafUnderCa('big-crl.contoso.test', { crl: url('/big.crl'), ocsp: null });
    const revokedAt = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    server.serve('/big.crl', bigCrl(ca, 20_000, { serialHex: leaf.serial, revokedAt, reasonCode: 1 }));
    const report = await run(chainOf(leaf, ca, root));
    const leafResult = report.perCert[0]!;
    assert.equal(leafResult.status, 'revoked', leafResult.details);
    assert.equal(leafResult.reason, 'keyCompromise');
    assert.equal(leafResult.revokedAt, revokedAt.toISOString());
    const other = leafUnderCa('not-in-big-crl.contoso.test', { crl: url('/big.crl'), ocsp: null });
    assert.equal((await run(chainOf(other, ca, root))).perCert[0]!.status, 'good');
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const leaf = leafUnderCa('cancel.contoso.test', { crl: url('/huge'), ocsp: null });
    const pending = run(chainOf(leaf, ca, root), { signal: controller.signal });
    controller.abort();
    const report = await pending;
    assert.equal(report.perCert[0]!.status, 'unknown');
    assert.match(report.perCert[0]!.details, /cancelled/);
  });
});

/** A CRL signed by `issuer` with `count` filler entries plus one chosen entry (with a reason code). */
function bigCrl(issuer: IssuedCert, count: number, target: { serialHex: string; revokedAt: Date; reasonCode: number }): Buffer {
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', algorithmParams: new asn1js.Null() });
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    signature: algorithm,
    issuer: pkijs.Certificate.fromBER(new Uint8Array(issuer.der)).subject,
    thisUpdate: new pkijs.Time({ type: 0, value: new Date(Date.now() - 3_600_000) }),
    nextUpdate: new pkijs.Time({ type: 0, value: new Date(Date.now() + 86_400_000) }),
    signatureAlgorithm: algorithm,
    // RFC 5280 5.2.3: every CRL carries a CRL number (one without is refused).
    crlExtensions: new pkijs.Extensions({ extensions: [new pkijs.Extension({ extnID: '2.5.29.20', extnValue: new asn1js.Integer({ value: 1 }).toBER() })] }),
    revokedCertificates: Array.from({ length: count }, (_, i) => {
      const serial = new Uint8Array(12);
      serial[0] = 0x7e;
      new DataView(serial.buffer).setUint32(8, i);
      return new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ valueHex: serial }), revocationDate: new pkijs.Time({ type: 0, value: new Date(Date.now() - 86_400_000) }) });
    }),
  });
  crl.revokedCertificates!.push(
    new pkijs.RevokedCertificate({
      userCertificate: new asn1js.Integer({ valueHex: new Uint8Array(Buffer.from(target.serialHex.padStart(target.serialHex.length + (target.serialHex.length % 2), '0'), 'hex')) }),
      revocationDate: new pkijs.Time({ type: 0, value: target.revokedAt }),
      crlEntryExtensions: new pkijs.Extensions({
        extensions: [new pkijs.Extension({ extnID: '2.5.29.21', extnValue: new asn1js.Enumerated({ value: target.reasonCode }).toBER() })],
      }),
    }),
  );
  const unsigned = crl.toSchema(true) as asn1js.Sequence;
  const tbs = Buffer.from(unsigned.valueBlock.value[0]!.toBER());
  const signature = sign('sha256', tbs, createPrivateKey(issuer.keyPem));
  const signed = new asn1js.Sequence({ value: [unsigned.valueBlock.value[0]!, algorithm.toSchema(), new asn1js.BitString({ valueHex: signature })] });
  return Buffer.from(signed.toBER());
}
