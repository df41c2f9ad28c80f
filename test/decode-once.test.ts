// One parse per certificate and one run per rule, through real loopback checks: decode, AIA, chain,
// revocation and the rules all read the same cached model, and the summary rules read the findings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { anchorsFor, runChecks } from '../shared/engine/pipeline.ts';
import { certificateParses, decodedCertificate } from '../shared/engine/decode/index.ts';
import { RULES, resetRuleCheckRuns, ruleCheckRuns } from '../shared/engine/rules/index.ts';
import { DEFAULT_OPTIONS, type CheckOptions } from '../shared/types.ts';
import { TestPki, bundle, type IssuedCert } from './helpers/pki.ts';
import { RevocationCa, startRouteServer, type RouteServer } from './helpers/revocation-ca.ts';
import { startTlsServer, type RunningServer } from './helpers/servers.ts';

let pki: TestPki;
let root: IssuedCert;
let web: RouteServer;
const servers: RunningServer[] = [];
let options: CheckOptions;

before(async () => {
  pki = new TestPki();
  root = pki.issue({ cn: 'Decode Once Root', ca: true });
  // Revocation runs for real (CRLs from a loopback web server), and so does AIA for the fourth server.
  web = await startRouteServer();
  const ca = pki.issue({ cn: 'Decode Once Issuing CA', ca: true, issuer: root, crlUrl: `${web.base}/root.crl` });
  const aiaCa = pki.issue({ cn: 'Decode Once AIA CA', ca: true, issuer: root, crlUrl: `${web.base}/root.crl` });
  web.serve('/root.crl', new RevocationCa(root).crl().der);
  web.serve('/ca.crl', new RevocationCa(ca).crl().der);
  web.serve('/aia-ca.crl', new RevocationCa(aiaCa).crl().der);
  web.serve('/aia-ca.cer', aiaCa.der, 'application/pkix-cert');
  const leaf = (cn: string, issuer: IssuedCert, crl: string, aiaIssuerUrl?: string) =>
    pki.issue({ cn, sans: [`DNS:${cn}`], issuer, crlUrl: `${web.base}${crl}`, aiaIssuerUrl });
  const chains = [
    ...['one', 'two', 'three'].map((name) => [leaf(`${name}.contoso.com`, ca, '/ca.crl'), ca]),
    // Only the leaf: its issuer comes from the AIA URL.
    [leaf('four.contoso.com', aiaCa, '/aia-ca.crl', `${web.base}/aia-ca.cer`)],
  ];
  for (const [index, chain] of chains.entries()) {
    servers.push(await startTlsServer({ host: `127.0.0.${index + 1}`, certPem: bundle(...chain), keyPem: chain[0]!.keyPem, minVersion: 'TLSv1.2' }));
  }
  options = { ...DEFAULT_OPTIONS, timeoutMs: 3000, extraRootsPem: [root.certPem] };
  // The trust anchors are parsed once for the process too; do it here so the counts below are the servers' certificates.
  for (const anchor of anchorsFor(options)) decodedCertificate(anchor.der);
});

after(async () => {
  await Promise.all([...servers, web].map((server) => server.close()));
  rmSync(pki.dir, { recursive: true, force: true });
});

function target(server: RunningServer) {
  return { input: `${server.host}:${server.port}`, type: 'DIR' as const };
}

/** Parses made while checking these servers, and the results. */
async function parsesFor(...checked: RunningServer[]) {
  const before = certificateParses();
  const results = await runChecks({ targets: checked.map(target), options });
  return { parses: certificateParses() - before, results };
}

test('each certificate is parsed once: a second endpoint with the same intermediate parses only its leaf', async () => {
  const first = await parsesFor(servers[0]!);
  assert.equal(first.results[0]!.trust?.trusted, true, first.results[0]!.trust?.reason ?? '');
  assert.ok(first.results[0]!.revocation, 'revocation ran');
  // The leaf and the issuing CA (the root was parsed as an anchor): across decode, chain, revocation and rules.
  assert.equal(first.parses, 2);

  const second = await parsesFor(servers[1]!);
  assert.equal(second.results[0]!.trust?.trusted, true);
  assert.equal(second.parses, 1, 'only the new leaf: the shared issuing CA is not parsed again');

  const viaAia = await parsesFor(servers[3]!);
  assert.equal(viaAia.results[0]!.trust?.trusted, true, viaAia.results[0]!.trust?.reason ?? '');
  assert.equal(viaAia.results[0]!.chain[1]?.source, 'aia');
  assert.equal(viaAia.parses, 2, 'the leaf and the issuer AIA fetched, each once across AIA, chain and revocation');

  const again = await parsesFor(servers[0]!, servers[1]!, servers[3]!);
  assert.equal(again.parses, 0, 'certificates already seen cost no parse');
});

test('each rule runs once per result: the summary rules read the findings instead of running the rules again', async () => {
  resetRuleCheckRuns();
  const { results } = await parsesFor(...servers);
  assert.equal(results.length, 4);
  for (const result of results) {
    assert.equal(result.trust?.trusted, true);
    assert.equal(result.revocation?.status, 'good', JSON.stringify(result.revocation));
    // The summaries read the findings: "valid" when nothing is to fix, not when an intermediate was missing.
    const ids = result.comments.map((comment) => comment.id);
    const aia = result.chain[1]?.source === 'aia';
    assert.equal(ids.includes('valid'), !aia, JSON.stringify(result.comments));
    assert.equal(ids.includes('incomplete-chain'), aia);
    assert.ok(!ids.includes('chain-not-trusted'));
  }
  const runs = ruleCheckRuns();
  assert.deepEqual([...runs.keys()].sort(), RULES.map((rule) => rule.id).sort());
  for (const [id, count] of runs) assert.equal(count, results.length, id);
});
