// Verifies one certificate's signature with a candidate issuer's public key.
// Node's crypto rather than WebCrypto: it also verifies MD5 and SHA-1 RSA signatures, which old
// internal CAs still use and which admins need reported as "verifies, but weak". OpenSSL (Node) and
// BoringSSL (Electron) both do RSA, ECDSA on the NIST curves and Ed25519; what BoringSSL lacks is done
// so the verdict is the same in both: Ed448 with @noble, and RSASSA-PSS keys (which BoringSSL cannot
// import) as the plain RSA key they contain, with the key's PSS restrictions checked here.
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ed448 } from '@noble/curves/ed448.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DIGESTS, type DigestName } from '../capture/tls/runtime-needs.ts';
import { verifyRsaPss, type PssVerifyParams } from './rsa-pss.ts';

export type SignatureResult = { ok: true } | { ok: false; reason: string };

type Scheme = { kind: 'pkcs1' | 'ecdsa'; hash: DigestName } | { kind: 'pss' } | { kind: 'eddsa' } | { kind: 'refused'; reason: string };

const HASH_OIDS: Record<string, DigestName> = {
  '1.3.14.3.2.26': DIGESTS.sha1,
  '2.16.840.1.101.3.4.2.4': DIGESTS.sha224,
  '2.16.840.1.101.3.4.2.1': DIGESTS.sha256,
  '2.16.840.1.101.3.4.2.2': DIGESTS.sha384,
  '2.16.840.1.101.3.4.2.3': DIGESTS.sha512,
};

const ED448_OID = '1.3.101.113';
const RSA_OID = '1.2.840.113549.1.1.1';
const RSASSA_PSS_OID = '1.2.840.113549.1.1.10';

const DSA_REFUSED = { kind: 'refused', reason: 'DSA signatures are not accepted by TLS clients' } as const;

const SCHEMES: Record<string, Scheme> = {
  '1.2.840.113549.1.1.4': { kind: 'pkcs1', hash: DIGESTS.md5 },
  '1.2.840.113549.1.1.5': { kind: 'pkcs1', hash: DIGESTS.sha1 },
  '1.3.14.3.2.29': { kind: 'pkcs1', hash: DIGESTS.sha1 },
  '1.2.840.113549.1.1.14': { kind: 'pkcs1', hash: DIGESTS.sha224 },
  '1.2.840.113549.1.1.11': { kind: 'pkcs1', hash: DIGESTS.sha256 },
  '1.2.840.113549.1.1.12': { kind: 'pkcs1', hash: DIGESTS.sha384 },
  '1.2.840.113549.1.1.13': { kind: 'pkcs1', hash: DIGESTS.sha512 },
  '1.2.840.113549.1.1.10': { kind: 'pss' },
  '1.2.840.10045.4.1': { kind: 'ecdsa', hash: DIGESTS.sha1 },
  '1.2.840.10045.4.3.1': { kind: 'ecdsa', hash: DIGESTS.sha224 },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: DIGESTS.sha256 },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: DIGESTS.sha384 },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: DIGESTS.sha512 },
  '1.3.101.112': { kind: 'eddsa' },
  [ED448_OID]: { kind: 'eddsa' },
  '1.2.840.10040.4.3': DSA_REFUSED,
  '2.16.840.1.101.3.4.3.1': DSA_REFUSED,
  '2.16.840.1.101.3.4.3.2': DSA_REFUSED,
  '1.2.840.113549.1.1.2': { kind: 'refused', reason: 'MD2 signatures cannot be verified' },
};

/** An issuer key ready to verify with: Node's, or the raw Ed448 key, or an RSA key restricted to PSS. */
type IssuerKey = { kind: 'node'; key: KeyObject; pss?: PssParams | null } | { kind: 'ed448'; raw: Uint8Array };

const keyCache = new Map<string, IssuerKey | Error>();

function issuerKey(spkiDer: Uint8Array): IssuerKey | Error {
  const cacheKey = Buffer.from(spkiDer).toString('base64');
  let key = keyCache.get(cacheKey);
  if (!key) {
    try {
      key = readIssuerKey(spkiDer);
    } catch (error) {
      key = error as Error;
    }
    if (keyCache.size > 2000) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

function readIssuerKey(spkiDer: Uint8Array): IssuerKey | Error {
  const spki = pkijs.PublicKeyInfo.fromBER(new Uint8Array(spkiDer));
  const algorithm = spki.algorithm.algorithmId;
  if (algorithm === ED448_OID) return { kind: 'ed448', raw: spki.subjectPublicKey.valueBlock.valueHexView.slice() };
  if (algorithm === RSASSA_PSS_OID) {
    // The same RSAPublicKey under rsaEncryption; the key's parameters, when present, restrict its signatures.
    const params = spki.algorithm.algorithmParams ? pssParams(new Uint8Array(spki.algorithm.algorithmParams.toBER())) : null;
    if (spki.algorithm.algorithmParams && !params) return new Error('Malformed RSASSA-PSS key parameters');
    const rsa = new pkijs.PublicKeyInfo({ algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: RSA_OID, algorithmParams: new asn1js.Null() }), subjectPublicKey: spki.subjectPublicKey });
    return { kind: 'node', key: createPublicKey({ key: Buffer.from(rsa.toSchema().toBER()), format: 'der', type: 'spki' }), pss: params };
  }
  return { kind: 'node', key: createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }) };
}

