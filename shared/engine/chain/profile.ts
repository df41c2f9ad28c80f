// The strict profile: RFC 5280 "conforming CA" rules and CA/Browser Forum rules that Windows does not
// enforce. The strict verdict (conformance run, `strict: true`) rejects on them; the client verdict
// only records them (ChainOutcome.strictFindings) so the rules can show each as a comment.
// Every finding carries its kind: rules map kinds to comment ids, never the sentence.
import type { StrictFindingKind } from '../../types.ts';
import type { ParsedCert } from './cert.ts';
import { extensionName, OID, PATH_EXTENSIONS } from '../decode/oids.ts';
import { nameConstraintProfileProblems } from './name-constraints.ts';
import { cnNotInSan, publicSuffixWildcards, unusualDnsNames } from './profile-names.ts';

export interface ProfilePosition {
  isLeaf: boolean;
  isAnchor: boolean;
  /** The top of the path and signed by itself. */
  selfSigned: boolean;
}

export interface ProfileFinding {
  kind: StrictFindingKind;
  text: string;
  /** Shown, but not a reason for the strict verdict either (real clients accept it everywhere). */
  advisory?: true;
}

const ALLOWED_CURVES = new Set(['1.2.840.10045.3.1.7' /* P-256 */, '1.3.132.0.34' /* P-384 */, '1.3.132.0.35' /* P-521 */]);
const RSA_KEY = '1.2.840.113549.1.1.1';
const RSA_PSS_KEY = '1.2.840.113549.1.1.10';
const EC_KEY = '1.2.840.10045.2.1';
/** CA/B Forum 6.1.5. Keys under 1024 bits are refused by every client (see clientKeyProblems). */
const MIN_RSA_BITS = 2048;
const MIN_CLIENT_RSA_BITS = 1024;

/** Every strict-profile finding of one certificate at its place on the path. */
export function profileFindings(cert: ParsedCert, position: ProfilePosition): ProfileFinding[] {
  return [
    ...encodingFindings(cert, position),
    ...identifierFindings(cert, position),
    ...caFlagFindings(cert, position),
    ...usageFindings(cert, position),
    ...keyFindings(cert, position),
    ...(position.isLeaf ? leafNameFindings(cert) : []),
    ...nameConstraintProfileProblems(cert).map((text): ProfileFinding => ({ kind: 'name-constraints', text })),
  ];
}

/** The strict verdict's reasons (sentences only). */
export function profileProblems(cert: ParsedCert, position: ProfilePosition): string[] {
  return profileFindings(cert, position).flatMap((f) => (f.advisory ? [] : [f.text]));
}

/**
 * Keys both verdicts refuse. A server key on a named curve other than P-256/P-384/P-521 (P-192, for
 * example) cannot sign a TLS 1.3 handshake (RFC 8446 4.2.3 has no scheme for it) and TLS 1.2 clients
 * may use it only if they offer the curve (RFC 8422 5.1), which Chrome/BoringSSL and OpenSSL's defaults
 * do not. Windows refuses RSA keys under 1024 bits (Microsoft KB 2661254). Explicit curve parameters,
 * DSA and other curves in CA certificates are strict-profile findings only: Windows' CryptoAPI accepts
 * explicit parameters that match a named curve (the code path of CVE-2020-0601) and still verifies DSA.
 */
export function clientKeyProblems(cert: ParsedCert, isLeaf: boolean): string[] {
  if (isLeaf && cert.spkiAlgorithm === EC_KEY && cert.spkiCurve && !ALLOWED_CURVES.has(cert.spkiCurve)) {
    return [`Elliptic curve ${cert.spkiCurve} is not one TLS clients accept for a server key (P-256, P-384, P-521)`];
  }
  if (cert.rsaModulusBits !== null && cert.rsaModulusBits < MIN_CLIENT_RSA_BITS) return [`RSA key of ${cert.rsaModulusBits} bits: Windows refuses keys under ${MIN_CLIENT_RSA_BITS} bits`];
  return [];
}

