// The shapes every extension formatter shares, and the small readers more than one of them uses.
import { AsnParser } from '@peculiar/asn1-schema';
import type { SanEntry } from '../../types.ts';

/** What the engine reads out of the extensions, besides their display text. */
export interface ExtensionFacts {
  san: SanEntry[];
  ekus: string[];
  keyUsage: string[];
  basicConstraints: { isCA: boolean; pathLength: number | null };
  crlUrls: string[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  subjectKeyId: string;
  authorityKeyId: string | null;
}

export interface Formatted {
  data: string;
  facts?: Partial<ExtensionFacts>;
}

export type Formatter = (value: Uint8Array) => Formatted;

export /**
 * Parse a SEQUENCE OF value into a plain array: the schema's list classes extend Array, so map() and
 * filter() on them would return those classes, which must not leak into CertInfo (JSON/IPC, deepEqual).
 */
function parseList<T>(value: Uint8Array, type: new () => T[]): T[] {
  return Array.from(AsnParser.parse(value, type));
}

export function bitIsSet(bytes: Uint8Array, bit: number): boolean {
  const byte = bytes[bit >> 3];
  return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
}
