// Byte helpers shared by the decoders: hex as Windows prints it, IP addresses, ASN.1 strings.
import * as asn1js from 'asn1js';
import { hex, toBytes } from '../../bytes.ts';

/** "a1 b2 c3": how Windows writes key identifiers and unknown extension values. */
export function spacedHex(data: ArrayBuffer | ArrayBufferView): string {
  return hex(data).replace(/(..)(?!$)/g, '$1 ');
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

/**
 * Bounds for one parse. asn1js's default of 10,000 elements rejects a valid certificate with 3,000
 * subject RDNs (4 elements each); these allow ten times that while keeping memory bounded.
 */
export const MAX_DER_BYTES = 4 * 1024 * 1024;
export const MAX_DER_NODES = 100_000;
const ASN1JS_NODE_LIMIT_ERROR = 'Maximum ASN.1 node count exceeded';

/** Input past MAX_DER_BYTES or MAX_DER_NODES: too big to read, rather than malformed. */
class DerLimitError extends Error {}

export function isDerLimitError(error: unknown): boolean {
  return error instanceof DerLimitError;
}

export interface ParseDerOptions {
  /**
   * Also parse the contents of OCTET and BIT STRINGs as ASN.1 when they happen to be (asn1js's
   * default). A certificate's tree is read without: its extension values and key are decoded on
   * their own where needed, and a leaf with thousands of SANs would otherwise cost thousands of
   * objects nobody reads.
   */
  embedded?: boolean;
}

/**
 * Parse the first DER element of `bytes` (its bytes are the result's valueBeforeDecodeView);
 * throws a sentence for the admin when they are malformed or past the bounds above.
 */
export function parseDer(bytes: ArrayBuffer | ArrayBufferView, options: ParseDerOptions = {}): asn1js.AsnType {
  const view = toBytes(bytes);
  if (view.length > MAX_DER_BYTES) {
    throw new DerLimitError(`it is ${Math.ceil(view.length / 1024)} KB, more than the ${MAX_DER_BYTES / 1024 / 1024} MB this tool reads (a certificate is a few KB)`);
  }
  const parsed = asn1js.fromBER(view, { maxNodes: MAX_DER_NODES, parseEmbedded: options.embedded ?? true });
  if (parsed.offset === -1) {
    const error = parsed.result.error;
    if (error === ASN1JS_NODE_LIMIT_ERROR) throw new DerLimitError(`it has more than ${MAX_DER_NODES.toLocaleString('en-US')} ASN.1 elements, more than this tool reads (a certificate has a few hundred)`);
    throw new Error(error || 'malformed ASN.1');
  }
  return parsed.result;
}

/** The text of any ASN.1 string type (UTF8, Printable, IA5, BMP, Teletex ...), or null for other types. */
export function asn1Text(node: asn1js.AsnType): string | null {
  if (node instanceof asn1js.BaseStringBlock) return node.getValue();
  return null;
}