function encodingFindings(cert: ParsedCert, position: ProfilePosition): ProfileFinding[] {
  const findings: ProfileFinding[] = [];
  const add = (kind: StrictFindingKind, text: string) => findings.push({ kind, text });
  if (cert.version !== 3) add('version', 'Not an X.509 version 3 certificate');
  // RFC 5280 4.1.2.2 binds the CA that issues a certificate; a trust anchor is trusted as configured.
  if (!position.isAnchor) {
    const serial = cert.serial;
    if (serial.length > 20) add('serial', 'Serial number longer than 20 octets');
    if ((serial[0] ?? 0) & 0x80) add('serial', 'Negative serial number');
    if (serial.every((b) => b === 0)) add('serial', 'Serial number is zero');
  }
  if (cert.issuer.length === 0) add('empty-issuer', 'Empty issuer name');
  for (const oid of cert.malformedExtensions) {
    if (!PATH_EXTENSIONS.has(oid)) add('malformed-extension', `The ${extensionName(oid)} extension is malformed`);
  }
  if (cert.extensions.some((e) => e.oid === OID.authorityInfoAccess && e.critical)) add('critical-aia', 'The Authority Information Access extension must not be critical');
  const san = cert.subjectAltName;
  if (cert.subject.length === 0 && (!san || !san.critical)) add('san-criticality', 'A certificate with an empty subject must have a critical Subject Alternative Name');
  if (cert.subject.length > 0 && san?.critical) add('san-criticality', 'Subject Alternative Name must not be critical when the subject is not empty');
  return findings;
}

/** RFC 5280 4.2.1.1-2 and CA/B Forum 7.1.2.1.3: key identifiers present, non-critical, consistent. */
function identifierFindings(cert: ParsedCert, position: ProfilePosition): ProfileFinding[] {
  const findings: ProfileFinding[] = [];
  const add = (kind: StrictFindingKind, text: string) => findings.push({ kind, text });
  const aki = cert.authorityKeyId;
  if (aki?.critical) add('critical-key-identifier', 'Authority Key Identifier must not be critical');
  if (cert.extensions.some((e) => e.oid === OID.subjectKeyId && e.critical)) add('critical-key-identifier', 'Subject Key Identifier must not be critical');
  // RFC 5280 4.2.1.1 exempts only self-signed certificates; a cross-signed CA used as a trust anchor
  // still needs one (x509-limbo rfc5280::aki::cross-signed-root-missing-aki).
  if (!position.selfSigned && !aki?.keyId) add('missing-aki', 'Missing Authority Key Identifier');
  if (position.selfSigned && aki) {
    if (!aki.keyId) add('root-aki', 'Root Authority Key Identifier has no key identifier');
    if (aki.hasIssuer || aki.hasSerial) add('root-aki', 'Root Authority Key Identifier must not name an issuer or serial number');
    if (aki.keyId && cert.subjectKeyId && aki.keyId !== cert.subjectKeyId) add('root-aki', 'Root Authority Key Identifier differs from its Subject Key Identifier');
  }
  if (cert.basicConstraints?.ca && !cert.subjectKeyId) add('missing-ski', 'CA certificate without Subject Key Identifier');
  return findings;
}

/** RFC 5280 4.2.1.3, 4.2.1.9-11; CA/B Forum 7.1.2.7.8: cA, keyCertSign and pathLen agree; CA-only extensions. */
function caFlagFindings(cert: ParsedCert, position: ProfilePosition): ProfileFinding[] {
  const findings: ProfileFinding[] = [];
  const add = (kind: StrictFindingKind, text: string) => findings.push({ kind, text });
  const bc = cert.basicConstraints;
  const ku = cert.keyUsage?.usages;
  if (bc?.ca && !bc.critical) add('ca-flags', 'Basic Constraints must be critical in a CA certificate');
  if (ku?.has('keyCertSign') && !bc?.ca) add('ca-flags', 'keyCertSign without the CA flag');
  if (bc?.ca && ku && !ku.has('keyCertSign')) add('ca-flags', 'CA flag set but key usage lacks keyCertSign');
  if (bc && bc.pathLen !== null && !bc.ca) add('ca-flags', 'Path length constraint in a certificate that is not a CA');
  if (cert.nameConstraints && !bc?.ca) add('ca-flags', 'Name constraints in a certificate that is not a CA');
  if (cert.extensions.some((e) => e.oid === OID.policyConstraints && !e.critical)) add('policy-constraints', 'Policy Constraints must be critical');
  // Shown only: RFC 5280 lets a CA certificate serve as an end entity (x509-limbo's two ca-as-leaf cases conflict).
  if (position.isLeaf && bc?.ca) findings.push({ kind: 'ca-as-leaf', text: 'A CA certificate is used as the server certificate', advisory: true });
  return findings;
}

