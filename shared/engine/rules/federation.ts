// The Edge federation profile (the default for FED SRV targets): what a federation partner must do for
// your Edge to reach it over mutual TLS. The partner's Client Authentication EKU and the SRV target
// name are judged for every FED target already (client-eku-missing, srv-target-name).
import type { Rule } from './types.ts';
import { hasCertificates, plural } from './facts.ts';
import { sipOptionsProblem } from './direct-routing.ts';

export const fedPartnerCaRule: Rule = {
  id: 'fed-partner-ca',
  severity: 'varies',
  description: 'Federation: the partner\'s CA list (when it sends one) includes the root of your own Edge certificate (--client-cert, --my-root).',
  check({ result, profile, myRoots }) {
    if (profile !== 'federation' || !hasCertificates(result) || result.tls.clientCertRequested !== true) return [];
    const cas = result.tls.acceptableCAs ?? [];
    // Our roots: the ones the admin marked, and every issuer of the certificate we presented.
    const mine = [...new Set([...(myRoots ?? []), ...(result.sip?.clientCertificate?.issuerNames ?? [])])];
    if (cas.length === 0 || mine.length === 0) return [];
    const listed = mine.filter((dn) => cas.includes(dn));
    if (listed.length) {
      return [{ id: 'fed-partner-ca', severity: 'ok', text: `The partner's CA list includes your Edge certificate's issuer ${listed.join('; ')}: it can accept your Edge's connections.` }];
    }
    return [
      {
        id: 'fed-partner-ca',
        severity: 'warning',
        text:
          `The partner asks for a client certificate but its list of ${plural(cas.length, 'accepted CA')} does not include the root of your Edge certificate (${mine.join('; ')}). ` +
          'Your Edge\'s connections to it fail with ms-diagnostics 1047: ask the partner to trust your root, or get your Edge certificate from a CA on its list.',
      },
    ];
  },
};

export const fedOptionsRule: Rule = {
  id: 'fed-options',
  severity: 'warning',
  description: 'Federation: the SIP OPTIONS (when enabled) was not answered with a 2xx.',
  check({ result, profile }) {
    const problem = profile === 'federation' ? sipOptionsProblem(result) : null;
    if (!problem) return [];
    return [
      {
        id: 'fed-options',
        severity: 'warning',
        text: `The partner's Edge did not answer SIP OPTIONS with 200 OK: ${problem}. The TLS handshake alone proves little: an ms-diagnostics 1047 means the TLS negotiation with the federated peer failed (usually a root one side does not trust).`,
      },
    ];
  },
};

export const FEDERATION_RULES: readonly Rule[] = [fedPartnerCaRule, fedOptionsRule];
