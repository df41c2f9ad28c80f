// How the capture's facts are named for the admin, shared by the result card, the text report and the
// CSV export so that the three say the same thing.
import type { CertificateSource, ProtocolVersion, TlsInfo } from '../types.ts';
import { PROTOCOL_VERSIONS } from '../types.ts';

export const CERTIFICATE_SOURCE_LABELS: Readonly<Record<CertificateSource, string>> = {
  wire: 'wire (exactly as the server sent them, in its order)',
  'node-peer-chain': "node-peer-chain (rebuilt by Node's TLS: not the server's own list or order)",
};

export function certificateSourceLabel(source: CertificateSource | null | undefined): string {
  return source ? CERTIFICATE_SOURCE_LABELS[source] : '';
}

/** The versions of the matrix worth a column: every TLS version probed, SSL only where the server accepts it. */
export function shownVersions(versions: Partial<Record<ProtocolVersion, boolean>>): ProtocolVersion[] {
  return PROTOCOL_VERSIONS.filter((version) => (version.startsWith('SSL') ? versions[version] === true : versions[version] !== undefined));
}

/** What a normal client of this runtime negotiated, labelled as such: "TLSv1.3, TLS_AES_256_GCM_SHA384". */
export function runtimeClientText(tls: TlsInfo): string | null {
  const client = tls.runtimeClient;
  if (!client) return null;
  if (!client.protocol) return `could not connect${client.error ? `: ${client.error.message}` : ''}`;
  return `${client.protocol}${client.cipher ? `, ${client.cipher}` : ''}${tls.authorized === null ? '' : tls.authorized ? ', trusts the chain' : `, does not trust the chain${tls.authorizationError ? ` (${tls.authorizationError})` : ''}`}`;
}

/** Key exchange and record protection the server chose: "x25519", "DHE-2048, encrypt-then-MAC". */
export function keyExchangeText(tls: TlsInfo): string | null {
  const parts = [tls.keyExchangeGroup, tls.encryptThenMac ? 'encrypt-then-MAC' : null].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** Label of the runtime client's line, everywhere. */
export const RUNTIME_CLIENT_LABEL = "Normal client (Node's TLS)";
