// The comment rules on real certificates: every rule id fires where it should and stays quiet where it should not.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { GENERALIZED_TIME, UTC_TIME, patchTbs, time, tlv, validity } from './helpers/der-patch.ts';
import { TestPki, daysFromNow, opensslDate, type IssuedCert, type IssueOptions } from './helpers/pki.ts';
import { contextFor, failedResult, info, makeResult, type ResultSpec } from './helpers/results.ts';
import { RULES, evaluateRules, sortComments, type RuleContext } from '../shared/engine/rules/index.ts';
import { decodeCertificate } from '../shared/engine/decode/index.ts';
import { decodeAndBuildChain, emptyResult } from '../shared/engine/pipeline.ts';
import { dnAttribute, displayName } from '../shared/engine/rules/facts.ts';
import type { Comment, EndpointResult, StrictFindingKind } from '../shared/types.ts';

// ---------------------------------------------------------------- certificates (openssl, made once)

const pki = new TestPki();
const { root, ca } = pki.hierarchy('Rules');
const CRL = 'http://crl.contoso.com/rules-ca.crl';
const baseLeaf = pki.issue({ cn: 'base.contoso.com', sans: ['DNS:base.contoso.com'], issuer: ca, crlUrl: CRL });

/** A leaf under the Rules CA, with a CRL and both EKUs unless the options say otherwise; reuses one key for speed. */
function leaf(cn: string, extra: Partial<IssueOptions> = {}): IssuedCert {
  return pki.issue({ cn, sans: [`DNS:${cn}`], issuer: ca, crlUrl: CRL, reuseKeyOf: baseLeaf, ...extra });
}

const good = leaf('sip.contoso.com', { sans: ['DNS:sip.contoso.com', 'DNS:pool.contoso.com'] });
const good2 = leaf('sip.contoso.com', { sans: ['DNS:sip.contoso.com', 'DNS:pool.contoso.com'] });
const otherNames = leaf('fe02.contoso.com');
const expired = leaf('expired.contoso.com', { startDate: '20200101000000Z', endDate: '20210101000000Z' });
const notYet = leaf('future.contoso.com', { startDate: opensslDate(daysFromNow(5)), endDate: opensslDate(daysFromNow(400)) });
const in10 = leaf('soon.contoso.com', { endDate: opensslDate(daysFromNow(10)) });
const in60 = leaf('later.contoso.com', { endDate: opensslDate(daysFromNow(60)) });
const in100 = leaf('fine.contoso.com', { endDate: opensslDate(daysFromNow(100)) });
const wildcard = leaf('*.contoso.com', { sans: ['DNS:*.contoso.com'] });
const noEku = leaf('noeku.contoso.com', { eku: null });
const serverOnly = leaf('serveronly.contoso.com', { eku: 'serverAuth' });
const clientOnly = leaf('clientonly.contoso.com', { eku: 'clientAuth' });
const noCrl = leaf('nocrl.contoso.com', { crlUrl: undefined });
const ldapCrl = leaf('ldapcrl.contoso.com', { crlUrl: 'ldap://dc1.contoso.local/crl' });
const md5 = leaf('md5.contoso.com', { md: 'md5' });
const sha1 = leaf('sha1.contoso.com', { md: 'sha1' });
const pss = leaf('pss.contoso.com', { pss: true });
const rsa1024 = pki.issue({ cn: 'weak.contoso.com', sans: ['DNS:weak.contoso.com'], issuer: ca, crlUrl: CRL, key: 'rsa:1024' });
const noSan = leaf('nosan.contoso.com', { sans: [] });
const selfSigned = pki.issue({ cn: 'self.contoso.com', sans: ['DNS:self.contoso.com'], reuseKeyOf: baseLeaf });
const unrelated = pki.issue({ cn: 'Unrelated Extra CA', ca: true, reuseKeyOf: ca });

// A SHA-1 intermediate under the Rules root, and a SHA-1 self-signed root with a SHA-256 intermediate.
const sha1Ca = pki.issue({ cn: 'Rules SHA1 Issuing CA', ca: true, issuer: root, md: 'sha1', reuseKeyOf: ca });
const underSha1Ca = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: sha1Ca, crlUrl: CRL, reuseKeyOf: baseLeaf });
const sha1Root = pki.issue({ cn: 'Legacy SHA1 Root CA', ca: true, md: 'sha1', reuseKeyOf: root });
const caUnderSha1Root = pki.issue({ cn: 'Legacy Issuing CA', ca: true, issuer: sha1Root, reuseKeyOf: ca });
const underSha1Root = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: caUnderSha1Root, crlUrl: CRL, reuseKeyOf: baseLeaf });

// A weak (1024-bit) root.
const weakRoot = pki.issue({ cn: 'Weak Root CA', ca: true, key: 'rsa:1024' });
const underWeakRoot = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: weakRoot, crlUrl: CRL, reuseKeyOf: baseLeaf });

// An internal hierarchy nobody trusts, and an expired intermediate (AddTrust style).
const untrustedRoot = pki.issue({ cn: 'Fabrikam Internal Root CA', ca: true, reuseKeyOf: root });
const untrustedCa = pki.issue({ cn: 'Fabrikam Issuing CA', ca: true, issuer: untrustedRoot, reuseKeyOf: ca });
const untrustedLeaf = pki.issue({ cn: 'sip.fabrikam.com', sans: ['DNS:sip.fabrikam.com'], issuer: untrustedCa, crlUrl: CRL, reuseKeyOf: baseLeaf });
const oldCa = pki.issue({ cn: 'Rules Old Issuing CA', ca: true, issuer: root, startDate: '20150101000000Z', endDate: '20200530000000Z', reuseKeyOf: ca });
const underOldCa = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: oldCa, crlUrl: CRL, reuseKeyOf: baseLeaf, startDate: '20190101000000Z' });
const expiredCross = pki.issue({ cn: 'AddTrust Style Cross CA', ca: true, issuer: root, startDate: '20100101000000Z', endDate: '20200530000000Z', reuseKeyOf: ca });

// ---------------------------------------------------------------- helpers

/** Every rule id seen firing in this file, checked at the end against RULES. */
const fired = new Set<string>();

function run(spec: ResultSpec | EndpointResult, extra: Partial<RuleContext> = {}): Comment[] {
  const result = 'comments' in spec ? spec : makeResult(spec);
  const comments = evaluateRules(contextFor(result, extra));
  for (const comment of comments) fired.add(comment.id);
  return comments;
}

/** A good chain: leaf and issuing CA sent, root from the store. */
function goodSpec(cert: IssuedCert = good, extra: Partial<ResultSpec> = {}): ResultSpec {
  return { served: [cert, ca], path: [cert, ca, root], host: 'sip.contoso.com', ...extra };
}

function only(comments: Comment[], id: string): Comment {
  const matches = comments.filter((comment) => comment.id === id);
  assert.equal(matches.length, 1, `expected one "${id}" comment, got ${matches.length}: ${JSON.stringify(comments, null, 1)}`);
  return matches[0];
}

function absent(comments: Comment[], ...ids: string[]): void {
  for (const id of ids) assert.ok(!comments.some((comment) => comment.id === id), `"${id}" should not fire: ${JSON.stringify(comments.filter((c) => c.id === id))}`);
}

function severities(comments: Comment[]): string[] {
  return comments.map((comment) => comment.severity);
}

after(() => {
  // Every rule in the published list must have been seen firing somewhere above.
  const missing = RULES.map((rule) => rule.id).filter((id) => !fired.has(id));
  assert.deepEqual(missing, [], `rules never exercised: ${missing.join(', ')}`);
});

// ---------------------------------------------------------------- the contract

