// BigInt arithmetic for the public-key operations done without the runtime's TLS library
// (FFDHE key shares, RSASSA-PSS with another mask hash).

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length ? BigInt(`0x${Buffer.from(bytes).toString('hex')}`) : 0n;
}

/** Big-endian, left-padded to `length` bytes (the value must fit). */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  return new Uint8Array(Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex'));
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (base %= modulus; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
  }
  return result;
}
