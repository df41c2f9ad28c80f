// How the SIP OPTIONS fact reads for the admin, shared by the result card, the text report and the CSV
// export so that the three say the same thing. Pure and browser-safe.
import type { SipOptionsResult, TlsInfo } from '../types.ts';

/** "SIP/2.0 200 OK", or what happened instead: "no answer (...)". */
export function sipStatusLine(sip: SipOptionsResult): string {
  if (sip.statusCode !== null) return `SIP/2.0 ${sip.statusCode}${sip.reasonPhrase ? ` ${sip.reasonPhrase}` : ''}`;
  return `no SIP answer (${sip.outcome})${sip.error ? `: ${sip.error.message}` : ''}`;
}

/** The far end's verdict on our certificate, in a sentence: "accepted", "far end refused our certificate (unknown_ca)". */
export function clientCertificateVerdictText(sip: SipOptionsResult): string | null {
  const ours = sip.clientCertificate;
  if (!ours) return null;
  const verdict =
    ours.verdict === 'accepted' ? 'accepted by the far end' : ours.verdict === 'refused' ? `far end refused our certificate (${sip.alert ?? 'alert'})` : 'not shown whether the far end took it';
  return `${ours.subject} (issuer ${ours.issuer}, expires ${ours.notAfter}): ${verdict}`;
}

/** The labelled lines of the SIP OPTIONS block, in the order the old tool's text blocks read. */
export function sipOptionsFields(sip: SipOptionsResult): [label: string, value: string][] {
  const fields: [string, string][] = [
    ['Status', sipStatusLine(sip)],
    ['Request-URI', sip.requestUri],
    ['From/To domain', sip.domain],
  ];
  if (sip.server) fields.push(['Server', sip.server]);
  if (sip.userAgent) fields.push(['User-Agent', sip.userAgent]);
  if (sip.allow.length) fields.push(['Allow', sip.allow.join(', ')]);
  if (sip.supported.length) fields.push(['Supported', sip.supported.join(', ')]);
  for (const diagnostic of sip.diagnostics) fields.push([diagnostic.header, diagnostic.raw]);
  if (sip.roundTripMs !== null) fields.push(['Round trip', `${sip.roundTripMs} ms${sip.tlsProtocol ? ` over ${sip.tlsProtocol}` : ''}`]);
  const verdict = clientCertificateVerdictText(sip);
  if (verdict) fields.push(['Our certificate', verdict]);
  return fields;
}

/** Node's handshake with our certificate: what the far end did with it, or null without one. */
export function handshakeClientCertificateText(tls: TlsInfo): string | null {
  const verdict = tls.runtimeClient?.clientCertificate;
  if (!verdict) return null;
  // A far end that asks for no certificate never sees ours: "completed" would claim a check that did not happen.
  if (tls.clientCertRequested === false) return 'not asked for by the far end';
  return verdict === 'accepted' ? 'presented, the handshake completed' : verdict === 'refused' ? 'presented, refused by the far end' : 'presented';
}