test('rule ids are unique and the published ids keep their severities', () => {
  const ids = RULES.map((rule) => rule.id);
  assert.equal(new Set(ids).size, ids.length);
  const expected: Record<string, string> = {
    expired: 'error',
    'not-yet-valid': 'error',
    'expires-soon': 'varies',
    'name-match': 'ok',
    'name-mismatch': 'error',
    'ip-target': 'info',
    wildcard: 'warning',
    'server-eku-missing': 'error',
    'client-eku-missing': 'warning',
    'crl-missing': 'warning',
    'weak-signature': 'varies',
    'rsassa-pss': 'warning',
    'weak-key': 'error',
    'self-signed': 'error',
    'untrusted-root': 'error',
    'incomplete-chain': 'error',
    'root-sent': 'info',
    'chain-order': 'warning',
    'extra-cert': 'warning',
    'chain-not-as-sent': 'info',
    'runtime-client-failed': 'info',
    'tls13-intolerant': 'warning',
    ssl3: 'error',
    ssl2: 'error',
    'expired-intermediate': 'error',
    'invalid-validity-date': 'error',
    'pool-mismatch': 'warning',
    'endpoint-cap': 'info',
    'internal-fetch-refused': 'info',
    'srv-target-name': 'error',
    'unparseable-certificate': 'error',
    'serial-invalid': 'error',
  };
  for (const [id, severity] of Object.entries(expected)) {
    const rule = RULES.find((candidate) => candidate.id === id);
    assert.ok(rule, `rule ${id} missing`);
    assert.equal(rule.severity, severity, id);
    assert.ok(rule.description.length > 10);
  }
});

test('a good certificate: name match and a valid summary, nothing else to fix', () => {
  const comments = run(goodSpec());
  assert.equal(only(comments, 'name-match').text, 'Common Name/SAN match found: sip.contoso.com is covered by the SAN name sip.contoso.com.');
  const valid = only(comments, 'valid');
  assert.equal(valid.severity, 'ok');
  assert.match(valid.text, /valid until \d{4}-\d\d-\d\d \(36[45] days left\)/);
  assert.match(valid.text, /trusted root "Rules Root CA"/);
  assert.ok(comments.every((comment) => comment.severity === 'ok' || comment.severity === 'info'), JSON.stringify(comments));
  absent(comments, 'client-eku-missing', 'crl-missing', 'weak-signature', 'weak-key', 'incomplete-chain', 'root-sent', 'chain-order', 'extra-cert', 'pool-mismatch', 'internal');
});

test('comments are sorted error, warning, info, ok and stable within a severity', () => {
  const sorted = sortComments([
    { id: 'a', severity: 'ok', text: '' },
    { id: 'b', severity: 'info', text: '' },
    { id: 'c', severity: 'error', text: '' },
    { id: 'd', severity: 'warning', text: '' },
    { id: 'e', severity: 'error', text: '' },
    { id: 'f', severity: 'info', text: '' },
  ]);
  assert.deepEqual(sorted.map((comment) => comment.id), ['c', 'e', 'd', 'b', 'f', 'a']);
  const comments = run(goodSpec(md5, { host: 'other.contoso.com', served: [md5], path: [md5, { cert: ca, source: 'aia' }, root] }));
  const order = ['error', 'warning', 'info', 'ok'];
  const ranks = severities(comments).map((severity) => order.indexOf(severity));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
});

// ---------------------------------------------------------------- dates

test('expired: fires for a past Not After, with the date', () => {
  const comments = run(goodSpec(expired, { host: 'expired.contoso.com', trusted: false, store: 'user', trustReason: 'certificate has expired' }));
  const comment = only(comments, 'expired');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /expired on 2021-01-01/);
  absent(comments, 'expires-soon', 'valid', 'chain-not-trusted');
  absent(run(goodSpec()), 'expired');
});

test('not-yet-valid: fires for a future Not Before and points at the clock', () => {
  const comments = run(goodSpec(notYet, { host: 'future.contoso.com' }));
  const comment = only(comments, 'not-yet-valid');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /clock/);
  assert.match(comment.text, /[45] days from now/);
  absent(run(goodSpec()), 'not-yet-valid');
});

test('expires-soon: warning within 30 days, info within 90, nothing at 100 days or when expired', () => {
  const at = (cert: IssuedCert, daysBefore: number) => new Date(cert.notAfter.getTime() - daysBefore * 86_400_000 - 3_600_000);
  const soon = only(run(goodSpec(in10, { host: 'soon.contoso.com', checkedAt: at(in10, 10) })), 'expires-soon');
  assert.equal(soon.severity, 'warning');
  assert.ok(soon.text.includes(in10.notAfter.toISOString().slice(0, 10)), soon.text);
  assert.match(soon.text, /\(10 days left\)/);
  assert.match(soon.text, /200 days from March 2026/);

  const later = only(run(goodSpec(in60, { host: 'later.contoso.com', checkedAt: at(in60, 60) })), 'expires-soon');
  assert.equal(later.severity, 'info');
  assert.match(later.text, /\(60 days left\)/);

  absent(run(goodSpec(in100, { host: 'fine.contoso.com', checkedAt: at(in100, 100) })), 'expires-soon');
  absent(run(goodSpec(expired, { host: 'expired.contoso.com' })), 'expires-soon');
  // The 30-day edge is still a warning.
  assert.equal(only(run(goodSpec(in60, { host: 'later.contoso.com', checkedAt: new Date(in60.notAfter.getTime() - 30 * 86_400_000) })), 'expires-soon').severity, 'warning');
});

test('expired-intermediate: an expired CA on the path, or an expired cross certificate the server sends', () => {
  const onPath = run({ served: [underOldCa, oldCa], path: [underOldCa, oldCa, root], host: 'sip.contoso.com', trusted: false, store: 'user' });
  const comment = only(onPath, 'expired-intermediate');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /"Rules Old Issuing CA" \(intermediate, expired 2020-05-30, sent by the server\)/);
  assert.match(comment.text, /AddTrust/);
  assert.match(comment.text, /DST Root CA X3/);
  absent(onPath, 'expired');

  // Sent but not on the path: reported as expired, not as an extra certificate.
  const cross = run({ served: [good, ca, expiredCross], path: [good, ca, root], host: 'sip.contoso.com' });
  assert.match(only(cross, 'expired-intermediate').text, /AddTrust Style Cross CA/);
  absent(cross, 'extra-cert', 'valid');

  absent(run(goodSpec()), 'expired-intermediate');
});

test('invalid-validity-date: a Not Before that names no time is an error with the raw text, never another date', () => {
  const times = validity(time(UTC_TIME, 'abcdefghijklZ'), time(GENERALIZED_TIME, '20991231235959Z'));
  const broken: IssuedCert = { ...good, der: patchTbs(good.der, { validity: times }, ca.keyPem) };
  const comments = run({ served: [broken, ca], path: [broken, ca, root], host: 'sip.contoso.com', trusted: false, store: 'user', trustReason: 'The Not Before date is not valid' });
  const comment = only(comments, 'invalid-validity-date');
  assert.match(comment.text, /^"sip\.contoso\.com" \(server certificate\): The Not Before date "abcdefghijklZ" is not a valid UTCTime/);
  assert.match(comment.text, /reissue/);
  absent(comments, 'valid', 'chain-not-trusted', 'expired', 'not-yet-valid');
  absent(run(goodSpec()), 'invalid-validity-date');
});

test('serial-invalid: an empty serial number on the path is an error', () => {
  const broken: IssuedCert = { ...good, der: patchTbs(good.der, { serial: tlv(0x02, new Uint8Array(0)) }, ca.keyPem) };
  const comments = run({ served: [broken, ca], path: [broken, ca, root], host: 'sip.contoso.com', trusted: false, store: 'user', trustReason: 'The serial number is empty' });
  assert.match(only(comments, 'serial-invalid').text, /^"sip\.contoso\.com" \(server certificate\) has an empty serial number/);
  absent(comments, 'valid', 'chain-not-trusted');
  absent(run(goodSpec()), 'serial-invalid');
});

// ---------------------------------------------------------------- names

test('name-mismatch: the host tested is not covered; the names it covers are listed', () => {
  const comments = run(goodSpec(good, { host: 'other.contoso.com' }));
  const comment = only(comments, 'name-mismatch');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /^other\.contoso\.com is not in the certificate's SAN list/);
  assert.match(comment.text, /covers: sip\.contoso\.com, pool\.contoso\.com/);
  assert.match(comment.text, /Subject Alternative Name/);
  absent(comments, 'name-match', 'valid');
  absent(run(goodSpec()), 'name-mismatch');
  // Matching is case-insensitive and ignores a trailing dot.
  absent(run(goodSpec(good, { host: 'POOL.contoso.com.' })), 'name-mismatch');
});

