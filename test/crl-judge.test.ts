// A CRL's own structure (RFC 5280 5.2, 6.3.3), judged by the code both the download path and the
// conformance harness use: judgeChainAgainstCrls with bytes and a time, and checkRevocation over loopback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { RevocationCa, startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import { CRITICAL_CRL_NUMBER, largeCrl, WITH_CRITICAL_DELTA_INDICATOR } from './helpers/large-crl.ts';
import { checkRevocation, clearRevocationCache, judgeChainAgainstCrls } from '../shared/engine/revocation/index.ts';

describe('CRL structure', () => {
  const pki = new TestPki();
  const root = pki.issue({ cn: 'CRL Judge Root', ca: true, key: 'ec:P-256', days: 3650 });
  // RSA: large-crl.ts signs sha256WithRSAEncryption.
  const ca = pki.issue({ cn: 'CRL Judge CA', ca: true, issuer: root, keyUsage: 'critical, keyCertSign, cRLSign' });
  const noCrlSign = pki.issue({ cn: 'CRL Judge CA without cRLSign', ca: true, issuer: root, key: 'ec:P-256', keyUsage: 'critical, keyCertSign' });
  const stranger = pki.issue({ cn: 'CRL Judge CA', ca: true, keyUsage: 'critical, keyCertSign, cRLSign' });
  const leafOf = (issuer: IssuedCert, cn: string) => pki.issue({ cn, sans: [`DNS:${cn}`], issuer, key: 'ec:P-256' });
  const good = leafOf(ca, 'good.crl-judge.test');
  const revoked = leafOf(ca, 'revoked.crl-judge.test');
  const caDb = new RevocationCa(ca);
  caDb.register(good);
  caDb.revoke(revoked, 'keyCompromise');
  const chain = (...certs: IssuedCert[]) => certs.map((c) => new Uint8Array(c.der));
  const now = new Date();
  const judgeLeaf = async (leaf: IssuedCert, issuer: IssuedCert, crl: Uint8Array, at = now) => (await judgeChainAgainstCrls(chain(leaf, issuer, root), [crl], at)).certificates[0]!;

  it('an openssl ca -gencrl CRL answers revoked and not revoked', async () => {
    const crl = new Uint8Array(caDb.crl().der);
    const listed = await judgeLeaf(revoked, ca, crl);
    assert.deepEqual([listed.verdict?.status, listed.verdict?.reason, listed.problems], ['revoked', 'keyCompromise', []]);
    const unlisted = await judgeLeaf(good, ca, crl);
    assert.deepEqual([unlisted.verdict?.status, unlisted.crlsFromIssuer], ['good', 1]);
    // The CA itself: no CRL of the root was given, so it is not judged ("no CRL" is no verdict either way).
    const whole = await judgeChainAgainstCrls(chain(good, ca, root), [crl], now);
    assert.deepEqual(whole.certificates.map((c) => [c.index, c.crlsFromIssuer, c.verdict]), [[0, 1, { status: 'good', revokedAt: null, reason: null }], [1, 0, null]]);
  });

  it('a CRL past its nextUpdate, or not yet issued, is no answer', async () => {
    const crl = new Uint8Array(caDb.crl({ hours: 1 }).der);
    const late = await judgeLeaf(good, ca, crl, new Date(Date.now() + 3 * 3_600_000));
    assert.equal(late.verdict, null);
    assert.match(late.problems.join(), /it expired on/);
    const early = await judgeLeaf(good, ca, crl, new Date(Date.now() - 3_600_000));
    assert.match(early.problems.join(), /dated in the future/);
  });

  it('a CRL signed by an issuer whose key usage lacks cRLSign is refused (6.3.3 (f))', async () => {
    const leaf = leafOf(noCrlSign, 'leaf.no-crlsign.test');
    const judged = await judgeLeaf(leaf, noCrlSign, new Uint8Array(new RevocationCa(noCrlSign).crl().der));
    assert.equal(judged.verdict, null);
    assert.match(judged.problems.join(), /may not sign CRLs \(key usage lacks cRLSign\)/);
  });

  it('a CRL without a CRL number, or with a critical one, is refused (5.2.3)', async () => {
    const missing = await judgeLeaf(good, ca, new Uint8Array(largeCrl(ca, 3, { extensions: Buffer.alloc(0) })));
    assert.deepEqual([missing.verdict, missing.problems], [null, ['it has no CRL number, which every CRL must carry']]);
    const critical = await judgeLeaf(good, ca, new Uint8Array(largeCrl(ca, 3, { extensions: CRITICAL_CRL_NUMBER })));
    assert.deepEqual([critical.verdict, critical.problems], [null, ['its CRL number is marked critical, which it must not be']]);
    assert.equal((await judgeLeaf(good, ca, new Uint8Array(largeCrl(ca, 3)))).verdict?.status, 'good');
  });

  it('a critical extension the reader cannot process makes the CRL unusable (5.2)', async () => {
    const judged = await judgeLeaf(good, ca, new Uint8Array(largeCrl(ca, 3, { extensions: WITH_CRITICAL_DELTA_INDICATOR })));
    assert.deepEqual([judged.verdict, judged.problems], [null, ['it has a critical extension 2.5.29.27 that this tool cannot process']]);
  });

  it('a CRL in the issuer name signed by another key is refused; one by another CA does not count', async () => {
    const forged = await judgeLeaf(good, ca, new Uint8Array(largeCrl(ca, 3, { signer: stranger })));
    assert.equal(forged.verdict, null);
    assert.match(forged.problems.join(), /signature does not verify with the issuer's key/);
    const otherCa = pki.issue({ cn: 'Another CRL Judge CA', ca: true, issuer: root, key: 'ec:P-256' });
    const elsewhere = await judgeLeaf(good, ca, new Uint8Array(new RevocationCa(otherCa).crl().der));
    assert.deepEqual([elsewhere.crlsFromIssuer, elsewhere.verdict, elsewhere.problems], [0, null, []]);
    assert.equal((await judgeChainAgainstCrls(chain(good, ca, root), [new Uint8Array([0x30, 0x00])], now)).unreadable, 1);
  });

  describe('downloaded', () => {
    let server: RouteServer;
    before(async () => {
      server = await startRouteServer();
    });
    after(() => server.close());

    it('records an unusable CRL on the certificate, whose status stays unknown', async () => {
      clearRevocationCache();
      server.serve('/no-number.crl', largeCrl(ca, 3, { extensions: Buffer.alloc(0) }));
      const leaf = pki.issue({ cn: 'download.crl-judge.test', sans: ['DNS:download.crl-judge.test'], issuer: ca, key: 'ec:P-256', crlUrl: `${server.base}/no-number.crl` });
      const report = await checkRevocation({ chain: chain(leaf, ca, root), stapledOcsp: null, timeoutMs: 3000 });
      const entry = report.perCert[0]!;
      assert.equal(entry.status, 'unknown');
      assert.deepEqual(entry.invalidCrls, [{ url: `${server.base}/no-number.crl`, problems: ['it has no CRL number, which every CRL must carry'] }]);
      assert.match(entry.details, /not trusted \(it has no CRL number/);
    });
  });
});
