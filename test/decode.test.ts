// decodeCertificate against what openssl generated and reports for the same certificates.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import {
  clearDecodeCache,
  decodeCacheSize,
  decodeCertificate,
  decodeCertificateCached,
  DECODE_CACHE_BYTE_LIMIT,
  DECODE_CACHE_LIMIT,
} from '../shared/engine/decode/index.ts';
import { serialHex } from '../shared/engine/decode/der.ts';
import type { CertInfo, ExtensionInfo } from '../shared/types.ts';
import { TestPki, type IssuedCert } from './helpers/pki.ts';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

interface OpensslExtension {
  critical: boolean;
  value: string;
}

/** The extensions block of `openssl x509 -text`, by the name openssl prints. */
function opensslExtensions(cert: IssuedCert): Map<string, OpensslExtension> {
  const text = openssl(['x509', '-in', cert.certPath, '-noout', '-text', '-certopt', 'no_sigdump,no_pubkey']);
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'X509v3 extensions:');
  const extensions = new Map<string, OpensslExtension>();
  let current: OpensslExtension | null = null;
  for (const line of lines.slice(start + 1)) {
    if (/^ {12}\S/.test(line)) {
      const match = /^\s*(.+?):\s*(critical)?\s*$/.exec(line)!;
      current = { critical: match[2] === 'critical', value: '' };
      extensions.set(match[1], current);
    } else if (/^ {16}/.test(line) && current) {
      current.value += (current.value ? '\n' : '') + line.trim();
    } else {
      break;
    }
  }
  return extensions;
}

function opensslText(cert: IssuedCert): string {
  return openssl(['x509', '-in', cert.certPath, '-noout', '-text', '-certopt', 'no_sigdump,no_extensions']);
}

function extension(info: CertInfo, oid: string): ExtensionInfo {
  const found = info.extensions.find((e) => e.oid === oid);
  assert.ok(found, `extension ${oid} is missing`);
  return found;
}

/** openssl's RFC 2253 subject as [key, value] pairs, with Windows' key for state. */
function rfc2253Pairs(subject: string): [string, string][] {
  const parts = subject.split(/(?<!\\),/);
  return parts.map((part) => {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1).replace(/\\(.)/g, '$1');
    return [key === 'ST' ? 'S' : key, value];
  });
}

/** Our Windows-style name back into [key, value] pairs (values may be quoted with "" for "). */
function windowsPairs(name: string): [string, string][] {
  const pairs: [string, string][] = [];
  const pattern = /([^=,\s][^=]*)=("(?:[^"]|"")*"|[^,]*)(?:, |$)/g;
  for (const match of name.matchAll(pattern)) {
    const raw = match[2];
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
    pairs.push([match[1], value]);
  }
  return pairs;
}

/** openssl's "2001:DB8:0:0:0:0:0:1" in RFC 5952 form, by an independent serializer (WHATWG URL). */
function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

const KEY_USAGE_WINDOWS: Record<string, string> = {
  'Digital Signature': 'Digital Signature',
  'Non Repudiation': 'Non-Repudiation',
  'Key Encipherment': 'Key Encipherment',
  'Data Encipherment': 'Data Encipherment',
  'Key Agreement': 'Key Agreement',
  'Certificate Sign': 'Certificate Signing',
  'CRL Sign': 'Off-line CRL Signing, CRL Signing',
};

const EKU_OIDS: Record<string, string> = {
  'TLS Web Server Authentication': '1.3.6.1.5.5.7.3.1',
  'TLS Web Client Authentication': '1.3.6.1.5.5.7.3.2',
};

function derExtension(node: asn1js.BaseBlock): string {
  return `DER:${Buffer.from(node.toBER()).toString('hex')}`;
}

let pki: TestPki;
let root: IssuedCert;
let ca: IssuedCert;
let leaf: IssuedCert;

before(() => {
  pki = new TestPki();
  ({ root, ca } = pki.hierarchy('Decode'));
  leaf = pki.issue({
    cn: 'sip.contoso.com',
    subjectPrefix: '/C=US/ST=WA/L=Redmond/O=Contoso, Inc./OU=Unified Communications',
    preserveDn: true,
    issuer: ca,
    sans: ['DNS:sip.contoso.com', 'DNS:sipfed.contoso.com', 'IP:10.0.0.1', 'IP:2001:db8::1'],
    crlUrl: 'http://crl.contoso.test/issuing.crl',
    aiaIssuerUrl: 'http://aia.contoso.test/issuing.crt',
    ocspUrl: 'http://ocsp.contoso.test',
    extraExt: [
      'certificatePolicies = 2.23.140.1.2.2, @cps_policy',
      '[cps_policy]',
      'policyIdentifier = 1.3.6.1.4.1.311.42.1',
      'CPS.1 = https://www.contoso.test/cps',
    ],
  });
});

