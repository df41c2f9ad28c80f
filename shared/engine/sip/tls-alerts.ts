// The TLS alert a far end ended our session with, read from Node's error (OpenSSL or BoringSSL wording).
import { ALERT_NAMES } from '../capture/tls/constants.ts';

/** Alerts by which a far end says it will not take the client certificate it was given (or wanted). */
export const CLIENT_CERT_ALERTS: ReadonlySet<string> = new Set([
  'no_certificate',
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'unknown_ca',
  'access_denied',
  'certificate_required',
]);

/**
 * The alert's snake_case name, or null when the error is no received alert. OpenSSL writes
 * "...:tlsv1 alert unknown ca:...:SSL alert number 48" (code ERR_SSL_TLSV1_ALERT_UNKNOWN_CA);
 * BoringSSL "...:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA".
 */
export function receivedAlert(error: NodeJS.ErrnoException): string | null {
  const number = /alert number (\d+)/i.exec(error.message)?.[1];
  if (number !== undefined && ALERT_NAMES[Number(number)]) return ALERT_NAMES[Number(number)]!;
  const named = /(?:sslv3|tlsv1|tlsv13)[ _]alert[ _]([a-z_ ]+?)(?::|$)/i.exec(`${error.code ?? ''}:${error.message}`);
  return named ? named[1]!.trim().toLowerCase().replace(/[ ]+/g, '_') : null;
}
