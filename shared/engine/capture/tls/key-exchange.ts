// Ephemeral key shares for TLS 1.3. node:crypto for the groups OpenSSL and BoringSSL both have
// (X25519, the NIST curves); @noble and BigInt for those BoringSSL lacks (X448, RFC 7919 FFDHE),
// so a check gives the same answer in the desktop app as on the command line.
import { createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { x448 } from '@noble/curves/ed448.js';
import { NamedGroup } from './constants.ts';
import { ffdheShare } from './ffdhe.ts';
import { ECDH_CURVES, KEY_TYPES } from './runtime-needs.ts';
import { concatBytes } from '../../../bytes.ts';

export interface KeyShare {
  group: number;
  /** Our public value as it goes in the key_share extension. */
  publicKey: Uint8Array;
  /** The shared secret with the server's public value; null when that value is invalid. */
  sharedSecret(peerPublicKey: Uint8Array): Uint8Array | null;
}

// SubjectPublicKeyInfo and PKCS#8 headers of raw X25519 keys, so Node can import raw values.
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_LENGTH = 32;
const X448_LENGTH = 56;

const NIST_CURVES: Record<number, string> = {
  [NamedGroup.secp256r1]: ECDH_CURVES.secp256r1,
  [NamedGroup.secp384r1]: ECDH_CURVES.secp384r1,
  [NamedGroup.secp521r1]: ECDH_CURVES.secp521r1,
};

/** Groups we can answer a HelloRetryRequest for, in our order of preference. */
export const KEY_SHARE_GROUPS: readonly number[] = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.secp521r1,
  NamedGroup.x448,
  NamedGroup.ffdhe2048,
  NamedGroup.ffdhe3072,
  NamedGroup.ffdhe4096,
];

/** The shares sent in the first ClientHello: the two groups nearly every server accepts. */
export const INITIAL_KEY_SHARE_GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1];

/**
 * A fresh key share for a group we support, or null. `fixedPrivateKey` (raw scalar or exponent) is
 * for tests that must reproduce a recorded handshake; real checks always use a new random key.
 */
export function createKeyShare(group: number, fixedPrivateKey?: Uint8Array): KeyShare | null {
  if (group === NamedGroup.x25519) return x25519Share(fixedPrivateKey);
  if (group === NamedGroup.x448) return x448Share(fixedPrivateKey);
  const nistCurve = NIST_CURVES[group];
  if (nistCurve) return nistShare(group, nistCurve, fixedPrivateKey);
  return ffdheShare(group, fixedPrivateKey);
}

function x25519Share(fixedPrivateKey?: Uint8Array): KeyShare {
  const privateKey = fixedPrivateKey
    ? createPrivateKey({ key: Buffer.from(concatBytes(X25519_PKCS8_PREFIX, fixedPrivateKey)), format: 'der', type: 'pkcs8' })
    : generateKeyPairSync(KEY_TYPES.x25519).privateKey;
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    group: NamedGroup.x25519,
    publicKey: new Uint8Array(spki.subarray(spki.length - X25519_LENGTH)),
    sharedSecret(peerPublicKey) {
      if (peerPublicKey.length !== X25519_LENGTH) return null;
      try {
        const peer: KeyObject = createPublicKey({ key: Buffer.from(concatBytes(X25519_SPKI_PREFIX, peerPublicKey)), format: 'der', type: 'spki' });
        return new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
      } catch {
        return null; // a low-order point or otherwise unusable value
      }
    },
  };
}

function x448Share(fixedPrivateKey?: Uint8Array): KeyShare {
  const secretKey = fixedPrivateKey ?? x448.utils.randomSecretKey();
  return {
    group: NamedGroup.x448,
    publicKey: x448.getPublicKey(secretKey),
    sharedSecret(peerPublicKey) {
      if (peerPublicKey.length !== X448_LENGTH) return null;
      try {
        const secret = x448.getSharedSecret(secretKey, peerPublicKey);
        // RFC 7748 6.2: an all-zero result means a low-order point.
        return secret.some((byte) => byte !== 0) ? secret : null;
      } catch {
        return null;
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
