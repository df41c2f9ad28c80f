// Strict-profile findings (RFC 5280 / CA/B Forum rules Windows does not enforce), one rule per kind.
// The chain stage records them on result.trust.strictFindings; the trust verdict ignores them, so each
// comment says who would reject the certificate and what to ask the CA for.
import type { Comment, Severity, StrictFinding, StrictFindingKind } from '../../types.ts';
import type { Rule } from './types.ts';

interface StrictKind {
  kind: StrictFindingKind;
  /** warning: a stricter stack that partners or devices use rejects it; info: only strict validators do. */
  severity: Severity;
  description: string;
  rejectedBy: string;
  ask: string;
}

const OPENSSL_STRICT = 'OpenSSL 3 rejects it when strict checking is on (X509_V_FLAG_X509_STRICT, `openssl verify -x509_strict`), which OpenSSL-based SBCs and partner gateways can enable';
const STRICT_VALIDATORS = 'Only validators that enforce the CA/Browser Forum profile to the letter (such as rustls/webpki) reject it';

const KINDS: readonly StrictKind[] = [
  { kind: 'missing-aki', severity: 'warning', description: 'A certificate that is not self-signed has no Authority Key Identifier.', rejectedBy: OPENSSL_STRICT, ask: 'a certificate that carries the Authority Key Identifier extension (keyIdentifier)' },
  { kind: 'missing-ski', severity: 'warning', description: 'A CA certificate has no Subject Key Identifier.', rejectedBy: OPENSSL_STRICT, ask: 'a CA certificate with a Subject Key Identifier' },
  { kind: 'critical-key-identifier', severity: 'warning', description: 'An Authority or Subject Key Identifier is marked critical.', rejectedBy: OPENSSL_STRICT, ask: 'a certificate whose key identifiers are not critical' },
  { kind: 'root-aki', severity: 'info', description: "A root's Authority Key Identifier names an issuer or serial, lacks a key id, or differs from its Subject Key Identifier.", rejectedBy: STRICT_VALIDATORS, ask: 'a root whose Authority Key Identifier holds only its own key identifier' },
  { kind: 'ca-flags', severity: 'warning', description: 'Basic constraints and key usage disagree (non-critical CA flag, keyCertSign without CA, path length or name constraints in a non-CA).', rejectedBy: OPENSSL_STRICT, ask: 'a certificate whose basic constraints (critical in a CA) and key usage agree' },
  { kind: 'san-criticality', severity: 'warning', description: 'Subject Alternative Name criticality does not fit the subject (critical with a subject, non-critical without one).', rejectedBy: OPENSSL_STRICT, ask: 'a certificate with a subject and a non-critical Subject Alternative Name' },
  { kind: 'empty-issuer', severity: 'warning', description: 'A certificate has an empty issuer name.', rejectedBy: OPENSSL_STRICT, ask: 'a certificate that names its issuer' },
  { kind: 'serial', severity: 'warning', description: 'A serial number is zero, negative or longer than 20 octets.', rejectedBy: 'Chrome and Android refuse serial numbers longer than 20 octets, and strict validators also refuse zero or negative ones', ask: 'a certificate with a positive serial number of at most 20 octets' },
  { kind: 'public-suffix-wildcard', severity: 'warning', description: 'A wildcard covers a whole public suffix ("*.co.uk").', rejectedBy: 'Chrome and other browsers refuse wildcards over a public suffix', ask: 'a certificate naming the host, or a wildcard under your own registered domain' },
  { kind: 'key-algorithm', severity: 'warning', description: 'A key type outside the CA/Browser Forum set (RSA, ECDSA on named P-256/P-384/P-521): DSA, EdDSA, explicit curve parameters, other curves.', rejectedBy: 'Chrome and Android (BoringSSL) refuse DSA keys and explicit curve parameters, and many SBCs and phones refuse the other key types', ask: 'a certificate with an RSA (2048 bits or more) or ECDSA P-256/P-384 key' },
  { kind: 'rsa-modulus', severity: 'info', description: 'An RSA modulus that is not a whole number of bytes.', rejectedBy: STRICT_VALIDATORS, ask: 'a certificate with a standard RSA key size (2048, 3072 or 4096 bits)' },
  { kind: 'cn-not-in-san', severity: 'info', description: 'The subject common name is not a byte-for-byte copy of a Subject Alternative Name entry.', rejectedBy: STRICT_VALIDATORS, ask: 'a certificate whose common name repeats one of its SAN names exactly (same case, same form)' },
  { kind: 'critical-eku', severity: 'info', description: 'The server certificate marks Extended Key Usage critical.', rejectedBy: STRICT_VALIDATORS, ask: 'a certificate with a non-critical Extended Key Usage' },
  { kind: 'any-eku', severity: 'info', description: 'The server certificate allows any extended key usage.', rejectedBy: STRICT_VALIDATORS, ask: 'a certificate whose Extended Key Usage lists Server Authentication (and Client Authentication for mutual TLS) instead of any purpose' },
  { kind: 'root-eku', severity: 'info', description: 'A root certificate carries an Extended Key Usage.', rejectedBy: STRICT_VALIDATORS, ask: 'a root without an Extended Key Usage extension' },
  { kind: 'policy-constraints', severity: 'info', description: 'A Policy Constraints extension is not critical.', rejectedBy: 'Strict RFC 5280 validators reject it', ask: 'a CA certificate whose Policy Constraints are critical' },
  { kind: 'critical-aia', severity: 'info', description: 'The Authority Information Access extension is marked critical.', rejectedBy: 'Validators that do not process AIA refuse it as an unknown critical extension', ask: 'a certificate with a non-critical Authority Information Access' },
  { kind: 'malformed-extension', severity: 'info', description: 'An extension the chain does not depend on does not decode.', rejectedBy: 'Clients that read the extension reject the certificate', ask: 'a certificate with well-formed extensions' },
  { kind: 'version', severity: 'info', description: 'A certificate is not X.509 version 3.', rejectedBy: 'Chrome and strict validators refuse version 1 and 2 CA certificates', ask: 'a version 3 certificate' },
  { kind: 'dns-name-syntax', severity: 'info', description: 'A SAN DNS name is not in the preferred name syntax (an underscore, for example).', rejectedBy: 'Strict RFC 5280 validators reject it', ask: 'a certificate whose DNS names use only letters, digits and hyphens' },
  { kind: 'ca-as-leaf', severity: 'info', description: 'The server certificate is a CA certificate.', rejectedBy: 'Validators that follow the CA/Browser Forum profile (rustls/webpki) reject it', ask: 'an end-entity server certificate (CA flag false, no keyCertSign)' },
  { kind: 'name-constraints', severity: 'info', description: 'A Name Constraints extension is not critical, or a DNS constraint starts with a period.', rejectedBy: 'Strict RFC 5280 validators reject it (the CA/Browser Forum allows a non-critical one)', ask: 'a CA certificate with critical Name Constraints whose DNS constraints are plain domain names' },
  { kind: 'private-suffix-wildcard', severity: 'info', description: 'A wildcard covers a private namespace on the Public Suffix List ("*.s3.amazonaws.com").', rejectedBy: 'Validators that apply the whole Public Suffix List reject it (browsers accept it)', ask: 'a certificate naming the host' },
];

