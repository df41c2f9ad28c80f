// One parse per certificate and one run per rule, through real loopback checks: decode, AIA, chain,
// revocation and the rules all read the same cached model, and the summary rules read the findings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anchorsFor, runChecks } from '../shared/engine/pipeline.ts';
import { certificateParses, decodedCertificate } from '../shared/engine/decode/index.ts';
import { RULES, resetRuleCheckRuns, ruleCheckRuns } from '../shared/engine/rules/index.ts';
import { DEFAULT_OPTIONS, type CheckOptions } from '../shared/types.ts';
import { TestPki, bundle, type IssuedCert } from './helpers/pki.ts';
import { closedPort, startTlsServer, type RunningServer } from './helpers/servers.ts';

let pki: TestPki;
let root: IssuedCert;
const servers: RunningServer[] = [];
let options: CheckOptions;

before(async () => {
  pki = new TestPki();
  root = pki.issue({ cn: 'Decode Once Root', ca: true });
  const ca = pki.issue({ cn: 'Decode Once Issuing CA', ca: true, issuer: root });
  // Revocation runs for real: the CRL URL is a closed loopback port, so the fetch fails fast.
  const crlUrl = `http://127.0.0.1:${await closedPort()}/ca.crl`;
  const leaf = (cn: string) => pki.issue({ cn, sans: [`DNS:${cn}`, 'IP:127.0.0.1', 'IP:127.0.0.2', 'IP:127.0.0.3'], issuer: ca, crlUrl });
  const leaves = [leaf('one.contoso.com'), leaf('two.contoso.com'), leaf('three.contoso.com')];
  for (const [index, cert] of leaves.entries()) {
    servers.push(await startTlsServer({ host: `127.0.0.${index + 1}`, certPem: bundle(cert, ca), keyPem: cert.keyPem }));
  }
  options = { ...DEFAULT_OPTIONS, timeoutMs: 3000, extraRootsPem: [root.certPem] };
  // The trust anchors are parsed once for the process too; do it here so the counts below are the servers' certificates.
  for (const anchor of anchorsFor(options)) decodedCertificate(anchor.der);
});

after(async () => {
  await Promise.all(servers.map((server) => server.close()));
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

  const again = await parsesFor(servers[0]!, servers[1]!);
  assert.equal(again.parses, 0, 'certificates already seen cost no parse');
});

test('each rule runs once per result: the summary rules read the findings instead of running the rules again', async () => {
  resetRuleCheckRuns();
  const { results } = await parsesFor(servers[0]!, servers[1]!, servers[2]!);
  assert.equal(results.length, 3);
  for (const result of results) {
    assert.equal(result.trust?.trusted, true);
    // The unreachable CRL is a warning, so no "valid" summary; chain-not-trusted has nothing to add.
    assert.ok(result.comments.some((comment) => comment.id === 'crl-unreachable'), JSON.stringify(result.comments));
    assert.ok(!result.comments.some((comment) => comment.id === 'valid' || comment.id === 'chain-not-trusted'));
  }
  const runs = ruleCheckRuns();
  assert.deepEqual([...runs.keys()].sort(), RULES.map((rule) => rule.id).sort());
  for (const [id, count] of runs) assert.equal(count, results.length, id);
});
