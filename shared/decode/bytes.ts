// Byte helpers shared by the decoders: hex as Windows prints it, IP addresses, ASN.1 strings.
import * as asn1js from 'asn1js';

export function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

const HEX_DIGITS = '0123456789abcdef';

/** Lower-case hex without separators. */
export function hex(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = toBytes(data);
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 15];
  return out;
}

/** "a1 b2 c3": how Windows writes key identifiers and unknown extension values. */
export function spacedHex(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = toBytes(data);
  const parts: string[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX_DIGITS[bytes[i] >> 4] + HEX_DIGITS[bytes[i] & 15];
  return parts.join(' ');
}

/**
 * A serial number as `openssl x509 -serial` prints it (upper-case, no sign byte):
 * the integer's magnitude, with a leading "-" for the rare negative serial.
 */
export function serialHex(content: Uint8Array): string {
  if (content.length === 0) return '';
  let magnitude = content;
  const negative = (content[0] & 0x80) !== 0;
  if (negative) {
    // Two's complement: invert and add one.
    magnitude = content.map((b) => ~b & 0xff);
    for (let i = magnitude.length - 1; i >= 0; i--) {
      magnitude[i] = (magnitude[i] + 1) & 0xff;
      if (magnitude[i] !== 0) break;
    }
  }
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  return (negative ? '-' : '') + hex(magnitude.subarray(start)).toUpperCase();
}

/** Parse one DER element; throws when the bytes are not exactly one well-formed element. */
export function parseDer(bytes: ArrayBuffer | ArrayBufferView): asn1js.AsnType {
  const view = toBytes(bytes);
  const parsed = asn1js.fromBER(view);
  if (parsed.offset === -1) throw new Error(parsed.result.error || 'malformed ASN.1');
  return parsed.result;
}

/** The text of any ASN.1 string type (UTF8, Printable, IA5, BMP, Teletex ...), or null for other types. */
export function asn1Text(node: asn1js.AsnType): string | null {
  if (node instanceof asn1js.BaseStringBlock) return node.getValue();
  return null;
}