function strictRule({ kind, severity, description, rejectedBy, ask }: StrictKind): Rule {
  const id = `strict-${kind}`;
  return {
    id,
    severity,
    description: `${description} Not part of the trust verdict; stricter clients may reject it.`,
    check({ result }): Comment[] {
      const findings = (result.trust?.strictFindings ?? []).filter((f) => f.kind === kind);
      if (findings.length === 0) return [];
      return [
        {
          id,
          severity,
          text: `${describeFindings(findings, result.chain.length)}. The trust verdict follows Windows and Teams, which do not check this. ${rejectedBy}. Ask the CA for ${ask}.`,
        },
      ];
    },
  };
}

/** 'Strict profile: server certificate "a": X; root "b": Y' (one part per certificate). */
function describeFindings(findings: StrictFinding[], chainLength: number): string {
  const byCert = new Map<number, StrictFinding[]>();
  for (const f of findings) byCert.set(f.index, [...(byCert.get(f.index) ?? []), f]);
  const role = (index: number) => (index === 0 ? 'server certificate' : index === chainLength - 1 ? 'root' : 'intermediate');
  const parts = [...byCert.entries()].map(([index, list]) => `${role(index)} "${list[0]!.certificate}": ${list.map((f) => f.text).join('; ')}`);
  return `Strict profile, ${parts.join('; ')}`;
}

/** Every kind but weak-key: the weak-key rule already reports RSA keys under 2048 bits as an error. */
export const STRICT_RULES: readonly Rule[] = KINDS.map(strictRule);
