// Peak memory of the revocation stage with many large CRLs (issue 12): `npx tsx scripts/crl-memory.ts
// [--endpoints 16] [--crls 11] [--entries 662000] [--distinct] [--max-urls 8] [--budget-mb 256] [--timeout-ms 60000]`.
// Each endpoint's chain is 12 certificates of which the first 11 name one CRL each (distinct per
// certificate; with --distinct, per endpoint too); every CRL is the same ~19.6 MB DER (662,000 entries)
// served from loopback. All endpoints are checked at once, as a bulk run does; RSS and ArrayBuffer
// memory are sampled every 20 ms. The one loopback server runs in this process (it holds one CRL).
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TestPki } from '../test/helpers/pki.ts';
import { startRouteServer } from '../test/helpers/revocation-ca.ts';
import { largeCrl } from '../test/helpers/large-crl.ts';
import { checkRevocation, crlMemoryBudget } from '../shared/engine/revocation/index.ts';

const { values } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '16' },
    crls: { type: 'string', default: '11' },
    entries: { type: 'string', default: '662000' },
    distinct: { type: 'boolean', default: false },
    'max-urls': { type: 'string' },
    'budget-mb': { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
const endpoints = Number(values.endpoints);
const crlsPerChain = Number(values.crls);
if (values['budget-mb']) crlMemoryBudget.setLimit(Number(values['budget-mb']) * 1024 * 1024);
const MB = 1024 * 1024;

const server = await startRouteServer();
const pki = new TestPki();
try {
  const root = pki.issue({ cn: 'CRL Memory Root', subjectPrefix: '/O=Contoso Test', ca: true, days: 3650 });
  const ca = pki.issue({ cn: 'CRL Memory Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root, days: 1825 });
  const crl = largeCrl(ca, Number(values.entries));
  console.log(`CRL: ${(crl.length / MB).toFixed(1)} MB, ${values.entries} entries`);
  const chains: Uint8Array[][] = [];
  for (let e = 0; e < endpoints; e++) {
    const owner = values.distinct ? `e${e}` : 'shared';
    const named = Array.from({ length: crlsPerChain }, (_, k) => {
      const path = `/${owner}/${k}.crl`;
      server.serve(path, crl, 'application/pkix-crl');
      // The chain need not verify for this measure: each certificate's CRL is downloaded and parsed all the same.
      return pki.issue({ cn: `crl${k}.endpoint${e}.contoso.com`, issuer: ca, key: 'ec:P-256', crlUrl: `${server.base}${path}` });
    });
    chains.push([...named.map((c) => new Uint8Array(c.der)), new Uint8Array(ca.der), new Uint8Array(root.der)]);
  }
  crlMemoryBudget.resetPeak();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakArrayBuffers = base.arrayBuffers;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
  }, 20);
  const started = Date.now();
  const maxFetchUrls = values['max-urls'] ? Number(values['max-urls']) : undefined;
  const reports = await Promise.all(chains.map((chain) => checkRevocation({ chain, stapledOcsp: null, timeoutMs: Number(values['timeout-ms']), maxFetchUrls })));
  clearInterval(sampler);
  const skipped = new Map<string, number>();
  for (const entry of reports.flatMap((r) => r.perCert)) for (const s of entry.skippedDownloads ?? []) skipped.set(s.reason, (skipped.get(s.reason) ?? 0) + 1);
  const downloads = [...server.hits.values()].reduce((a, b) => a + b, 0);
  const stats = crlMemoryBudget.stats();
  console.log(`${endpoints} endpoints x ${crlsPerChain} CRLs (${values.distinct ? 'distinct per endpoint' : 'shared'}), ${downloads} downloads, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`peak RSS ${(peakRss / MB).toFixed(0)} MB (start ${(base.rss / MB).toFixed(0)} MB), peak ArrayBuffers ${(peakArrayBuffers / MB).toFixed(0)} MB`);
  console.log(`budget: limit ${(stats.limitBytes / MB).toFixed(0)} MB, peak ${(stats.peakBytes / MB).toFixed(0)} MB, in use ${(stats.inUseBytes / MB).toFixed(0)} MB`);
  console.log(`skipped: ${JSON.stringify(Object.fromEntries(skipped))}`);
} finally {
  await server.close();
  rmSync(pki.dir, { recursive: true, force: true });
}
