// readCertificates / toPem / certFileName on files openssl wrote.
import { toPem } from '../shared/bytes.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { certFileName, readCertificates } from '../shared/formats/certfile.ts';
import { decodeCertificate } from '../shared/engine/decode/index.ts';
import type { CertInfo } from '../shared/types.ts';
import { bundle, TestPki, type IssuedCert } from './helpers/pki.ts';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
}

let pki: TestPki;
let root: IssuedCert;
let ca: IssuedCert;
let leaf: IssuedCert;
let bundlePath: string;

function file(name: string): string {
  return join(pki.dir, name);
}

function read(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

function assertSameCertificates(actual: Uint8Array[], expected: IssuedCert[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((der, i) => assert.deepEqual(Buffer.from(der), expected[i].der, `certificate ${i + 1} differs`));
}

before(() => {
  pki = new TestPki();
  ({ root, ca } = pki.hierarchy('File'));
  leaf = pki.issue({ cn: 'sip.contoso.com', issuer: ca, sans: ['DNS:sip.contoso.com'] });
  bundlePath = file('chain.pem');
  writeFileSync(bundlePath, bundle(leaf, ca, root));
});

after(() => rmSync(pki.dir, { recursive: true, force: true }));

describe('readCertificates', () => {
  test('a PEM bundle, in file order', () => {
    const result = readCertificates(read(bundlePath), 'chain.pem');
    assert.deepEqual(result.errors, []);
    assertSameCertificates(result.certificates, [leaf, ca, root]);
  });

  test('a DER .cer file', () => {
    const path = file('leaf.cer');
    openssl(['x509', '-in', leaf.certPath, '-outform', 'DER', '-out', path]);
    const result = readCertificates(read(path), 'leaf.cer');
    assert.deepEqual(result.errors, []);
    assertSameCertificates(result.certificates, [leaf]);
  });

  test('a .p7b in DER and in PEM (openssl crl2pkcs7)', () => {
    for (const form of ['DER', 'PEM']) {
      const path = file(`chain-${form}.p7b`);
      openssl(['crl2pkcs7', '-nocrl', '-certfile', bundlePath, '-outform', form, '-out', path]);
      const result = readCertificates(read(path), 'chain.p7b');
      assert.deepEqual(result.errors, [], form);
      assertSameCertificates(result.certificates, [leaf, ca, root]);
    }
  });

  test('a TRUSTED CERTIFICATE block keeps only the certificate', () => {
    const path = file('trusted.pem');
    openssl(['x509', '-in', root.certPath, '-addtrust', 'serverAuth', '-trustout', '-out', path]);
    assert.match(readFileSync(path, 'utf8'), /BEGIN TRUSTED CERTIFICATE/);
    const result = readCertificates(read(path));
    assert.deepEqual(result.errors, []);
    assertSameCertificates(result.certificates, [root]);
  });

  test('PEM saved as UTF-16 with a byte-order mark, and with Windows line ends', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(leaf.certPem, 'utf16le')]);
    assertSameCertificates(readCertificates(new Uint8Array(utf16)).certificates, [leaf]);
    const crlf = new TextEncoder().encode(bundle(ca, root).replace(/\n/g, '\r\n'));
    assertSameCertificates(readCertificates(crlf).certificates, [ca, root]);
  });

  test('a PEM with a private key: the key is skipped and said so', () => {
    const text = `${leaf.keyPem}\n${leaf.certPem}`;
    const result = readCertificates(new TextEncoder().encode(text), 'server.pem');
    assertSameCertificates(result.certificates, [leaf]);
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0], /PRIVATE KEY.*not a certificate/);
  });

  test('files that are not certificates give a clear error and never throw', () => {
    const garbage = readCertificates(new Uint8Array([0x30, 0x82, 0xff, 0xff, 0x01]), 'broken.cer');
    assert.deepEqual(garbage.certificates, []);
    assert.match(garbage.errors[0], /"broken\.cer" is not a certificate file/);

    const text = readCertificates(new TextEncoder().encode('hello, world\n'), 'notes.txt');
    assert.deepEqual(text.certificates, []);
    assert.match(text.errors[0], /not a certificate file: expected PEM/);

    const empty = readCertificates(new Uint8Array(0));
    assert.deepEqual(empty.certificates, []);
    assert.match(empty.errors[0], /The file is empty/);

    const csrPath = file('request.der');
    openssl(['req', '-new', '-key', leaf.keyPath, '-subj', '/CN=request', '-outform', 'DER', '-out', csrPath]);
    const csr = readCertificates(read(csrPath), 'request.der');
    assert.deepEqual(csr.certificates, []);
    assert.match(csr.errors[0], /is not a certificate file/);

    const damagedPem = leaf.certPem.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n!!!!\n');
    const damaged = readCertificates(new TextEncoder().encode(damagedPem));
    assert.deepEqual(damaged.certificates, []);
    assert.equal(damaged.errors.length, 1);
  });

  test('a .pfx is named as such', () => {
    const path = file('server.pfx');
    openssl(['pkcs12', '-export', '-in', leaf.certPath, '-inkey', leaf.keyPath, '-passout', 'pass:test', '-out', path]);
    const result = readCertificates(read(path), 'server.pfx');
    assert.deepEqual(result.certificates, []);
    assert.match(result.errors[0], /PKCS#12/);
  });

  test('base64 without BEGIN/END lines', () => {
    const bare = leaf.der.toString('base64');
    assertSameCertificates(readCertificates(new TextEncoder().encode(bare)).certificates, [leaf]);
  });
});

describe('toPem', () => {
  test('matches what openssl writes and reads back', () => {
    assert.equal(toPem(leaf.der), leaf.certPem);
    const path = file('roundtrip.pem');
    writeFileSync(path, toPem(root.der) + toPem(ca.der));
    const result = readCertificates(read(path));
    assertSameCertificates(result.certificates, [root, ca]);
    openssl(['x509', '-in', path, '-noout']);
  });
});

describe('certFileName', () => {
  const withNames = (commonName: string | null, san: string[] = []): CertInfo => ({
    ...decodeCertificate(leaf.der),
    commonName,
    san,
  });

  test('from the common name, with safe characters only', () => {
    assert.equal(certFileName(decodeCertificate(leaf.der), 'cer'), 'sip.contoso.com.cer');
    assert.equal(certFileName(withNames('*.contoso.com'), 'pem'), 'wildcard.contoso.com.pem');
    assert.equal(certFileName(withNames('Contoso: Issuing CA/2 <G2>'), 'cer'), 'Contoso_ Issuing CA_2 _G2.cer');
    assert.equal(certFileName(withNames('CON'), 'cer'), '_CON.cer');
    assert.equal(certFileName(withNames('name. '), 'cer'), 'name.cer');
  });

  test('falls back to the first SAN, then the thumbprint', () => {
    assert.equal(certFileName(withNames(null, ['sipfed.contoso.com']), 'cer'), 'sipfed.contoso.com.cer');
    assert.equal(certFileName(withNames('???'), 'cer'), `${leaf.thumbprint}.cer`);
    assert.equal(certFileName(withNames(null), 'pem'), `${leaf.thumbprint}.pem`);
  });
});
