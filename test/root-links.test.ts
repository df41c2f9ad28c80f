// Root certificate links: the CA repository page for the root, plus the chain's AIA caIssuers URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestPki } from './helpers/pki.ts';
import { makeResult } from './helpers/results.ts';
import { CA_REPOSITORIES, caRepositoryFor, rootLinks, rootProviderHint, rootRepository } from '../shared/engine/chain/root-links.ts';

const pki = new TestPki();
const { root, ca } = pki.hierarchy('Links');
const leafKey = pki.issue({ cn: 'key.contoso.com', issuer: ca });
const leaf = (cn: string, extra: Partial<Parameters<TestPki['issue']>[0]> = {}) =>
  pki.issue({ cn, sans: [`DNS:${cn}`], issuer: ca, reuseKeyOf: leafKey, ...extra });

test('every repository link is https and every CA the brief lists is known', () => {
  for (const repository of CA_REPOSITORIES) {
    assert.equal(new URL(repository.url).protocol, 'https:', repository.url);
    assert.ok(repository.label.length > 3);
  }
  // Real root and issuer names (as Windows writes them) -> the repository page.
  const cases: [string, RegExp][] = [
    ['CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US', /digicert\.com\/kb\/digicert-root-certificates/],
    ['CN=Baltimore CyberTrust Root, OU=CyberTrust, O=Baltimore, C=IE', /digicert\.com/],
    ['CN=thawte Primary Root CA, OU="(c) 2006 thawte, Inc. - For authorized use only", O="thawte, Inc.", C=US', /digicert\.com/],
    ['CN=GeoTrust Global CA, O=GeoTrust Inc., C=US', /digicert\.com/],
    ['CN=VeriSign Class 3 Public Primary Certification Authority - G5, O="VeriSign, Inc.", C=US', /digicert\.com/],
    ['CN=Symantec Class 3 Secure Server CA - G4, O=Symantec Corporation, C=US', /digicert\.com/],
    ['CN=RapidSSL TLS RSA CA G1, OU=www.digicert.com, O=DigiCert Inc, C=US', /digicert\.com/],
    ['CN=QuoVadis Root CA 2 G3, O=QuoVadis Limited, C=BM', /quovadisglobal\.com/],
    ['CN=USERTrust RSA Certification Authority, O=The USERTRUST Network, L=Jersey City, S=New Jersey, C=US', /sectigo\.com/],
    ['CN=AAA Certificate Services, O=Comodo CA Limited, L=Salford, S=Greater Manchester, C=GB', /sectigo\.com/],
    ['CN=AddTrust External CA Root, OU=AddTrust External TTP Network, O=AddTrust AB, C=SE', /sectigo\.com/],
    ['CN=Sectigo Public Server Authentication Root R46, O=Sectigo Limited, C=GB', /sectigo\.com/],
    ['CN=Network Solutions Certificate Authority, O=Network Solutions L.L.C., C=US', /sectigo\.com/],
    ['CN=GlobalSign, O=GlobalSign, OU=GlobalSign Root CA - R3', /globalsign\.com/],
    ['CN=Entrust Root Certification Authority - G2, OU="(c) 2009 Entrust, Inc. - for authorized use only", OU=See www.entrust.net/legal-terms, O="Entrust, Inc.", C=US', /entrust\.com/],
    ['CN=Go Daddy Root Certificate Authority - G2, O="GoDaddy.com, Inc.", L=Scottsdale, S=Arizona, C=US', /certs\.godaddy\.com/],
    ['OU=Go Daddy Class 2 Certification Authority, O="The Go Daddy Group, Inc.", C=US', /certs\.godaddy\.com/],
    ['CN=Starfield Root Certificate Authority - G2, O="Starfield Technologies, Inc.", L=Scottsdale, S=Arizona, C=US', /starfieldtech\.com/],
    ['CN=Starfield Services Root Certificate Authority - G2, O="Starfield Technologies, Inc.", L=Scottsdale, S=Arizona, C=US', /amazontrust\.com/],
    ['CN=ISRG Root X1, O=Internet Security Research Group, C=US', /letsencrypt\.org/],
    ['CN=R11, O=Let\'s Encrypt, C=US', /letsencrypt\.org/],
    ['CN=DST Root CA X3, O=Digital Signature Trust Co.', /identrust\.com/],
    ['CN=IdenTrust Commercial Root CA 1, O=IdenTrust, C=US', /identrust\.com/],
    ['CN=Microsoft RSA Root Certificate Authority 2017, O=Microsoft Corporation, C=US', /microsoft\.com\/pkiops/],
    ['CN=Buypass Class 2 Root CA, O=Buypass AS-983163327, C=NO', /buypass\.com/],
    ['CN=HARICA TLS RSA Root CA 2021, O=Hellenic Academic and Research Institutions CA, C=GR', /harica\.gr/],
    ['CN=SwissSign Gold CA - G2, O=SwissSign AG, C=CH', /swisssign\.com/],
    ['CN=Certum Trusted Network CA, OU=Certum Certification Authority, O=Unizeto Technologies S.A., C=PL', /certum\.eu/],
    ['CN=Amazon Root CA 1, O=Amazon, C=US', /amazontrust\.com/],
    ['CN=GTS Root R1, O=Google Trust Services LLC, C=US', /pki\.goog/],
    ['CN=Actalis Authentication Root CA, O=Actalis S.p.A./03358520967, L=Milan, C=IT', /actalis\.com/],
    ['CN=T-TeleSec GlobalRoot Class 2, OU=T-Systems Trust Center, O=T-Systems Enterprise Services GmbH, C=DE', /telesec\.de/],
    ['CN=Telekom Security TLS RSA Root 2023, O=Deutsche Telekom Security GmbH, C=DE', /telesec\.de/],
    ['CN=D-TRUST Root Class 3 CA 2 2009, O=D-Trust GmbH, C=DE', /d-trust\.net/],
    ['CN=SSL.com Root Certification Authority RSA, O=SSL Corporation, L=Houston, S=Texas, C=US', /ssl\.com/],
    ['CN=SecureTrust CA, O=SecureTrust Corporation, C=US', /securetrust\.com/],
    ['CN=Trustwave Global Certification Authority, O="Trustwave Holdings, Inc.", L=Chicago, S=Illinois, C=US', /securetrust\.com/],
  ];
  for (const [name, url] of cases) {
    const repository = caRepositoryFor(name);
    assert.ok(repository, `no repository for ${name}`);
    assert.match(repository.url, url, name);
  }
  assert.equal(caRepositoryFor('CN=Contoso Enterprise Root CA, DC=contoso, DC=local'), null);
  assert.equal(caRepositoryFor(null), null);
  assert.equal(caRepositoryFor(''), null);
});

