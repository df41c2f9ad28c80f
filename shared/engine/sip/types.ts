// The SIP OPTIONS fact: what the SIP stack behind a TLS port answered, and whether it took our certificate.
// Plain JSON (it rides on EndpointResult over IPC and `--json`); never any key material.
import type { CheckError } from '../../types.ts';

/**
 * How the OPTIONS exchange ended.
 * answered: a 2xx; refused: 403 or 404; server-error: 5xx; other-status: any other final status;
 * no-response: the session stayed up but nothing came back in time; not-sip: bytes that are not SIP;
 * tls-refused: the far end ended the TLS session with an alert (often: it refused our certificate);
 * closed: the far end closed without answering; not-connected: no TLS session at all (error says why).
 */
export type SipOutcome = 'answered' | 'refused' | 'server-error' | 'other-status' | 'no-response' | 'not-sip' | 'tls-refused' | 'closed' | 'not-connected';

/** One ms-diagnostics or ms-diagnostics-public header, e.g. `1047;reason="...";source="..."`. */
export interface SipDiagnostic {
  header: 'ms-diagnostics' | 'ms-diagnostics-public';
  code: number | null;
  reason: string | null;
  source: string | null;
  /** The header value as received (bounded). */
  raw: string;
}

/** Where the admin's certificate is: paths and the password only, so a run's options can cross IPC. */
export interface ClientCertificateFiles {
  /** PEM (certificate(s), optionally the key too) or PFX/P12. */
  certFile: string;
  /** PEM key, when not in certFile. */
  keyFile?: string | null;
  /** The PFX password, or the passphrase of an encrypted PEM key. */
  password?: string | null;
}

/** Our own certificate as presented: names only, for the report (the key never leaves the TLS context). */
export interface ClientCertificateInfo {
  subject: string;
  issuer: string;
  thumbprint: string;
  notAfter: string;
  /** Issuer names of every certificate we can send (leaf and the chain in the file), to match the far end's CA list. */
  issuerNames: string[];
}

/**
 * Did the far end take our certificate? accepted: the session carried a SIP answer;
 * refused: it ended the session with a certificate alert (alert says which); unknown: neither showed.
 */
export type ClientCertificateVerdict = 'accepted' | 'refused' | 'unknown';

export interface SipOptionsResult {
  /** The Request-URI sent: sip:<host>:<port>;transport=tls. */
  requestUri: string;
  /** The domain in From and To. */
  domain: string;
  outcome: SipOutcome;
  statusCode: number | null;
  reasonPhrase: string | null;
  server: string | null;
  userAgent: string | null;
  allow: string[];
  supported: string[];
  diagnostics: SipDiagnostic[];
  /** From sending the request to the end of the final response's headers, in ms. */
  roundTripMs: number | null;
  /** The TLS protocol of the session the OPTIONS went over. */
  tlsProtocol: string | null;
  /** The TLS alert the far end ended the session with, snake_case as in RFC 8446: unknown_ca, bad_certificate, certificate_required ... */
  alert: string | null;
  /** Set for not-connected, tls-refused, closed and not-sip: what happened, in a sentence. */
  error: CheckError | null;
  /** Present when we offered our own certificate. */
  clientCertificate: (ClientCertificateInfo & { verdict: ClientCertificateVerdict }) | null;
}
