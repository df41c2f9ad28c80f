// A certificate's path facts for chain building and validation, from the one decode per certificate
// (decode/cache.ts). Decoding never throws: a certificate that does not parse becomes { ok: false, error }.
import { hex } from '../../bytes.ts';
import { decodedCertificate } from '../decode/cache.ts';
import type { ParsedCert, ParseResult } from '../decode/path-facts.ts';

export type { GeneralNameValue, NameConstraintsValue, ParsedCert, ParseResult } from '../decode/path-facts.ts';

/** The certificate's path facts; hostile or broken input gives { ok: false } with a sentence. Shared: do not mutate. */
export function parseCertificate(der: Uint8Array): ParseResult {
  return decodedCertificate(der).path;
}

/** The certificate's key usage allows signing certificates (absent extension = any usage). */
export function mayCertSign(cert: ParsedCert): boolean {
  return cert.keyUsage === null || cert.keyUsage.usages.has('keyCertSign');
}

/** Formats an IP SAN or constraint for sentences. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    return words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  }
  return `0x${hex(bytes)}`;
}
