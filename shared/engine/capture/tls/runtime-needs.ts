// The one list of what the engine asks of the runtime's TLS/crypto library: OpenSSL under Node,
// BoringSSL under Electron. Everything here must work under both (test/boringssl.test.ts checks the
// list against the real BoringSSL); whatever one of them lacks is done with @noble instead and is
// named in NOBLE_INSTEAD, so nobody moves it back to node:crypto by accident.

/**
 * Cipher strings for Node's TLS context, tried in order; the first the library accepts is used.
 * OpenSSL needs @SECLEVEL=0 to offer the TLS 1.0 suites old Lync edges speak; BoringSSL refuses
 * any @-command and takes the plain 'ALL'.
 */
export const TLS_CIPHER_STRINGS = ['ALL:@SECLEVEL=0', 'ALL'] as const;

/** The lowest protocol Node's TLS context asks for; a library that refuses it gets its own default. */
export const TLS_MIN_VERSION = 'TLSv1' as const;

/** node:crypto cipher names (createDecipheriv): TLS 1.3 AES-GCM record protection. */
export const CIPHER_NAMES = {
  aes128Gcm: 'aes-128-gcm',
  aes256Gcm: 'aes-256-gcm',
} as const;

/** node:crypto ECDH curve names (createECDH) for the TLS 1.3 NIST groups. */
export const ECDH_CURVES = {
  secp256r1: 'prime256v1',
  secp384r1: 'secp384r1',
  secp521r1: 'secp521r1',
} as const;

/** Key types node:crypto must generate or import: X25519 key shares, certificate public keys. */
export const KEY_TYPES = {
  x25519: 'x25519',
  rsa: 'rsa',
  ec: 'ec',
  ed25519: 'ed25519',
} as const;

/** Digests for createHash/createHmac/verify: thumbprints, HKDF, OCSP ids, certificate signatures. */
export const DIGESTS = {
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
} as const;

export type DigestName = (typeof DIGESTS)[keyof typeof DIGESTS];

/**
 * What the engine does with @noble because BoringSSL lacks it (OpenSSL has it, so the probe test
 * asserts these stay absent from BoringSSL: if one appears, this list may shrink).
 */
export const NOBLE_INSTEAD = {
  cipherNames: ['aes-128-ccm', 'chacha20-poly1305'],
  curveNames: ['X448', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096'],
  keyTypes: ['x448', 'ed448'],
} as const;