test('ip-target: name checks skipped, names listed', () => {
  const comments = run(goodSpec(good, { host: '127.0.0.2', ip: '127.0.0.2' }), { ipTarget: true });
  const comment = only(comments, 'ip-target');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /127\.0\.0\.2 was tested by IP address/);
  assert.match(comment.text, /sip\.contoso\.com, pool\.contoso\.com/);
  absent(comments, 'name-match', 'name-mismatch', 'srv-target-name');
  absent(run(goodSpec()), 'ip-target');
});

test('wildcard: warned even when it matches, with where it is fine', () => {
  const comments = run(goodSpec(wildcard, { host: 'sip.contoso.com' }));
  const comment = only(comments, 'wildcard');
  assert.equal(comment.severity, 'warning');
  assert.match(comment.text, /\*\.contoso\.com/);
  assert.match(comment.text, /matches only through it/);
  assert.match(comment.text, /reverse proxy/);
  assert.match(comment.text, /Direct Routing/);
  assert.match(only(comments, 'name-match').text, /\(a wildcard\)/);
  // The wildcard covers one label only.
  only(run(goodSpec(wildcard, { host: 'a.b.contoso.com' })), 'name-mismatch');
  absent(run(goodSpec()), 'wildcard');
});

test('srv-target-name: the SRV target is not among the names (and name-mismatch stays quiet)', () => {
  const srvRecord = { name: '_sipfederationtls._tcp.contoso.com', priority: 0, weight: 0, port: 5061, target: 'access.contoso.com' };
  const comments = run(goodSpec(good, { type: 'FED', target: 'contoso.com', host: 'access.contoso.com', srvRecord }));
  const comment = only(comments, 'srv-target-name');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /_sipfederationtls\._tcp\.contoso\.com points to access\.contoso\.com/);
  absent(comments, 'name-mismatch');
  const fine = run(goodSpec(good, { type: 'FED', target: 'contoso.com', host: 'sip.contoso.com', srvRecord: { ...srvRecord, target: 'sip.contoso.com.' } }));
  absent(fine, 'srv-target-name', 'name-mismatch', 'sip-domain-suffix');
  only(fine, 'name-match');
});

test('sip-domain-suffix: an SRV target outside the SIP domain (SRV types only)', () => {
  const fabrikam = leaf('sip.fabrikam.com');
  const srvRecord = { name: '_sip._tls.contoso.com', priority: 0, weight: 0, port: 443, target: 'sip.fabrikam.com' };
  const comments = run(goodSpec(fabrikam, { type: 'SIP', target: 'contoso.com', host: 'sip.fabrikam.com', srvRecord }));
  const comment = only(comments, 'sip-domain-suffix');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /contoso\.com/);
  assert.match(comment.text, /Lync 2013/);
  const fed = run(goodSpec(fabrikam, { type: 'FED', target: 'contoso.com', host: 'sip.fabrikam.com', srvRecord: { ...srvRecord, name: '_sipfederationtls._tcp.contoso.com' } }));
  assert.match(only(fed, 'sip-domain-suffix').text, /ProxyFqdn/);
  absent(run(goodSpec(fabrikam, { host: 'sip.fabrikam.com' })), 'sip-domain-suffix');
});

test('av-auth-name: on port 5062 a name mismatch is only noted', () => {
  const comments = run(goodSpec(good, { host: 'edge.contoso.local', port: 5062 }));
  assert.equal(only(comments, 'av-auth-name').severity, 'info');
  absent(comments, 'name-mismatch');
  absent(run(goodSpec(good, { port: 5062 })), 'av-auth-name');
});

test('san-missing: a certificate with only a Common Name still matches by CN, with a warning', () => {
  const comments = run(goodSpec(noSan, { host: 'nosan.contoso.com' }));
  assert.equal(only(comments, 'san-missing').severity, 'warning');
  assert.match(only(comments, 'name-match').text, /Common Name nosan\.contoso\.com \(the certificate has no SAN\)/);
  absent(run(goodSpec()), 'san-missing');
});

// ---------------------------------------------------------------- usage

test('server-eku-missing: an EKU list without Server Authentication; an absent EKU is fine', () => {
  const comments = run(goodSpec(clientOnly, { host: 'clientonly.contoso.com' }));
  const comment = only(comments, 'server-eku-missing');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /Client Authentication \(1\.3\.6\.1\.5\.5\.7\.3\.2\)/);
  assert.match(comment.text, /1\.3\.6\.1\.5\.5\.7\.3\.1/);
  absent(comments, 'client-eku-missing');

  const none = run(goodSpec(noEku, { host: 'noeku.contoso.com' }));
  absent(none, 'server-eku-missing', 'client-eku-missing');
  assert.equal(only(none, 'eku-absent').severity, 'info');
  absent(run(goodSpec()), 'server-eku-missing', 'eku-absent');
});

test('client-eku-missing: a server-only EKU on a SIP port, not on a web port', () => {
  const comments = run(goodSpec(serverOnly, { host: 'serveronly.contoso.com', port: 5061 }));
  const comment = only(comments, 'client-eku-missing');
  assert.equal(comment.severity, 'warning');
  assert.match(comment.text, /1\.3\.6\.1\.5\.5\.7\.3\.2/);
  assert.match(comment.text, /2026/);
  absent(run(goodSpec(serverOnly, { host: 'serveronly.contoso.com', port: 443 })), 'client-eku-missing');
  absent(run(goodSpec()), 'client-eku-missing');
});

test('crl-missing and crl-not-http: no CRL Distribution Point, or only an LDAP one', () => {
  const comments = run(goodSpec(noCrl, { host: 'nocrl.contoso.com' }));
  const comment = only(comments, 'crl-missing');
  assert.equal(comment.severity, 'warning');
  assert.match(comment.text, /accessible CRL/);
  absent(comments, 'crl-not-http');

  const ldap = run(goodSpec(ldapCrl, { host: 'ldapcrl.contoso.com' }));
  assert.match(only(ldap, 'crl-not-http').text, /ldap:\/\/dc1\.contoso\.local\/crl/);
  absent(ldap, 'crl-missing');
  absent(run(goodSpec()), 'crl-missing', 'crl-not-http');
});

// ---------------------------------------------------------------- algorithms

test('weak-signature: MD5 is an error, SHA-1 a warning, each naming the certificate', () => {
  const md5Comment = only(run(goodSpec(md5, { host: 'md5.contoso.com' })), 'weak-signature');
  assert.equal(md5Comment.severity, 'error');
  assert.match(md5Comment.text, /"md5\.contoso\.com" \(server certificate, md5RSA\)/);

  const sha1Comment = only(run(goodSpec(sha1, { host: 'sha1.contoso.com' })), 'weak-signature');
  assert.equal(sha1Comment.severity, 'warning');
  assert.match(sha1Comment.text, /"sha1\.contoso\.com" \(server certificate, sha1RSA\)/);

  const intermediate = only(run({ served: [underSha1Ca, sha1Ca], path: [underSha1Ca, sha1Ca, root], host: 'sip.contoso.com' }), 'weak-signature');
  assert.equal(intermediate.severity, 'warning');
  assert.match(intermediate.text, /"Rules SHA1 Issuing CA" \(intermediate, sha1RSA\)/);
  assert.doesNotMatch(intermediate.text, /\(server certificate,/);

  // A SHA-1 self-signed root is not a problem: nobody checks a root's own signature.
  absent(run({ served: [underSha1Root, caUnderSha1Root], path: [underSha1Root, caUnderSha1Root, sha1Root], host: 'sip.contoso.com' }), 'weak-signature');
  absent(run(goodSpec()), 'weak-signature');
});

test('rsassa-pss: RSASSA-PSS signatures are not supported by Lync/SfB', () => {
  const comment = only(run(goodSpec(pss, { host: 'pss.contoso.com' })), 'rsassa-pss');
  assert.equal(comment.severity, 'warning');
  assert.match(comment.text, /"pss\.contoso\.com"/);
  assert.match(comment.text, /AlternateSignatureAlgorithm/);
  absent(run(goodSpec()), 'rsassa-pss');
});

test('weak-key: RSA below 2048 bits on the leaf or anywhere on the chain, the root included', () => {
  const leafComment = only(run(goodSpec(rsa1024, { host: 'weak.contoso.com' })), 'weak-key');
  assert.equal(leafComment.severity, 'error');
  assert.match(leafComment.text, /"weak\.contoso\.com" \(server certificate, RSA 1024 bits\)/);
  const rootComment = only(run({ served: [underWeakRoot], path: [underWeakRoot, weakRoot], host: 'sip.contoso.com' }), 'weak-key');
  assert.match(rootComment.text, /"Weak Root CA" \(root, RSA 1024 bits\)/);
  absent(run(goodSpec()), 'weak-key');
});

// ---------------------------------------------------------------- chain

test('self-signed: the leaf signed itself; no duplicate untrusted-root or crl-missing', () => {
  const comments = run({ served: [selfSigned], host: 'self.contoso.com' });
  const comment = only(comments, 'self-signed');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /lab/);
  absent(comments, 'untrusted-root', 'incomplete-chain', 'crl-missing', 'chain-not-trusted', 'valid');
  absent(run(goodSpec()), 'self-signed');
});

