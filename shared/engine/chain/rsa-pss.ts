// RSASSA-PSS verification (RFC 8017 8.1.2 and 9.1.2) for the signatures node:crypto cannot check:
// a mask hash (MGF1) other than the message hash, which crypto.verify has no option for, though
// OpenSSL itself makes such certificates. BigInt RSA, so OpenSSL and BoringSSL give the same verdict.
import { createHash, type KeyObject } from 'node:crypto';
import { bigIntToBytes, bytesToBigInt, modPow } from '../capture/tls/bigint.ts';
import { uintBytes } from '../capture/tls/wire.ts';
import type { DigestName } from '../capture/tls/runtime-needs.ts';
import { concatBytes } from '../../bytes.ts';

export interface PssVerifyParams {
  hash: DigestName;
  mgf1Hash: DigestName;
  saltLength: number;
}

const digest = (hash: DigestName, ...parts: Uint8Array[]) => {
  const hasher = createHash(hash);
  for (const part of parts) hasher.update(part);
  return new Uint8Array(hasher.digest());
};

function mgf1(hash: DigestName, seed: Uint8Array, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let counter = 0, produced = 0; produced < length; counter++) {
    const block = digest(hash, seed, uintBytes(counter, 4));
    blocks.push(block);
    produced += block.length;
  }
  return concatBytes(...blocks).subarray(0, length);
}

/** Does this RSA public key verify the PSS signature on `message`? Never throws on hostile input. */
export function verifyRsaPss(key: KeyObject, message: Uint8Array, signature: Uint8Array, params: PssVerifyParams): boolean {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.n || !jwk.e) return false;
  const modulusBytes = Buffer.from(jwk.n, 'base64url');
  const modulus = bytesToBigInt(modulusBytes);
  const s = bytesToBigInt(signature);
  if (signature.length !== modulusBytes.length || s >= modulus) return false;
  const modulusBits = modulus.toString(2).length;
  const emBits = modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  const m = modPow(s, bytesToBigInt(Buffer.from(jwk.e, 'base64url')), modulus);
  if (m >> BigInt(emLength * 8) !== 0n) return false;
  const encoded = bigIntToBytes(m, emLength);

  const messageHash = digest(params.hash, message);
  const hashLength = messageHash.length;
  if (emLength < hashLength + params.saltLength + 2 || encoded[emLength - 1] !== 0xbc) return false;
  const maskedDb = encoded.subarray(0, emLength - hashLength - 1);
  const h = encoded.subarray(emLength - hashLength - 1, emLength - 1);
  const unusedBits = 8 * emLength - emBits;
  const topMask = 0xff >> unusedBits;
  if ((maskedDb[0]! & ~topMask) !== 0) return false;
  const db = mgf1(params.mgf1Hash, h, maskedDb.length).map((byte, i) => byte ^ maskedDb[i]!);
  db[0]! &= topMask;
  const separator = db.length - params.saltLength - 1;
  if (db.subarray(0, separator).some((byte) => byte !== 0) || db[separator] !== 0x01) return false;
  const expected = digest(params.hash, new Uint8Array(8), messageHash, db.subarray(separator + 1));
  return Buffer.from(expected).equals(Buffer.from(h));
}
