// Just enough of the TLS 1.3 key schedule (RFC 8446 section 7) to read the server's encrypted
// first flight: the server handshake traffic secret and record decryption. AES-GCM and the HMACs
// use node:crypto (OpenSSL and BoringSSL both have them); ChaCha20-Poly1305 and AES-CCM use @noble
// and aes-ccm.ts, since BoringSSL offers neither through node:crypto.
import { createDecipheriv, createHash, createHmac } from 'node:crypto';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { aesCcm } from './aes-ccm.ts';
import { u16, u8, vector } from './wire.ts';
import { CIPHER_NAMES } from './runtime-needs.ts';
import { concatBytes } from '../../../bytes.ts';

export interface Tls13Suite {
  id: number;
  hash: 'sha256' | 'sha384';
  hashLength: number;
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  keyLength: number;
  tagLength: number;
}

export const TLS13_SUITE_PARAMETERS: Record<number, Tls13Suite> = {
  0x1301: { id: 0x1301, hash: 'sha256', hashLength: 32, cipher: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
  0x1302: { id: 0x1302, hash: 'sha384', hashLength: 48, cipher: 'aes-256-gcm', keyLength: 32, tagLength: 16 },
  0x1303: { id: 0x1303, hash: 'sha256', hashLength: 32, cipher: 'chacha20-poly1305', keyLength: 32, tagLength: 16 },
  0x1304: { id: 0x1304, hash: 'sha256', hashLength: 32, cipher: 'aes-128-ccm', keyLength: 16, tagLength: 16 },
  0x1305: { id: 0x1305, hash: 'sha256', hashLength: 32, cipher: 'aes-128-ccm', keyLength: 16, tagLength: 8 },
};

const IV_LENGTH = 12;

export function transcriptHash(suite: Tls13Suite, ...messages: Uint8Array[]): Uint8Array {
  const hash = createHash(suite.hash);
  for (const message of messages) hash.update(message);
  return new Uint8Array(hash.digest());
}

function hmac(suite: Tls13Suite, key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(suite.hash, key).update(data).digest());
}

export function hkdfExtract(suite: Tls13Suite, salt: Uint8Array, inputKeyMaterial: Uint8Array): Uint8Array {
  return hmac(suite, salt, inputKeyMaterial);
}

export function hkdfExpand(suite: Tls13Suite, pseudoRandomKey: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let counter = 1, produced = 0; produced < length; counter++) {
    previous = hmac(suite, pseudoRandomKey, concatBytes(previous, info, u8(counter)));
    blocks.push(previous);
    produced += previous.length;
  }
  return concatBytes(...blocks).subarray(0, length);
}

export function hkdfExpandLabel(suite: Tls13Suite, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const info = concatBytes(u16(length), vector(1, Buffer.from(`tls13 ${label}`, 'ascii')), vector(1, context));
  return hkdfExpand(suite, secret, info, length);
}

/**
 * server_handshake_traffic_secret from the (EC)DHE shared secret and the transcript hash of
 * ClientHello..ServerHello. No PSK is offered, so the early secret uses zero keys.
 */
export function serverHandshakeTrafficSecret(suite: Tls13Suite, sharedSecret: Uint8Array, helloTranscriptHash: Uint8Array): Uint8Array {
  const zeros = new Uint8Array(suite.hashLength);
  const earlySecret = hkdfExtract(suite, zeros, zeros);
  const derived = hkdfExpandLabel(suite, earlySecret, 'derived', transcriptHash(suite), suite.hashLength);
  const handshakeSecret = hkdfExtract(suite, derived, sharedSecret);
  return hkdfExpandLabel(suite, handshakeSecret, 's hs traffic', helloTranscriptHash, suite.hashLength);
}

export interface InnerPlaintext {
  contentType: number;
  content: Uint8Array;
}

/** Decrypts the server's protected records in order (the sequence number counts records). */
export class RecordDecrypter {
  private readonly key: Uint8Array;
  private readonly iv: Uint8Array;
  private sequence = 0n;

  constructor(
    private readonly suite: Tls13Suite,
    trafficSecret: Uint8Array,
  ) {
    this.key = hkdfExpandLabel(suite, trafficSecret, 'key', new Uint8Array(0), suite.keyLength);
    this.iv = hkdfExpandLabel(suite, trafficSecret, 'iv', new Uint8Array(0), IV_LENGTH);
  }

  /** The inner plaintext of one TLSCiphertext, or null when it does not authenticate. */
  decrypt(header: Uint8Array, encrypted: Uint8Array): InnerPlaintext | null {
    const { cipher, tagLength } = this.suite;
    if (encrypted.length < tagLength) return null;
    const nonce = this.nextNonce();
    const plaintext = openRecord(cipher, this.key, nonce, header, encrypted, tagLength);
    if (!plaintext) return null;
    return splitInnerPlaintext(plaintext);
  }

  private nextNonce(): Uint8Array {
    const nonce = this.iv.slice();
    let sequence = this.sequence++;
    for (let i = IV_LENGTH - 1; i >= IV_LENGTH - 8; i--) {
      nonce[i]! ^= Number(sequence & 0xffn);
      sequence >>= 8n;
    }
    return nonce;
  }
}

/** Authenticated decryption of one record (ciphertext then tag); null when it does not authenticate. */
function openRecord(cipher: Tls13Suite['cipher'], key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, tagLength: number): Uint8Array | null {
  try {
    if (cipher === 'aes-128-ccm') return aesCcm(key, nonce, tagLength).decrypt(sealed, aad);
    if (cipher === 'chacha20-poly1305') return chacha20poly1305(key, nonce, aad).decrypt(sealed);
    const decipher = createDecipheriv(CIPHER_NAMES[cipher === 'aes-128-gcm' ? 'aes128Gcm' : 'aes256Gcm'], key, nonce, { authTagLength: tagLength });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - tagLength));
    return concatBytes(decipher.update(sealed.subarray(0, sealed.length - tagLength)), decipher.final());
  } catch {
    return null;
  }
}

/** TLSInnerPlaintext: content, then the real content type, then zero padding. */
function splitInnerPlaintext(plaintext: Uint8Array): InnerPlaintext {
  let end = plaintext.length - 1;
  while (end >= 0 && plaintext[end] === 0) end--;
  // All padding and no content type: reported as type 0, which no caller accepts.
  if (end < 0) return { contentType: 0, content: new Uint8Array(0) };
  return { contentType: plaintext[end]!, content: plaintext.subarray(0, end) };
}
