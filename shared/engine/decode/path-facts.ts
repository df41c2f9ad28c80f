// The facts path building, AIA, revocation and the rules need from one certificate, read from the tree
// decode/cache.ts parsed once (next to the display fields decode/cert-info.ts reads): the structure
// through pkijs's schemas (decode/certificate-fields.ts), extension values through pkijs's classes.
import { hex } from '../../bytes.ts';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readCertificateFields } from './certificate-fields.ts';
import { parseDer } from './der.ts';
import { readValidityTimes, validityProblemText } from './time.ts';
import { bitIsSet } from './extension-values.ts';
import { integerBitLength } from './public-key.ts';
import { KEY_USAGE_BITS } from './extensions.ts';
import { readNameConstraints, readSubjectAltNames } from './general-name-walk.ts';
import { OID, OID_AIA_CA_ISSUERS, OID_AIA_OCSP, UNDERSTOOD_EXTENSIONS } from './oids.ts';
import { canonicalName, commonNameOf, formatName, readName, type ParsedName } from '../chain/names.ts';

/** A GeneralName reduced to what name matching needs. */
export type GeneralNameValue =
  | { type: 'dns' | 'email' | 'uri'; value: string }
  | { type: 'ip'; bytes: Uint8Array }
  | { type: 'dn'; name: ParsedName }
  /** Forms name matching does not read: only their presence matters (RFC 5280 4.2.1.10: process or reject). */
  | { type: 'other'; form: UnreadNameForm };

/** GeneralName choices 0, 3, 5 and 8. */
export type UnreadNameForm = 'otherName' | 'x400Address' | 'ediPartyName' | 'registeredID';

export interface NameConstraintsValue {
  critical: boolean;
  permitted: GeneralNameValue[] | null;
  excluded: GeneralNameValue[] | null;
}

export interface ParsedCert {
  der: Uint8Array;
  /** SHA-256 of the DER, hex: identity for dedupe and loop protection. */
  id: string;
  /**
   * pkijs's model of the whole certificate, built on first read (only its chain engine needs it:
   * chain/pkijs-check.ts). Throws if pkijs cannot read a certificate the path facts could.
   */
  readonly pkijs: pkijs.Certificate;
  /** 1, 2 or 3. */
  version: number;
  serial: Uint8Array;
  subject: ParsedName;
  issuer: ParsedName;
  /** Name-chaining keys (canonical form). */
  subjectKey: string;
  issuerKey: string;
  /** Windows-style "CN=..., O=...". */
  subjectDn: string;
  issuerDn: string;
  /** Short label for sentences: the CN, else the whole DN. */
  label: string;
  selfIssued: boolean;
  /**
   * Read strictly from the bytes (decode/time.ts). A field that names no time fails closed:
   * notBefore becomes the latest and notAfter the earliest date there is, so no "is it in its
   * validity period" test passes; validityProblems then says why.
   */
  notBefore: Date;
  notAfter: Date;
  /** Validity times that break RFC 5280 4.1.2.5: the certificate is invalid for path validation. */
  validityProblems: string[];
  tbs: Uint8Array;
  signature: Uint8Array;
  /** Unused bits in the signature BIT STRING: anything but 0 is malformed (and makes the DER malleable). */
  signatureUnusedBits: number;
  signatureAlgorithm: { oid: string; paramsDer: Uint8Array | null };
  /** The TBS "signature" field equals the outer signatureAlgorithm (RFC 5280 4.1.1.2). */
  signatureAlgorithmsAgree: boolean;
  /** The issuer Name's DER as received (what OCSP's issuerNameHash covers). */
  issuerDer: Uint8Array;
  spkiDer: Uint8Array;
  spkiAlgorithm: string;
  /** The subjectPublicKey BIT STRING's contents (what OCSP's issuerKeyHash covers). */
  subjectPublicKey: Uint8Array;
  /** Named curve OID for EC keys (null for explicit curve parameters). */
  spkiCurve: string | null;
  /** RSA modulus length in bits (null for other keys or an RSA key that does not parse). */
  rsaModulusBits: number | null;
  extensions: { oid: string; critical: boolean }[];
  duplicateExtensions: string[];
  /** Extensions whose value did not decode (by OID). */
  malformedExtensions: string[];
  basicConstraints: { critical: boolean; ca: boolean; pathLen: number | null } | null;
  keyUsage: { critical: boolean; usages: Set<string> } | null;
  extKeyUsage: { critical: boolean; purposes: string[] } | null;
  subjectAltName: { critical: boolean; names: GeneralNameValue[] } | null;
  nameConstraints: NameConstraintsValue | null;
  subjectKeyId: string | null;
  authorityKeyId: { critical: boolean; keyId: string | null; hasIssuer: boolean; hasSerial: boolean } | null;
  /** Where its issuer and revocation data live (AIA fetches and revocation read these). */
  urls: CertificateUrls;
}

