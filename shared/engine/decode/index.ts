// Stage 4: decode certificates (DER) into the model the rest of the engine and the UI read: the
// display fields in Windows wording (cert-info.ts) and the path facts (path-facts.ts), both from one
// parse, cached by SHA-256 for the run (cache.ts).
import { AsnParser } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import type { CertInfo } from '../../types.ts';
import { toBytes } from '../../bytes.ts';
import { buildCertInfo, parseDerTree, upperHexDigest } from './cert-info.ts';
import { decodedCertificate } from './cache.ts';
import { formatName } from './names.ts';

export { signatureAlgorithmName } from './cert-info.ts';
export { certificateParses, clearDecodeCache, decodeCacheSize, decodedCertificate, DECODE_CACHE_BYTE_LIMIT, DECODE_CACHE_LIMIT, type DecodedCertificate } from './cache.ts';
export { extensionName } from './oids.ts';
export { formatName } from './names.ts';

/** A distinguished name from its DER (a CertificateRequest's CA list), written the Windows way; never throws. */
export function distinguishedNameText(der: Uint8Array): string {
  try {
    return formatName(AsnParser.parse(toBytes(der), Name));
  } catch {
    return `(unreadable name: ${Buffer.from(der).toString('hex').slice(0, 64)})`;
  }
}

/** Decode one certificate, uncached (a file the admin opens). Synchronous and never throws. */
export function decodeCertificate(der: Uint8Array): CertInfo {
  const bytes = toBytes(der);
  return buildCertInfo(bytes, upperHexDigest('sha256', bytes), parseDerTree(bytes));
}

/** decodeCertificate through the run's cache (decode/cache.ts): the returned object is shared, treat it as immutable. */
export function decodeCertificateCached(der: Uint8Array): CertInfo {
  return decodedCertificate(der).info;
}
