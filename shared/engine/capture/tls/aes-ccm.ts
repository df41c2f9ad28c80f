// AES-CCM (RFC 3610), for TLS_AES_128_CCM_SHA256 and TLS_AES_128_CCM_8_SHA256: BoringSSL has no
// CCM and @noble/ciphers has none either, so it is built here on noble's AES (ECB for the counter
// blocks, CBC with a zero IV for the MAC). Small on purpose; test/aes-ccm.test.ts checks it
// against RFC 3610's vectors and OpenSSL.
import { cbc, ecb } from '@noble/ciphers/aes.js';
import { uintBytes } from './wire.ts';
import { concatBytes } from '../../../bytes.ts';

const BLOCK = 16;

export interface AesCcm {
  /** Ciphertext followed by the tag. */
  encrypt(plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** The plaintext, or null when the tag does not authenticate. */
  decrypt(sealed: Uint8Array, aad: Uint8Array): Uint8Array | null;
}

function padToBlock(bytes: Uint8Array): Uint8Array {
  const remainder = bytes.length % BLOCK;
  return remainder ? concatBytes(bytes, new Uint8Array(BLOCK - remainder)) : bytes;
}

/** `tagLength` is M (4..16, even); the nonce is 15 - L bytes (7..13). */
export function aesCcm(key: Uint8Array, nonce: Uint8Array, tagLength: number): AesCcm {
  const lengthBytes = 15 - nonce.length; // L
  if (lengthBytes < 2 || lengthBytes > 8) throw new RangeError('CCM nonce must be 7..13 bytes');
  if (tagLength < 4 || tagLength > 16 || tagLength % 2) throw new RangeError('CCM tag must be 4..16 bytes, even');

  const counterBlocks = (count: number): Uint8Array => {
    const blocks = new Uint8Array(count * BLOCK);
    for (let i = 0; i < count; i++) blocks.set(concatBytes(Uint8Array.of(lengthBytes - 1), nonce, uintBytes(i, lengthBytes)), i * BLOCK);
    return ecb(key, { disablePadding: true }).encrypt(blocks);
  };

  const mac = (plaintext: Uint8Array, aad: Uint8Array): Uint8Array => {
    const flags = (aad.length ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | (lengthBytes - 1);
    const b0 = concatBytes(Uint8Array.of(flags), nonce, uintBytes(plaintext.length, lengthBytes));
    // AAD lengths below 2^16 - 2^8 take two bytes; TLS's 5-byte header always does.
    const header = aad.length ? padToBlock(concatBytes(aad.length < 0xff00 ? uintBytes(aad.length, 2) : concatBytes(Uint8Array.of(0xff, 0xfe), uintBytes(aad.length, 4)), aad)) : new Uint8Array(0);
    const chained = cbc(key, new Uint8Array(BLOCK), { disablePadding: true }).encrypt(concatBytes(b0, header, padToBlock(plaintext)));
    return chained.subarray(chained.length - BLOCK, chained.length - BLOCK + tagLength);
  };

  /** XORs the data with the keystream S_1.. and returns it with S_0 (for the tag). */
  const ctr = (data: Uint8Array): { output: Uint8Array; s0: Uint8Array } => {
    const stream = counterBlocks(1 + Math.ceil(data.length / BLOCK));
    const output = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) output[i] = data[i]! ^ stream[BLOCK + i]!;
    return { output, s0: stream.subarray(0, BLOCK) };
  };

  const maskTag = (tag: Uint8Array, s0: Uint8Array) => tag.map((byte, i) => byte ^ s0[i]!);

  return {
    encrypt(plaintext, aad) {
      const { output, s0 } = ctr(plaintext);
      return concatBytes(output, maskTag(mac(plaintext, aad), s0));
    },
    decrypt(sealed, aad) {
      if (sealed.length < tagLength) return null;
      const { output, s0 } = ctr(sealed.subarray(0, sealed.length - tagLength));
      const expected = maskTag(mac(output, aad), s0);
      const received = sealed.subarray(sealed.length - tagLength);
      let difference = 0;
      for (let i = 0; i < tagLength; i++) difference |= expected[i]! ^ received[i]!;
      return difference === 0 ? output : null;
    },
  };
}
