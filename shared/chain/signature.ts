// Verifies one certificate's signature with a candidate issuer's public key.
// Node's crypto (OpenSSL) rather than WebCrypto: it also verifies MD5 and SHA-1 RSA signatures,
// which old internal CAs still use and which admins need reported as "verifies, but weak".
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type SignatureResult = { ok: true } | { ok: false; reason: string };

type Scheme = { kind: 'pkcs1' | 'ecdsa'; hash: string } | { kind: 'pss' } | { kind: 'eddsa' } | { kind: 'refused'; reason: string };

const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const DSA_REFUSED = { kind: 'refused', reason: 'DSA signatures are not accepted by TLS clients' } as const;

const SCHEMES: Record<string, Scheme> = {
  '1.2.840.113549.1.1.4': { kind: 'pkcs1', hash: 'md5' },
  '1.2.840.113549.1.1.5': { kind: 'pkcs1', hash: 'sha1' },
  '1.3.14.3.2.29': { kind: 'pkcs1', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { kind: 'pkcs1', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { kind: 'pkcs1', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { kind: 'pkcs1', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { kind: 'pkcs1', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { kind: 'pss' },
  '1.2.840.10045.4.1': { kind: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { kind: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'sha512' },
  '1.3.101.112': { kind: 'eddsa' },
  '1.3.101.113': { kind: 'eddsa' },
  '1.2.840.10040.4.3': DSA_REFUSED,
  '2.16.840.1.101.3.4.3.1': DSA_REFUSED,
  '2.16.840.1.101.3.4.3.2': DSA_REFUSED,
  '1.2.840.113549.1.1.2': { kind: 'refused', reason: 'MD2 signatures cannot be verified' },
};

const keyCache = new Map<string, KeyObject | Error>();

function publicKey(spkiDer: Uint8Array): KeyObject | Error {
  const cacheKey = Buffer.from(spkiDer).toString('base64');
  let key = keyCache.get(cacheKey);
  if (!key) {
    try {
      key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
    } catch (error) {
      key = error as Error;
    }
    if (keyCache.size > 2000) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** Does `signerSpki` verify the signature on this TBS? Never throws. */
export function verifyCertificateSignature(
  signed: { tbs: Uint8Array; signature: Uint8Array; signatureAlgorithm: { oid: string; paramsDer: Uint8Array | null } },
  signerSpki: Uint8Array,
): SignatureResult {
  const scheme = SCHEMES[signed.signatureAlgorithm.oid];
  if (!scheme) return { ok: false, reason: `Unsupported signature algorithm ${signed.signatureAlgorithm.oid}` };
  if (scheme.kind === 'refused') return { ok: false, reason: scheme.reason };
  const key = publicKey(signerSpki);
  if (key instanceof Error) return { ok: false, reason: "The issuer's public key could not be read" };
  const data = Buffer.from(signed.tbs);
  const signature = Buffer.from(signed.signature);
  try {
    let verified: boolean;
    if (scheme.kind === 'pss') {
      const params = pssParams(signed.signatureAlgorithm.paramsDer);
      if (!params) return { ok: false, reason: 'Malformed RSASSA-PSS parameters' };
      verified = verify(params.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
    } else if (scheme.kind === 'eddsa') {
      verified = verify(null, data, key, signature);
    } else {
      if (scheme.kind === 'ecdsa' && key.asymmetricKeyType !== 'ec') return { ok: false, reason: "Signature does not verify with the issuer's key" };
      if (scheme.kind === 'pkcs1' && key.asymmetricKeyType !== 'rsa') return { ok: false, reason: "Signature does not verify with the issuer's key" };
      verified = verify(scheme.hash, data, key, signature);
    }
    return verified ? { ok: true } : { ok: false, reason: "Signature does not verify with the issuer's key" };
  } catch {
    return { ok: false, reason: "Signature does not verify with the issuer's key" };
  }
}

function pssParams(paramsDer: Uint8Array | null): { hash: string; saltLength: number } | null {
  try {
    // Absent parameters mean the RFC 4055 defaults: SHA-1, MGF1-SHA-1, 20-byte salt.
    if (!paramsDer) return { hash: 'sha1', saltLength: 20 };
    const params = new pkijs.RSASSAPSSParams({ schema: asn1js.fromBER(paramsDer).result });
    const hash = HASH_OIDS[params.hashAlgorithm.algorithmId];
    if (!hash) return null;
    return { hash, saltLength: params.saltLength };
  } catch {
    return null;
  }
}