after(() => {
  clearDecodeCache();
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('decodeCertificate: a typical SIP/TLS leaf', () => {
  test('identity fields match openssl', () => {
    const info = decodeCertificate(leaf.der);
    assert.equal(info.parseError, null);
    assert.equal(info.thumbprint, leaf.thumbprint);
    assert.equal(info.serialNumber, leaf.serial);
    assert.equal(info.notBefore, leaf.notBefore.toISOString());
    assert.equal(info.notAfter, leaf.notAfter.toISOString());
    assert.equal(info.sha256, createHash('sha256').update(leaf.der).digest('hex').toUpperCase());
    assert.equal(info.derBase64, leaf.der.toString('base64'));
    assert.equal(info.version, 'V3');
    assert.match(opensslText(leaf), /Version: 3 \(0x2\)/);
  });

  test('subject and issuer are written the Windows way, most specific first', () => {
    const info = decodeCertificate(leaf.der);
    assert.equal(
      info.subject,
      'CN=sip.contoso.com, OU=Unified Communications, O="Contoso, Inc.", L=Redmond, S=WA, C=US',
    );
    assert.deepEqual(windowsPairs(info.subject), rfc2253Pairs(leaf.subject));
    assert.deepEqual(windowsPairs(info.issuer), rfc2253Pairs(ca.subject));
    // openssl ca put CN first in the DER of the CA names, so Windows shows it last.
    assert.equal(info.issuer, 'O=Contoso Test, CN=Decode Issuing CA');
    assert.equal(info.commonName, 'sip.contoso.com');
    assert.equal(info.selfIssued, false);
  });

  test('signature algorithm and public key', () => {
    const info = decodeCertificate(leaf.der);
    assert.match(opensslText(leaf), /Signature Algorithm: sha256WithRSAEncryption/);
    assert.equal(info.signatureAlgorithm, 'sha256RSA');
    assert.equal(info.signatureAlgorithmOid, '1.2.840.113549.1.1.11');
    assert.match(opensslText(leaf), /Public-Key: \(2048 bit\)/);
    assert.deepEqual(info.publicKey, { algorithm: 'RSA', size: 2048, curve: null });
  });

  test('every extension, in certificate order, as openssl lists them', () => {
    const info = decodeCertificate(leaf.der);
    const fromOpenssl = opensslExtensions(leaf);
    assert.equal(info.extensions.length, fromOpenssl.size);
    assert.deepEqual(
      info.extensions.map((e) => e.name),
      [
        'Basic Constraints',
        'Key Usage',
        'Enhanced Key Usage',
        'Subject Alternative Name',
        'Subject Key Identifier',
        'Authority Key Identifier',
        'CRL Distribution Points',
        'Authority Information Access',
        'Certificate Policies',
      ],
    );
    const opensslCritical = [...fromOpenssl.values()].map((e) => e.critical);
    assert.deepEqual(info.extensions.map((e) => e.critical), opensslCritical);
  });

  test('basic constraints and key usage', () => {
    const info = decodeCertificate(leaf.der);
    const ossl = opensslExtensions(leaf);
    assert.equal(ossl.get('X509v3 Basic Constraints')?.value, 'CA:FALSE');
    assert.equal(extension(info, '2.5.29.19').data, 'Subject Type=End Entity\nPath Length Constraint=None');
    assert.equal(info.isCA, false);
    assert.equal(info.pathLength, null);

    const keyUsage = ossl.get('X509v3 Key Usage')!.value.split(', ').map((name) => KEY_USAGE_WINDOWS[name]);
    assert.equal(extension(info, '2.5.29.15').data, `${keyUsage.join(', ')} (a0)`);
    assert.equal(extension(info, '2.5.29.15').data, 'Digital Signature, Key Encipherment (a0)');
    assert.deepEqual(info.keyUsage, ['digitalSignature', 'keyEncipherment']);
  });

  test('enhanced key usage', () => {
    const info = decodeCertificate(leaf.der);
    const expected = opensslExtensions(leaf).get('X509v3 Extended Key Usage')!.value.split(', ').map((n) => EKU_OIDS[n]);
    assert.deepEqual(info.ekus, expected);
    assert.equal(
      extension(info, '2.5.29.37').data,
      'Server Authentication (1.3.6.1.5.5.7.3.1)\nClient Authentication (1.3.6.1.5.5.7.3.2)',
    );
  });

  test('subject alternative names, IPv6 in canonical form', () => {
    const info = decodeCertificate(leaf.der);
    const expected = opensslExtensions(leaf)
      .get('X509v3 Subject Alternative Name')!
      .value.split(', ')
      .map((entry) => {
        if (entry.startsWith('DNS:')) return `DNS Name=${entry.slice(4)}`;
        const ip = entry.slice('IP Address:'.length);
        return `IP Address=${ip.includes(':') ? canonicalIpv6(ip) : ip}`;
      });
    assert.equal(extension(info, '2.5.29.17').data, expected.join('\n'));
    assert.deepEqual(info.san, ['sip.contoso.com', 'sipfed.contoso.com', '10.0.0.1', '2001:db8::1']);
    assert.deepEqual(info.sanEntries, [
      { type: 'dns', value: 'sip.contoso.com' },
      { type: 'dns', value: 'sipfed.contoso.com' },
      { type: 'ip', value: '10.0.0.1' },
      { type: 'ip', value: '2001:db8::1' },
    ]);
  });

  test('key identifiers as spaced lower-case hex', () => {
    const info = decodeCertificate(leaf.der);
    const ossl = opensslExtensions(leaf);
    const toWindows = (text: string) => text.replace(/^keyid:/, '').toLowerCase().split(':').join(' ');
    const ski = toWindows(ossl.get('X509v3 Subject Key Identifier')!.value);
    const aki = toWindows(ossl.get('X509v3 Authority Key Identifier')!.value.split('\n')[0]);
    assert.equal(info.subjectKeyId, ski);
    assert.equal(extension(info, '2.5.29.14').data, ski);
    assert.equal(info.authorityKeyId, aki);
    assert.equal(extension(info, '2.5.29.35').data, `KeyID=${aki}`);
    // The issuing CA's own subject key identifier is this certificate's authority key identifier.
    assert.equal(decodeCertificate(ca.der).subjectKeyId, aki);
  });

  test('CRL distribution points and authority information access', () => {
    const info = decodeCertificate(leaf.der);
    const ossl = opensslExtensions(leaf);
    assert.match(ossl.get('X509v3 CRL Distribution Points')!.value, /URI:http:\/\/crl\.contoso\.test\/issuing\.crl/);
    assert.deepEqual(info.crlUrls, ['http://crl.contoso.test/issuing.crl']);
    assert.equal(
      extension(info, '2.5.29.31').data,
      '[1]CRL Distribution Point\n' +
        '     Distribution Point Name:\n' +
        '          Full Name:\n' +
        '               URL=http://crl.contoso.test/issuing.crl',
    );

    assert.equal(
      ossl.get('Authority Information Access')!.value,
      'CA Issuers - URI:http://aia.contoso.test/issuing.crt\nOCSP - URI:http://ocsp.contoso.test',
    );
    assert.deepEqual(info.caIssuerUrls, ['http://aia.contoso.test/issuing.crt']);
    assert.deepEqual(info.ocspUrls, ['http://ocsp.contoso.test']);
    assert.equal(
      extension(info, '1.3.6.1.5.5.7.1.1').data,
      '[1]Authority Info Access\n' +
        '     Access Method=Certification Authority Issuer (1.3.6.1.5.5.7.48.2)\n' +
        '     Alternative Name:\n' +
        '          URL=http://aia.contoso.test/issuing.crt\n' +
        '[2]Authority Info Access\n' +
        '     Access Method=On-line Certificate Status Protocol (1.3.6.1.5.5.7.48.1)\n' +
        '     Alternative Name:\n' +
        '          URL=http://ocsp.contoso.test',
    );
  });

  test('certificate policies with a CPS qualifier', () => {
    const info = decodeCertificate(leaf.der);
    const ossl = opensslExtensions(leaf).get('X509v3 Certificate Policies')!.value;
    assert.match(ossl, /Policy: 2\.23\.140\.1\.2\.2/);
    assert.match(ossl, /CPS: https:\/\/www\.contoso\.test\/cps/);
    assert.equal(
      extension(info, '2.5.29.32').data,
      '[1]Certificate Policy:\n' +
        '     Policy Identifier=2.23.140.1.2.2\n' +
        '[2]Certificate Policy:\n' +
        '     Policy Identifier=1.3.6.1.4.1.311.42.1\n' +
        '     [2,1]Policy Qualifier Info:\n' +
        '          Policy Qualifier Id=CPS\n' +
        '          Qualifier:\n' +
        '               https://www.contoso.test/cps',
    );
  });
});

describe('decodeCertificate: CAs', () => {
  test('a root is self-issued, a CA with a path length shows it', () => {
    const rootInfo = decodeCertificate(root.der);
    assert.equal(rootInfo.selfIssued, true);
    assert.equal(rootInfo.isCA, true);
    assert.equal(rootInfo.subject, 'O=Contoso Test, CN=Decode Root CA');
    assert.deepEqual(windowsPairs(rootInfo.subject), rfc2253Pairs(root.subject));
    assert.equal(rootInfo.subject, rootInfo.issuer);
    assert.equal(rootInfo.ekus, null);
    assert.equal(rootInfo.authorityKeyId, null);

    const constrained = pki.issue({ cn: 'Decode Policy CA', ca: true, pathLen: 0, issuer: root });
    const info = decodeCertificate(constrained.der);
    assert.equal(opensslExtensions(constrained).get('X509v3 Basic Constraints')?.value, 'CA:TRUE, pathlen:0');
    assert.equal(info.isCA, true);
    assert.equal(info.pathLength, 0);
    assert.equal(extension(info, '2.5.29.19').data, 'Subject Type=CA\nPath Length Constraint=0');
    assert.equal(extension(info, '2.5.29.19').critical, true);
    assert.equal(extension(info, '2.5.29.15').data, 'Certificate Signing, Off-line CRL Signing, CRL Signing (06)');
    assert.deepEqual(info.keyUsage, ['keyCertSign', 'cRLSign']);
    assert.equal(extension(decodeCertificate(ca.der), '2.5.29.19').data, 'Subject Type=CA\nPath Length Constraint=None');
  });
});

describe('decodeCertificate: algorithms and keys', () => {
  const cases: { label: string; options: Partial<Parameters<TestPki['issue']>[0]>; openssl: RegExp; name: string; oid: string }[] = [
    { label: 'SHA-1', options: { md: 'sha1' }, openssl: /sha1WithRSAEncryption/, name: 'sha1RSA', oid: '1.2.840.113549.1.1.5' },
    { label: 'MD5', options: { md: 'md5' }, openssl: /md5WithRSAEncryption/, name: 'md5RSA', oid: '1.2.840.113549.1.1.4' },
    { label: 'SHA-384', options: { md: 'sha384' }, openssl: /sha384WithRSAEncryption/, name: 'sha384RSA', oid: '1.2.840.113549.1.1.12' },
    { label: 'RSA-PSS', options: { pss: true }, openssl: /rsassaPss/, name: 'RSASSA-PSS', oid: '1.2.840.113549.1.1.10' },
  ];
  for (const c of cases) {
    test(`${c.label} signature`, () => {
      const cert = pki.issue({ cn: `${c.label.toLowerCase()}.contoso.com`, issuer: ca, ...c.options });
      assert.match(opensslText(cert), c.openssl);
      const info = decodeCertificate(cert.der);
      assert.equal(info.signatureAlgorithm, c.name);
      assert.equal(info.signatureAlgorithmOid, c.oid);
      assert.equal(info.thumbprint, cert.thumbprint);
      assert.equal(info.serialNumber, cert.serial);
    });
  }

  test('RSA 1024 key', () => {
    const cert = pki.issue({ cn: 'small.contoso.com', issuer: ca, key: 'rsa:1024' });
    assert.match(opensslText(cert), /Public-Key: \(1024 bit\)/);
    assert.deepEqual(decodeCertificate(cert.der).publicKey, { algorithm: 'RSA', size: 1024, curve: null });
  });

  test('EC P-256 key, self-signed with ECDSA', () => {
    const cert = pki.issue({ cn: 'ec.contoso.com', key: 'ec:P-256' });
    const text = opensslText(cert);
    assert.match(text, /Public-Key: \(256 bit\)/);
    assert.match(text, /NIST CURVE: P-256/);
    assert.match(text, /ecdsa-with-SHA256/);
    const info = decodeCertificate(cert.der);
    assert.deepEqual(info.publicKey, { algorithm: 'ECC', size: 256, curve: 'P-256' });
    assert.equal(info.signatureAlgorithm, 'sha256ECDSA');
    assert.equal(info.selfIssued, true);
  });

  test('a V1 certificate (no extensions)', () => {
    const dir = pki.dir;
    const key = join(dir, 'v1.key');
    const csr = join(dir, 'v1.csr');
    const pem = join(dir, 'v1.pem');
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
    openssl(['req', '-new', '-key', key, '-subj', '/CN=v1.contoso.com', '-out', csr]);
    openssl(['x509', '-req', '-in', csr, '-signkey', key, '-days', '1', '-out', pem]);
    assert.match(openssl(['x509', '-in', pem, '-noout', '-text']), /Version: 1 \(0x0\)/);
    const der = Buffer.from(readFileSync(pem, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const info = decodeCertificate(der);
    assert.equal(info.parseError, null);
    assert.equal(info.version, 'V1');
    assert.deepEqual(info.extensions, []);
    assert.equal(info.ekus, null);
    assert.equal(info.keyUsage, null);
    assert.equal(info.selfIssued, true);
    assert.equal(info.commonName, 'v1.contoso.com');
  });
});

describe('decodeCertificate: Microsoft and unusual extensions', () => {
  test('certificate template, template name and application policies', () => {
    const template = new asn1js.Sequence({
      value: [
        new asn1js.ObjectIdentifier({ value: '1.3.6.1.4.1.311.21.8.1234.5678.1' }),
        new asn1js.Integer({ value: 100 }),
        new asn1js.Integer({ value: 4 }),
      ],
    });
    const applicationPolicies = new asn1js.Sequence({
      value: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'].map(
        (oid) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] }),
      ),
    });
    const cert = pki.issue({
      cn: 'edge.contoso.local',
      issuer: ca,
      extraExt: [
        `1.3.6.1.4.1.311.21.7 = ${derExtension(template)}`,
        '1.3.6.1.4.1.311.20.2 = ASN1:BMPSTRING:WebServer',
        `1.3.6.1.4.1.311.21.10 = ${derExtension(applicationPolicies)}`,
      ],
    });
    const info = decodeCertificate(cert.der);
    const templateInfo = extension(info, '1.3.6.1.4.1.311.21.7');
    assert.equal(templateInfo.name, 'Certificate Template Information');
    assert.equal(templateInfo.data, 'Template=1.3.6.1.4.1.311.21.8.1234.5678.1\nMajor Version Number=100\nMinor Version Number=4');
    assert.equal(extension(info, '1.3.6.1.4.1.311.20.2').name, 'Certificate Template Name');
    assert.equal(extension(info, '1.3.6.1.4.1.311.20.2').data, 'WebServer');
    assert.equal(extension(info, '1.3.6.1.4.1.311.21.10').name, 'Application Policies');
    assert.equal(
      extension(info, '1.3.6.1.4.1.311.21.10').data,
      '[1]Application Certificate Policy:\n' +
        '     Policy Identifier=Server Authentication\n' +
        '[2]Application Certificate Policy:\n' +
        '     Policy Identifier=Client Authentication',
    );
  });

  test('name constraints on a CA and a certificate transparency SCT list', () => {
    const sct = Buffer.concat([
      Buffer.from([0x00]), // v1
      Buffer.alloc(32, 0x11), // log id
      Buffer.from([0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00]), // 1700000000000 ms
      Buffer.from([0x00, 0x00]), // no extensions
      Buffer.from([0x04, 0x03, 0x00, 0x02, 0xab, 0xcd]), // sha256 ECDSA, 2-byte signature
    ]);
    const entry = Buffer.concat([Buffer.from([0x00, sct.length]), sct]);
    const list = Buffer.concat([Buffer.from([0x00, entry.length]), entry]);
    const cert = pki.issue({
      cn: 'Decode Constrained CA',
      ca: true,
      issuer: root,
      extraExt: [
        'nameConstraints = critical, permitted;DNS:contoso.com, permitted;IP:10.0.0.0/255.0.0.0, excluded;email:.evil.test',
        `1.3.6.1.4.1.11129.2.4.2 = ${derExtension(new asn1js.OctetString({ valueHex: list }))}`,
      ],
    });
    assert.match(opensslExtensions(cert).get('X509v3 Name Constraints')!.value, /Permitted:\nDNS:contoso\.com\nIP:10\.0\.0\.0\/255\.0\.0\.0/);
    const info = decodeCertificate(cert.der);
    assert.equal(extension(info, '2.5.29.30').critical, true);
    assert.equal(
      extension(info, '2.5.29.30').data,
      'Permitted\n' +
        '     [1]Subtrees (0..Max):\n' +
        '          DNS Name=contoso.com\n' +
        '     [2]Subtrees (0..Max):\n' +
        '          IP Address=10.0.0.0\n' +
        '          Mask=255.0.0.0\n' +
        'Excluded\n' +
        '     [1]Subtrees (0..Max):\n' +
        '          RFC822 Name=.evil.test',
    );
    assert.equal(extension(info, '1.3.6.1.4.1.11129.2.4.2').name, 'SCT List');
    assert.equal(
      extension(info, '1.3.6.1.4.1.11129.2.4.2').data,
      '[1]Signed Certificate Timestamp:\n' +
        '     Version=V1\n' +
        `     Log ID=${Array(32).fill('11').join(' ')}\n` +
        '     Timestamp=2023-11-14T22:13:20.000Z\n' +
        '     Signature Algorithm=sha256ECDSA',
    );
  });

  test('an unknown extension shows its OID and hex; a broken one its name and hex, the rest still decodes', () => {
    const cert = pki.issue({
      cn: 'weird.contoso.com',
      issuer: ca,
      sans: ['DNS:weird.contoso.com'],
      keyUsage: null,
      extraExt: [
        '1.2.3.4.5.6 = DER:0c0568656c6c6f',
        '1.3.6.1.5.5.7.1.1 = DER:0102ff',
        '2.5.29.15 = critical, DER:ffff',
      ],
    });
    const info = decodeCertificate(cert.der);
    assert.equal(info.parseError, null);
    assert.deepEqual(extension(info, '1.2.3.4.5.6'), {
      name: '1.2.3.4.5.6',
      oid: '1.2.3.4.5.6',
      critical: false,
      data: '0c 05 68 65 6c 6c 6f',
    });
    assert.deepEqual(extension(info, '1.3.6.1.5.5.7.1.1'), {
      name: 'Authority Information Access',
      oid: '1.3.6.1.5.5.7.1.1',
      critical: false,
      data: '01 02 ff',
    });
    assert.equal(extension(info, '2.5.29.15').data, 'ff ff');
    assert.equal(extension(info, '2.5.29.15').critical, true);
    assert.equal(info.keyUsage, null);
    assert.deepEqual(info.ocspUrls, []);
    assert.deepEqual(info.san, ['weird.contoso.com']);
    assert.equal(info.thumbprint, cert.thumbprint);
  });
});

