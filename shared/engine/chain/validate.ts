// RFC 5280 section 6 path validation of one candidate path, link by link, so that every certificate
// gets its own verdict and reason (the original tool's "Chain is valid" per chain item).
import { mayCertSign, type ParsedCert } from './cert.ts';
import { extensionName, PATH_EXTENSIONS, UNDERSTOOD_EXTENSIONS } from '../decode/oids.ts';
import { checkNameConstraints, malformedConstraint, NameCheckBudget, type ConstraintSet } from './name-constraints.ts';
import { clientKeyProblems, profileFindings, profileProblems, type ProfileFinding, type ProfilePosition } from './profile.ts';
import { MAX_DEPTH } from './search.ts';
import type { SignatureResult } from './signature.ts';

/** How a candidate path ends. */
export type PathEnd =
  | 'anchor' // the top certificate is a trust anchor
  | 'self-signed' // the top is a root nobody trusts
  | 'no-issuer' // the top's issuer is nowhere to be found
  | 'loop' // every issuer candidate is already on the path
  | 'depth'; // gave up: too long

export interface CandidatePath {
  /** Leaf first. */
  certs: ParsedCert[];
  end: PathEnd;
}

export interface ValidationOptions {
  at: Date;
  strict: boolean;
  verify: (child: ParsedCert, issuer: ParsedCert) => SignatureResult;
}

export const ISSUER_NOT_FOUND = 'Issuer not found: the server did not send it and it is not in the trust stores';
export const ROOT_NOT_TRUSTED = 'Root is not trusted';
export const SELF_SIGNED_NOT_TRUSTED = 'Self-signed and not trusted';

/** Problems per certificate of the path (leaf first); an empty list means that link is valid. */
export function validatePath(path: CandidatePath, options: ValidationOptions): string[][] {
  const { certs } = path;
  const problems = certs.map((cert, i) => certificateProblems(cert, i, path, options));
  applyPathLength(certs, problems);
  applyNameConstraints(certs, problems);
  return problems;
}

function certificateProblems(cert: ParsedCert, index: number, path: CandidatePath, options: ValidationOptions): string[] {
  const position = profilePosition(index, path);
  return [
    ...ownProblems(cert, options.at),
    ...linkProblems(index, path, options),
    ...(position.isLeaf ? [] : issuerProblems(cert, position.isAnchor)),
    ...clientKeyProblems(cert, position.isLeaf),
    ...(options.strict ? profileProblems(cert, position) : []),
  ];
}

function profilePosition(index: number, path: CandidatePath): ProfilePosition {
  return { isLeaf: index === 0, isAnchor: index === path.certs.length - 1 && path.end === 'anchor', selfSigned: isSelfSigned(index, path) };
}

/** The strict profile over an already validated path (the client verdict's extra pass): per certificate, leaf first. */
export function strictPathFindings(path: CandidatePath): ProfileFinding[][] {
  return path.certs.map((cert, i) => profileFindings(cert, profilePosition(i, path)));
}

/** The certificate on its own: dates, extensions, encoding. */
function ownProblems(cert: ParsedCert, at: Date): string[] {
  // A malformed time is a fault of its own (OpenSSL: "format error in certificate's notBefore field").
  const problems: string[] = [...cert.validityProblems];
  if (cert.validityProblems.length === 0) {
    // Certificate times have whole seconds (RFC 5280 4.1.2.5): compare at that granularity, so the
    // last second of notAfter counts in full (the reading CAs and x509-limbo take).
    const second = Math.floor(at.getTime() / 1000) * 1000;
    if (second < cert.notBefore.getTime()) problems.push(`Not yet valid (valid from ${day(cert.notBefore)})`);
    if (second > cert.notAfter.getTime()) problems.push(`Expired on ${day(cert.notAfter)}`);
  }
  for (const ext of cert.extensions) {
    if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(ext.oid)) problems.push(`Unsupported critical extension ${ext.oid}`);
  }
  for (const oid of new Set(cert.duplicateExtensions)) problems.push(`The ${extensionName(oid)} extension appears more than once`);
  for (const oid of cert.malformedExtensions) {
    // Extensions path validation reads must decode; the others only matter to the strict profile.
    if (PATH_EXTENSIONS.has(oid)) problems.push(`The ${extensionName(oid)} extension is malformed`);
  }
  // DER needs at least one content byte; OpenSSL will not load the certificate at all.
  if (cert.serial.length === 0) problems.push('The serial number is empty');
  if (!cert.signatureAlgorithmsAgree) problems.push('The signature algorithm named inside the certificate differs from the one it is signed with');
  if (cert.signatureUnusedBits !== 0) problems.push('The signature value is malformed');
  return problems;
}