/** The largest time a Date holds (ECMAScript: 8.64e15 ms either side of 1970). */
const MAX_DATE_MS = 8.64e15;

export type ParseResult = { ok: true; cert: ParsedCert } | { ok: false; error: string };

/**
 * The path facts of one certificate from its parsed tree (decode/cache.ts parses each DER once, with
 * bounds that admit thousands of RDNs). Throws on a tree that is not a certificate.
 */
export function readPathFacts(der: Uint8Array, root: asn1js.AsnType, id: string): ParsedCert {
  const fields = readCertificateFields(root);
  // The TBS bytes, names and key are taken as received, so that comparisons and signature checks
  // see exactly what was signed.
  const validity = readValidityTimes(fields.validity);
  const subject = readName(fields.subject);
  const issuer = readName(fields.issuer);
  const subjectKey = canonicalName(subject);
  const issuerKey = canonicalName(issuer);
  const spki = fields.subjectPublicKeyInfo;
  const curveParam = spki.algorithm.algorithmParams;
  const extensions = fields.extensions ?? [];
  // Kept until pkijs's model is first built, which reads this same tree (no second parse).
  let tree: asn1js.AsnType | null = root;
  let pkijsCertificate: pkijs.Certificate | null = null;
  const parsed: ParsedCert = {
    der,
    id,
    get pkijs(): pkijs.Certificate {
      if (pkijsCertificate) return pkijsCertificate;
      const model = new pkijs.Certificate({ schema: tree ?? parseDer(der, { embedded: false }) });
      tree = null;
      // Kept for CAs, which many chains share; a leaf's model is rebuilt in the rare case it is asked
      // for again (chain/pkijs-check.ts keeps its verdicts), so a bulk run's cache does not hold one per partner.
      if (parsed.basicConstraints?.ca || parsed.selfIssued) pkijsCertificate = model;
      return model;
    },
    version: fields.version + 1,
    serial: new Uint8Array(fields.serialNumber.valueBlock.valueHexView),
    subject,
    issuer,
    subjectKey,
    issuerKey,
    subjectDn: formatName(subject),
    issuerDn: formatName(issuer),
    label: commonNameOf(subject) ?? (formatName(subject) || '(empty subject)'),
    selfIssued: subjectKey === issuerKey,
    notBefore: validity.notBefore.date ?? new Date(MAX_DATE_MS),
    notAfter: validity.notAfter.date ?? new Date(-MAX_DATE_MS),
    validityProblems: (['notBefore', 'notAfter'] as const).flatMap((field) => validityProblemText(field, validity[field]) ?? []),
    tbs: new Uint8Array(fields.tbs.valueBeforeDecodeView),
    signature: new Uint8Array(fields.signatureValue.valueBlock.valueHexView),
    signatureUnusedBits: fields.signatureValue.valueBlock.unusedBits,
    signatureAlgorithm: {
      oid: fields.signatureAlgorithm.algorithmId,
      paramsDer: fields.signatureAlgorithm.algorithmParams ? new Uint8Array(fields.signatureAlgorithm.algorithmParams.toBER()) : null,
    },
    signatureAlgorithmsAgree: hex(fields.tbsSignature.valueBeforeDecodeView) === hex(fields.signatureAlgorithmDer),
    issuerDer: new Uint8Array(fields.issuer.valueBeforeDecodeView),
    spkiDer: fields.spkiDer,
    spkiAlgorithm: spki.algorithm.algorithmId,
    subjectPublicKey: new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView),
    spkiCurve: curveParam instanceof asn1js.ObjectIdentifier ? curveParam.valueBlock.toString() : null,
    rsaModulusBits: rsaModulusBits(spki),
    extensions: extensions.map((e) => ({ oid: e.extnID, critical: e.critical })),
    duplicateExtensions: [],
    malformedExtensions: [],
    basicConstraints: null,
    keyUsage: null,
    extKeyUsage: null,
    subjectAltName: null,
    nameConstraints: null,
    subjectKeyId: null,
    authorityKeyId: null,
    urls: readCertificateUrls(extensions),
  };
  const seen = new Set<string>();
  for (const extension of extensions) {
    if (seen.has(extension.extnID)) parsed.duplicateExtensions.push(extension.extnID);
    seen.add(extension.extnID);
    try {
      if (!readExtension(parsed, extension)) parsed.malformedExtensions.push(extension.extnID);
    } catch {
      parsed.malformedExtensions.push(extension.extnID);
    }
  }
  return parsed;
}

