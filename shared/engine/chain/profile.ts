// The strict profile: RFC 5280 "conforming CA" rules and CA/Browser Forum rules that mainstream TLS
// clients (Windows, OpenSSL) do not enforce. Used by the conformance run; off by default so that the
// app's verdict matches what a real client decides (old internal CAs break many of these rules).
import type { ParsedCert } from './cert.ts';
import { extensionName, OID, PATH_EXTENSIONS } from '../decode/oids.ts';
import { nameConstraintProfileProblems } from './name-constraints.ts';

export interface ProfilePosition {
  isLeaf: boolean;
  isAnchor: boolean;
  /** The top of the path and signed by itself. */
  selfSigned: boolean;
}

const ALLOWED_CURVES = new Set(['1.2.840.10045.3.1.7' /* P-256 */, '1.3.132.0.34' /* P-384 */, '1.3.132.0.35' /* P-521 */]);
const RSA_KEY = '1.2.840.113549.1.1.1';
const RSA_PSS_KEY = '1.2.840.113549.1.1.10';
const EC_KEY = '1.2.840.10045.2.1';

export function profileProblems(cert: ParsedCert, position: ProfilePosition): string[] {
  return [...encodingProblems(cert), ...identifierProblems(cert, position), ...caFlagProblems(cert), ...usageProblems(cert, position), ...keyProblems(cert), ...nameConstraintProfileProblems(cert)];
}

function encodingProblems(cert: ParsedCert): string[] {
  const problems: string[] = [];
  if (cert.version !== 3) problems.push('Not an X.509 version 3 certificate');
  const serial = cert.serial;
  if (serial.length > 20) problems.push('Serial number longer than 20 octets');
  if ((serial[0] ?? 0) & 0x80) problems.push('Negative serial number');
  if (serial.every((b) => b === 0)) problems.push('Serial number is zero');
  if (cert.issuer.length === 0) problems.push('Empty issuer name');
  for (const oid of cert.malformedExtensions) {
    if (!PATH_EXTENSIONS.has(oid)) problems.push(`The ${extensionName(oid)} extension is malformed`);
  }
  if (cert.extensions.some((e) => e.oid === OID.authorityInfoAccess && e.critical)) problems.push('The Authority Information Access extension must not be critical');
  const san = cert.subjectAltName;
  if (cert.subject.length === 0 && (!san || !san.critical)) problems.push('A certificate with an empty subject must have a critical Subject Alternative Name');
  if (cert.subject.length > 0 && san?.critical) problems.push('Subject Alternative Name must not be critical when the subject is not empty');
  return problems;
}

/** RFC 5280 4.2.1.1-2 and CA/B Forum 7.1.2.1.3: key identifiers present, non-critical, consistent. */
function identifierProblems(cert: ParsedCert, position: ProfilePosition): string[] {
  const problems: string[] = [];
  const aki = cert.authorityKeyId;
  if (aki?.critical) problems.push('Authority Key Identifier must not be critical');
  if (cert.extensions.some((e) => e.oid === OID.subjectKeyId && e.critical)) problems.push('Subject Key Identifier must not be critical');
  if (!position.selfSigned && !aki?.keyId) problems.push('Missing Authority Key Identifier');
  if (position.selfSigned && aki) {
    if (!aki.keyId) problems.push('Root Authority Key Identifier has no key identifier');
    if (aki.hasIssuer || aki.hasSerial) problems.push('Root Authority Key Identifier must not name an issuer or serial number');
    if (aki.keyId && cert.subjectKeyId && aki.keyId !== cert.subjectKeyId) problems.push('Root Authority Key Identifier differs from its Subject Key Identifier');
  }
  if (cert.basicConstraints?.ca && !cert.subjectKeyId) problems.push('CA certificate without Subject Key Identifier');
  return problems;
}

/** RFC 5280 4.2.1.3, 4.2.1.9, 4.2.1.10: cA, keyCertSign and pathLen agree; name constraints only in CAs. */
function caFlagProblems(cert: ParsedCert): string[] {
  const problems: string[] = [];
  const bc = cert.basicConstraints;
  const ku = cert.keyUsage?.usages;
  if (bc?.ca && !bc.critical) problems.push('Basic Constraints must be critical in a CA certificate');
  if (ku?.has('keyCertSign') && !bc?.ca) problems.push('keyCertSign without the CA flag');
  if (bc?.ca && ku && !ku.has('keyCertSign')) problems.push('CA flag set but key usage lacks keyCertSign');
  if (bc && bc.pathLen !== null && !bc.ca) problems.push('Path length constraint in a certificate that is not a CA');
  if (cert.nameConstraints && !bc?.ca) problems.push('Name constraints in a certificate that is not a CA');
  return problems;
}

/** CA/B Forum 7.1.2.7.10 and 7.1.2.1.2: server EKU non-critical, no anyExtendedKeyUsage; roots carry no EKU. */
function usageProblems(cert: ParsedCert, position: ProfilePosition): string[] {
  const problems: string[] = [];
  const eku = cert.extKeyUsage;
  if (position.isLeaf && eku?.critical) problems.push('Extended key usage must not be critical');
  if (position.isLeaf && eku?.purposes.includes(OID.anyExtendedKeyUsage)) problems.push('anyExtendedKeyUsage in a server certificate');
  if (position.selfSigned && !position.isLeaf && eku) problems.push('Root certificate with an extended key usage extension');
  return problems;
}

/** CA/B Forum 6.1.5: RSA or ECDSA on P-256/P-384/P-521 only. */
function keyProblems(cert: ParsedCert): string[] {
  if (cert.spkiAlgorithm === RSA_KEY || cert.spkiAlgorithm === RSA_PSS_KEY) return [];
  if (cert.spkiAlgorithm === EC_KEY && cert.spkiCurve && ALLOWED_CURVES.has(cert.spkiCurve)) return [];
  return ['Public key algorithm or curve not allowed for TLS certificates'];
}