test('untrusted-root: names the root and where to get it', () => {
  // The server sends the whole chain, root included, and no store has the root.
  const sentRoot = run({ served: [untrustedLeaf, untrustedCa, untrustedRoot], host: 'sip.fabrikam.com', store: null });
  const comment = only(sentRoot, 'untrusted-root');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /"Fabrikam Internal Root CA"/);
  assert.match(comment.text, /Certificate is issued by: Fabrikam Internal Root CA\. Contact this provider for a copy of the root certificate\./);
  assert.match(comment.text, /--trust/);
  absent(sentRoot, 'incomplete-chain', 'chain-not-trusted', 'valid');

  // The server sends leaf and intermediate; the intermediate's issuer (the root) is nowhere.
  const rootMissing = run({ served: [untrustedLeaf, untrustedCa], path: [untrustedLeaf, untrustedCa], host: 'sip.fabrikam.com', store: null });
  assert.match(only(rootMissing, 'untrusted-root').text, /"Fabrikam Internal Root CA"/);
  absent(rootMissing, 'incomplete-chain');

  // A public CA's name points to the root certificate links instead.
  const publicRoot = pki.issue({ cn: 'DigiCert Test Root G9', ca: true, reuseKeyOf: root });
  const publicCa = pki.issue({ cn: 'DigiCert Test Issuing CA', ca: true, issuer: publicRoot, reuseKeyOf: ca });
  const publicLeaf = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: publicCa, crlUrl: CRL, reuseKeyOf: baseLeaf });
  const publicText = only(run({ served: [publicLeaf, publicCa], path: [publicLeaf, publicCa], host: 'sip.contoso.com', store: null }), 'untrusted-root').text;
  assert.match(publicText, /root certificate links/);
  assert.doesNotMatch(publicText, /Contact this provider/);

  absent(run(goodSpec()), 'untrusted-root');
});

test('incomplete-chain: names the intermediate the server did not send', () => {
  // Found through AIA (as Windows would): the chain is trusted, but the server is still wrong.
  const fetched = run({ served: [good], path: [good, { cert: ca, source: 'aia' }, root], host: 'sip.contoso.com' });
  const comment = only(fetched, 'incomplete-chain');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /"Rules Issuing CA"/);
  assert.match(comment.text, /Lync Phone Edition/);
  assert.match(comment.text, /Intermediate Certification Authorities/);
  absent(fetched, 'untrusted-root', 'valid');

  // Not found at all: the leaf's issuer is missing (and it does not look like a root).
  const missing = run({ served: [good], path: [good], host: 'sip.contoso.com', store: null });
  const missingText = only(missing, 'incomplete-chain').text;
  assert.match(missingText, /issuer "Rules Issuing CA"/);
  assert.match(missingText, /Trusted Roots/);
  absent(missing, 'untrusted-root', 'chain-not-trusted');

  absent(run(goodSpec()), 'incomplete-chain');
});

test('root-sent: the server sends the root too (info)', () => {
  const comments = run({ served: [good, ca, root], host: 'sip.contoso.com', store: 'user' });
  const comment = only(comments, 'root-sent');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /"Rules Root CA"/);
  only(comments, 'valid');
  absent(run(goodSpec()), 'root-sent');
});

test('chain-order: certificates sent out of order', () => {
  const comments = run({ served: [good, root, ca], path: [good, ca, root], host: 'sip.contoso.com', store: 'user' });
  const comment = only(comments, 'chain-order');
  assert.equal(comment.severity, 'warning');
  assert.match(comment.text, /"sip\.contoso\.com", "Rules Root CA", "Rules Issuing CA"/);
  absent(run(goodSpec()), 'chain-order');
});

test('extra-cert: a certificate that is not part of the chain is named', () => {
  const comments = run({ served: [good, ca, unrelated], path: [good, ca, root], host: 'sip.contoso.com' });
  const comment = only(comments, 'extra-cert');
  assert.equal(comment.severity, 'warning');
  assert.match(comment.text, /"Unrelated Extra CA" \(#3, thumbprint [0-9A-F]{40}\)/);
  assert.ok(comment.text.includes(unrelated.thumbprint));
  absent(run(goodSpec()), 'extra-cert');
});

test('served-order rules judge only the wire chain; a Node peer chain says so instead', () => {
  const outOfOrder = { served: [good, root, ca, unrelated], path: [good, ca, root], host: 'sip.contoso.com', store: 'user' as const };
  const wire = run(outOfOrder);
  only(wire, 'chain-order');
  only(wire, 'extra-cert');
  absent(wire, 'chain-not-as-sent');
  const rebuilt = run({ ...outOfOrder, certificateSource: 'node-peer-chain' });
  absent(rebuilt, 'chain-order', 'extra-cert', 'root-sent', 'incomplete-chain');
  const comment = only(rebuilt, 'chain-not-as-sent');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /not the list the server sent/);
});

test('chain-not-trusted: an untrusted chain no other rule explains is still an error', () => {
  const comments = run(goodSpec(good, { trusted: false, store: 'user', trustReason: 'certificate signature failure' }));
  const comment = only(comments, 'chain-not-trusted');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /certificate signature failure/);
  absent(comments, 'valid');
  absent(run(goodSpec()), 'chain-not-trusted');
});

// ---------------------------------------------------------------- pool

test('pool-mismatch: members with different certificates, reported on every member', () => {
  const first = makeResult(goodSpec(good, { ip: '127.0.0.2', poolAddresses: ['127.0.0.2', '127.0.0.3'] }));
  const second = makeResult(goodSpec(good2, { ip: '127.0.0.3', poolAddresses: ['127.0.0.2', '127.0.0.3'], poolMember: true }));
  const pool = [first, second];
  for (const result of pool) {
    const comment = only(run(result, { pool }), 'pool-mismatch');
    assert.equal(comment.severity, 'warning');
    assert.ok(comment.text.includes(`127.0.0.2 → ${good.thumbprint}`), comment.text);
    assert.ok(comment.text.includes(`127.0.0.3 → ${good2.thumbprint}`), comment.text);
    assert.match(comment.text, /same names/);
  }
  const other = makeResult(goodSpec(otherNames, { ip: '127.0.0.4' }));
  assert.match(only(run(first, { pool: [first, other] }), 'pool-mismatch').text, /do not cover the same names/);

  // Same certificate everywhere, a single member, or a member without a certificate: nothing.
  const same = makeResult(goodSpec(good, { ip: '127.0.0.3', poolMember: true }));
  absent(run(first, { pool: [first, same] }), 'pool-mismatch');
  absent(run(first, { pool: [first] }), 'pool-mismatch');
  const down = failedResult({ code: 'CONNECT_REFUSED', message: 'Connection refused by 127.0.0.3:5061.' }, { ip: '127.0.0.3' });
  absent(run(first, { pool: [first, down] }), 'pool-mismatch');
});

test('internal-fetch-refused: lists each refused URL with the address it led to', () => {
  const result = makeResult(goodSpec());
  result.refusedFetches = [
    { purpose: 'CRL', url: 'http://crl.contoso.local/ca.crl', address: '10.0.0.5' },
    { purpose: 'OCSP', url: 'http://127.0.0.1:8080/', address: '127.0.0.1' },
  ];
  const comment = only(run(result), 'internal-fetch-refused');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /CRL http:\/\/crl\.contoso\.local\/ca\.crl \(10\.0\.0\.5\), OCSP http:\/\/127\.0\.0\.1:8080\/ \(127\.0\.0\.1\)/);
  absent(run(goodSpec()), 'internal-fetch-refused');
});

