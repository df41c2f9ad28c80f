// The subject public key: algorithm as Windows names it (RSA, ECC ...), size in bits, EC curve.
import type { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import type { CertInfo } from '../../types.ts';
import { parseDer } from './der.ts';
import { NAMED_CURVES, OID_DSA, OID_EC_PUBLIC_KEY, OID_ED25519, OID_ED448, OID_RSA_ENCRYPTION, OID_RSASSA_PSS } from './oids.ts';
import { toBytes } from '../../bytes.ts';

export type PublicKeyInfo = CertInfo['publicKey'];

/** Bits of a positive big-endian integer (leading zero bytes and bits do not count). */
export function integerBitLength(bytes: Uint8Array): number {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]));
}

function firstIntegerBits(der: ArrayBuffer | Uint8Array): number | null {
  const node = parseDer(der);
  if (!(node instanceof asn1js.Sequence)) return null;
  const first = node.valueBlock.value[0];
  return first instanceof asn1js.Integer ? integerBitLength(first.valueBlock.valueHexView) : null;
}

function describeEcKey(spki: SubjectPublicKeyInfo): PublicKeyInfo {
  let curveOid: string | null = null;
  if (spki.algorithm.parameters) {
    const parameters = parseDer(spki.algorithm.parameters);
    if (parameters instanceof asn1js.ObjectIdentifier) curveOid = parameters.getValue();
  }
  const named = curveOid ? NAMED_CURVES[curveOid] : undefined;
  if (named) return { algorithm: 'ECC', size: named.bits, curve: named.name };
  // Explicit or unknown curve: estimate the size from the point (04 || X || Y, or 02/03 || X).
  const point = toBytes(spki.subjectPublicKey);
  const coordinateBytes = point[0] === 0x04 ? (point.length - 1) / 2 : point.length - 1;
  return { algorithm: 'ECC', size: coordinateBytes > 0 ? Math.floor(coordinateBytes) * 8 : null, curve: curveOid };
}

/** Never throws: a key that will not parse keeps its algorithm and an unknown size. */
export function describePublicKey(spki: SubjectPublicKeyInfo): PublicKeyInfo {
  const oid = spki.algorithm.algorithm;
  try {
    switch (oid) {
      case OID_RSA_ENCRYPTION:
      case OID_RSASSA_PSS:
        return { algorithm: 'RSA', size: firstIntegerBits(spki.subjectPublicKey), curve: null };
      case OID_EC_PUBLIC_KEY:
        return describeEcKey(spki);
      case OID_ED25519:
        return { algorithm: 'Ed25519', size: 256, curve: null };
      case OID_ED448:
        return { algorithm: 'Ed448', size: 456, curve: null };
      case OID_DSA:
        return {
          algorithm: 'DSA',
          size: spki.algorithm.parameters ? firstIntegerBits(spki.algorithm.parameters) : null,
          curve: null,
        };
      default:
        return { algorithm: oid, size: null, curve: null };
    }
  } catch {
    const algorithm = oid === OID_EC_PUBLIC_KEY ? 'ECC' : oid === OID_RSA_ENCRYPTION || oid === OID_RSASSA_PSS ? 'RSA' : oid;
    return { algorithm, size: null, curve: null };
  }
}
