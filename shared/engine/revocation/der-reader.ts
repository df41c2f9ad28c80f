// Just enough DER to walk a large CRL without building an object per node: one definite-length
// TLV at a time, straight from the bytes (asn1js would build an object per node; see crl.ts).
import { hex } from '../../bytes.ts';

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_ENUMERATED = 0x0a;
export const TAG_BOOLEAN = 0x01;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;
export interface Tlv {
  /** The identifier octet (single-byte tags only: all a CRL uses). */
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** One definite-length TLV at `offset`, which must end by `limit`; throws when malformed. */
export function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new Error('truncated DER');
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte tag');
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > limit) throw new Error('unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error('truncated DER');
  return { tag, start: offset, contentStart, end };
}

/** The direct children of a constructed TLV (for small containers). */
export function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(der, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function isTime(tag: number): boolean {
  return tag === TAG_UTC_TIME || tag === TAG_GENERALIZED_TIME;
}

/** UTCTime YYMMDDHHMMSS[Z] (years 50-99 are 19xx) or GeneralizedTime YYYYMMDDHHMMSS[.fff]Z, read digit by digit (per CRL entry). */
export function derTime(der: Uint8Array, tlv: Tlv): Date {
  const utc = tlv.tag === TAG_UTC_TIME;
  const start = tlv.contentStart;
  const yearDigits = utc ? 2 : 4;
  if (tlv.end - start < yearDigits + 8 + 1 || der[tlv.end - 1] !== 0x5a) throw new Error('unreadable time');
  let year = digitsAt(der, start, yearDigits);
  if (utc) year += year < 50 ? 2000 : 1900;
  const at = start + yearDigits;
  const hasSeconds = der[at + 8] !== 0x5a;
  return new Date(Date.UTC(
    year, digitsAt(der, at, 2) - 1, digitsAt(der, at + 2, 2), digitsAt(der, at + 4, 2), digitsAt(der, at + 6, 2), hasSeconds ? digitsAt(der, at + 8, 2) : 0,
  ));
}

function digitsAt(der: Uint8Array, offset: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const digit = (der[offset + i] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) throw new Error('unreadable time');
    value = value * 10 + digit;
  }
  return value;
}


/** Serial numbers compared as unsigned hex without leading zero bytes (CRL entries, OCSP CertIDs). */
export function serialKey(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return hex(bytes.subarray(start));
}

export interface ExtensionTlv {
  /** The OID's content bytes, hex ("551d14" is 2.5.29.20). */
  oidHex: string;
  critical: boolean;
  /** The extnValue OCTET STRING. */
  value: Tlv;
}

/** Extensions ::= SEQUENCE OF Extension { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }; throws when malformed. */
export function extensionsOf(der: Uint8Array, list: Tlv): ExtensionTlv[] {
  if (list.tag !== TAG_SEQUENCE) throw new Error('extensions are not a SEQUENCE');
  return childrenOf(der, list).map((extension) => {
    const parts = childrenOf(der, extension);
    const [id, second] = parts;
    const value = parts[parts.length - 1];
    if (extension.tag !== TAG_SEQUENCE || id?.tag !== TAG_OID || value?.tag !== TAG_OCTET_STRING || parts.length > 3) throw new Error('malformed extension');
    const critical = parts.length === 3 && second!.tag === TAG_BOOLEAN && der[second!.contentStart] !== 0;
    return { oidHex: hex(der.subarray(id.contentStart, id.end)), critical, value };
  });
}

/** Dotted form of OID content bytes given as hex, for sentences. */
export function oidText(oidHex: string): string {
  const bytes = Buffer.from(oidHex, 'hex');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
    else arcs.push(value);
    value = 0;
  }
  return arcs.join('.');
}