const DOES_NOT_VERIFY = { ok: false, reason: "Signature does not verify with the issuer's key" } as const;

type Signed = { tbs: Uint8Array; signature: Uint8Array; signatureAlgorithm: { oid: string; paramsDer: Uint8Array | null } };

/**
 * Verdicts by (issuer key, signed bytes, signature, algorithm): a bulk run meets the same intermediate
 * under the same root for every partner, and chain building, AIA and revocation ask again; one hash of
 * the inputs is far cheaper than one RSA verification. Bounded; cleared when full.
 */
const verdictCache = new Map<string, SignatureResult>();
export const SIGNATURE_CACHE_LIMIT = 4000;
const MAX_CACHED_TBS_BYTES = 64 * 1024;

function verdictKey(signed: Signed, signerSpki: Uint8Array): string {
  const hash = createHash('sha256');
  for (const part of [signerSpki, signed.tbs, signed.signature, signed.signatureAlgorithm.paramsDer ?? new Uint8Array(0)]) {
    // Each part's length first, so that no two different inputs concatenate to the same bytes.
    hash.update(String(part.length)).update(':').update(part);
  }
  return `${signed.signatureAlgorithm.oid} ${hash.digest('base64')}`;
}

/** Does `signerSpki` verify the signature on this TBS? Never throws. Cached across the process. */
export function verifyCertificateSignature(signed: Signed, signerSpki: Uint8Array): SignatureResult {
  // A CRL's signed part can be megabytes, verified once per download: hashing it for a key would double the cost.
  if (signed.tbs.length > MAX_CACHED_TBS_BYTES) return verifyUncached(signed, signerSpki);
  const key = verdictKey(signed, signerSpki);
  let verdict = verdictCache.get(key);
  if (!verdict) {
    verdict = verifyUncached(signed, signerSpki);
    if (verdictCache.size >= SIGNATURE_CACHE_LIMIT) verdictCache.clear();
    verdictCache.set(key, verdict);
  }
  return verdict;
}

function verifyUncached(signed: Signed, signerSpki: Uint8Array): SignatureResult {
  const scheme = SCHEMES[signed.signatureAlgorithm.oid];
  if (!scheme) return { ok: false, reason: `Unsupported signature algorithm ${signed.signatureAlgorithm.oid}` };
  if (scheme.kind === 'refused') return { ok: false, reason: scheme.reason };
  const issuer = issuerKey(signerSpki);
  if (issuer instanceof Error) return { ok: false, reason: "The issuer's public key could not be read" };
  const data = Buffer.from(signed.tbs);
  const signature = Buffer.from(signed.signature);
  try {
    if (issuer.kind === 'ed448') {
      // An Ed448 key verifies only Ed448 signatures.
      const verified = signed.signatureAlgorithm.oid === ED448_OID && ed448.verify(signature, data, issuer.raw);
      return verified ? { ok: true } : DOES_NOT_VERIFY;
    }
    const { key } = issuer;
    // A key restricted to RSASSA-PSS signs nothing else.
    if (issuer.pss !== undefined && scheme.kind !== 'pss') return DOES_NOT_VERIFY;
    let verified: boolean;
    if (scheme.kind === 'pss') {
      const params = pssParams(signed.signatureAlgorithm.paramsDer);
      if (!params) return { ok: false, reason: 'Malformed RSASSA-PSS parameters' };
      if (issuer.pss && (params.hash !== issuer.pss.hash || params.mgf1Hash !== issuer.pss.mgf1Hash || params.saltLength < issuer.pss.saltLength)) return DOES_NOT_VERIFY;
      verified =
        params.mgf1Hash === params.hash
          ? verify(params.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature)
          : verifyRsaPss(key, data, signature, params);
    } else if (scheme.kind === 'eddsa') {
      verified = key.asymmetricKeyType === 'ed25519' && signed.signatureAlgorithm.oid !== ED448_OID && verify(null, data, key, signature);
    } else {
      if (scheme.kind === 'ecdsa' && key.asymmetricKeyType !== 'ec') return DOES_NOT_VERIFY;
      if (scheme.kind === 'pkcs1' && key.asymmetricKeyType !== 'rsa') return DOES_NOT_VERIFY;
      verified = verify(scheme.hash, data, key, signature);
    }
    return verified ? { ok: true } : DOES_NOT_VERIFY;
  } catch {
    return DOES_NOT_VERIFY;
  }
}

type PssParams = PssVerifyParams;

const MGF1_OID = '1.2.840.113549.1.1.8';

function pssParams(paramsDer: Uint8Array | null): PssParams | null {
  try {
    // Absent parameters mean the RFC 4055 defaults: SHA-1, MGF1-SHA-1, 20-byte salt.
    if (!paramsDer) return { hash: DIGESTS.sha1, mgf1Hash: DIGESTS.sha1, saltLength: 20 };
    const params = new pkijs.RSASSAPSSParams({ schema: asn1js.fromBER(paramsDer).result });
    const hash = HASH_OIDS[params.hashAlgorithm.algorithmId];
    if (!hash || params.maskGenAlgorithm.algorithmId !== MGF1_OID) return null;
    const maskHash = params.maskGenAlgorithm.algorithmParams ? new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams }).algorithmId : '1.3.14.3.2.26';
    const mgf1Hash = HASH_OIDS[maskHash];
    if (!mgf1Hash) return null;
    return { hash, mgf1Hash, saltLength: params.saltLength };
  } catch {
    return null;
  }
}
