// TLS 1.3 finite-field Diffie-Hellman key shares (RFC 7919 groups, RFC 8446 4.2.8.1), on BigInt:
// Electron's BoringSSL has no FFDHE, and a few hardened servers accept nothing else.
import { randomBytes } from 'node:crypto';
import { bigIntToBytes, bytesToBigInt, modPow } from './bigint.ts';
import { NamedGroup } from './constants.ts';
import type { KeyShare } from './key-exchange.ts';

/** RFC 7919 appendix A primes (generator 2), as OpenSSL prints them. */
const PRIME_HEX: Record<'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096', string[]> = {
  ffdhe2048: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b423861285c97ffffffffffffffff',
  ],
  ffdhe3072: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c',
    'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d',
    'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b66c62e37ffffffffffffffff',
  ],
  ffdhe4096: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c',
    'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d',
    'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb',
    '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832',
    'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf',
    '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e655f6affffffffffffffff',
  ],
};

/** RFC 7919 5.2: a short private exponent of at least this many bits keeps each group's strength. */
const EXPONENT_BITS = { ffdhe2048: 225, ffdhe3072: 275, ffdhe4096: 325 } as const;

interface FfdheGroup {
  prime: bigint;
  /** Bytes of the prime: public values and the shared secret are left-padded to it. */
  length: number;
  exponentBits: number;
}

const GROUPS = new Map<number, FfdheGroup>(
  (Object.keys(PRIME_HEX) as (keyof typeof PRIME_HEX)[]).map((name) => {
    const hex = PRIME_HEX[name].join('');
    return [NamedGroup[name], { prime: BigInt(`0x${hex}`), length: hex.length / 2, exponentBits: EXPONENT_BITS[name] }];
  }),
);

export const FFDHE_GROUPS: readonly number[] = [...GROUPS.keys()];

function randomExponent(bits: number): bigint {
  const bytes = randomBytes(Math.ceil(bits / 8));
  const exponent = bytesToBigInt(bytes) & ((1n << BigInt(bits)) - 1n);
  return exponent | (1n << BigInt(bits - 1)); // full length, never 0 or 1
}

/** A share for an RFC 7919 group, or null for any other group. `fixedPrivateKey` (the exponent) is for tests. */
export function ffdheShare(group: number, fixedPrivateKey?: Uint8Array): KeyShare | null {
  const params = GROUPS.get(group);
  if (!params) return null;
  const { prime, length } = params;
  const exponent = fixedPrivateKey ? bytesToBigInt(fixedPrivateKey) : randomExponent(params.exponentBits);
  return {
    group,
    publicKey: bigIntToBytes(modPow(2n, exponent, prime), length),
    sharedSecret(peerPublicKey) {
      if (peerPublicKey.length !== length) return null;
      const peer = bytesToBigInt(peerPublicKey);
      // RFC 7919 5.1: 1 < y < p-1 rules out the values that would give away the secret.
      if (peer <= 1n || peer >= prime - 1n) return null;
      return bigIntToBytes(modPow(peer, exponent, prime), length);
    },
  };
}
