// Large CRLs in milliseconds: the DER is written directly (pkijs needs minutes for 600,000 entries)
// and signed by a test CA (RSA, sha256WithRSAEncryption). Used by the CRL memory tests and scripts.
import { createPrivateKey, sign } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { IssuedCert } from './pki.ts';

const SHA256_WITH_RSA = Buffer.from('300d06092a864886f70d01010b0500', 'hex');
/** [0] { Extension { cRLNumber (2.5.29.20), OCTET STRING { INTEGER 1 } } }: RFC 5280 5.2.3 requires one. */
const CRL_NUMBER_EXTENSIONS = Buffer.from('a00e300c300a0603551d140403020101', 'hex');

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const head = length < 0x80 ? [length] : length < 0x10000 ? [0x82, length >> 8, length & 0xff] : [0x84, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...head]), content]);
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'latin1'));
}

/** [0] { Extension { 2.5.29.20, critical TRUE, OCTET STRING { INTEGER 1 } } }: a CRL number wrongly marked critical. */
export const CRITICAL_CRL_NUMBER = Buffer.from('a011300f300d0603551d140101ff0403020101', 'hex');
/** A CRL number plus a critical delta CRL indicator (2.5.29.27), which a complete-CRL reader cannot process. */
export const WITH_CRITICAL_DELTA_INDICATOR = Buffer.from('a01d301b300a0603551d140403020101300d0603551d1b0101ff0403020101', 'hex');

export interface CrlShape {
  /** The CRL's [0] extensions block as DER; default a CRL number. Empty: none at all. */
  extensions?: Buffer;
  /** Who signs it (the issuer name stays `issuer`'s); default `issuer`. */
  signer?: IssuedCert;
  /** Makes CRLs with the same count distinct (a byte of every serial). */
  variant?: number;
}

/** About 32 bytes of DER per entry: `count` distinct 12-byte serials that no test certificate has. */
export function largeCrl(issuer: IssuedCert, count: number, shape: CrlShape = {}): Buffer {
  const revokedAt = utcTime(new Date(Date.now() - 86_400_000));
  // One template entry, its serial patched per entry: 0x30 len 0x02 0x0c <12 bytes> <UTCTime>.
  const template = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.alloc(12)), revokedAt]));
  const entries = Buffer.alloc(template.length * count);
  for (let i = 0; i < count; i++) {
    const at = i * template.length;
    template.copy(entries, at);
    entries[at + 4] = 0x7d;
    entries[at + 5] = (shape.variant ?? 0) & 0xff;
    entries.writeUInt32BE(i, at + 4 + 8);
  }
  const issuerName = Buffer.from(pkijs.Certificate.fromBER(new Uint8Array(issuer.der)).subject.toSchema().toBER());
  const tbs = tlv(0x30, Buffer.concat([
    tlv(0x02, Buffer.from([1])),
    SHA256_WITH_RSA,
    issuerName,
    utcTime(new Date(Date.now() - 3_600_000)),
    utcTime(new Date(Date.now() + 86_400_000)),
    tlv(0x30, entries),
    shape.extensions ?? CRL_NUMBER_EXTENSIONS,
  ]));
  const signature = sign('sha256', tbs, createPrivateKey((shape.signer ?? issuer).keyPem));
  return tlv(0x30, Buffer.concat([tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))]));
}
