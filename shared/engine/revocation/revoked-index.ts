// The revoked serials of a CRL, found without a JavaScript object per entry: an open-addressing hash
// table (one Uint32Array) of entry offsets into the CRL's own DER. A Map of hex strings cost ~100
// bytes of heap per entry (65 MB for a 20 MB CRL of 612,000 entries) and, being garbage once
// evicted, kept the process's RSS far above what the CRL budget counted; the table is ~4 bytes per
// slot, at most 8 per entry, and is ArrayBuffer memory, counted exactly.
import { bytesEqual } from '../../bytes.ts';
import { childrenOf, derTime, isTime, readTlv, TAG_ENUMERATED, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, type Tlv } from './der-reader.ts';

/** 2.5.29.21 as DER contents. */
const OID_CRL_REASON_BYTES = new Uint8Array([0x55, 0x1d, 0x15]);
/** Reason codes are 0..10; anything else is not a reason. */
const MAX_REASON_CODE = 14;

export interface RevokedIndex {
  der: Uint8Array;
  /** Entry start offset + 1 per slot; 0 is empty. */
  slots: Uint32Array;
  count: number;
}

export interface RevokedEntry {
  revokedAt: Date;
  reasonCode: number | null;
}

/** The serial's bytes without leading zero bytes (a serial compares as an unsigned number). */
function trimmed(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** FNV-1a over the serial. */
function hashOf(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/** One revoked entry: SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions OPTIONAL }; throws when malformed. */
function readEntry(der: Uint8Array, offset: number, limit: number): { entry: Tlv; serial: Tlv; date: Tlv } {
  const entry = readTlv(der, offset, limit);
  if (entry.tag !== TAG_SEQUENCE) throw new Error('revoked entry is not a SEQUENCE');
  const serial = readTlv(der, entry.contentStart, entry.end);
  const date = readTlv(der, serial.end, entry.end);
  if (serial.tag !== TAG_INTEGER || !isTime(date.tag)) throw new Error('malformed revoked entry');
  return { entry, serial, date };
}

function serialOf(der: Uint8Array, serial: Tlv): Uint8Array {
  return trimmed(der.subarray(serial.contentStart, serial.end));
}

/**
 * Indexes revokedCertificates (`list`), checking every entry as it goes (a malformed one throws).
 * A later entry for the same serial replaces an earlier one.
 */
export async function indexRevoked(der: Uint8Array, list: Tlv): Promise<RevokedIndex> {
  let count = 0;
  for (let offset = list.contentStart; offset < list.end; count++) offset = readTlv(der, offset, list.end).end;
  let size = 16;
  while (size < count * 1.5) size *= 2;
  const slots = new Uint32Array(size);
  for (let offset = list.contentStart, done = 0; offset < list.end; done++) {
    // A CRL of 500,000 entries takes about a second: let the main process breathe meanwhile.
    if (done % 20_000 === 19_999) await new Promise((resolve) => setImmediate(resolve));
    const { entry, serial, date } = readEntry(der, offset, list.end);
    derTime(der, date); // validated now, read again on a hit
    if (date.end < entry.end) entryReasonCode(der, readTlv(der, date.end, entry.end));
    const key = serialOf(der, serial);
    let slot = hashOf(key) & (size - 1);
    while (slots[slot] !== 0 && !bytesEqual(serialAt(der, slots[slot]! - 1), key)) slot = (slot + 1) & (size - 1);
    slots[slot] = offset + 1;
    offset = entry.end;
  }
  return { der, slots, count };
}

function serialAt(der: Uint8Array, offset: number): Uint8Array {
  return serialOf(der, readEntry(der, offset, der.length).serial);
}

/** The entry for `serial` (a certificate's serial bytes), or null when it is not listed. */
export function findRevoked(index: RevokedIndex, serial: Uint8Array): RevokedEntry | null {
  const { der, slots } = index;
  const key = trimmed(serial);
  for (let slot = hashOf(key) & (slots.length - 1); slots[slot] !== 0; slot = (slot + 1) & (slots.length - 1)) {
    const { entry, serial: found, date } = readEntry(der, slots[slot]! - 1, der.length);
    if (!bytesEqual(serialOf(der, found), key)) continue;
    const extensions = date.end < entry.end ? readTlv(der, date.end, entry.end) : null;
    return { revokedAt: derTime(der, date), reasonCode: extensions ? entryReasonCode(der, extensions) : null };
  }
  return null;
}

/** The CRLReason entry extension: Extension { extnID, critical BOOLEAN OPTIONAL, extnValue OCTET STRING { ENUMERATED } }. */
function entryReasonCode(der: Uint8Array, extensions: Tlv): number | null {
  if (extensions.tag !== TAG_SEQUENCE) return null;
  for (const extension of childrenOf(der, extensions)) {
    const parts = childrenOf(der, extension);
    const id = parts[0];
    if (id?.tag !== TAG_OID || !bytesEqual(der.subarray(id.contentStart, id.end), OID_CRL_REASON_BYTES)) continue;
    const value = parts[parts.length - 1];
    if (value?.tag !== TAG_OCTET_STRING) return null;
    const enumerated = readTlv(der, value.contentStart, value.end);
    if (enumerated.tag !== TAG_ENUMERATED || enumerated.end - enumerated.contentStart !== 1) return null;
    const code = der[enumerated.contentStart]!;
    return code <= MAX_REASON_CODE ? code : null;
  }
  return null;
}