test('the root of the built chain picks the repository page; matching is case-insensitive', () => {
  const digicertRoot = pki.issue({ cn: 'DIGICERT Global Root Test', subjectPrefix: '/O=DigiCert Inc', ca: true, reuseKeyOf: root });
  const digicertCa = pki.issue({ cn: 'Contoso TLS Issuing CA', ca: true, issuer: digicertRoot, reuseKeyOf: ca });
  const cert = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: digicertCa, reuseKeyOf: leafKey });
  const result = makeResult({ served: [cert, digicertCa], path: [cert, digicertCa, digicertRoot] });
  const links = rootLinks(result);
  assert.deepEqual(links[0], { label: 'DigiCert root certificates (also Baltimore CyberTrust, thawte, GeoTrust, RapidSSL, Symantec, VeriSign)', url: 'https://www.digicert.com/kb/digicert-root-certificates.htm' });
  assert.equal(links.length, 1);
  assert.equal(rootProviderHint(result), null);

  // The chain stops at the intermediate (root not found): the intermediate's issuer names the CA.
  const stopped = makeResult({ served: [cert, digicertCa], path: [cert, digicertCa], store: null });
  assert.equal(rootRepository(stopped)?.url, 'https://www.digicert.com/kb/digicert-root-certificates.htm');
});