describe('decodeCertificate: input that is not a certificate', () => {
  function assertParseError(bytes: Uint8Array): CertInfo {
    const info = decodeCertificate(bytes);
    assert.equal(typeof info.parseError, 'string');
    assert.match(info.parseError!, /^The certificate could not be decoded: .+\.$/);
    assert.equal(info.thumbprint, createHash('sha1').update(bytes).digest('hex').toUpperCase());
    assert.equal(info.sha256, createHash('sha256').update(bytes).digest('hex').toUpperCase());
    assert.equal(info.derBase64, Buffer.from(bytes).toString('base64'));
    assert.equal(info.subject, '');
    assert.equal(info.issuer, '');
    assert.equal(info.serialNumber, '');
    assert.deepEqual(info.extensions, []);
    assert.deepEqual(info.san, []);
    assert.equal(info.ekus, null);
    assert.equal(info.commonName, null);
    return info;
  }

  test('truncated DER', () => {
    assertParseError(leaf.der.subarray(0, 200));
    assertParseError(leaf.der.subarray(0, leaf.der.length - 1));
  });

  test('garbage, empty input, and DER that is not a certificate', () => {
    assertParseError(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]));
    assertParseError(new Uint8Array(0));
    assertParseError(new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] }).toBER()));
    assertParseError(new TextEncoder().encode(leaf.certPem));
  });

  test('a certificate whose tail was replaced with random bytes never throws', () => {
    for (let i = 0; i < 50; i++) {
      const damaged = Uint8Array.from(leaf.der);
      const start = 20 + ((i * 37) % (damaged.length - 40));
      for (let j = start; j < Math.min(damaged.length, start + 8); j++) damaged[j] = (j * 131 + i) & 0xff;
      const info = decodeCertificate(damaged);
      assert.equal(info.thumbprint, createHash('sha1').update(damaged).digest('hex').toUpperCase());
    }
  });
});

