// The seven roots Microsoft's Direct Routing SIP proxies issue their certificates under since the 2026
// change (SHA-1 thumbprints from ../shared/domain-notes.md), taken from the runtime's Mozilla bundle so
// their subject names are exactly what an SBC's CertificateRequest lists.
import tls from 'node:tls';
import { pemBlocks } from '../../bytes.ts';
import { decodeCertificateCached } from '../decode/index.ts';

export const MICROSOFT_ROOTS_DOWNLOAD = 'https://learn.microsoft.com/en-us/azure/security/fundamentals/azure-ca-details';

export const MICROSOFT_ROOT_THUMBPRINTS: readonly { name: string; sha1: string }[] = [
  { name: 'DigiCert Global Root CA', sha1: 'A8985D3A65E5E5C4B2D7D66D40C6DD2FB19C5436' },
  { name: 'DigiCert Global Root G2', sha1: 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4' },
  { name: 'DigiCert Global Root G3', sha1: '7E04DE896A3E666D00E687D33FFAD93BE83D349E' },
  { name: 'DigiCert TLS ECC P384 Root G5', sha1: '17F3DE5E9F0F19E98EF61F32266E20C407AE30EE' },
  { name: 'DigiCert TLS RSA 4096 Root G5', sha1: 'A78849DC5D7C758C8CDE399856B3AAD0B2A57135' },
  { name: 'Microsoft ECC Root Certificate Authority 2017', sha1: '999A64C37FF47D9FAB95F14769891460EEC4C3C5' },
  { name: 'Microsoft RSA Root Certificate Authority 2017', sha1: '73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74' },
];

export interface MicrosoftRoot {
  name: string;
  sha1: string;
  /** Subject as the decoder writes it (the same form as TlsInfo.acceptableCAs); null when the runtime lacks the root. */
  subject: string | null;
  /** DER, for tests and exports; null when absent from the runtime's bundle. */
  der: Uint8Array | null;
}

let cached: MicrosoftRoot[] | null = null;

export function microsoftRoots(): MicrosoftRoot[] {
  if (cached) return cached;
  const byThumbprint = new Map<string, Uint8Array>();
  for (const der of tls.rootCertificates.flatMap((pem) => pemBlocks(pem))) byThumbprint.set(decodeCertificateCached(der).thumbprint, der);
  cached = MICROSOFT_ROOT_THUMBPRINTS.map(({ name, sha1 }) => {
    const der = byThumbprint.get(sha1) ?? null;
    return { name, sha1, der, subject: der ? decodeCertificateCached(der).subject : null };
  });
  return cached;
}
