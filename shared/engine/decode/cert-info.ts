// Stage 4: the CertInfo the rest of the engine and the UI read, written the way Windows' certificate
// dialog writes it. Never throws: a certificate that will not parse comes back with parseError set
// and its hashes filled.
import { bytesEqual, toBytes } from '../../bytes.ts';
import { createHash } from 'node:crypto';
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import type { CertInfo, ExtensionInfo, InvalidDate } from '../../types.ts';
import { parseDer, serialHex } from './der.ts';
import { decodeExtension, type ExtensionFacts } from './extensions.ts';
import { firstCommonName, formatName } from './names.ts';
import { SIGNATURE_ALGORITHM_NAMES } from './oids.ts';
import { describePublicKey } from './public-key.ts';
import { readValidityTimes, validityProblemText, type ValidityTimes } from './time.ts';

/** One parse of a DER (decode/cache.ts), or why it failed: both object models read the same tree. */
export type DerTree = { root: asn1js.AsnType } | { error: unknown };

export function parseDerTree(bytes: Uint8Array): DerTree {
  try {
    return { root: parseDer(bytes, { embedded: false }) };
  } catch (error) {
    return { error };
  }
}

/** Windows' name for a signature algorithm OID (sha256RSA, RSASSA-PSS ...), or the OID itself. */
export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHM_NAMES[oid] ?? oid;
}

export function upperHexDigest(algorithm: 'sha1' | 'sha256', bytes: Uint8Array): string {
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

/**
 * The display fields of one certificate. `tree` is decode/cache.ts's one parse of `bytes` (or why it
 * failed); the SHA-256 comes from there too. Never throws.
 */
export function buildCertInfo(bytes: Uint8Array, sha256: string, tree: DerTree): CertInfo {
  const hashes = {
    thumbprint: upperHexDigest('sha1', bytes),
    sha256,
    derBase64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
  try {
    if (bytes.length === 0) throw new Error('it is empty');
    if ('error' in tree) throw tree.error;
    const root = tree.root;
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