test('deadline-exceeded: names the budget and every step it cut', () => {
  const result = makeResult(goodSpec());
  result.deadlineExceeded = { budgetMs: 10000, steps: ['aia', 'revocation'] };
  const comment = only(run(result), 'deadline-exceeded');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /10000 ms budget ran out during fetching issuers the server did not send \(AIA\) and the revocation check/);
  absent(run(goodSpec()), 'deadline-exceeded');
});

test('endpoint-cap: said once, on the result that carries the cap', () => {
  const capped = makeResult(goodSpec(good, { ip: '127.0.0.2' }));
  capped.endpointCap = { limit: 64, found: 3000 };
  const comment = only(run(capped), 'endpoint-cap');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /DNS named 3000 endpoints .*only the first 64/);
  absent(run(goodSpec()), 'endpoint-cap');
});

// ---------------------------------------------------------------- connection

test('not-checked: no certificate, no certificate rules', () => {
  const comments = run(failedResult({ code: 'CONNECT_TIMEOUT', message: 'No answer from 127.0.0.1:5061.' }));
  assert.deepEqual(comments.map((comment) => comment.id), ['not-checked']);
  assert.equal(comments[0].severity, 'info');
  absent(run(goodSpec()), 'not-checked');
});

test('unparseable-certificate: one error and nothing else about the certificate', () => {
  const garbage = decodeCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
  assert.ok(garbage.parseError);
  const comments = run({ served: [garbage], host: 'sip.contoso.com' });
  const comment = only(comments, 'unparseable-certificate');
  assert.equal(comment.severity, 'error');
  assert.deepEqual(comments.map((c) => c.id), ['unparseable-certificate']);
  absent(run(goodSpec()), 'unparseable-certificate');
});

test('handshake-failed and mtls-requested: mutual TLS servers', () => {
  const demanded = run(
    goodSpec(good, {
      tls: {
        handshakeError: { code: 'TLS_ALERT', message: 'The server ended the handshake with alert 116 (certificate required).' },
        clientCertRequested: true,
        acceptableCAs: ['CN=Rules Root CA, O=Contoso Test', 'CN=Baltimore CyberTrust Root'],
      },
    }),
  );
  const failed = only(demanded, 'handshake-failed');
  assert.equal(failed.severity, 'info');
  assert.match(failed.text, /client certificate/);
  assert.match(failed.text, /normal for mutual TLS/);
  const requested = only(demanded, 'mtls-requested');
  assert.match(requested.text, /Baltimore CyberTrust Root/);

  const runtime = { protocol: null, cipher: null, error: { code: 'TLS_ALERT' as const, message: '127.0.0.1:5061 ended the TLS handshake with the alert "handshake failure" (40).' } };
  const runtimeFailed = run(goodSpec(good, { tls: { runtimeClient: runtime } }));
  assert.match(only(runtimeFailed, 'runtime-client-failed').text, /normal TLS client .* could not connect: .*handshake failure/);
  absent(runtimeFailed, 'handshake-failed');

  const alert = run(goodSpec(good, { tls: { handshakeError: { code: 'TLS_ALERT', message: 'The server sent alert 40 (handshake failure).' } } }));
  assert.doesNotMatch(only(alert, 'handshake-failed').text, /client certificate/);
  absent(alert, 'mtls-requested');
  absent(run(goodSpec()), 'handshake-failed', 'mtls-requested');

  // With our own certificate presented, the failure is its refusal, not a certificate we lack.
  const ours = run(
    goodSpec(good, {
      tls: {
        handshakeError: { code: 'TLS_ALERT', message: '127.0.0.1:5061 ended the TLS handshake with the alert "unknown ca" (48).' },
        clientCertRequested: true,
        runtimeClient: { protocol: null, cipher: null, error: null, clientCertificate: 'refused' },
      },
    }),
  );
  assert.match(only(ours, 'handshake-failed').text, /did not take the client certificate presented/);
  assert.doesNotMatch(only(ours, 'handshake-failed').text, /does not present/);
});

