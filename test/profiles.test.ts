// The Direct Routing and federation profiles and the SIP domain sweep, end to end through the CLI
// against openssl s_server and Node TLS servers on loopback, with a loopback DNS server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import { toPem } from '../shared/bytes.ts';
import { TestPki, bundle, type IssuedCert } from './helpers/pki.ts';
import { freePort, startDnsServer, startOpensslServer, startTlsServer, type RunningDnsServer, type RunningServer } from './helpers/servers.ts';
import { microsoftRoots } from '../shared/engine/profiles/index.ts';
import { summarizeSweep } from '../shared/formats/sweep.ts';
import type { EndpointResult } from '../shared/types.ts';
import { emptyResult } from '../shared/engine/pipeline.ts';
import { expectedSweepNames } from './helpers/sweep-names.ts';

const SBC = 'sbc.contoso.test';
let pki: TestPki;
let root: IssuedCert;
let rootFile: string;
let caListFile: string;
let dns: RunningDnsServer;
const servers: Record<string, RunningServer> = {};
const files: Record<string, string> = {};

const MS = microsoftRoots();

before(async () => {
  pki = new TestPki();
  let ca: IssuedCert;
  ({ root, ca } = pki.hierarchy('DR'));
  rootFile = join(pki.dir, 'dr-root.pem');
  writeFileSync(rootFile, root.certPem);
  // Our test root stands in for a supported public CA, by thumbprint, through the list file.
  caListFile = join(pki.dir, 'dr-cas.json');
  writeFileSync(caListFile, JSON.stringify({ cas: [{ name: 'DR Root CA (test)', sha1: root.thumbprint }] }));
  const chainFile = join(pki.dir, 'dr-chain.pem');
  writeFileSync(chainFile, bundle(ca));
  const leaf = pki.issue({ cn: SBC, sans: [`DNS:${SBC}`], issuer: ca });
  const cas = (name: string, roots: typeof MS) => {
    const file = join(pki.dir, `${name}.pem`);
    writeFileSync(file, roots.map((r) => toPem(r.der!)).join(''));
    return file;
  };
  files.subset = cas('ms-subset', MS.slice(0, 3));
  files.all = cas('ms-all', MS);
  const openssl = (ip: string, args: string[]) => startOpensslServer({ host: ip, certPath: leaf.certPath, keyPath: leaf.keyPath, args: ['-cert_chain', chainFile, ...args] });
  // Two of the four Direct Routing suites only, and a CA list with three of the seven roots.
  servers.subset = await openssl('127.0.0.11', ['-Verify', '1', '-CAfile', files.subset, '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384']);
  servers.all = await openssl('127.0.0.12', ['-Verify', '1', '-CAfile', files.all]);
  servers.anyCa = await openssl('127.0.0.13', ['-Verify', '1', '-no-CAfile', '-no-CApath', '-no-CAstore']);
  servers.noMtls = await openssl('127.0.0.14', []);
  dns = await startDnsServer({ records: { a: { [SBC]: ['127.0.0.11'] } } });
});

after(async () => {
  await Promise.all([...Object.values(servers).map((s) => s.close()), dns?.close()]);
});

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(args, (t) => (out += t), () => {});
  return { code, out };
}

/** The SBC name resolves to whichever server is asked for, through its own loopback DNS zone. */
async function checkSbc(server: RunningServer, ...extra: string[]): Promise<EndpointResult> {
  const zone = await startDnsServer({ records: { a: { [SBC]: [server.host] } } });
  try {
    const { code, out } = await cli(['check', `${SBC}:${server.port}`, '--profile', 'direct-routing', '--dr-ca-list', caListFile, '--trust', rootFile, '--dns-server', zone.address, '--offline', '--json', '--timeout', '4000', '--fail-on', 'never', ...extra]);
    // --fail-on never: the profile's error verdicts are what is tested, not the exit status.
    assert.equal(code, 0, out);
    return JSON.parse(out).results[0];
  } finally {
    await zone.close();
  }
}

const comment = (r: EndpointResult, id: string) => r.comments.find((c) => c.id === id);

test('the seven Microsoft roots are all in the runtime bundle', () => {
  assert.equal(MS.length, 7);
  for (const r of MS) assert.ok(r.der && r.subject, `${r.name} (${r.sha1}) is in tls.rootCertificates`);
});

test('dr-mtls-roots names exactly the missing roots; dr-tls names offered and missing suites', async () => {
  const r = await checkSbc(servers.subset);
  assert.equal(r.profile, 'direct-routing');
  const roots = comment(r, 'dr-mtls-roots');
  assert.equal(roots?.severity, 'error');
  for (const missing of MS.slice(3)) assert.ok(roots!.text.includes(missing.name), `names ${missing.name}`);
  for (const present of MS.slice(0, 3)) assert.ok(!roots!.text.includes(`${present.name} (SHA-1`), `does not name ${present.name}`);
  assert.match(roots!.text, /azure-ca-details/);
  assert.deepEqual(r.tls.profileSuites, {
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: false,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: true,
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: true,
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: false,
  });
  const suites = comment(r, 'dr-tls');
  assert.match(suites!.text, /accepts TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 .*does not accept TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256/);
  assert.equal(comment(r, 'dr-ready'), undefined);
  assert.equal(comment(r, 'valid'), undefined, 'a missing Microsoft root is never "No problems found"');
});