/** Fills the parsed field for one extension; false when its value is malformed. */
function readExtension(parsed: ParsedCert, extension: pkijs.Extension): boolean {
  const critical = extension.critical;
  // Read from the bytes, not pkijs's object tree (general-name-walk.ts: thousands of names stay cheap).
  if (extension.extnID === OID.subjectAltName) {
    parsed.subjectAltName = { critical, names: readSubjectAltNames(extension.extnValue.valueBlock.valueHexView) };
    return true;
  }
  if (extension.extnID === OID.nameConstraints) {
    const { permitted, excluded } = readNameConstraints(extension.extnValue.valueBlock.valueHexView);
    parsed.nameConstraints = { critical, permitted, excluded };
    // RFC 5280 4.2.1.10: at least one of the two, and neither may be an empty list.
    return (permitted !== null || excluded !== null) && permitted?.length !== 0 && excluded?.length !== 0;
  }
  const value: unknown = extension.parsedValue;
  if (value === undefined || value === null) return !UNDERSTOOD_EXTENSIONS.has(extension.extnID);
  if (typeof value === 'object' && 'parsingError' in value && (value as { parsingError?: string }).parsingError) return false;
  switch (extension.extnID) {
    case OID.basicConstraints: {
      if (!(value instanceof pkijs.BasicConstraints)) return false;
      const pathLen = value.pathLenConstraint;
      parsed.basicConstraints = {
        critical,
        ca: value.cA === true,
        pathLen: typeof pathLen === 'number' ? pathLen : pathLen instanceof asn1js.Integer ? Number.MAX_SAFE_INTEGER : null,
      };
      // pkijs reports an absent pathLenConstraint as 0 in some versions: read it from the DER instead.
      if (parsed.basicConstraints.pathLen !== null && !hasPathLenField(extension)) parsed.basicConstraints.pathLen = null;
      return true;
    }
    case OID.keyUsage: {
      if (!(value instanceof asn1js.BitString)) return false;
      const bytes = value.valueBlock.valueHexView;
      const usages = new Set<string>();
      KEY_USAGE_BITS.forEach(({ flag }, bit) => {
        if (bitIsSet(bytes, bit)) usages.add(flag);
      });
      parsed.keyUsage = { critical, usages };
      return true;
    }
    case OID.extKeyUsage: {
      if (!(value instanceof pkijs.ExtKeyUsage)) return false;
      parsed.extKeyUsage = { critical, purposes: value.keyPurposes.map(String) };
      return true;
    }
    case OID.subjectKeyId: {
      if (!(value instanceof asn1js.OctetString)) return false;
      parsed.subjectKeyId = hex(value.valueBlock.valueHexView);
      return true;
    }
    case OID.authorityKeyId: {
      if (!(value instanceof pkijs.AuthorityKeyIdentifier)) return false;
      parsed.authorityKeyId = {
        critical,
        keyId: value.keyIdentifier ? hex(value.keyIdentifier.valueBlock.valueHexView) : null,
        hasIssuer: value.authorityCertIssuer !== undefined,
        hasSerial: value.authorityCertSerialNumber !== undefined,
      };
      return true;
    }
    case OID.authorityInfoAccess:
      return value instanceof pkijs.InfoAccess && value.accessDescriptions.length > 0;
    default:
      return true;
  }
}

/** pkijs parses an RSA key into parsedKey on first read. */
function rsaModulusBits(spki: pkijs.PublicKeyInfo): number | null {
  const key: unknown = spki.parsedKey;
  return key instanceof pkijs.RSAPublicKey ? integerBitLength(key.modulus.valueBlock.valueHexView) : null;
}

function hasPathLenField(extension: pkijs.Extension): boolean {
  const decoded = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  return decoded.result instanceof asn1js.Sequence && decoded.result.valueBlock.value.some((v) => v instanceof asn1js.Integer);
}

export interface CertificateUrls {
  caIssuers: string[];
  ocsp: string[];
  crl: string[];
}

/** The URLs a certificate names: AIA caIssuers and OCSP, CRL distribution points (full names only). */
function readCertificateUrls(extensions: pkijs.Extension[]): CertificateUrls {
  const urls: CertificateUrls = { caIssuers: [], ocsp: [], crl: [] };
  for (const extension of extensions) {
    // Only these two are decoded here: reading parsedValue decodes (pkijs builds an object tree, slow for big SANs).
    if (extension.extnID !== OID.authorityInfoAccess && extension.extnID !== OID.crlDistributionPoints) continue;
    try {
      const value: unknown = extension.parsedValue;
      if (extension.extnID === OID.authorityInfoAccess && value instanceof pkijs.InfoAccess) {
        for (const description of value.accessDescriptions) {
          const location = description.accessLocation;
          if (location.type !== 6) continue;
          if (description.accessMethod === OID_AIA_CA_ISSUERS) urls.caIssuers.push(String(location.value));
          else if (description.accessMethod === OID_AIA_OCSP) urls.ocsp.push(String(location.value));
        }
      } else if (extension.extnID === OID.crlDistributionPoints && value instanceof pkijs.CRLDistributionPoints) {
        for (const point of value.distributionPoints) {
          if (!Array.isArray(point.distributionPoint)) continue;
          for (const name of point.distributionPoint) if (name.type === 6) urls.crl.push(String(name.value));
        }
      }
    } catch {
      // A malformed extension names no URL; the decoder reports it elsewhere.
    }
  }
  return urls;
}
