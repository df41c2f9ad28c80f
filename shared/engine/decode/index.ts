// Stage 4: decode a certificate (DER) into the CertInfo the rest of the engine and the UI read,
// written the way Windows' certificate dialog writes it. Never throws: a certificate that will not
// parse comes back with parseError set and its hashes filled.
import { bytesEqual } from '../../bytes.ts';
import { createHash } from 'node:crypto';
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate, Name } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import type { CertInfo, ExtensionInfo, InvalidDate } from '../../types.ts';
import { parseDer, serialHex } from './der.ts';
import { decodeExtension, type ExtensionFacts } from './extensions.ts';
import { firstCommonName, formatName } from './names.ts';
import { SIGNATURE_ALGORITHM_NAMES } from './oids.ts';
import { describePublicKey } from './public-key.ts';
import { readValidityTimes, validityProblemText, type ValidityTimes } from './time.ts';
import { toBytes } from '../../bytes.ts';

export { extensionName } from './extensions.ts';
export { formatName } from './names.ts';

/** A distinguished name from its DER (a CertificateRequest's CA list), written the Windows way; never throws. */
export function distinguishedNameText(der: Uint8Array): string {
  try {
    return formatName(AsnParser.parse(toBytes(der), Name));
  } catch {
    return `(unreadable name: ${Buffer.from(der).toString('hex').slice(0, 64)})`;
  }
}

/** Windows' name for a signature algorithm OID (sha256RSA, RSASSA-PSS ...), or the OID itself. */
export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHM_NAMES[oid] ?? oid;
}

function upperHexDigest(algorithm: 'sha1' | 'sha256', bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex').toUpperCase();
}

/**
 * The DER of the issuer and subject names (for the self-issued test) and the validity times read
 * strictly, straight from the parsed tree.
 */
function rawFields(root: asn1js.AsnType): { issuer: Uint8Array; subject: Uint8Array; validity: ValidityTimes } | null {
  if (!(root instanceof asn1js.Sequence)) return null;
  const tbs = root.valueBlock.value[0];
  if (!(tbs instanceof asn1js.Sequence)) return null;
  const fields = tbs.valueBlock.value;
  // [0] EXPLICIT version is optional (absent in V1 certificates).
  const first = fields[0];
  const offset = first && first.idBlock.tagClass === 3 && first.idBlock.tagNumber === 0 ? 1 : 0;
  const issuer = fields[offset + 2];
  const subject = fields[offset + 4];
  if (!issuer || !subject) return null;
  return { issuer: issuer.valueBeforeDecodeView, subject: subject.valueBeforeDecodeView, validity: readValidityTimes(fields[offset + 3]) };
}

function invalidDates(validity: ValidityTimes): InvalidDate[] {
  return (['notBefore', 'notAfter'] as const).flatMap((field) => {
    const text = validityProblemText(field, validity[field]);
    return text === null ? [] : [{ field, text }];
  });
}

function emptyCertInfo(hashes: { thumbprint: string; sha256: string; derBase64: string }, parseError: string): CertInfo {
  return {
    subject: '',
    issuer: '',
    notBefore: '',
    notAfter: '',
    serialNumber: '',
    signatureAlgorithm: '',
    signatureAlgorithmOid: '',
    ...hashes,
    version: '',
    publicKey: { algorithm: '', size: null, curve: null },
    san: [],
    sanEntries: [],
    commonName: null,
    extensions: [],
    ekus: null,
    keyUsage: null,
    isCA: false,
    pathLength: null,
    selfIssued: false,
    crlUrls: [],
    ocspUrls: [],
    caIssuerUrls: [],
    subjectKeyId: null,
    authorityKeyId: null,
    parseError,
  };
}

function decodeExtensions(certificate: Certificate): { extensions: ExtensionInfo[]; facts: Partial<ExtensionFacts> } {
  const extensions: ExtensionInfo[] = [];
  const facts: Partial<ExtensionFacts> = {};
  for (const extension of certificate.tbsCertificate.extensions ?? []) {
    const decoded = decodeExtension(extension);
    extensions.push(decoded.info);
    // A repeated extension is invalid; the first one counts, as in most verifiers.
    for (const [key, value] of Object.entries(decoded.facts)) {
      if (!(key in facts)) (facts as Record<string, unknown>)[key] = value;
    }
  }
  return { extensions, facts };
}

