// Chain building and validation against certificates made by the openssl CLI (test/helpers/pki.ts).
import { pemBlocks } from '../shared/bytes.ts';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, chainAllowsPurpose, type ChainInput, type TrustAnchor } from '../shared/engine/chain/index.ts';
import { parseCertificate } from '../shared/engine/chain/cert.ts';
import { loadTrustAnchors, mozillaTrustAnchors } from '../shared/engine/chain/trust-store.ts';
import { TestPki, daysFromNow, opensslDate, type IssuedCert, type IssueOptions } from './helpers/pki.ts';

const NOW = new Date();

function userAnchor(cert: IssuedCert): TrustAnchor {
  return { der: cert.der, store: 'user' };
}

function chain(served: IssuedCert[], anchors: TrustAnchor[], extra: Partial<ChainInput> = {}) {
  return buildChain({ served: served.map((c) => c.der), anchors, at: NOW, ...extra });
}

function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

/** EC keys: generated in milliseconds where RSA takes a few hundred. */
class FastPki extends TestPki {
  override issue(opts: Parameters<TestPki['issue']>[0]): IssuedCert {
    return super.issue({ key: 'ec:P-256', ...opts });
  }
}

describe('buildChain', () => {
  const pki = new FastPki();
  let root: IssuedCert;
  let ca: IssuedCert;
  let leaf: IssuedCert;
  let mozilla: TrustAnchor[];

  before(() => {
    ({ root, ca } = pki.hierarchy('Chain'));
    leaf = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: ca });
    mozilla = loadTrustAnchors({ includeSystem: false });
  });

  it('builds root -> issuing CA -> leaf and reports the user store', async () => {
    const out = await chain([leaf, ca], [...mozilla, userAnchor(root)]);
    assert.equal(out.trusted, true);
    assert.equal(out.store, 'user');
    assert.equal(out.reason, null);
    assert.deepEqual(out.links.map((l) => l.source), ['served', 'served', 'user']);
    assert.ok(out.links.every((l) => l.valid && l.reason === null));
    assert.ok(sameDer(out.links[2]!.der, root.der));
    assert.deepEqual(out.servedUnused, []);
    assert.equal(out.servedOrderOk, true);
    assert.equal(out.rootServed, false);
    assert.equal(out.missingIssuer, null);
  });

  it('names the missing intermediate when the server sends only its leaf', async () => {
    const out = await chain([leaf], [...mozilla, userAnchor(root)]);
    assert.equal(out.trusted, false);
    assert.equal(out.store, null);
    // openssl's RFC 2253 form lists RDNs most specific first, as Windows does.
    assert.equal(out.missingIssuer, ca.subject.split(',').join(', '));
    assert.match(out.missingIssuer!, /CN=Chain Issuing CA/);
    assert.equal(out.links.length, 1);
    assert.equal(out.links[0]!.valid, false);
    assert.match(out.links[0]!.reason!, /^Issuer not found/);
    assert.match(out.reason!, /Incomplete chain.*Chain Issuing CA/);
  });

  it('completes the chain with an AIA-fetched intermediate', async () => {
    const out = await chain([leaf], [userAnchor(root)], { extraIntermediates: [{ der: ca.der, source: 'aia' }] });
    assert.equal(out.trusted, true);
    assert.deepEqual(out.links.map((l) => l.source), ['served', 'aia', 'user']);
  });

  it('builds the path from intermediates sent in the wrong order', async () => {
    const policyCa = pki.issue({ cn: 'Chain Policy CA', ca: true, issuer: root });
    const issuing = pki.issue({ cn: 'Chain Issuing CA 2', ca: true, issuer: policyCa });
    const deepLeaf = pki.issue({ cn: 'deep.contoso.com', sans: ['DNS:deep.contoso.com'], issuer: issuing });
    const out = await chain([deepLeaf, policyCa, issuing], [userAnchor(root)]);
    assert.equal(out.trusted, true);
    assert.equal(out.links.length, 4);
    assert.ok(sameDer(out.links[1]!.der, issuing.der));
    assert.ok(sameDer(out.links[2]!.der, policyCa.der));
    assert.equal(out.servedOrderOk, false);
    assert.deepEqual(out.servedUnused, []);
  });

  it('lists an unrelated extra certificate as unused', async () => {
    const other = pki.hierarchy('Other');
    const out = await chain([leaf, ca, other.ca], [userAnchor(root)]);
    assert.equal(out.trusted, true);
    assert.deepEqual(out.servedUnused, [2]);
    assert.equal(out.servedOrderOk, true);
  });

  it('reports a served root', async () => {
    const out = await chain([leaf, ca, root], [userAnchor(root)]);
    assert.equal(out.trusted, true);
    assert.equal(out.rootServed, true);
    assert.equal(out.links.length, 3);
    assert.equal(out.links[2]!.source, 'served');
    assert.equal(out.store, 'user');
  });

  it('marks an expired intermediate invalid with the date', async () => {
    const expiredCa = pki.issue({
      cn: 'Chain Expired CA', ca: true, issuer: root,
      startDate: opensslDate(daysFromNow(-400)), endDate: opensslDate(daysFromNow(-10)),
    });
    const underExpired = pki.issue({ cn: 'old.contoso.com', issuer: expiredCa });
    const out = await chain([underExpired, expiredCa], [userAnchor(root)]);
    assert.equal(out.trusted, false);
    assert.deepEqual(out.links.map((l) => l.valid), [true, false, true]);
    assert.equal(out.links[1]!.reason, `Expired on ${expiredCa.notAfter.toISOString().slice(0, 10)}`);
    assert.match(out.reason!, /^The intermediate "Chain Expired CA": Expired on/);
  });

  it('reports a self-signed leaf as untrusted', async () => {
    const selfSigned = pki.issue({ cn: 'lab.contoso.com', sans: ['DNS:lab.contoso.com'] });
    const out = await chain([selfSigned], mozilla);
    assert.equal(out.trusted, false);
    assert.equal(out.links.length, 1);
    assert.equal(out.links[0]!.valid, false);
    assert.match(out.reason!, /self-signed/);
    assert.equal(out.rootServed, false);
    // The same certificate trusted by the admin is a complete chain of one.
    const trusted = await chain([selfSigned], [userAnchor(selfSigned)]);
    assert.equal(trusted.trusted, true);
    assert.equal(trusted.store, 'user');
  });

  it('reports a root that no store trusts', async () => {
    const out = await chain([leaf, ca, root], mozilla);
    assert.equal(out.trusted, false);
    assert.equal(out.store, null);
    assert.equal(out.rootServed, true);
    assert.equal(out.links[2]!.reason, 'Root is not trusted');
    assert.equal(out.reason, 'The root "Chain Root CA" is not in the trusted root stores');
    assert.equal(out.missingIssuer, null);
  });

  it('backtracks from an untrusted cross-sign to the trusted one', async () => {
    const untrustedRoot = pki.issue({ cn: 'Cross Old Root', ca: true });
    const trustedRoot = pki.issue({ cn: 'Cross New Root', ca: true });
    const viaUntrusted = pki.issue({ cn: 'Cross Issuing CA', ca: true, issuer: untrustedRoot });
    const viaTrusted = pki.issue({ cn: 'Cross Issuing CA', ca: true, issuer: trustedRoot, reuseKeyOf: viaUntrusted });
    const crossLeaf = pki.issue({ cn: 'edge.contoso.com', issuer: viaUntrusted });
    // The untrusted candidate is listed first, so the first path tried ends at an untrusted root.
    const out = await chain([crossLeaf, viaUntrusted, untrustedRoot, viaTrusted], [userAnchor(trustedRoot)]);
    assert.equal(out.trusted, true);
    assert.equal(out.store, 'user');
    assert.ok(sameDer(out.links[1]!.der, viaTrusted.der));
    assert.ok(sameDer(out.links[2]!.der, trustedRoot.der));
    assert.deepEqual(out.servedUnused, [1, 2]);
  });

  it('prefers the valid cross-signed intermediate over an expired one', async () => {
    const validCa = pki.issue({ cn: 'Cross Renewed CA', ca: true, issuer: root });
    const expiredCa = pki.issue({
      cn: 'Cross Renewed CA', ca: true, issuer: root, reuseKeyOf: validCa,
      startDate: opensslDate(daysFromNow(-400)), endDate: opensslDate(daysFromNow(-1)),
    });
    const renewedLeaf = pki.issue({ cn: 'pool.contoso.com', issuer: validCa });
    const out = await chain([renewedLeaf, expiredCa, validCa], [userAnchor(root)]);
    assert.equal(out.trusted, true);
    assert.ok(sameDer(out.links[1]!.der, validCa.der));
    assert.deepEqual(out.servedUnused, [1]);
  });

  it('rejects a leaf signed by a certificate that is not a CA', async () => {
    const notCa = pki.issue({ cn: 'Not A CA', issuer: ca, eku: 'serverAuth' });
    const under = pki.issue({ cn: 'bad.contoso.com', issuer: notCa });
    const out = await chain([under, notCa, ca], [userAnchor(root)]);
    assert.equal(out.trusted, false);
    assert.match(out.links[1]!.reason!, /Not a CA \(basic constraints\)/);
  });

  it('enforces path length and name constraints', async () => {
    const constrained = pki.issue({ cn: 'Chain Pathlen0 CA', ca: true, pathLen: 0, issuer: root });
    const tooDeep = pki.issue({ cn: 'Chain Too Deep CA', ca: true, issuer: constrained });
    const deepLeaf = pki.issue({ cn: 'deep.contoso.com', issuer: tooDeep });
    const deep = await chain([deepLeaf, tooDeep, constrained], [userAnchor(root)]);
    assert.equal(deep.trusted, false);
    assert.equal(deep.links[2]!.valid, true);
    assert.equal(deep.links[1]!.reason, 'Path length constraint exceeded');

    const ncCa = pki.issue({ cn: 'Chain Contoso Only CA', ca: true, issuer: root, extraExt: ['nameConstraints = critical, permitted;DNS:contoso.com'] });
    const inside = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: ncCa });
    const outside = pki.issue({ cn: 'sip.fabrikam.com', sans: ['DNS:sip.fabrikam.com'], issuer: ncCa });
    assert.equal((await chain([inside, ncCa], [userAnchor(root)])).trusted, true);
    const rejected = await chain([outside, ncCa], [userAnchor(root)]);
    assert.equal(rejected.trusted, false);
    assert.match(rejected.links[0]!.reason!, /Name constraints violated: DNS name "sip.fabrikam.com" is not permitted/);
  });

  it('detects a signature made by another key with the same issuer name', async () => {
    const impostor = pki.issue({ cn: 'Chain Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root });
    const forged = pki.issue({ cn: 'forged.contoso.com', issuer: impostor });
    const out = await chain([forged, ca], [userAnchor(root)]);
    assert.equal(out.trusted, false);
    assert.match(out.links[0]!.reason!, /^Signature does not verify with the issuer's key/);
  });

  it('verifies MD5, SHA-1, RSA-PSS and ECDSA signatures', async () => {
    const rsaRoot = pki.issue({ cn: 'Chain RSA Root', ca: true, key: 'rsa:2048' });
    const rsaCa = pki.issue({ cn: 'Chain RSA CA', ca: true, key: 'rsa:2048', issuer: rsaRoot });
    const ecRoot = pki.issue({ cn: 'Chain EC Root', ca: true, key: 'ec:P-384', md: 'sha384' });
    const cases: [string, IssuedCert, IssuedCert[]][] = [
      ['md5', pki.issue({ cn: 'md5.contoso.com', issuer: rsaCa, md: 'md5' }), [rsaCa]],
      ['sha1', pki.issue({ cn: 'sha1.contoso.com', issuer: rsaCa, md: 'sha1' }), [rsaCa]],
      ['pss', pki.issue({ cn: 'pss.contoso.com', issuer: rsaCa, pss: true }), [rsaCa]],
      ['ecdsa', pki.issue({ cn: 'ec.contoso.com', issuer: ecRoot, key: 'ec:P-256' }), []],
    ];
    const md5Leaf = parseCertificate(cases[0]![1].der);
    assert.equal(md5Leaf.ok && md5Leaf.cert.signatureAlgorithm.oid, '1.2.840.113549.1.1.4', 'md5WithRSAEncryption');
    for (const [name, signedLeaf, intermediates] of cases) {
      const out = await chain([signedLeaf, ...intermediates], [userAnchor(rsaRoot), userAnchor(ecRoot)]);
      assert.equal(out.trusted, true, `${name}: ${out.reason}`);
    }
  });

  it('never rejects on garbage input', async () => {
    const garbage = new Uint8Array([0x30, 0x03, 0x02, 0x01]);
    const out = await buildChain({ served: [garbage], anchors: mozilla, at: NOW });
    assert.equal(out.trusted, false);
    assert.match(out.links[0]!.reason!, /could not be decoded/);
    const empty = await buildChain({ served: [], anchors: mozilla, at: NOW });
    assert.equal(empty.trusted, false);
    assert.deepEqual(empty.links, []);
    const withJunk = await chain([leaf], [userAnchor(root)], { served: [leaf.der, garbage, ca.der] });
    assert.equal(withJunk.trusted, true);
    assert.deepEqual(withJunk.servedUnused, [1]);
  });

  it('checks the purpose along the chain (EKU chaining)', async () => {
    const serverOnlyCa = pki.issue({ cn: 'Chain Server CA', ca: true, issuer: root, eku: 'serverAuth' });
    const federationLeaf = pki.issue({ cn: 'fed.contoso.com', issuer: serverOnlyCa, eku: 'serverAuth, clientAuth' });
    const out = await chain([federationLeaf, serverOnlyCa], [userAnchor(root)]);
    assert.equal(out.trusted, true);
    assert.equal(chainAllowsPurpose(out.links, '1.3.6.1.5.5.7.3.1').ok, true);
    const client = chainAllowsPurpose(out.links, '1.3.6.1.5.5.7.3.2');
    assert.equal(client.ok, false);
    assert.match(client.reason!, /Chain Server CA/);
  });
});

describe('client verdict and strict findings', () => {
  const pki = new FastPki();
  const { root, ca } = pki.hierarchy('Profile');
  const issue = (cn: string, extra: Partial<IssueOptions> = {}) =>
    pki.issue({ cn, sans: [`DNS:${cn}`], issuer: ca, ...extra });

  it('trusts a leaf without AKI whose CN is not in the SAN, and records both as strict findings', async () => {
    const leaf = issue('sbc.contoso.com', { sans: ['DNS:sip.contoso.com'], authorityKeyId: false });
    const out = await chain([leaf, ca], [userAnchor(root)]);
    assert.equal(out.trusted, true, out.reason ?? '');
    const kinds = out.strictFindings.filter((f) => f.index === 0).map((f) => f.kind);
    assert.deepEqual(kinds.sort(), ['cn-not-in-san', 'missing-aki']);
    const strict = await chain([leaf, ca], [userAnchor(root)], { strict: true });
    assert.equal(strict.trusted, false);
    assert.match(strict.reason!, /Missing Authority Key Identifier/);
    assert.deepEqual(strict.strictFindings, [], 'the strict verdict acts on its findings instead of recording them');
  });

  it('records nothing for a chain the strict profile accepts', async () => {
    const out = await chain([issue('clean.contoso.com'), ca], [userAnchor(root)]);
    assert.equal(out.trusted, true);
    assert.deepEqual(out.strictFindings, []);
  });

  it('refuses a P-192 server key in both verdicts (no TLS client offers the curve)', async () => {
    const out = await chain([issue('p192.contoso.com', { key: 'ec:P-192' }), ca], [userAnchor(root)]);
    assert.equal(out.trusted, false);
    assert.match(out.reason!, /Elliptic curve 1\.2\.840\.10045\.3\.1\.1 is not one TLS clients accept/);
  });

  it('shows explicit curve parameters as a strict finding (Windows accepts them when they match a named curve)', async () => {
    const leaf = issue('explicit.contoso.com', { key: 'ec-explicit:P-256' });
    const out = await chain([leaf, ca], [userAnchor(root)]);
    assert.equal(out.trusted, true, out.reason ?? '');
    assert.deepEqual(out.strictFindings.map((f) => f.kind), ['key-algorithm']);
    const strict = await chain([leaf, ca], [userAnchor(root)], { strict: true });
    assert.match(strict.reason!, /explicit parameters/);
  });

  it('counts the last second of notAfter in full (certificate times have whole seconds)', async () => {
    const leaf = issue('second.contoso.com', { endDate: '20300101000000Z' });
    const inLastSecond = await chain([leaf, ca], [userAnchor(root)], { at: new Date('2030-01-01T00:00:00.500Z') });
    assert.equal(inLastSecond.trusted, true, inLastSecond.reason ?? '');
    const after = await chain([leaf, ca], [userAnchor(root)], { at: new Date('2030-01-01T00:00:01Z') });
    assert.equal(after.trusted, false);
  });

  it('finds a CN that spells a SAN entry differently, wildcards over public suffixes and underscores', async () => {
    const leaf = issue('SIP.contoso.com', { sans: ['DNS:sip.contoso.com', 'DNS:*.co.uk', 'DNS:*.s3.amazonaws.com', 'DNS:sip_1.contoso.com'] });
    const out = await chain([leaf, ca], [userAnchor(root)]);
    assert.equal(out.trusted, true, out.reason ?? '');
    assert.deepEqual(out.strictFindings.map((f) => f.kind).sort(), ['cn-not-in-san', 'dns-name-syntax', 'private-suffix-wildcard', 'public-suffix-wildcard']);
    const strict = await chain([leaf, ca], [userAnchor(root)], { strict: true });
    assert.match(strict.reason!, /not a byte-for-byte copy/);
    assert.doesNotMatch(strict.reason!, /private namespace/, 'a private-section wildcard (s3.amazonaws.com) does not fail the strict verdict');
  });
});

describe('trust stores', () => {
  it('loads the bundled Mozilla roots once and dedupes user roots', () => {
    const mozilla = mozillaTrustAnchors();
    assert.ok(mozilla.length > 100);
    assert.ok(mozilla.every((a) => a.store === 'mozilla'));
    assert.equal(mozillaTrustAnchors(), mozilla, 'parsed once per process');
    const base = loadTrustAnchors({ includeSystem: false });
    assert.equal(base.length, mozilla.length);
    const withDuplicate = loadTrustAnchors({ includeSystem: false, userRootsDer: [mozilla[0]!.der] });
    assert.equal(withDuplicate.length, mozilla.length);
    const extra = new FastPki().issue({ cn: 'Store Test Root', ca: true });
    const withUser = loadTrustAnchors({ includeSystem: false, userRootsDer: [extra.der] });
    assert.equal(withUser.length, mozilla.length + 1);
    assert.equal(withUser.at(-1)!.store, 'user');
  });

  it('anchors a public chain in the Mozilla store', async (t) => {
    const served = [...pemBlocks(CRYPTOGRAPHY_IO_LEAF), ...pemBlocks(LETS_ENCRYPT_R3)];
    const out = await buildChain({ served, anchors: loadTrustAnchors({ includeSystem: false }), at: new Date('2023-07-10T00:00:00Z') });
    if (!out.trusted && /not in the trust stores/.test(out.reason ?? '')) return t.skip('ISRG Root X1 is not in this runtime\'s bundle');
    assert.equal(out.trusted, true, out.reason ?? '');
    assert.equal(out.store, 'mozilla');
    assert.deepEqual(out.links.map((l) => l.source), ['served', 'served', 'store']);
  });
});

// cryptography.io as served on 2023-07-10 (from the x509-limbo suite): leaf and Let's Encrypt R3, anchored at ISRG Root X1.
const CRYPTOGRAPHY_IO_LEAF = `-----BEGIN CERTIFICATE-----
MIIFJDCCBAygAwIBAgISBCjrgR1TEHICklNpQDzj1PqPMA0GCSqGSIb3DQEBCwUA
MDIxCzAJBgNVBAYTAlVTMRYwFAYDVQQKEw1MZXQncyBFbmNyeXB0MQswCQYDVQQD
EwJSMzAeFw0yMzA1MjkxODQ0MDBaFw0yMzA4MjcxODQzNTlaMBoxGDAWBgNVBAMT
D2NyeXB0b2dyYXBoeS5pbzCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEB
AObo0GReSiFFL4eMlFHutcV+LpLDorPpzzFxxJsXhrm19GyWYHdr4ml7GIAEjqI7
QZp0aYw1lmtHwgNnaRySU+aWj6LMWI/rIP5rXZYIZLyXSfLbHP0xlfYEvcrcprOm
Au0YuQgy3TBO0qz6FKx5PtfbDc7p/LYD5tnG5NkbQ4o+7Ko361w787WSb8OV5NFd
nPqSeIjwxqSy62G6oOHL4wRFDTCOdNjHeYJnPC0L3P9qkGeC6zjqt2h8Q+GE9zNQ
enqaEOeBIZo46mti6Tvzzc7dqILw1ATqIXJdjwABzuT8Ob34/LsPorLQoRP1+YHF
++D2JyyvYKM/aFpQI+HHfGUCAwEAAaOCAkowggJGMA4GA1UdDwEB/wQEAwIFoDAd
BgNVHSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwDAYDVR0TAQH/BAIwADAdBgNV
HQ4EFgQUOtGXHs6fLoMQEwjlwSu88r4qLf0wHwYDVR0jBBgwFoAUFC6zF7dYVsuu
UAlA5h+vnYsUwsYwVQYIKwYBBQUHAQEESTBHMCEGCCsGAQUFBzABhhVodHRwOi8v
cjMuby5sZW5jci5vcmcwIgYIKwYBBQUHMAKGFmh0dHA6Ly9yMy5pLmxlbmNyLm9y
Zy8wGgYDVR0RBBMwEYIPY3J5cHRvZ3JhcGh5LmlvMEwGA1UdIARFMEMwCAYGZ4EM
AQIBMDcGCysGAQQBgt8TAQEBMCgwJgYIKwYBBQUHAgEWGmh0dHA6Ly9jcHMubGV0
c2VuY3J5cHQub3JnMIIBBAYKKwYBBAHWeQIEAgSB9QSB8gDwAHcAtz77JN+cTbp1
8jnFulj0bF38Qs96nzXEnh0JgSXttJkAAAGIaQn30wAABAMASDBGAiEAglrQJj8G
a7/1upmZ2Is6AqPT9pQpSty0sH4PgnqyQxICIQDEpKnk6Rt6KzvEpIIIEtXgrYx+
crerlx4SQVQbnwfz0gB1AHoyjFTYty22IOo44FIe6YQWcDIThU070ivBOlejUutS
AAABiGkJ9+sAAAQDAEYwRAIgaLwFE4CfhV09wq5IR5zmo/90y5OQJ2MnW5gpRZZh
s4YCICEAGxUN/f95xFmxOCfqXv3SEozwkrMHA33abVjCQiaGMA0GCSqGSIb3DQEB
CwUAA4IBAQBSTN5U/3yp6cGMBXlS5WcrB/XOY6TtxPmeSvLM3vqNbpRGu1JOFFtn
31eweHOTj66GWowSy9+uAhp1V9Uf0hoJMa/b+CkCelyJN4QZCcMfhKrPAD4prbHa
GYFaLo5SQqkK1hYHo9LH+qhaOBx9hF5aLrGbEFWXQE9/W7KSeCzz6LBLw9xVrB2v
NTLlXXt5tUiczOIzge5KGaSQr5wgc1viddcRsYuZjtgWlqJ5E5QcZxD8xLTfBe5W
9vl/k1CB4CZ1IG8Sa9+n91Kxm3HTLL6TcrEOutChwMfZfrLH/piWoRQxezCpn82N
RaeeHd1Bv3oH3SeVJUHLxgzUv/dh6GSi
-----END CERTIFICATE-----`;
const LETS_ENCRYPT_R3 = `
-----BEGIN CERTIFICATE-----
MIIFFjCCAv6gAwIBAgIRAJErCErPDBinU/bWLiWnX1owDQYJKoZIhvcNAQELBQAw
TzELMAkGA1UEBhMCVVMxKTAnBgNVBAoTIEludGVybmV0IFNlY3VyaXR5IFJlc2Vh
cmNoIEdyb3VwMRUwEwYDVQQDEwxJU1JHIFJvb3QgWDEwHhcNMjAwOTA0MDAwMDAw
WhcNMjUwOTE1MTYwMDAwWjAyMQswCQYDVQQGEwJVUzEWMBQGA1UEChMNTGV0J3Mg
RW5jcnlwdDELMAkGA1UEAxMCUjMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQC7AhUozPaglNMPEuyNVZLD+ILxmaZ6QoinXSaqtSu5xUyxr45r+XXIo9cP
R5QUVTVXjJ6oojkZ9YI8QqlObvU7wy7bjcCwXPNZOOftz2nwWgsbvsCUJCWH+jdx
sxPnHKzhm+/b5DtFUkWWqcFTzjTIUu61ru2P3mBw4qVUq7ZtDpelQDRrK9O8Zutm
NHz6a4uPVymZ+DAXXbpyb/uBxa3Shlg9F8fnCbvxK/eG3MHacV3URuPMrSXBiLxg
Z3Vms/EY96Jc5lP/Ooi2R6X/ExjqmAl3P51T+c8B5fWmcBcUr2Ok/5mzk53cU6cG
/kiFHaFpriV1uxPMUgP17VGhi9sVAgMBAAGjggEIMIIBBDAOBgNVHQ8BAf8EBAMC
AYYwHQYDVR0lBBYwFAYIKwYBBQUHAwIGCCsGAQUFBwMBMBIGA1UdEwEB/wQIMAYB
Af8CAQAwHQYDVR0OBBYEFBQusxe3WFbLrlAJQOYfr52LFMLGMB8GA1UdIwQYMBaA
FHm0WeZ7tuXkAXOACIjIGlj26ZtuMDIGCCsGAQUFBwEBBCYwJDAiBggrBgEFBQcw
AoYWaHR0cDovL3gxLmkubGVuY3Iub3JnLzAnBgNVHR8EIDAeMBygGqAYhhZodHRw
Oi8veDEuYy5sZW5jci5vcmcvMCIGA1UdIAQbMBkwCAYGZ4EMAQIBMA0GCysGAQQB
gt8TAQEBMA0GCSqGSIb3DQEBCwUAA4ICAQCFyk5HPqP3hUSFvNVneLKYY611TR6W
PTNlclQtgaDqw+34IL9fzLdwALduO/ZelN7kIJ+m74uyA+eitRY8kc607TkC53wl
ikfmZW4/RvTZ8M6UK+5UzhK8jCdLuMGYL6KvzXGRSgi3yLgjewQtCPkIVz6D2QQz
CkcheAmCJ8MqyJu5zlzyZMjAvnnAT45tRAxekrsu94sQ4egdRCnbWSDtY7kh+BIm
lJNXoB1lBMEKIq4QDUOXoRgffuDghje1WrG9ML+Hbisq/yFOGwXD9RiX8F6sw6W4
avAuvDszue5L3sz85K+EC4Y/wFVDNvZo4TYXao6Z0f+lQKc0t8DQYzk1OXVu8rp2
yJMC6alLbBfODALZvYH7n7do1AZls4I9d1P4jnkDrQoxB3UqQ9hVl3LEKQ73xF1O
yK5GhDDX8oVfGKF5u+decIsH4YaTw7mP3GFxJSqv3+0lUFJoi5Lc5da149p90Ids
hCExroL1+7mryIkXPeFM5TgO9r0rvZaBFOvV2z0gp35Z0+L4WPlbuEjN/lxPFin+
HlUjr8gRsI3qfJOQFy/9rKIJR0Y/8Omwt/8oTWgy1mdeHmmjk7j1nYsvC9JSQ6Zv
MldlTTKB3zhThV1+XWYp6rjd5JW1zbVWEkLNxE7GJThEUG3szgBVGP7pSWTUTsqX
nLRbwHOoq7hHwg==
-----END CERTIFICATE-----`;