test('no-tls12, legacy-tls, weak-suite: the version matrix and the suites picked', () => {
  const versions = (v10: boolean, v11: boolean, v12: boolean, v13: boolean) => ({ TLSv1: v10, 'TLSv1.1': v11, 'TLSv1.2': v12, 'TLSv1.3': v13 });
  const only10 = run(goodSpec(good, { tls: { versions: versions(true, false, false, false), suites: { TLSv1: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA' } } }));
  assert.equal(only(only10, 'no-tls12').severity, 'error');
  assert.match(only(only10, 'no-tls12').text, /speaks only TLSv1\b/);
  absent(only10, 'legacy-tls');
  assert.match(only(only10, 'weak-suite').text, /TLS_RSA_WITH_3DES_EDE_CBC_SHA \(TLSv1\)/);

  const mixed = run(goodSpec(good, { tls: { versions: versions(true, true, true, false), suites: { TLSv1: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLSv1.2': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' } } }));
  assert.equal(only(mixed, 'legacy-tls').severity, 'warning');
  assert.match(only(mixed, 'legacy-tls').text, /TLSv1 and TLSv1\.1/);
  absent(mixed, 'no-tls12', 'weak-suite');

  absent(run(goodSpec(good, { tls: { versions: versions(false, false, true, true), suites: { 'TLSv1.3': 'TLS_AES_128_GCM_SHA256' } } })), 'no-tls12', 'legacy-tls', 'weak-suite');
  absent(run(goodSpec()), 'no-tls12', 'legacy-tls', 'weak-suite');
});

test('tls13-intolerant, ssl3, ssl2: what the fallback hellos and the legacy probe found', () => {
  const reset = { code: 'CONNECTION_RESET' as const, message: 'sbc.contoso.com (127.0.0.1:5061) closed the connection without answering the TLS ClientHello.' };
  const intolerant = only(run(goodSpec(good, { tls: { firstHelloError: reset } })), 'tls13-intolerant');
  assert.equal(intolerant.severity, 'warning');
  assert.match(intolerant.text, /old firmware or a load balancer in front of it\?/);
  assert.match(intolerant.text, /closed the connection without answering/);
  absent(run(goodSpec(good, { tls: { firstHelloError: null } })), 'tls13-intolerant');

  const tls = { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false };
  const alsoSsl3 = only(run(goodSpec(good, { tls: { versions: { ...tls, SSLv3: true, SSLv2: false } } })), 'ssl3');
  assert.equal(alsoSsl3.severity, 'error');
  assert.match(alsoSsl3.text, /still accepts SSL 3\.0/);
  const onlySsl3 = run(goodSpec(good, { tls: { protocol: 'SSLv3', versions: { ...tls, 'TLSv1.2': false, SSLv3: true, SSLv2: false } } }));
  assert.match(only(onlySsl3, 'ssl3').text, /speaks only SSL 3\.0/);
  only(onlySsl3, 'no-tls12');
  absent(run(goodSpec(good, { tls: { versions: { ...tls, SSLv3: false, SSLv2: false } } })), 'ssl3', 'ssl2');

  const sslv2 = run(failedResult({ code: 'SSL2_ONLY', message: '127.0.0.1:443 answered in SSL 2.0.' }));
  assert.equal(only(sslv2, 'ssl2').severity, 'error');
  assert.match(only(sslv2, 'ssl2').text, /speaks nothing newer/);
});

test('mtls-requested says whether one of the admin\'s own roots is on the server\'s CA list', () => {
  const spec = goodSpec(good, { tls: { clientCertRequested: true, acceptableCAs: ['CN=Rules Root CA, O=Contoso Test', 'CN=Other Root'] } });
  assert.match(only(run(spec, { userRoots: ['CN=Rules Root CA, O=Contoso Test'] }), 'mtls-requested').text, /Your own trusted root CN=Rules Root CA, O=Contoso Test is on that list/);
  assert.match(only(run(spec), 'mtls-requested').text, /must chain to one of these CAs/);
});

test('Direct Routing profile: each requirement is its own finding, dr-ready when all hold', () => {
  const dr = { profile: 'direct-routing' as const, drSupportedCas: [{ name: 'Rules test root', sha1: root.thumbprint }] };
  const suites = (...accepted: boolean[]) => Object.fromEntries(['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'].map((n, i) => [n, accepted[i]!]));
  const ready = run(goodSpec(good, { tls: { profileSuites: suites(true, true, true, true) } }), dr);
  assert.match(only(ready, 'dr-ready').text, /^Ready for Direct Routing: .*"Rules Root CA".*names sip\.contoso\.com; RSA 2048 bits; TLS 1\.2 with .*mutual TLS is off/);
  assert.equal(only(ready, 'dr-mtls-roots').severity, 'info');
  absent(ready, 'dr-sbc-ca', 'dr-sbc-name', 'dr-sbc-key');
  assert.equal(only(ready, 'dr-tls').severity, 'ok');
  absent(run(goodSpec(good, { tls: { profileSuites: suites(true, true, true, true) } })), 'dr-ready', 'dr-mtls-roots');

  assert.equal(only(run(goodSpec(), { ...dr, drSupportedCas: [{ name: 'Some Other CA' }] }), 'dr-sbc-ca').severity, 'error');
  only(run(goodSpec(good, { host: 'sbc.contoso.com' }), dr), 'dr-sbc-name');
  absent(run(goodSpec(wildcard, { host: 'sbc.contoso.com' }), dr), 'dr-sbc-name');
  only(run(goodSpec(wildcard, { host: 'sbc.test.contoso.com' }), dr), 'dr-sbc-name');
  assert.match(only(run(goodSpec(rsa1024, { host: 'weak.contoso.com' }), dr), 'dr-sbc-key').text, /RSA key of 1024 bits/);
  assert.equal(only(run(goodSpec(good, { tls: { profileSuites: suites(false, false, false, false) } }), dr), 'dr-tls').severity, 'error');
  assert.match(only(run(goodSpec(good, { tls: { profileSuites: suites(false, true, false, false) } }), dr), 'dr-tls').text, /accepts TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 of/);
  const mtls = run(goodSpec(good, { tls: { clientCertRequested: true, acceptableCAs: ['CN=Other Root'] } }), dr);
  assert.match(only(mtls, 'dr-mtls-roots').text, /does not trust 7 of the seven roots/);
  absent(mtls, 'dr-ready');
  const refused = { outcome: 'refused', statusCode: 403, reasonPhrase: 'Forbidden', diagnostics: [], error: null } as unknown as NonNullable<EndpointResult['sip']>;
  const withSip = makeResult(goodSpec());
  withSip.sip = refused;
  assert.match(only(run(withSip, dr), 'dr-options').text, /403 Forbidden/);
  assert.match(only(run(withSip, { profile: 'federation' }), 'fed-options').text, /403 Forbidden/);
});

test('federation profile: the partner CA list and your Edge root; mtls-requested warns when none of your roots is listed', () => {
  const spec = goodSpec(good, { tls: { clientCertRequested: true, acceptableCAs: ['CN=Other Root'] } });
  const missing = run(spec, { profile: 'federation', myRoots: ['CN=Rules Root CA, O=Contoso Test'] });
  assert.equal(only(missing, 'fed-partner-ca').severity, 'warning');
  assert.equal(only(missing, 'mtls-requested').severity, 'warning');
  absent(missing, 'valid');
  const listed = run(spec, { profile: 'federation', myRoots: ['CN=Other Root'] });
  assert.equal(only(listed, 'fed-partner-ca').severity, 'ok');
  assert.equal(only(listed, 'mtls-requested').severity, 'info');
  absent(run(spec), 'fed-partner-ca');
});

test('revoked: a revoked certificate is an error', () => {
  const comments = run(goodSpec(good, { revocation: { status: 'revoked', method: 'crl', checkedAt: new Date().toISOString(), details: 'revoked on 2025-01-01 (keyCompromise)' } }));
  const comment = only(comments, 'revoked');
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /CRL: revoked on 2025-01-01/);
  absent(comments, 'valid');
  absent(run(goodSpec(good, { revocation: { status: 'good', method: 'crl', checkedAt: new Date().toISOString(), details: '' } })), 'revoked');
});

test('crl-unreachable and ocsp-unreachable come from the per-certificate revocation report', () => {
  const cert = (extra: { crlUnreachable: boolean; ocspUnreachable: boolean }) => ({
    index: 0, subject: 'CN=sip.contoso.com', status: 'unknown' as const, method: 'none' as const, reason: null, revokedAt: null,
    details: 'Connection refused by 127.0.0.1:9.', ...extra,
  });
  const revocation = (c: ReturnType<typeof cert>) => ({ status: 'unknown' as const, method: 'none' as const, checkedAt: new Date().toISOString(), details: '', certificates: [c] });
  const crl = run(goodSpec(good, { revocation: revocation(cert({ crlUnreachable: true, ocspUnreachable: false })) }));
  assert.equal(only(crl, 'crl-unreachable').severity, 'warning');
  assert.match(only(crl, 'crl-unreachable').text, /CN=sip\.contoso\.com.*port 80/);
  absent(crl, 'ocsp-unreachable');
  const ocsp = run(goodSpec(good, { revocation: revocation(cert({ crlUnreachable: false, ocspUnreachable: true })) }));
  assert.equal(only(ocsp, 'ocsp-unreachable').severity, 'info');
  absent(ocsp, 'crl-unreachable');
  absent(run(goodSpec()), 'crl-unreachable', 'ocsp-unreachable');
});

test('crl-skipped and revocation-fetch-limit come from the skipped downloads of the revocation report', () => {
  const skippedDownloads = [
    { kind: 'CRL' as const, url: 'http://crl.contoso.com/big.crl', reason: 'too-large' as const },
    { kind: 'CRL' as const, url: 'http://crl.contoso.com/busy.crl', reason: 'memory-busy' as const },
    { kind: 'OCSP' as const, url: 'http://ocsp.contoso.com/', reason: 'url-limit' as const },
  ];
  const cert = {
    index: 0, subject: 'CN=sip.contoso.com', status: 'unknown' as const, method: 'none' as const, reason: null, revokedAt: null,
    details: '', crlUnreachable: false, ocspUnreachable: false, skippedDownloads,
  };
  const revocation = { status: 'unknown' as const, method: 'none' as const, checkedAt: new Date().toISOString(), details: '', certificates: [cert] };
  const comments = run(goodSpec(good, { revocation }));
  const skipped = only(comments, 'crl-skipped');
  assert.equal(skipped.severity, 'info');
  assert.match(skipped.text, /big\.crl \(CN=sip\.contoso\.com: too large for the memory/);
  assert.match(skipped.text, /busy\.crl \(CN=sip\.contoso\.com: the memory .* stayed full/);
  assert.doesNotMatch(skipped.text, /ocsp\.contoso/);
  const limit = only(comments, 'revocation-fetch-limit');
  assert.match(limit.text, /OCSP http:\/\/ocsp\.contoso\.com\/ \(CN=sip\.contoso\.com\).*at most 8 distinct/);
  absent(comments, 'crl-unreachable');
  absent(run(goodSpec()), 'crl-skipped', 'revocation-fetch-limit');
});

test('crl-invalid names the CRL, the certificate and what is wrong with the CRL', () => {
  const invalidCrls = [{ url: 'http://crl.contoso.com/ca.crl', problems: ['it has no CRL number, which every CRL must carry'] }];
  const cert = {
    index: 0, subject: 'CN=sip.contoso.com', status: 'unknown' as const, method: 'crl' as const, reason: null, revokedAt: null,
    details: '', crlUnreachable: false, ocspUnreachable: false, invalidCrls,
  };
  const revocation = { status: 'unknown' as const, method: 'crl' as const, checkedAt: new Date().toISOString(), details: '', certificates: [cert] };
  const comment = only(run(goodSpec(good, { revocation })), 'crl-invalid');
  assert.equal(comment.severity, 'warning');
  assert.match(comment.text, /ca\.crl \(for CN=sip\.contoso\.com: it has no CRL number.*ask the CA/);
  absent(run(goodSpec()), 'crl-invalid');
});

test('a rule that throws becomes an internal info comment; evaluateRules never throws', () => {
  const result = makeResult(goodSpec());
  // Hostile input: a decoder bug or a hand-made result with missing arrays.
  const broken = { ...result, served: [{ ...result.served[0], sanEntries: undefined as unknown as [], san: undefined as unknown as [] }] };
  const comments = evaluateRules(contextFor(broken));
  const internal = comments.filter((comment) => comment.id === 'internal');
  assert.ok(internal.length > 0);
  fired.add('internal');
  for (const comment of internal) {
    assert.equal(comment.severity, 'info');
    assert.match(comment.text, /could not run/);
  }
  absent(run(goodSpec()), 'internal');
});

test('texts are plain sentences: no undefined/null/NaN leaks', () => {
  const all = [
    ...run(goodSpec(good, { host: 'other.contoso.com' })),
    ...run({ served: [untrustedLeaf, untrustedCa], path: [untrustedLeaf, untrustedCa], host: 'sip.fabrikam.com', store: null }),
    ...run({ served: [good], path: [good], host: 'sip.contoso.com', store: null }),
    ...run({ served: [good, root, ca, unrelated], path: [good, ca, root], host: 'sip.contoso.com' }),
  ];
  for (const comment of all) assert.doesNotMatch(comment.text, /undefined|null|NaN|\[object/, comment.text);
  // Ids from the decoded certificates are the ones openssl made.
  assert.equal(info(good).thumbprint, good.thumbprint);
});

// ---------------------------------------------------------------- with the real chain builder

/** A result as the engine builds it from served DER (no network: the anchors are given, nothing is fetched). */
async function built(served: (IssuedCert | Uint8Array)[], host: string, anchors: IssuedCert[] = [root]): Promise<EndpointResult> {
  const result = emptyResult({ target: host, type: 'DIR', host, ip: '127.0.0.1', port: 5061, poolMember: false, srv: null, srvRecord: null, poolAddresses: ['127.0.0.1'] });
  await decodeAndBuildChain(
    result,
    served.map((cert) => (cert instanceof Uint8Array ? cert : new Uint8Array(cert.der))),
    anchors.map((anchor) => ({ der: new Uint8Array(anchor.der), store: 'user' as const })),
    { offline: true, timeoutMs: 1000 },
  );
  return result;
}

function ids(comments: Comment[]): string[] {
  return comments.map((comment) => comment.id);
}

test('real chain builder: the chain rules read its facts the way it means them', async () => {
  const good1 = run(await built([good, ca], 'sip.contoso.com'));
  assert.deepEqual(ids(good1), ['name-match', 'valid']);

  // An expired leaf under a trusted root: one error, not an untrusted root as well.
  const expiredLeaf = run(await built([expired, ca], 'expired.contoso.com'));
  assert.deepEqual(ids(expiredLeaf).filter((id) => id !== 'name-match'), ['expired']);

  const self = run(await built([selfSigned], 'self.contoso.com'));
  assert.deepEqual(ids(self).filter((id) => id !== 'name-match'), ['self-signed']);

  const sentRoot = run(await built([untrustedLeaf, untrustedCa, untrustedRoot], 'sip.fabrikam.com'));
  assert.match(only(sentRoot, 'untrusted-root').text, /"Fabrikam Internal Root CA"/);
  absent(sentRoot, 'incomplete-chain', 'chain-not-trusted');

  const noRoot = run(await built([untrustedLeaf, untrustedCa], 'sip.fabrikam.com'));
  assert.match(only(noRoot, 'untrusted-root').text, /"Fabrikam Internal Root CA"/);
  absent(noRoot, 'incomplete-chain', 'chain-not-trusted');

  const leafOnly = run(await built([good], 'sip.contoso.com'));
  assert.match(only(leafOnly, 'incomplete-chain').text, /"Rules Issuing CA"/);
  absent(leafOnly, 'untrusted-root', 'chain-not-trusted');

  const order = run(await built([good, root, ca], 'sip.contoso.com'));
  only(order, 'chain-order');
  only(order, 'root-sent');

  const extra = run(await built([good, ca, unrelated], 'sip.contoso.com'));
  assert.match(only(extra, 'extra-cert').text, /Unrelated Extra CA/);

  const cross = run(await built([good, ca, expiredCross], 'sip.contoso.com'));
  only(cross, 'expired-intermediate');
  absent(cross, 'extra-cert');

  const oldPath = run(await built([underOldCa, oldCa], 'sip.contoso.com'));
  only(oldPath, 'expired-intermediate');
  absent(oldPath, 'untrusted-root', 'chain-not-trusted');

  const sha1Path = run(await built([underSha1Ca, sha1Ca], 'sip.contoso.com'));
  assert.equal(only(sha1Path, 'weak-signature').severity, 'warning');
  absent(sha1Path, 'chain-not-trusted', 'untrusted-root');

  const md5Leaf = run(await built([md5, ca], 'md5.contoso.com'));
  assert.equal(only(md5Leaf, 'weak-signature').severity, 'error');
  absent(md5Leaf, 'chain-not-trusted', 'untrusted-root');

  // A leaf that does not decode: one error, whatever else was sent.
  const unreadable = run(await built([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), ca, root], 'sip.contoso.com'));
  assert.deepEqual(ids(unreadable), ['unparseable-certificate']);

  const weakLeaf = run(await built([rsa1024, ca], 'weak.contoso.com'));
  only(weakLeaf, 'weak-key');
  absent(weakLeaf, 'chain-not-trusted', 'untrusted-root');
});

test('names in comment text: the CN of a Windows-style DN, quoted values included', () => {
  assert.equal(dnAttribute('CN="Contoso, Ltd ""Root"" CA", O=Contoso, C=US', 'CN'), 'Contoso, Ltd "Root" CA');
  assert.equal(dnAttribute('O=Contoso Test, CN=Rules Root CA', 'cn'), 'Rules Root CA');
  assert.equal(dnAttribute('OU=Go Daddy Class 2 Certification Authority, O="The Go Daddy Group, Inc.", C=US', 'CN'), null);
  assert.equal(displayName('OU=Go Daddy Class 2 Certification Authority, C=US'), 'OU=Go Daddy Class 2 Certification Authority, C=US');
  assert.equal(displayName(null), '(no name)');
});

test('the SIP rules run with the others: each outcome of the OPTIONS and of our certificate (details in sip-rules.test.ts)', () => {
  const withSip = (sip: Partial<NonNullable<EndpointResult['sip']>>) => {
    const result = makeResult(goodSpec());
    result.sip = { requestUri: 'sip:sip.contoso.com:5061;transport=tls', domain: 'contoso.com', outcome: 'answered', statusCode: 200, reasonPhrase: 'OK', server: 'kamailio', userAgent: null, allow: [], supported: [], diagnostics: [], roundTripMs: 5, tlsProtocol: 'TLSv1.3', alert: null, error: null, clientCertificate: null, ...sip };
    return run(result);
  };
  const ours = { subject: 'CN=sbc.partner.test', issuer: 'CN=Partner CA', thumbprint: 'AB'.repeat(20), notAfter: '2030-01-01T00:00:00.000Z', issuerNames: ['CN=Partner CA'] };
  only(withSip({}), 'sip-options-ok');
  only(withSip({ outcome: 'refused', statusCode: 403, reasonPhrase: 'Forbidden' }), 'sip-options-refused');
  only(withSip({ outcome: 'no-response', statusCode: null, reasonPhrase: null }), 'sip-no-response');
  only(withSip({ clientCertificate: { ...ours, verdict: 'accepted' } }), 'sip-client-cert-accepted');
  const refused = withSip({ outcome: 'tls-refused', statusCode: null, alert: 'unknown_ca', clientCertificate: { ...ours, verdict: 'refused' } });
  only(refused, 'sip-client-cert-refused');
  absent(refused, 'sip-no-response');
  absent(run(makeResult(goodSpec())), 'sip-options-ok', 'sip-no-response');
});

// ---------------------------------------------------------------- strict-profile findings

test('each strict finding kind becomes its own strict-* comment, naming the certificate, who rejects it and what to ask for', () => {
  const result = makeResult(goodSpec());
  const ruleIds = RULES.map((rule) => rule.id).filter((id) => id.startsWith('strict-'));
  const kinds = ruleIds.map((id) => id.slice('strict-'.length)) as StrictFindingKind[];
  result.trust!.strictFindings = kinds.map((kind, i) => ({ kind, index: i % 3, certificate: `Cert ${i}`, text: `Finding ${kind}` }));
  const comments = run(result);
  for (const [i, id] of ruleIds.entries()) {
    const comment = only(comments, id);
    assert.equal(comment.severity, RULES.find((rule) => rule.id === id)!.severity);
    assert.match(comment.text, new RegExp(`"Cert ${i}": Finding ${kinds[i]}`));
    assert.match(comment.text, /The trust verdict follows Windows and Teams, which do not check this\..+(reject|refuse).+Ask the CA for /);
  }
  assert.equal(only(comments, 'strict-missing-aki').severity, 'warning');
  assert.equal(only(comments, 'strict-cn-not-in-san').severity, 'info');
  absent(comments, 'strict-weak-key');
});

test('strict findings of one kind on several certificates make one comment; none without findings', () => {
  const result = makeResult(goodSpec());
  result.trust!.strictFindings = [
    { kind: 'missing-aki', index: 0, certificate: 'sip.contoso.com', text: 'Missing Authority Key Identifier' },
    { kind: 'missing-aki', index: 1, certificate: 'Rules Issuing CA', text: 'Missing Authority Key Identifier' },
  ];
  const text = only(run(result), 'strict-missing-aki').text;
  assert.match(text, /server certificate "sip.contoso.com": Missing Authority Key Identifier; intermediate "Rules Issuing CA": Missing/);
  assert.equal(run(goodSpec()).filter((c) => c.id.startsWith('strict-')).length, 0);
});

test('a real chain: a leaf without AKI whose CN is not in the SAN is trusted, with both strict comments', async () => {
  const noAki = pki.issue({ cn: 'sbc.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: ca, crlUrl: CRL, reuseKeyOf: baseLeaf, authorityKeyId: false });
  const result = emptyResult({ target: 'sip.contoso.com', type: 'DIR', host: 'sip.contoso.com', ip: '127.0.0.1', port: 5061, poolMember: false, srv: null, srvRecord: null, poolAddresses: ['127.0.0.1'] });
  await decodeAndBuildChain(result, [noAki.der, ca.der], [{ der: root.der, store: 'user' }], { offline: true, timeoutMs: 1000, internalFetches: undefined });
  assert.equal(result.trust?.trusted, true, result.trust?.reason ?? '');
  const comments = run(result);
  assert.match(only(comments, 'strict-missing-aki').text, /server certificate "sbc.contoso.com": Missing Authority Key Identifier/);
  assert.match(only(comments, 'strict-cn-not-in-san').text, /"sbc.contoso.com" is not one of the Subject Alternative Names/);
  absent(comments, 'chain-not-trusted');
});

test('ca-certificate: a CA inspected on its own is judged as a CA, without the server-certificate rules', () => {
  const asRoot = run({ served: [root], path: [root], host: '' }, { caCertificate: true, ipTarget: true });
  assert.match(only(asRoot, 'ca-certificate').text, /root CA certificate \(self-signed\)/);
  absent(asRoot, 'self-signed', 'san-missing', 'crl-missing', 'eku-absent', 'ip-target', 'name-mismatch');
  const asIntermediate = run({ served: [ca], path: [ca, root], host: '' }, { caCertificate: true, ipTarget: true });
  assert.match(only(asIntermediate, 'ca-certificate').text, /intermediate CA certificate/);
  absent(run(goodSpec()), 'ca-certificate');
});

test('weak-signature: the SHA-1 sentence matches its severity (a warning) and says what breaks, for a leaf and for a CA', () => {
  const leafText = only(run(goodSpec(sha1, { host: 'sha1.contoso.com' })), 'weak-signature').text;
  assert.match(leafText, /This is a warning, not an error, because clients that still accept SHA-1 connect today; current clients refuse SHA-1 signatures/);
  assert.doesNotMatch(leafText, /presence and meeting/, 'a SHA-1 server certificate is not a SHA-1 CA');
  const caText = only(run({ served: [underSha1Ca, sha1Ca], path: [underSha1Ca, sha1Ca, root], host: 'sip.contoso.com' }), 'weak-signature').text;
  assert.match(caText, /a SHA-1 issuing CA already causes presence and meeting failures/);
  assert.match(caText, /CNGHashAlgorithm/);
});

test('not-checked: each error code has its own sentence of what to try, never a generic one, never the error repeated', () => {
  const cases: [import('../shared/types.ts').ErrorCode, string, RegExp][] = [
    ['CONNECT_REFUSED', 'Connection refused by 127.0.0.1:5061: nothing is listening on that port, or a firewall rejects it.', /service is running and listening on this port.*firewall/],
    ['HANDSHAKE_TIMEOUT', '127.0.0.1:5061 accepted the connection but sent no TLS handshake within 5000 ms.', /load balancer with no healthy server.*STARTTLS.*wrong port/],
    ['DNS_NXDOMAIN', 'DNS Lookup Error: Non-existent domain: A sip.contoso.com (system resolver).', /spelling of sip\.contoso\.com/],
    ['NOT_TLS', '127.0.0.1:80 answered with a plain HTTP answer ("HTTP/1.1 400 Bad Request"), not TLS.', /serves plain HTTP: test the HTTPS port/],
    ['CONNECT_TIMEOUT', 'No answer from 127.0.0.1:5061 while connecting: the host is down or a firewall drops the traffic.', /firewalls between this machine and the server/],
  ];
  const texts = new Set<string>();
  for (const [code, message, advice] of cases) {
    const comment = only(run(failedResult({ code, message }, { host: 'sip.contoso.com' })), 'not-checked');
    assert.match(comment.text, advice, code);
    assert.doesNotMatch(comment.text, /Fix the problem reported/);
    assert.ok(!comment.text.includes(message.replace(/\.$/, '')), `${code}: the comment does not repeat the error`);
    texts.add(comment.text);
  }
  assert.equal(texts.size, cases.length, 'no two codes share a sentence');
  const srvFailure = { ...failedResult({ code: 'DNS_NXDOMAIN', message: 'x' }, { host: 'contoso.com' }), srv: '_sipfederationtls._tcp.contoso.com' };
  const srv = only(run(srvFailure), 'not-checked');
  assert.match(srv.text, /spelling of _sipfederationtls\._tcp\.contoso\.com/, 'an SRV lookup names the record');
});

test('revocation-unknown: which certificate, why, and whether it matters; not for what other rules report', () => {
  const revocation = (certificates: import('../shared/types.ts').CertRevocation[]) => ({ status: 'unknown' as const, method: 'none' as const, checkedAt: new Date().toISOString(), details: '', certificates });
  const cert = (index: number, subject: string, status: 'good' | 'unknown', details: string, extra = {}) => ({
    index, subject, status, method: status === 'good' ? ('crl' as const) : ('none' as const), reason: null, revokedAt: null, details, crlUnreachable: false, ocspUnreachable: false, ...extra,
  });
  const bare = cert(1, 'CN=Rules Issuing CA', 'unknown', 'The certificate names no CRL distribution point or OCSP responder.');
  const comments = run(goodSpec(good, { revocation: revocation([cert(0, 'CN=sip.contoso.com', 'good', 'Not revoked, per CRL.'), bare]) }));
  const comment = only(comments, 'revocation-unknown');
  assert.equal(comment.severity, 'info');
  assert.match(comment.text, /^Revocation of the intermediate CN=Rules Issuing CA is unknown: The certificate names no CRL distribution point or OCSP responder\. No client can check it either\..*Skype for Business servers check the revocation of the chain/);
  assert.doesNotMatch(comment.text, /OCSP\)/);
  const unreachable = cert(1, 'CN=Rules Issuing CA', 'unknown', 'CRL unreachable', { crlUnreachable: true });
  absent(run(goodSpec(good, { revocation: revocation([cert(0, 'CN=sip.contoso.com', 'good', 'ok'), unreachable]) })), 'revocation-unknown');
});

test('no-tls12 stays silent for a server that was not reached as TLS at all (its error and not-checked say why)', () => {
  const silent = failedResult({ code: 'HANDSHAKE_TIMEOUT', message: '127.0.0.1:5061 accepted the connection but sent no TLS handshake within 5000 ms.' });
  silent.tls.versions = { 'TLSv1': false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false };
  const comments = run(silent);
  assert.deepEqual(comments.map((c) => c.id), ['not-checked']);
});
