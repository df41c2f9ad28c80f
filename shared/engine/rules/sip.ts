// What the SIP stack behind the TLS port said to one OPTIONS, and whether the far end took our certificate.
// Facts: shared/engine/sip (the SipOptionsResult on result.sip); wording from ../shared/domain-notes.md
// "SIP OPTIONS" and "Teams Direct Routing".
import type { EndpointResult, SipDiagnostic, SipOptionsResult } from '../../types.ts';
import type { Rule } from './types.ts';
import { displayName } from './facts.ts';

/** The ms-diagnostics codes the domain notes explain. */
const DIAGNOSTIC_MEANINGS: Readonly<Record<number, string>> = {
  1047: 'TLS negotiation with a federated peer failed: one side does not trust the other\'s root. Federation is mutual TLS, so each side must trust the root of the other\'s certificate',
  1034: 'the previous hop (a federated peer) did not report diagnostic information: look at the next hop\'s logs',
  504: 'server time-out: a server behind the one answering did not respond in time',
};

/** What a TLS alert about our certificate means, for the alerts a refusing stack actually sends. */
const ALERT_MEANINGS: Readonly<Record<string, string>> = {
  unknown_ca: 'it does not trust the CA that issued your certificate (it is not chained to a root the far end trusts)',
  bad_certificate: 'it rejected the certificate itself',
  unsupported_certificate: 'it does not accept this kind of certificate (for example one without Client Authentication in its Enhanced Key Usage)',
  certificate_expired: 'your certificate (or one of its CAs) has expired',
  certificate_revoked: 'your certificate has been revoked',
  certificate_unknown: 'it could not accept the certificate',
  access_denied: 'it verified the certificate but does not let this peer in',
  certificate_required: 'it wanted a certificate and got none',
};

function sip(result: EndpointResult): SipOptionsResult | null {
  return result.sip ?? null;
}

type OurCertificate = NonNullable<SipOptionsResult['clientCertificate']>;

/** The OPTIONS fact and our certificate, when the far end gave this verdict on it. */
function ourCertificate(result: EndpointResult, verdict: OurCertificate['verdict']): { fact: SipOptionsResult; ours: OurCertificate } | null {
  const fact = sip(result);
  const ours = fact?.clientCertificate;
  return fact && ours?.verdict === verdict ? { fact, ours } : null;
}

function statusText(fact: SipOptionsResult): string {
  return `${fact.statusCode}${fact.reasonPhrase ? ` ${fact.reasonPhrase}` : ''}`;
}

function diagnosticText(diagnostic: SipDiagnostic): string {
  const meaning = diagnostic.code !== null ? DIAGNOSTIC_MEANINGS[diagnostic.code] : undefined;
  const said = [diagnostic.reason ? `"${diagnostic.reason}"` : null, diagnostic.source ? `from ${diagnostic.source}` : null].filter(Boolean).join(' ');
  return `${diagnostic.header} ${diagnostic.code ?? diagnostic.raw}${said ? ` (${said})` : ''}${meaning ? `: ${meaning}` : ''}`;
}

/** Which of our CA names the far end listed in its CertificateRequest (TLS 1.2 and 1.3 carry the list). */
function listedCas(result: EndpointResult, fact: SipOptionsResult): string[] {
  const listed = result.tls?.acceptableCAs ?? [];
  return (fact.clientCertificate?.issuerNames ?? []).filter((name) => listed.includes(name));
}

export const sipOptionsOkRule: Rule = {
  id: 'sip-options-ok',
  severity: 'ok',
  description: 'The SIP stack behind the TLS port answered OPTIONS with a 2xx.',
  check({ result }) {
    const fact = sip(result);
    if (fact?.outcome !== 'answered') return [];
    const software = fact.server ?? fact.userAgent;
    return [
      {
        id: 'sip-options-ok',
        severity: 'ok',
        text:
          `The SIP service answered OPTIONS with ${statusText(fact)}${fact.roundTripMs !== null ? ` in ${fact.roundTripMs} ms` : ''}${software ? ` (${software})` : ''}: ` +
          'not just the TLS handshake, the SIP stack behind it accepts this peer (the end-to-end test Microsoft suggests for Direct Routing).',
      },
    ];
  },
};

