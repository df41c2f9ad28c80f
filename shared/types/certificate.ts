// A decoded certificate, the chain a client builds from it, and the trust verdict.

/** A name in the subject alternative name extension. */
export interface SanEntry {
  type: 'dns' | 'ip' | 'email' | 'uri' | 'other';
  value: string;
}

export interface ExtensionInfo {
  /** Friendly name as Windows shows it, e.g. "Enhanced Key Usage". */
  name: string;
  oid: string;
  critical: boolean;
  /** The value written the way Windows' certificate dialog writes it (may be multi-line). */
  data: string;
}

export interface InvalidDate {
  field: 'notBefore' | 'notAfter';
  /** The sentence naming the field and quoting its text (escaped). */
  text: string;
}

/** A decoded certificate (stage 4 output). Fields are empty strings when parseError is set. */
export interface CertInfo {
  subject: string;
  issuer: string;
  /** ISO 8601 */
  notBefore: string;
  /** ISO 8601 */
  notAfter: string;
  /** Upper-case hex, as Windows shows it. */
  serialNumber: string;
  /** Windows' name: sha256RSA, sha1RSA, md5RSA, sha256ECDSA, RSASSA-PSS ... */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  /** SHA-1 of the DER, upper-case hex (Windows' "Thumbprint"). */
  thumbprint: string;
  sha256: string;
  /** X.509 version as Windows shows it: "V3". */
  version: string;
  publicKey: { algorithm: string; size: number | null; curve?: string | null };
  /** The names of the SAN extension, as plain values (DNS names and IP addresses), in certificate order. */
  san: string[];
  sanEntries: SanEntry[];
  /** The subject's common name (first CN), or null. */
  commonName: string | null;
  extensions: ExtensionInfo[];
  /** Extended key usage OIDs; null when the extension is absent (which means any usage). */
  ekus: string[] | null;
  /** Key usage flag names (digitalSignature, keyEncipherment, keyCertSign ...); null when absent. */
  keyUsage: string[] | null;
  /** Basic constraints cA flag (false when absent). */
  isCA: boolean;
  pathLength: number | null;
  /** Subject and issuer DER are equal (a self-issued, usually self-signed, certificate). */
  selfIssued: boolean;
  crlUrls: string[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** The certificate itself, base64 DER, so the renderer can save it as .cer or .pem. */
  derBase64: string;
  /**
   * Validity times that break RFC 5280 4.1.2.5 (unreadable, month 13, fractions, offsets), for the rule
   * invalid-validity-date. notBefore/notAfter are then '' unless the text names one unambiguous instant.
   */
  invalidDates?: InvalidDate[];
  /** Set when the certificate would not parse; the other fields are then empty. */
  parseError: string | null;
}

/** A certificate of the chain a client would build, with the original's "Chain is valid". */
export interface ChainItem {
  cert: CertInfo;
  /** Where this certificate came from. */
  source: 'served' | 'store' | 'user' | 'aia';
  valid: boolean;
  /** Why valid is false; null when valid. */
  reason: string | null;
}

export type TrustStoreName = 'mozilla' | 'system' | 'user';

/** What the strict profile (RFC 5280 / CA/B Forum, shared/engine/chain/profile.ts) finds; rules map each kind to a comment id. */
export type StrictFindingKind =
  | 'version'
  | 'serial'
  | 'empty-issuer'
  | 'malformed-extension'
  | 'critical-aia'
  | 'san-criticality'
  | 'critical-key-identifier'
  | 'missing-aki'
  | 'root-aki'
  | 'missing-ski'
  | 'ca-flags'
  | 'policy-constraints'
  | 'ca-as-leaf'
  | 'critical-eku'
  | 'any-eku'
  | 'root-eku'
  | 'weak-key'
  | 'rsa-modulus'
  | 'key-algorithm'
  | 'cn-not-in-san'
  | 'dns-name-syntax'
  | 'public-suffix-wildcard'
  | 'private-suffix-wildcard'
  | 'name-constraints';

/** A strict-profile fault of one certificate on the built chain that the client verdict lets through. */
export interface StrictFinding {
  kind: StrictFindingKind;
  /** Position in the built chain (0 = leaf). */
  index: number;
  /** Short name of the certificate (its CN, else its subject). */
  certificate: string;
  /** What is wrong, one sentence. */
  text: string;
}

export interface TrustVerdict {
  trusted: boolean;
  /** The store whose root anchored the built chain, or null when none did. */
  store: TrustStoreName | null;
  /** Subject of the root the chain ends at (trusted or not), or null. */
  root: string | null;
  /** Why the chain is not trusted, for the admin; null when trusted. */
  reason: string | null;
  /** Strict-profile faults on the built chain that the verdict (Windows' rules) does not act on; absent in older saved results. */
  strictFindings?: StrictFinding[];
}

export interface ServedChainFacts {
  /** Issuer (Windows-style DN) of the first certificate whose issuer was neither sent nor in a store. */
  missingIssuer: string | null;
  /** Subject of an intermediate the server did not send but a client had to find elsewhere (store or AIA). */
  notSentIntermediates: string[];
  /** Indexes into `served` of certificates that are not on the built path (extra, unrelated). */
  unusedIndexes: number[];
  /** The served certificates that are on the path come in path order (leaf, its issuer, ...). */
  inOrder: boolean;
  /** The server sent the self-signed root as well. */
  rootSent: boolean;
}