/** CA/B Forum 7.1.2.7.10 and 7.1.2.1.2: server EKU non-critical, no anyExtendedKeyUsage; roots carry no EKU. */
function usageFindings(cert: ParsedCert, position: ProfilePosition): ProfileFinding[] {
  const findings: ProfileFinding[] = [];
  const eku = cert.extKeyUsage;
  if (position.isLeaf && eku?.critical) findings.push({ kind: 'critical-eku', text: 'Extended key usage must not be critical' });
  if (position.isLeaf && eku?.purposes.includes(OID.anyExtendedKeyUsage)) findings.push({ kind: 'any-eku', text: 'anyExtendedKeyUsage in a server certificate' });
  if (position.selfSigned && !position.isLeaf && eku) findings.push({ kind: 'root-eku', text: 'Root certificate with an extended key usage extension' });
  return findings;
}

/** CA/B Forum 6.1.5: RSA of at least 2048 bits in whole bytes, or ECDSA on P-256/P-384/P-521. */
function keyFindings(cert: ParsedCert, position: ProfilePosition): ProfileFinding[] {
  // Keys no client can use are refused by both verdicts already.
  if (clientKeyProblems(cert, position.isLeaf).length > 0) return [];
  if (cert.spkiAlgorithm === RSA_KEY || cert.spkiAlgorithm === RSA_PSS_KEY) {
    const bits = cert.rsaModulusBits;
    if (bits === null) return [];
    if (bits < MIN_RSA_BITS) return [{ kind: 'weak-key', text: `RSA key of ${bits} bits (at least ${MIN_RSA_BITS} required)` }];
    if (bits % 8 !== 0) return [{ kind: 'rsa-modulus', text: `RSA modulus of ${bits} bits is not a whole number of bytes` }];
    return [];
  }
  if (cert.spkiAlgorithm === EC_KEY) {
    if (!cert.spkiCurve) return [{ kind: 'key-algorithm', text: 'Elliptic curve given by explicit parameters instead of a named curve' }];
    return ALLOWED_CURVES.has(cert.spkiCurve) ? [] : [{ kind: 'key-algorithm', text: `Elliptic curve ${cert.spkiCurve} is not P-256, P-384 or P-521` }];
  }
  // DSA, Ed25519, Ed448 ...
  return [{ kind: 'key-algorithm', text: 'Public key algorithm not allowed for TLS certificates' }];
}

/** RFC 5280 4.2.1.6 and CA/B Forum 7.1.4.3 / 7.1.2.7.12: the server certificate's names. */
function leafNameFindings(cert: ParsedCert): ProfileFinding[] {
  const findings: ProfileFinding[] = [];
  // A CN that names a SAN entry in another spelling breaks the strict verdict; one naming something
  // else is shown only: older test suites and many private CAs put a free-text CN beside the SAN.
  const cn = cnNotInSan(cert);
  if (cn?.inexactCopy) findings.push({ kind: 'cn-not-in-san', text: `The subject common name "${cn.cn}" is not a byte-for-byte copy of its Subject Alternative Name entry` });
  else if (cn) findings.push({ kind: 'cn-not-in-san', text: `The subject common name "${cn.cn}" is not one of the Subject Alternative Names`, advisory: true });
  for (const name of unusualDnsNames(cert)) findings.push({ kind: 'dns-name-syntax', text: `The DNS name "${name}" is not in the preferred name syntax (letters, digits, hyphens)` });
  for (const { name, privateSection } of publicSuffixWildcards(cert)) {
    const text = `The wildcard "${name}" covers a whole public suffix`;
    findings.push(privateSection ? { kind: 'private-suffix-wildcard', text: `${text} (a private namespace on the Public Suffix List)`, advisory: true } : { kind: 'public-suffix-wildcard', text });
  }
  return findings;
}