test('dr-ready when all seven roots are listed and everything else holds', async () => {
  const r = await checkSbc(servers.all);
  assert.equal(comment(r, 'dr-mtls-roots'), undefined);
  const ready = comment(r, 'dr-ready');
  assert.ok(ready, JSON.stringify(r.comments, null, 1));
  assert.match(ready.text, /^Ready for Direct Routing: .*names sbc\.contoso\.test; RSA 2048 bits; TLS 1\.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, .*all seven Microsoft roots/);
  for (const id of ['dr-sbc-ca', 'dr-sbc-name', 'dr-sbc-key']) assert.equal(comment(r, id), undefined, id);
});

test('an empty CA list reads as "accepts any CA"; no CertificateRequest as mutual TLS off', async () => {
  const any = await checkSbc(servers.anyCa);
  assert.equal(any.tls.clientCertRequested, true);
  assert.deepEqual(any.tls.acceptableCAs, []);
  assert.match(comment(any, 'dr-mtls-roots')!.text, /accepts any CA/);
  assert.equal(comment(any, 'dr-mtls-roots')!.severity, 'info');
  const off = await checkSbc(servers.noMtls);
  assert.match(comment(off, 'dr-mtls-roots')!.text, /mutual TLS is off on this interface/);
});

test('the text report gives the profile verdicts a section of their own', async () => {
  const zone = await startDnsServer({ records: { a: { [SBC]: [servers.all.host] } } });
  try {
    const { out } = await cli(['check', `${SBC}:${servers.all.port}`, '--profile', 'direct-routing', '--dr-ca-list', caListFile, '--trust', rootFile, '--dns-server', zone.address, '--offline', '--timeout', '4000']);
    assert.match(out, /^Direct Routing SBC:\n- \[OK\] Ready for Direct Routing: .*\(dr-ready\)$/m);
    assert.doesNotMatch(out.slice(out.indexOf('Comments:')), /dr-ready/);
  } finally {
    await zone.close();
  }
});

test('dr-sbc-ca: without the list file the test root is not a supported CA', async () => {
  const zone = await startDnsServer({ records: { a: { [SBC]: [servers.all.host] } } });
  try {
    const { out } = await cli(['check', `${SBC}:${servers.all.port}`, '--profile', 'direct-routing', '--trust', rootFile, '--dns-server', zone.address, '--offline', '--json', '--timeout', '4000']);
    const r: EndpointResult = JSON.parse(out).results[0];
    assert.equal(comment(r, 'dr-sbc-ca')?.severity, 'error');
    assert.equal(comment(r, 'dr-ready'), undefined);
  } finally {
    await zone.close();
  }
});

test('inspect --profile direct-routing judges an SBC certificate file before it is installed', async () => {
  const weak = pki.issue({ cn: 'other.contoso.test', sans: ['DNS:other.contoso.test'], issuer: root, key: 'rsa:1024' });
  const { code, out } = await cli(['inspect', weak.certPath, '--host', SBC, '--profile', 'direct-routing', '--trust', rootFile, '--json', '--fail-on', 'never']);
  assert.equal(code, 0, out);
  const r: EndpointResult = JSON.parse(out).results[0];
  assert.equal(r.profile, 'direct-routing');
  const ids = r.comments.map((c) => c.id).filter((id) => id.startsWith('dr-'));
  assert.deepEqual(ids.sort(), ['dr-sbc-ca', 'dr-sbc-key', 'dr-sbc-name'], 'no TLS or mutual TLS verdict for a file');
});

test('without a profile no Direct Routing rule runs and no suite probe is made', async () => {
  const { out } = await cli(['check', `${servers.all.host}:${servers.all.port}`, '--trust', rootFile, '--offline', '--json', '--timeout', '4000']);
  const r: EndpointResult = JSON.parse(out).results[0];
  assert.equal(r.tls.profileSuites, undefined);
  assert.ok(!r.comments.some((c) => c.id.startsWith('dr-')));
});

test('--profile and --dr-ca-list refuse bad values', async () => {
  assert.equal((await cli(['check', 'x.test', '--profile', 'teams'])).code, 2);
  const bad = join(pki.dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ cas: [{ name: 'x', sha1: 'nothex' }] }));
  assert.equal((await cli(['check', 'x.test', '--dr-ca-list', bad])).code, 2);
});

test('federation: an MTLS partner that lists none of your roots is a warning, not "No problems found"', async () => {
  const { out } = await cli(['check', `${servers.subset.host}:${servers.subset.port}`, '--profile', 'federation', '--my-root', rootFile, '--trust', rootFile, '--offline', '--json', '--timeout', '4000']);
  const r: EndpointResult = JSON.parse(out).results[0];
  assert.equal(comment(r, 'fed-partner-ca')?.severity, 'warning');
  assert.equal(comment(r, 'mtls-requested')?.severity, 'warning');
  assert.equal(comment(r, 'valid'), undefined);
  const listed = join(pki.dir, 'ms-root-as-mine.pem');
  writeFileSync(listed, toPem(MS[0]!.der!));
  const ok = JSON.parse((await cli(['check', `${servers.subset.host}:${servers.subset.port}`, '--profile', 'federation', '--my-root', listed, '--trust', rootFile, '--offline', '--json', '--timeout', '4000'])).out).results[0];
  assert.equal(comment(ok, 'fed-partner-ca')?.severity, 'ok');
});

