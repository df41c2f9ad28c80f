// The CRL memory budget on loopback: many endpoints whose chains name many distinct large CRLs stay
// within one budget (parsed size and downloads in flight counted), and what the budget or the
// per-chain URL cap refuses is reported on the certificate, never silently dropped.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { RevocationCa, startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import { largeCrl } from './helpers/large-crl.ts';
import { checkRevocation, clearRevocationCache, crlMemoryBudget } from '../shared/engine/revocation/index.ts';

const DEFAULT_LIMIT = crlMemoryBudget.stats().limitBytes;

describe('CRL memory budget', () => {
  let server: RouteServer;
  let pki: TestPki;
  let root: IssuedCert;
  let ca: IssuedCert;
  let caDb: RevocationCa;
  let crl: Buffer;
  const url = (path: string) => `${server.base}${path}`;
  const leaf = (cn: string, crlUrl: string, ocspUrl?: string) => {
    const cert = pki.issue({ cn, sans: [`DNS:${cn}`], issuer: ca, key: 'ec:P-256', crlUrl, ocspUrl });
    caDb.register(cert);
    return cert;
  };
  const chainOf = (...certs: IssuedCert[]) => certs.map((c) => new Uint8Array(c.der));

  before(async () => {
    server = await startRouteServer();
    pki = new TestPki();
    root = pki.issue({ cn: 'Budget Test Root', subjectPrefix: '/O=Contoso Test', ca: true, days: 3650 });
    // The issuing CA names no CRL, so each chain fetches exactly its leaf's CRL.
    ca = pki.issue({ cn: 'Budget Test Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root, days: 1825 });
    caDb = new RevocationCa(ca);
    crl = largeCrl(ca, 6000); // ~190 KB: reserves ~0.6 MB while downloading, holds ~0.25 MB parsed
    // Every path serves the same CRL: the checker keys its cache by URL, so each is a distinct download.
    for (let i = 0; i < 40; i++) server.serve(`/crl/${i}`, crl, 'application/pkix-crl');
  });
  after(async () => {
    crlMemoryBudget.setLimit(DEFAULT_LIMIT);
    clearRevocationCache();
    await server.close();
  });
  afterEach(() => {
    crlMemoryBudget.setLimit(DEFAULT_LIMIT);
    clearRevocationCache();
  });

  it('many endpoints with many distinct CRLs at once stay within the budget, and all get checked', async () => {
    const limit = 4 * 1024 * 1024;
    crlMemoryBudget.setLimit(limit);
    crlMemoryBudget.resetPeak();
    const leaves = Array.from({ length: 24 }, (_, i) => leaf(`budget${i}.contoso.com`, url(`/crl/${i}`)));
    let sampledPeak = 0;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, crlMemoryBudget.stats().inUseBytes)), 5);
    try {
      const reports = await Promise.all(leaves.map((l) => checkRevocation({ chain: chainOf(l, ca, root), stapledOcsp: null, timeoutMs: 60_000 })));
      for (const report of reports) {
        assert.equal(report.perCert[0]!.status, 'good', report.perCert[0]!.details);
        assert.equal(report.perCert[0]!.method, 'crl');
      }
    } finally {
      clearInterval(sampler);
    }
    const stats = crlMemoryBudget.stats();
    assert.ok(stats.peakBytes <= limit, `peak ${stats.peakBytes} within ${limit}`);
    assert.ok(sampledPeak <= limit);
    assert.ok(stats.peakBytes > limit / 2, 'the budget was actually used (the test measures something)');
    assert.ok(stats.inUseBytes <= limit && stats.waiting === 0);
    assert.equal(stats.skippedBusy + stats.skippedTooLarge, 0);
  });

  it('a CRL larger than the whole budget is skipped and reported, not called unreachable', async () => {
    crlMemoryBudget.setLimit(512 * 1024);
    const cert = leaf('toolarge.contoso.com', url('/crl/30'));
    const report = await checkRevocation({ chain: chainOf(cert, ca, root), stapledOcsp: null, timeoutMs: 10_000 });
    const entry = report.perCert[0]!;
    assert.equal(entry.status, 'unknown');
    assert.equal(entry.crlUnreachable, false);
    assert.deepEqual(entry.skippedDownloads, [{ kind: 'CRL', url: url('/crl/30'), reason: 'too-large' }]);
    assert.match(entry.details, /CRL http:\S+\/crl\/30 skipped \(too large for the memory set aside for CRLs\)/);
    assert.equal(crlMemoryBudget.stats().inUseBytes, 0, 'nothing stays reserved');
  });

  it('a CRL that waits for room past its download time is skipped as memory-busy', async () => {
    // One reservation fills the budget; its server sends headers and then stalls its body.
    crlMemoryBudget.setLimit(700 * 1024);
    server.route('/stall.crl', (_request, _body, response) => {
      response.setHeader('Content-Length', String(crl.length));
      response.write(crl.subarray(0, 100));
    });
    const stalled = leaf('stalled.contoso.com', url('/stall.crl'));
    const waiting = leaf('waiting.contoso.com', url('/crl/31'));
    const first = checkRevocation({ chain: chainOf(stalled, ca, root), stapledOcsp: null, timeoutMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await checkRevocation({ chain: chainOf(waiting, ca, root), stapledOcsp: null, timeoutMs: 1000 });
    assert.deepEqual(second.perCert[0]!.skippedDownloads, [{ kind: 'CRL', url: url('/crl/31'), reason: 'memory-busy' }]);
    assert.equal(second.perCert[0]!.crlUnreachable, false);
    assert.match(second.perCert[0]!.details, /skipped \(the memory set aside for CRLs stayed full/);
    const stalledReport = await first;
    assert.equal(stalledReport.perCert[0]!.crlUnreachable, true, 'the stalled one timed out downloading');
    assert.equal(crlMemoryBudget.stats().inUseBytes, 0, 'the timed-out download gave its room back');
  });

  it('past the per-chain cap of distinct URLs, the rest is skipped and reported', async () => {
    const cert = leaf('capped.contoso.com', url('/crl/32'), url('/ocsp-none'));
    const report = await checkRevocation({ chain: chainOf(cert, ca, root), stapledOcsp: null, timeoutMs: 5000, maxFetchUrls: 1 });
    const entry = report.perCert[0]!;
    // OCSP asks first (it is the fresher answer), so the CRL is the one past the cap.
    assert.deepEqual(entry.skippedDownloads, [{ kind: 'CRL', url: url('/crl/32'), reason: 'url-limit' }]);
    assert.equal(entry.crlUnreachable, false);
    assert.match(entry.details, /CRL \S+ skipped \(not fetched: this check fetches at most 1 distinct revocation URLs per chain\)/);
    assert.equal(server.hits.get('/crl/32') ?? 0, 0);
  });
});