describe('decodeCertificate: real CA certificates (Node\'s bundled roots)', () => {
  test('every root decodes and agrees with Node\'s own X.509 parser', () => {
    assert.ok(rootCertificates.length > 50);
    for (const pem of rootCertificates) {
      const reference = new X509Certificate(pem);
      const info = decodeCertificate(new Uint8Array(reference.raw));
      const label = reference.subject.replace(/\n/g, ', ');
      assert.equal(info.parseError, null, label);
      assert.equal(info.thumbprint, reference.fingerprint.replace(/:/g, ''), label);
      // Node prints a zero serial as "0", openssl as "00".
      assert.equal(info.serialNumber.replace(/^0+(?=.)/, ''), reference.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''), label);
      assert.equal(info.notBefore, new Date(reference.validFrom).toISOString(), label);
      assert.equal(info.notAfter, new Date(reference.validTo).toISOString(), label);
      assert.equal(info.isCA, reference.ca, label);
      assert.equal(info.selfIssued, reference.checkIssued(reference), label);
      const modulus = reference.publicKey.asymmetricKeyDetails?.modulusLength;
      if (modulus) assert.equal(info.publicKey.size, modulus, label);
      // Same values in the same (reversed DER) order; the keys and quoting differ between the two styles.
      const nodeValues = reference.subject
        .split('\n')
        .reverse()
        .map((line) => line.slice(line.indexOf('=') + 1).replace(/\\(.)/g, '$1'));
      assert.deepEqual(windowsPairs(info.subject).map(([, value]) => value), nodeValues, label);
    }
  });
});

