// Ephemeral (EC)DH key shares for TLS 1.3, on node:crypto.
import { createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { concatBytes } from './bytes.ts';
import { NamedGroup } from './constants.ts';

export interface KeyShare {
  group: number;
  /** Our public value as it goes in the key_share extension. */
  publicKey: Uint8Array;
  /** The shared secret with the server's public value; null when that value is invalid. */
  sharedSecret(peerPublicKey: Uint8Array): Uint8Array | null;
}

// SubjectPublicKeyInfo headers of raw X25519/X448 keys, so Node can import the server's raw value.
// (and the PKCS#8 headers for a given private key, used by tests that replay a recorded handshake).
const MONTGOMERY_CURVES: Record<number, { type: 'x25519' | 'x448'; spkiPrefix: Uint8Array; pkcs8Prefix: Uint8Array; length: number }> = {
  [NamedGroup.x25519]: {
    type: 'x25519',
    spkiPrefix: Buffer.from('302a300506032b656e032100', 'hex'),
    pkcs8Prefix: Buffer.from('302e020100300506032b656e04220420', 'hex'),
    length: 32,
  },
  [NamedGroup.x448]: {
    type: 'x448',
    spkiPrefix: Buffer.from('3042300506032b656f033900', 'hex'),
    pkcs8Prefix: Buffer.from('3046020100300506032b656f043a0438', 'hex'),
    length: 56,
  },
};

const NIST_CURVES: Record<number, string> = {
  [NamedGroup.secp256r1]: 'prime256v1',
  [NamedGroup.secp384r1]: 'secp384r1',
  [NamedGroup.secp521r1]: 'secp521r1',
};

/** Groups we can answer a HelloRetryRequest for, in our order of preference. */
export const KEY_SHARE_GROUPS: readonly number[] = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.secp521r1,
  NamedGroup.x448,
];

/** The shares sent in the first ClientHello: the two groups nearly every server accepts. */
export const INITIAL_KEY_SHARE_GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1];

/**
 * A fresh key share for a group we support, or null. `fixedPrivateKey` (raw scalar) is for tests
 * that must reproduce a recorded handshake; real checks always use a new random key.
 */
export function createKeyShare(group: number, fixedPrivateKey?: Uint8Array): KeyShare | null {
  const montgomery = MONTGOMERY_CURVES[group];
  if (montgomery) return montgomeryShare(group, montgomery, fixedPrivateKey);
  const nistCurve = NIST_CURVES[group];
  if (nistCurve) return nistShare(group, nistCurve, fixedPrivateKey);
  return null;
}

function montgomeryShare(group: number, curve: (typeof MONTGOMERY_CURVES)[number], fixedPrivateKey?: Uint8Array): KeyShare {
  const privateKey = fixedPrivateKey
    ? createPrivateKey({ key: Buffer.from(concatBytes(curve.pkcs8Prefix, fixedPrivateKey)), format: 'der', type: 'pkcs8' })
    : generateKeyPairSync(curve.type as 'x25519').privateKey;
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    group,
    publicKey: new Uint8Array(spki.subarray(spki.length - curve.length)),
    sharedSecret(peerPublicKey) {
      if (peerPublicKey.length !== curve.length) return null;
      try {
        const peer: KeyObject = createPublicKey({ key: Buffer.from(concatBytes(curve.spkiPrefix, peerPublicKey)), format: 'der', type: 'spki' });
        return new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
      } catch {
        return null; // a low-order point or otherwise unusable value
      }
    },
  };
}

function nistShare(group: number, curveName: string, fixedPrivateKey?: Uint8Array): KeyShare {
  const ecdh = createECDH(curveName);
  if (fixedPrivateKey) ecdh.setPrivateKey(fixedPrivateKey);
  else ecdh.generateKeys();
  const publicKey = new Uint8Array(ecdh.getPublicKey());
  return {
    group,
    publicKey,
    sharedSecret(peerPublicKey) {
      // TLS 1.3 allows only the uncompressed point form (RFC 8446 4.2.8.2).
      if (peerPublicKey.length !== publicKey.length || peerPublicKey[0] !== 0x04) return null;
      try {
        return new Uint8Array(ecdh.computeSecret(peerPublicKey));
      } catch {
        return null; // not a point on the curve
      }
    },
  };
}
