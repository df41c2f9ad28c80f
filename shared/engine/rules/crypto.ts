// Algorithms: signature hashes, RSASSA-PSS, key sizes. The original let SHA-1 pass silently.
import type { CertInfo, EndpointResult } from '../../types.ts';
import type { Rule } from './types.ts';
import { describe, pathCertificates, type PathCert } from './facts.ts';

const MD_SIGNATURE_OIDS = new Set([
  '1.2.840.113549.1.1.2', // md2WithRSAEncryption
  '1.2.840.113549.1.1.3', // md4WithRSAEncryption
  '1.2.840.113549.1.1.4', // md5WithRSAEncryption
  '1.3.14.3.2.3', // md5WithRSA (OIW)
]);
const SHA1_SIGNATURE_OIDS = new Set([
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.3.14.3.2.29', // sha1WithRSA (OIW)
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.2.840.10040.4.3', // dsa-with-sha1
]);
export const RSASSA_PSS_OID = '1.2.840.113549.1.1.10';

/** Smallest RSA modulus clients accept, and the smallest elliptic curve. */
export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 256;

export type DigestWeakness = 'md' | 'sha1' | null;

/** MD2/MD4/MD5 or SHA-1 signatures, by OID, falling back to Windows' algorithm name. */
export function digestWeakness(cert: CertInfo): DigestWeakness {
  const oid = cert.signatureAlgorithmOid;
  if (MD_SIGNATURE_OIDS.has(oid)) return 'md';
  if (SHA1_SIGNATURE_OIDS.has(oid)) return 'sha1';
  const name = cert.signatureAlgorithm.toLowerCase();
  if (/^md[245]/.test(name)) return 'md';
  if (/^sha1(?!\d)/.test(name)) return 'sha1';
  return null;
}

export function isRsaPss(cert: CertInfo): boolean {
  return cert.signatureAlgorithmOid === RSASSA_PSS_OID || /pss/i.test(cert.signatureAlgorithm);
}

/**
 * Certificates whose own signature a client checks: the server certificate and the intermediates.
 * A self-signed root's signature is never checked (the root is trusted as it is), so it is left out.
 */
function signatureCheckedCerts(result: EndpointResult): PathCert[] {
  return pathCertificates(result).filter((pc) => pc.role !== 'root');
}

export const weakSignatureRule: Rule = {
  id: 'weak-signature',
  severity: 'varies',
  description: 'A certificate of the chain (server certificate or intermediate) is signed with MD5/MD2 (error) or SHA-1 (warning).',
  check({ result }) {
    const weak = signatureCheckedCerts(result)
      .map((pc) => ({ pc, weakness: digestWeakness(pc.cert) }))
      .filter((entry) => entry.weakness !== null);
    if (weak.length === 0) return [];
    const hasMd = weak.some((entry) => entry.weakness === 'md');
    const hasSha1 = weak.some((entry) => entry.weakness === 'sha1');
    const list = weak.map((entry) => describe(entry.pc, entry.pc.cert.signatureAlgorithm || entry.pc.cert.signatureAlgorithmOid)).join('; ');
    const caSigned = weak.some((entry) => entry.pc.role !== 'server certificate');
    const sha1Ca = weak.some((entry) => entry.weakness === 'sha1' && entry.pc.role !== 'server certificate');
    const why = [
      hasMd ? 'MD5 and MD2 signatures are broken and refused: an MD5-signed internal CA even stops Skype for Business Front End services from starting.' : '',
      hasSha1 && !hasMd
        ? `This is a warning, not an error, because clients that still accept SHA-1 connect today; current clients refuse SHA-1 signatures, so the connection fails for each client as it is updated${
            sha1Ca ? ', and a SHA-1 issuing CA already causes presence and meeting failures in Skype for Business' : ''
          }.`
        : hasSha1
          ? 'The SHA-1 signatures are refused by current clients as well.'
          : '',
    ]
      .filter(Boolean)
      .join(' ');
    return [
      {
        id: 'weak-signature',
        severity: hasMd ? 'error' : 'warning',
        text:
          `Weak signature algorithm on ${list}. ${why} ` +
          (caSigned
            ? 'Switch the issuing CA to SHA-256 (on a Windows CA: set the CNGHashAlgorithm to SHA256 and renew the CA certificate), then reissue the server certificate.'
            : 'Reissue the certificate with a SHA-256 signature.'),
      },
    ];
  },
};

export const rsassaPssRule: Rule = {
  id: 'rsassa-pss',
  severity: 'warning',
  description: 'A certificate of the chain is signed with RSASSA-PSS, which Lync/SfB do not support.',
  check({ result }) {
    const pss = signatureCheckedCerts(result).filter((pc) => isRsaPss(pc.cert));
    if (pss.length === 0) return [];
    return [
      {
        id: 'rsassa-pss',
        severity: 'warning',
        text:
          `RSASSA-PSS signature on ${pss.map((pc) => describe(pc)).join('; ')}. Lync and Skype for Business do not support RSASSA-PSS ` +
          '(the "alternate signature format" of a Windows CA, PKCS #1 v2.1): services fail to use or validate the certificate. ' +
          'Reissue with a PKCS #1 v1.5 signature (sha256RSA): on a Windows CA set AlternateSignatureAlgorithm to 0 and renew the CA certificate.',
      },
    ];
  },
};

/** "RSA 1024 bits" when the key is too small, else null. */
function keyWeakness(cert: CertInfo): string | null {
  const { algorithm, size } = cert.publicKey;
  if (size === null) return null;
  if (/rsa/i.test(algorithm) && size < MIN_RSA_BITS) return `RSA ${size} bits`;
  if (/^(ecc|ec|ecdsa)$/i.test(algorithm) && size < MIN_EC_BITS) return `ECC ${size} bits`;
  return null;
}

export const weakKeyRule: Rule = {
  id: 'weak-key',
  severity: 'error',
  description: 'A certificate of the chain, the root included, has an RSA key under 2048 bits (or an elliptic curve under 256).',
  check({ result }) {
    const weak = pathCertificates(result)
      .map((pc) => ({ pc, weakness: keyWeakness(pc.cert) }))
      .filter((entry): entry is { pc: PathCert; weakness: string } => entry.weakness !== null);
    if (weak.length === 0) return [];
    const leafWeak = weak.some((entry) => entry.pc.role === 'server certificate');
    return [
      {
        id: 'weak-key',
        severity: 'error',
        text:
          `Weak key on ${weak.map((entry) => describe(entry.pc, entry.weakness)).join('; ')}. ` +
          `RSA keys under ${MIN_RSA_BITS} bits are refused by current Windows, Skype for Business / Lync clients, phones and Teams. ` +
          (leafWeak ? `Create a new key pair of at least ${MIN_RSA_BITS} bits and reissue the certificate` : 'Renew the CA with a new key of at least 2048 bits and reissue the certificates under it') +
          (leafWeak && weak.length > 1 ? '; the CA must also be renewed with a larger key.' : '.'),
      },
    ];
  },
};

export const CRYPTO_RULES: readonly Rule[] = [weakSignatureRule, rsassaPssRule, weakKeyRule];