describe('serial numbers as openssl prints them', () => {
  test('sign byte dropped, upper-case, negative with a minus', () => {
    assert.equal(serialHex(new Uint8Array([0x00, 0x8f, 0x01])), '8F01');
    assert.equal(serialHex(new Uint8Array([0x01])), '01');
    assert.equal(serialHex(new Uint8Array([0x00])), '00');
    assert.equal(serialHex(new Uint8Array([0x7f, 0xff])), '7FFF');
    assert.equal(serialHex(new Uint8Array([0xff])), '-01');
  });
});

describe('decodeCertificateCached', () => {
  test('returns the same object for the same DER and a different one for other DER', () => {
    clearDecodeCache();
    const first = decodeCertificateCached(leaf.der);
    assert.equal(decodeCertificateCached(Uint8Array.from(leaf.der)), first);
    assert.notEqual(decodeCertificateCached(ca.der), first);
    assert.deepEqual(first, decodeCertificate(leaf.der));
    assert.equal(decodeCacheSize(), 2);
  });

  test('is bounded and drops the least recently used entry', () => {
    clearDecodeCache();
    const kept = decodeCertificateCached(leaf.der);
    const dropped = decodeCertificateCached(ca.der);
    for (let i = 0; i < DECODE_CACHE_LIMIT - 1; i++) {
      if (i === 10) decodeCertificateCached(leaf.der); // touch: now the most recently used
      decodeCertificateCached(new Uint8Array([0x04, 0x04, i >> 24, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff]));
    }
    assert.equal(decodeCacheSize(), DECODE_CACHE_LIMIT);
    assert.equal(decodeCertificateCached(leaf.der), kept);
    assert.notEqual(decodeCertificateCached(ca.der), dropped);
    clearDecodeCache();
  });

  test('is bounded by bytes too: huge certificates do not pile up', () => {
    clearDecodeCache();
    const size = 3 * 1024 * 1024;
    for (let i = 0; i < 12; i++) {
      const huge = new Uint8Array(size);
      huge[size - 1] = i;
      decodeCertificateCached(huge);
    }
    assert.equal(decodeCacheSize(), Math.floor(DECODE_CACHE_BYTE_LIMIT / size));
    clearDecodeCache();
  });
});