test('without a chain, the top served certificate decides', () => {
  const gsRoot = pki.issue({ cn: 'GlobalSign Root CA - Test', ca: true, reuseKeyOf: root });
  const gsCa = pki.issue({ cn: 'Contoso Issuing CA 7', ca: true, issuer: gsRoot, reuseKeyOf: ca });
  const cert = pki.issue({ cn: 'sip.contoso.com', issuer: gsCa, reuseKeyOf: leafKey });
  const result = makeResult({ served: [cert, gsCa], path: [cert, gsCa] });
  result.chain = [];
  assert.match(rootLinks(result)[0].url, /globalsign\.com/);
});

test('AIA caIssuers URLs of the chain become links; only http(s); deduplicated', () => {
  const caWithAia = pki.issue({ cn: 'Links AIA Issuing CA', ca: true, issuer: root, aiaIssuerUrl: 'http://pki.contoso.com/root.crt', reuseKeyOf: ca });
  const a = pki.issue({ cn: 'a.contoso.com', sans: ['DNS:a.contoso.com'], issuer: caWithAia, aiaIssuerUrl: 'http://pki.contoso.com/issuing.crt', reuseKeyOf: leafKey });
  const result = makeResult({ served: [a, caWithAia], path: [a, caWithAia, root] });
  assert.deepEqual(rootLinks(result), [
    { label: 'Issuer certificate (AIA): Links AIA Issuing CA', url: 'http://pki.contoso.com/issuing.crt' },
    { label: 'Issuer certificate (AIA): Links Root CA', url: 'http://pki.contoso.com/root.crt' },
  ]);
  // An internal CA: no repository page, so the original's sentence is offered as text, not as a link.
  assert.equal(rootProviderHint(result), 'Certificate is issued by: Links Root CA. Contact this provider for a copy of the root certificate.');

  // LDAP (the default of Windows enterprise CAs) and the same URL twice: left out.
  const ldapCa = pki.issue({ cn: 'Links LDAP Issuing CA', ca: true, issuer: root, aiaIssuerUrl: 'ldap://dc1.contoso.local/aia', reuseKeyOf: ca });
  const b = leaf('b.contoso.com', { issuer: ldapCa, aiaIssuerUrl: 'https://pki.contoso.com/issuing.crt' });
  const c = leaf('c.contoso.com', { issuer: ldapCa, aiaIssuerUrl: 'https://pki.contoso.com/issuing.crt' });
  const twice = makeResult({ served: [b, ldapCa, c], path: [b, ldapCa, root] });
  // c is not on the path, but the chain item b carries the same URL: one link.
  assert.deepEqual(rootLinks(twice), [{ label: 'Issuer certificate (AIA): Links LDAP Issuing CA', url: 'https://pki.contoso.com/issuing.crt' }]);
  for (const link of [...rootLinks(result), ...rootLinks(twice)]) assert.match(link.url, /^https?:\/\//);
});

test('a missing intermediate: the leaf AIA link is offered, labelled with the issuer', () => {
  const d = leaf('d.contoso.com', { aiaIssuerUrl: 'http://pki.contoso.com/links-issuing.crt' });
  const result = makeResult({ served: [d], path: [d], store: null });
  assert.deepEqual(rootLinks(result), [{ label: 'Issuer certificate (AIA): Links Issuing CA', url: 'http://pki.contoso.com/links-issuing.crt' }]);
});

test('nothing served, nothing linked', () => {
  const result = makeResult({ served: [], error: { code: 'CONNECT_REFUSED', message: 'refused' } });
  assert.deepEqual(rootLinks(result), []);
  assert.equal(rootProviderHint(result), null);
});