/** The link up: the next certificate's key verifies this one, or why the path stops here. */
function linkProblems(index: number, path: CandidatePath, options: ValidationOptions): string[] {
  const cert = path.certs[index]!;
  const issuer = path.certs[index + 1];
  if (!issuer) {
    switch (path.end) {
      case 'anchor':
        return [];
      case 'self-signed':
        return [index === 0 ? SELF_SIGNED_NOT_TRUSTED : ROOT_NOT_TRUSTED];
      case 'no-issuer':
        return [ISSUER_NOT_FOUND];
      case 'loop':
        return ['No path to a trusted root: the issuers found sign each other in a loop'];
      case 'depth':
        return [`No path to a trusted root within ${MAX_DEPTH} certificates`];
    }
  }
  const problems: string[] = [];
  const signature = options.verify(cert, issuer);
  if (!signature.ok) problems.push(signature.reason);
  // OpenSSL and pkijs refuse an issuer whose key identifier contradicts the AKI, even if the signature verifies.
  const akiKeyId = cert.authorityKeyId?.keyId;
  if (akiKeyId && issuer.subjectKeyId && akiKeyId !== issuer.subjectKeyId) problems.push("Authority Key Identifier does not match the issuer's Subject Key Identifier");
  return problems;
}

function isSelfSigned(index: number, path: CandidatePath): boolean {
  const cert = path.certs[index]!;
  return index === path.certs.length - 1 && cert.selfIssued && (path.end === 'self-signed' || path.end === 'anchor');
}

/** RFC 5280 6.1.4 (k), (n): only a CA whose key usage allows it may sign certificates. */
function issuerProblems(cert: ParsedCert, isAnchor: boolean): string[] {
  const problems: string[] = [];
  const legacyV1Root = isAnchor && cert.version === 1 && cert.selfIssued;
  if (!legacyV1Root && !cert.basicConstraints?.ca) problems.push('Not a CA (basic constraints)');
  if (!mayCertSign(cert)) problems.push('Key usage does not allow signing certificates (keyCertSign)');
  if (cert.subject.length === 0) problems.push('A CA certificate must have a subject name');
  return problems;
}

/**
 * RFC 5280 6.1.4 (l), (m): walking down from the root, each CA that is not self-issued uses up one step
 * of the smallest pathLenConstraint above it. The leaf is not counted.
 */
function applyPathLength(certs: ParsedCert[], problems: string[][]): void {
  let remaining = Number.POSITIVE_INFINITY;
  for (let i = certs.length - 1; i >= 1; i--) {
    const cert = certs[i]!;
    const isTop = i === certs.length - 1;
    if (!isTop && !cert.selfIssued) {
      if (remaining <= 0) problems[i]!.push('Path length constraint exceeded');
      remaining--;
    }
    const pathLen = cert.basicConstraints?.pathLen;
    if (pathLen !== null && pathLen !== undefined && pathLen < remaining) remaining = pathLen;
  }
}

/** RFC 5280 6.1.3 (b)-(c), 6.1.4 (g): constraints of every CA apply to all certificates below it (self-issued CAs exempt). */
function applyNameConstraints(certs: ParsedCert[], problems: string[][]): void {
  const sets: ConstraintSet[] = [];
  const budget = new NameCheckBudget();
  for (let i = certs.length - 1; i >= 0; i--) {
    const cert = certs[i]!;
    const isTop = i === certs.length - 1;
    const isLeaf = i === 0;
    if (!isTop && (isLeaf || !cert.selfIssued)) {
      const violation = checkNameConstraints(cert, sets, isLeaf, budget);
      if (violation) problems[i]!.push(violation);
    }
    if (cert.nameConstraints && !isLeaf) {
      const malformed = malformedConstraint(cert.nameConstraints);
      if (malformed) problems[i]!.push(malformed);
      else sets.push({ from: cert.label, constraints: cert.nameConstraints });
    }
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