export const sipOptionsRefusedRule: Rule = {
  id: 'sip-options-refused',
  severity: 'warning',
  description: 'The SIP stack answered OPTIONS with a final status other than 2xx (403, 404, 5xx ...); ms-diagnostics explained.',
  check({ result }) {
    const fact = sip(result);
    if (!fact || !['refused', 'server-error', 'other-status'].includes(fact.outcome)) return [];
    const diagnostics = fact.diagnostics.map(diagnosticText);
    const advice =
      fact.outcome === 'refused'
        ? 'The TLS handshake succeeded but the SIP stack refuses this peer: check that the far end is configured for your server (federation partner, SBC or trunk settings).'
        : fact.outcome === 'server-error'
          ? 'The SIP server reports a failure of its own or of a server behind it: check the far end\'s services and logs.'
          : 'Check what the far end expects of this peer.';
    return [
      {
        id: 'sip-options-refused',
        severity: 'warning',
        text: `The SIP service answered OPTIONS with ${statusText(fact)}${diagnostics.length ? `; ${diagnostics.join('; ')}` : ''}. ${advice}`,
      },
    ];
  },
};

export const sipNoResponseRule: Rule = {
  id: 'sip-no-response',
  severity: 'error',
  description: 'No usable SIP answer to OPTIONS: silence, something that is not SIP, a closed session, or a TLS alert.',
  check({ result }) {
    const fact = sip(result);
    if (!fact || ['answered', 'refused', 'server-error', 'other-status'].includes(fact.outcome)) return [];
    // Our certificate refused: sip-client-cert-refused says so. No connection at all: the endpoint's own error says so.
    if (fact.clientCertificate?.verdict === 'refused') return [];
    if (fact.outcome === 'not-connected' && result.error) return [];
    const why = fact.error?.message.replace(/\.$/, '') ?? 'no answer came back';
    const advice =
      fact.alert === 'certificate_required' || (fact.alert && !fact.clientCertificate)
        ? 'The far end demands a client certificate before it speaks SIP (mutual TLS): test again with your own certificate (My certificate, --client-cert) to see what a partner or Microsoft sees.'
        : fact.outcome === 'not-sip'
          ? 'Something other than a SIP stack listens on this port: check the port and what is bound to it.'
          : 'A TLS handshake that succeeds proves little if the SIP stack behind it does not answer: check that the SIP service runs and listens on this port, and its logs for this peer.';
    return [{ id: 'sip-no-response', severity: 'error', text: `No SIP answer to OPTIONS: ${why}. ${advice}` }];
  },
};

export const sipClientCertAcceptedRule: Rule = {
  id: 'sip-client-cert-accepted',
  severity: 'ok',
  description: 'The far end took the certificate we presented (the session carried a SIP answer).',
  check({ result }) {
    const found = ourCertificate(result, 'accepted');
    if (!found) return [];
    const { fact, ours } = found;
    const listed = listedCas(result, fact);
    const requested = result.tls?.clientCertRequested;
    const how =
      requested === false
        ? 'It did not ask for a client certificate, so yours was not checked.'
        : listed.length
          ? `It lists your CA ${listed.map(displayName).join(', ')} among those it accepts.`
          : 'The TLS session completed with it.';
    return [{ id: 'sip-client-cert-accepted', severity: 'ok', text: `The far end accepted your certificate ${displayName(ours.subject)} (thumbprint ${ours.thumbprint}). ${how}` }];
  },
};

export const sipClientCertRefusedRule: Rule = {
  id: 'sip-client-cert-refused',
  severity: 'error',
  description: 'The far end ended the TLS session with a certificate alert (unknown_ca, bad_certificate, certificate_required ...) when we presented our certificate.',
  check({ result }) {
    const found = ourCertificate(result, 'refused');
    if (!found) return [];
    const { fact, ours } = found;
    const alert = fact.alert ?? 'unknown';
    const cas = result.tls?.acceptableCAs ?? [];
    const listedNote = cas.length
      ? listedCas(result, fact).length
        ? ' Your CA is on the list it sends, so look at the certificate itself (validity, revocation, Enhanced Key Usage).'
        : ` The CAs it accepts are: ${cas.slice(0, 10).map(displayName).join('; ')}${cas.length > 10 ? ` and ${cas.length - 10} more` : ''}; none issued your certificate.`
      : '';
    return [
      {
        id: 'sip-client-cert-refused',
        severity: 'error',
        text:
          `The far end refused your certificate ${displayName(ours.subject)} with the TLS alert ${alert}${ALERT_MEANINGS[alert] ? `: ${ALERT_MEANINGS[alert]}` : ''}.${listedNote} ` +
          'Mutual TLS needs each side to trust the other\'s root: have the far end trust your root, or use a certificate from a CA it trusts.',
      },
    ];
  },
};

/** Listed in rules/index.ts with the other finding rules. */
export const SIP_RULES: readonly Rule[] = [sipOptionsOkRule, sipOptionsRefusedRule, sipNoResponseRule, sipClientCertAcceptedRule, sipClientCertRefusedRule];