function decodeWithHashes(bytes: Uint8Array, sha256: string): CertInfo {
  const hashes = {
    thumbprint: upperHexDigest('sha1', bytes),
    sha256,
    derBase64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
  try {
    if (bytes.length === 0) throw new Error('it is empty');
    const root = parseDer(bytes);
    // Read the raw names before the schema mapping walks the same tree (one parse for both).
    const names = rawFields(root);
    if (!names) throw new Error('it does not have the structure of an X.509 certificate');
    const certificate = AsnParser.fromASN(root, Certificate);
    const tbs = certificate.tbsCertificate;
    const { extensions, facts } = decodeExtensions(certificate);
    const san = facts.san ?? [];
    const signatureOid = certificate.signatureAlgorithm.algorithm;
    return {
      subject: formatName(tbs.subject),
      issuer: formatName(tbs.issuer),
      // Empty when the field names no time: never the date asn1js would make of it.
      notBefore: names.validity.notBefore.date?.toISOString() ?? '',
      notAfter: names.validity.notAfter.date?.toISOString() ?? '',
      invalidDates: invalidDates(names.validity),
      serialNumber: serialHex(toBytes(tbs.serialNumber)),
      signatureAlgorithm: signatureAlgorithmName(signatureOid),
      signatureAlgorithmOid: signatureOid,
      ...hashes,
      version: `V${tbs.version + 1}`,
      publicKey: describePublicKey(tbs.subjectPublicKeyInfo),
      san: san.filter((entry) => entry.type === 'dns' || entry.type === 'ip').map((entry) => entry.value),
      sanEntries: san,
      commonName: firstCommonName(tbs.subject),
      extensions,
      ekus: facts.ekus ?? null,
      keyUsage: facts.keyUsage ?? null,
      isCA: facts.basicConstraints?.isCA ?? false,
      pathLength: facts.basicConstraints?.pathLength ?? null,
      selfIssued: bytesEqual(names.issuer, names.subject),
      crlUrls: facts.crlUrls ?? [],
      ocspUrls: facts.ocspUrls ?? [],
      caIssuerUrls: facts.caIssuerUrls ?? [],
      subjectKeyId: facts.subjectKeyId ?? null,
      authorityKeyId: facts.authorityKeyId ?? null,
      parseError: null,
    };
  } catch (error) {
    const reason = error instanceof Error && error.message ? error.message : String(error);
    return emptyCertInfo(hashes, `The certificate could not be decoded: ${reason.replace(/\.$/, '')}.`);
  }
}

/** Decode one certificate. Synchronous and never throws. */
export function decodeCertificate(der: Uint8Array): CertInfo {
  const bytes = toBytes(der);
  return decodeWithHashes(bytes, upperHexDigest('sha256', bytes));
}

// ---- Cache -----------------------------------------------------------------------------------
// A bulk run of a thousand partners meets the same few intermediates and roots over and over.

export const DECODE_CACHE_LIMIT = 5000;
const decodeCache = new Map<string, CertInfo>();

/**
 * decodeCertificate with a least-recently-used cache keyed by the SHA-256 of the DER.
 * The returned object is shared between callers: treat it as immutable.
 */
export function decodeCertificateCached(der: Uint8Array): CertInfo {
  const bytes = toBytes(der);
  const key = upperHexDigest('sha256', bytes);
  const cached = decodeCache.get(key);
  if (cached) {
    // Re-insert to mark it most recently used (a Map iterates in insertion order).
    decodeCache.delete(key);
    decodeCache.set(key, cached);
    return cached;
  }
  const info = decodeWithHashes(bytes, key);
  decodeCache.set(key, info);
  if (decodeCache.size > DECODE_CACHE_LIMIT) {
    const oldest = decodeCache.keys().next().value;
    if (oldest !== undefined) decodeCache.delete(oldest);
  }
  return info;
}

export function clearDecodeCache(): void {
  decodeCache.clear();
}

export function decodeCacheSize(): number {
  return decodeCache.size;
}