// --- the sweep ---

test('sweep lists every well-known name with its verdict, absent names as absent', async () => {
  const cert = pki.issue({ cn: 'sip.contoso.test', sans: ['DNS:sip.contoso.test', 'DNS:lyncdiscover.contoso.test', 'DNS:meet.contoso.test', 'DNS:pool.fabrikam.test'], issuer: root });
  const webPort = await freePort('127.0.0.21');
  const sweepServers = await Promise.all([
    startTlsServer({ host: '127.0.0.21', port: webPort, certPem: cert.certPem, keyPem: cert.keyPem }), // lyncdiscover
    startTlsServer({ host: '127.0.0.22', port: webPort, certPem: cert.certPem, keyPem: cert.keyPem }), // meet
    startTlsServer({ host: '127.0.0.23', certPem: cert.certPem, keyPem: cert.keyPem }), // federation edge
    startTlsServer({ host: '127.0.0.24', certPem: cert.certPem, keyPem: cert.keyPem }), // sign-in pool outside the domain
  ]);
  const zone = await startDnsServer({
    records: {
      srv: {
        '_sipfederationtls._tcp.contoso.test': [{ priority: 0, weight: 0, port: sweepServers[2]!.port, target: 'sip.contoso.test' }],
        '_sip._tls.contoso.test': [{ priority: 0, weight: 0, port: sweepServers[3]!.port, target: 'pool.fabrikam.test' }],
      },
      a: { 'lyncdiscover.contoso.test': ['127.0.0.21'], 'meet.contoso.test': ['127.0.0.22'], 'sip.contoso.test': ['127.0.0.23'], 'pool.fabrikam.test': ['127.0.0.24'] },
    },
  });
  try {
    const args = ['sweep', 'contoso.test', '--port', String(webPort), '--dns-server', zone.address, '--trust', rootFile, '--offline', '--timeout', '3000'];
    const json = JSON.parse((await cli([...args, '--json'])).out);
    const verdicts = Object.fromEntries(json.sweep.entries.map((e: { name: string; verdict: string }) => [e.name, e.verdict]));
    assert.deepEqual(Object.keys(verdicts), expectedSweepNames('contoso.test'));
    for (const absent of ['_sipinternaltls._tcp.contoso.test', 'sipexternal.contoso.test', 'lyncdiscoverinternal.contoso.test', 'dialin.contoso.test', 'webext.contoso.test']) {
      assert.equal(verdicts[absent], 'absent', absent);
    }
    for (const present of ['_sipfederationtls._tcp.contoso.test', '_sip._tls.contoso.test', 'lyncdiscover.contoso.test', 'meet.contoso.test']) {
      assert.notEqual(verdicts[present], 'absent', present);
      assert.notEqual(verdicts[present], 'unreachable', present);
    }
    // sip.contoso.test resolves but nothing listens on the web port there.
    assert.equal(verdicts['sip.contoso.test'], 'unreachable');
    const prompt = json.sweep.comments.find((c: { id: string }) => c.id === 'lyncdiscover-prompt');
    assert.match(prompt.text, /pool FQDN pool\.fabrikam\.test/);
    const text = (await cli(args)).out;
    assert.match(text, /^absent\s+webext\.contoso\.test\s+not in DNS$/m);
    assert.match(text, /lyncdiscover-prompt/);
  } finally {
    await Promise.all([...sweepServers.map((s) => s.close()), zone.close()]);
  }
});

test('lyncdiscover-prompt: a web services alias outside the domain fires, names inside it do not', () => {
  const at = (input: string, type: EndpointResult['type'], host: string, srvTarget?: string): EndpointResult => {
    const r = emptyResult({ target: input, type, host, ip: '127.0.0.1', port: 443, poolMember: false, srv: null, srvRecord: srvTarget ? { name: `_sip._tls.${input}`, priority: 0, weight: 0, port: 443, target: srvTarget } : null, poolAddresses: [] });
    return r;
  };
  const results = [at('lyncdiscover.contoso.com', 'DIR', 'lyncdiscover.contoso.com'), at('contoso.com', 'SIP', 'sip.contoso.com', 'sip.contoso.com')];
  assert.deepEqual(summarizeSweep('contoso.com', results, { lyncdiscoverAlias: 'webext.contoso.com' }).comments, []);
  const fired = summarizeSweep('contoso.com', results, { lyncdiscoverAlias: 'webext.fabrikam.net' }).comments;
  assert.equal(fired[0]?.id, 'lyncdiscover-prompt');
  assert.match(fired[0]!.text, /web services FQDN webext\.fabrikam\.net/);
});
