// A CA certificate inspected on its own (a root or intermediate an admin checks before trusting it):
// judged as a CA, so the server certificate rules stay silent and one comment says why.
import type { Rule } from './types.ts';

/** Rules that judge a certificate as a server's: skipped when a CA certificate is inspected on its own. */
export const SERVER_CERTIFICATE_RULE_IDS = new Set([
  'name-match',
  'name-mismatch',
  'ip-target',
  'srv-target-name',
  'av-auth-name',
  'wildcard',
  'sip-domain-suffix',
  'san-missing',
  'server-eku-missing',
  'client-eku-missing',
  'eku-absent',
  'crl-missing',
  'crl-not-http',
  'self-signed',
]);

export const caCertificateRule: Rule = {
  id: 'ca-certificate',
  severity: 'info',
  description: 'The certificate inspected is a CA certificate (basicConstraints cA=TRUE): judged as a CA, not as a server certificate.',
  check({ result, caCertificate }) {
    const cert = result.served[0];
    if (!caCertificate || !cert) return [];
    const kind = cert.selfIssued ? 'a root CA certificate (self-signed)' : 'an intermediate CA certificate';
    return [
      {
        id: 'ca-certificate',
        severity: 'info',
        text:
          `This is ${kind}, so it was judged as a CA: the checks for server certificates (names, EKUs, self-signed, CRL distribution point) do not apply. ` +
          (cert.selfIssued
            ? 'A root is trusted as it is: add it to the trusted roots of the clients and servers that must trust the chains it issues.'
            : 'A server must send it after its own certificate (an intermediate), and clients trust it through its root.'),
      },
    ];
  },
};
