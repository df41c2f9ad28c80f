// Distinguished names: parsed from DER, compared the RFC 5280 7.1 way, printed the way Windows prints them.
import * as asn1js from 'asn1js';
import { parseDer } from '../decode/der.ts';
// The same keys and quoting as the decoded subject and issuer, so names compare as text everywhere.
import { attributeKey, quoteNameValue } from '../decode/names.ts';

export interface NameAttribute {
  oid: string;
  /** The decoded string, or null when the value is not a string type. */
  text: string | null;
  /** The value's encoding as received, hex, for exact comparison of non-string values. */
  rawHex: string;
}

/** A Name: a sequence of RDNs, each a set of attributes (almost always one). */
export type ParsedName = NameAttribute[][];

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

/** Parses a DER Name; throws on malformed input (callers catch). */
export function parseName(der: ArrayBuffer | Uint8Array): ParsedName {
  return readName(parseDer(der));
}

/** A Name from a node already parsed (a certificate's issuer and subject: no second parse); throws on malformed input. */
export function readName(decoded: asn1js.AsnType): ParsedName {
  if (!(decoded instanceof asn1js.Sequence)) throw new Error('Name is not a DER SEQUENCE');
  return decoded.valueBlock.value.map((rdn) => {
    if (!(rdn instanceof asn1js.Set)) throw new Error('RDN is not a SET');
    return rdn.valueBlock.value.map((atv) => {
      const parts = atv instanceof asn1js.Sequence ? atv.valueBlock.value : [];
      const [type, value] = parts;
      if (!(type instanceof asn1js.ObjectIdentifier) || !value || parts.length !== 2) throw new Error('Malformed AttributeTypeAndValue');
      return { oid: type.valueBlock.toString(), text: stringValue(value), rawHex: toHex(value.valueBeforeDecodeView) };
    });
  });
}

function stringValue(value: asn1js.AsnType): string | null {
  return value instanceof asn1js.BaseStringBlock ? value.getValue() : null;
}

/**
 * A comparison key for name chaining (RFC 5280 7.1, simplified LDAP StringPrep):
 * case-insensitive, leading/trailing spaces removed, inner runs of spaces collapsed.
 */
export function canonicalName(name: ParsedName): string {
  return name
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.text !== null ? a.text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase() : `#${a.rawHex}`}`)
        .sort()
        .join('+'),
    )
    .join('/');
}

/** Windows' CertNameToStr style: most specific RDN first, "CN=a, O=b", values with separators quoted. */
export function formatName(name: ParsedName): string {
  return [...name]
    .reverse()
    .map((rdn) =>
      rdn
        .map((a) => `${attributeKey(a.oid)}=${quoteNameValue(a.text ?? `#${a.rawHex.toUpperCase()}`)}`)
        .join(' + '),
    )
    .join(', ');
}

/** The first common name, for short labels. */
export function commonNameOf(name: ParsedName): string | null {
  for (const rdn of name) for (const a of rdn) if (a.oid === '2.5.4.3' && a.text !== null) return a.text;
  return null;
}
