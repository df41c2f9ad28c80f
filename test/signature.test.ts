// Certificate signature verification gives OpenSSL's verdict for every kind of key and signature,
// including those done without node:crypto because Electron's BoringSSL lacks them (Ed448, keys
// restricted to RSASSA-PSS), and the weak MD5/SHA-1 signatures old internal CAs still make.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { TestPki } from './helpers/pki.ts';
import { parseCertificate, type ParsedCert } from '../shared/engine/chain/cert.ts';
import { verifyCertificateSignature } from '../shared/engine/chain/signature.ts';

/** Self-signed certificates, one per key and signature kind, made by the openssl CLI. */
const KINDS: Record<string, { key: string[]; sign: string[] }> = {
  'rsa-md5': { key: ['-algorithm', 'RSA'], sign: ['-md5'] },
  'rsa-sha1': { key: ['-algorithm', 'RSA'], sign: ['-sha1'] },
  'rsa-sha256-pss-signature': { key: ['-algorithm', 'RSA'], sign: ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'] },
  // OpenSSL signs with this key using MGF1-SHA-1 under SHA-256, which crypto.verify cannot check.
  'pss-key-restricted': {
    key: ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_pss_keygen_md:sha256', '-pkeyopt', 'rsa_pss_keygen_saltlen:32'],
    sign: ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
  },
  'pss-key-unrestricted': { key: ['-algorithm', 'RSA-PSS'], sign: ['-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:48'] },
  'ec-p256': { key: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], sign: ['-sha256'] },
  ed25519: { key: ['-algorithm', 'ED25519'], sign: [] },
  ed448: { key: ['-algorithm', 'ED448'], sign: [] },
  'ed448-other': { key: ['-algorithm', 'ED448'], sign: [] },
};

const certs: Record<string, { pem: string; parsed: ParsedCert }> = {};

before(() => {
  const dir = new TestPki().dir;
  for (const [name, { key, sign }] of Object.entries(KINDS)) {
    const keyPath = join(dir, `${name}.key`);
    const certPath = join(dir, `${name}.pem`);
    execFileSync('openssl', ['genpkey', ...key, '-out', keyPath], { stdio: 'ignore', timeout: 30_000 });
    execFileSync('openssl', ['req', '-x509', '-new', '-key', keyPath, ...sign, '-subj', `/CN=${name}`, '-days', '2', '-out', certPath], { stdio: 'ignore', timeout: 30_000 });
    const pem = readFileSync(certPath, 'utf8');
    const parsed = parseCertificate(new Uint8Array(new X509Certificate(pem).raw));
    assert.ok(parsed.ok, name);
    certs[name] = { pem, parsed: parsed.cert };
  }
});

describe('certificate signatures', () => {
  it('each self-signed certificate verifies with its own key, MD5 and SHA-1 included', () => {
    for (const [name, { parsed }] of Object.entries(certs)) assert.deepEqual(verifyCertificateSignature(parsed, parsed.spkiDer), { ok: true }, name);
  });

  it("agrees with OpenSSL's verdict for every certificate under every other key", () => {
    for (const [name, { pem, parsed }] of Object.entries(certs)) {
      for (const [keyName, issuer] of Object.entries(certs)) {
        const openssl = new X509Certificate(pem).verify(new X509Certificate(issuer.pem).publicKey);
        assert.equal(verifyCertificateSignature(parsed, issuer.parsed.spkiDer).ok, openssl, `${name} under ${keyName}'s key`);
      }
    }
  });

  it('a changed TBS no longer verifies (Ed448, RSA-MD5, a PSS-restricted key)', () => {
    for (const name of ['ed448', 'rsa-md5', 'pss-key-restricted']) {
      const { parsed } = certs[name]!;
      const tbs = parsed.tbs.slice();
      tbs[tbs.length - 1]! ^= 1;
      assert.equal(verifyCertificateSignature({ ...parsed, tbs }, parsed.spkiDer).ok, false, name);
    }
  });

  it('a key restricted to RSASSA-PSS with SHA-256 refuses a PKCS#1 signature by the same RSA key', () => {
    // The PSS key's modulus under rsaEncryption signs nothing the PSS key would accept as PKCS#1.
    const restricted = certs['pss-key-restricted']!.parsed;
    const pkcs1 = certs['rsa-sha1']!.parsed;
    assert.equal(verifyCertificateSignature(pkcs1, restricted.spkiDer).ok, false);
  });

  it('verdicts are cached per key, signed bytes, signature and algorithm: a change in any one is judged afresh', () => {
    const { parsed } = certs['ec-p256']!;
    assert.equal(verifyCertificateSignature(parsed, parsed.spkiDer).ok, true);
    assert.equal(verifyCertificateSignature(parsed, parsed.spkiDer).ok, true, 'the cached verdict');
    const signature = parsed.signature.slice();
    signature[signature.length - 1]! ^= 1;
    assert.equal(verifyCertificateSignature({ ...parsed, signature }, parsed.spkiDer).ok, false, 'another signature');
    assert.equal(verifyCertificateSignature(parsed, certs['ed25519']!.parsed.spkiDer).ok, false, 'another key');
    const otherHash = { ...parsed, signatureAlgorithm: { oid: '1.2.840.10045.4.3.3', paramsDer: null } };
    assert.equal(verifyCertificateSignature(otherHash, parsed.spkiDer).ok, false, 'another algorithm');
    assert.equal(verifyCertificateSignature(parsed, parsed.spkiDer).ok, true, 'the original still verifies');
  });
});
