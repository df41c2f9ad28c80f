// The raw client's own crypto (the pieces BoringSSL lacks, done with @noble and BigInt), checked
// against published vectors and against Node's OpenSSL as an oracle.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDiffieHellman, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import { aesCcm } from '../shared/engine/capture/tls/aes-ccm.ts';
import { u16 } from '../shared/engine/capture/tls/wire.ts';
import { NamedGroup } from '../shared/engine/capture/tls/constants.ts';
import { FFDHE_GROUPS } from '../shared/engine/capture/tls/ffdhe.ts';
import { createKeyShare, INITIAL_KEY_SHARE_GROUPS, KEY_SHARE_GROUPS } from '../shared/engine/capture/tls/key-exchange.ts';
import { RecordDecrypter, TLS13_SUITE_PARAMETERS, hkdfExpandLabel, type Tls13Suite } from '../shared/engine/capture/tls/key-schedule.ts';
import { concatBytes, hex } from '../shared/bytes.ts';

const fromHex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** Node's OpenSSL CCM, as the oracle. */
function opensslCcm(key: Uint8Array, nonce: Uint8Array, tagLength: number, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: tagLength });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  return concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
}

describe('AES-CCM (RFC 3610)', () => {
  it('matches RFC 3610 packet vector #1', () => {
    const key = fromHex('c0c1c2c3c4c5c6c7c8c9cacbcccdcecf');
    const nonce = fromHex('00000003020100a0a1a2a3a4a5');
    const packet = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e');
    const expected = fromHex('588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0');
    const ccm = aesCcm(key, nonce, 8);
    assert.equal(hex(ccm.encrypt(packet.subarray(8), packet.subarray(0, 8))), hex(expected));
    assert.equal(hex(ccm.decrypt(expected, packet.subarray(0, 8))!), hex(packet.subarray(8)));
  });

  it('agrees with OpenSSL for TLS-shaped records (12-byte nonce, 5-byte header, 8- and 16-byte tags)', () => {
    for (let length = 1; length < 120; length += 7) {
      for (const tagLength of [8, 16]) {
        const key = randomBytes(16);
        const nonce = randomBytes(12);
        const header = concatBytes(Uint8Array.of(23, 3, 3), u16(length + tagLength));
        const plaintext = randomBytes(length);
        const sealed = opensslCcm(key, nonce, tagLength, plaintext, header);
        assert.equal(hex(aesCcm(key, nonce, tagLength).encrypt(plaintext, header)), hex(sealed));
        assert.equal(hex(aesCcm(key, nonce, tagLength).decrypt(sealed, header)!), hex(plaintext));
        const forged = sealed.slice();
        forged[0]! ^= 1;
        assert.equal(aesCcm(key, nonce, tagLength).decrypt(forged, header), null);
      }
    }
  });
});

describe('TLS 1.3 record decryption for every suite', () => {
  /** Seals one record as a server would, with OpenSSL, and checks the decrypter opens it. */
  function sealWithOpenssl(suite: Tls13Suite, key: Uint8Array, nonce: Uint8Array, header: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (suite.cipher === 'aes-128-ccm') return opensslCcm(key, nonce, suite.tagLength, plaintext, header);
    const cipher = createCipheriv(suite.cipher as 'aes-128-gcm', key, nonce, { authTagLength: suite.tagLength });
    cipher.setAAD(header);
    return concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
  }

  for (const suite of Object.values(TLS13_SUITE_PARAMETERS)) {
    it(`opens records sealed by OpenSSL with ${suite.cipher} (0x${suite.id.toString(16)}), in sequence`, () => {
      const secret = randomBytes(suite.hashLength);
      const key = hkdfExpandLabel(suite, secret, 'key', new Uint8Array(0), suite.keyLength);
      const iv = hkdfExpandLabel(suite, secret, 'iv', new Uint8Array(0), 12);
      const decrypter = new RecordDecrypter(suite, secret);
      for (let sequence = 0; sequence < 3; sequence++) {
        const nonce = iv.slice();
        nonce[11]! ^= sequence;
        const inner = concatBytes(randomBytes(40 + sequence), Uint8Array.of(22), new Uint8Array(sequence));
        const header = concatBytes(Uint8Array.of(23, 3, 3), u16(inner.length + suite.tagLength));
        const record = decrypter.decrypt(header, sealWithOpenssl(suite, key, nonce, header, inner));
        assert.ok(record, `record ${sequence}`);
        assert.equal(record.contentType, 22);
        assert.equal(hex(record.content), hex(inner.subarray(0, 40 + sequence)));
      }
    });
  }
});

describe('key shares', () => {
  it('X448 (noble) agrees with OpenSSL', () => {
    const share = createKeyShare(NamedGroup.x448)!;
    const server = generateKeyPairSync('x448');
    const serverRaw = new Uint8Array(server.publicKey.export({ format: 'der', type: 'spki' }).subarray(-56));
    const ours = createPublicKey({ key: Buffer.concat([Buffer.from('3042300506032b656f033900', 'hex'), share.publicKey]), format: 'der', type: 'spki' });
    assert.equal(hex(share.sharedSecret(serverRaw)!), hex(diffieHellman({ privateKey: server.privateKey, publicKey: ours })));
    assert.equal(share.sharedSecret(new Uint8Array(56)), null, 'the zero point is refused');
    assert.equal(share.sharedSecret(serverRaw.subarray(1)), null);
  });

  it('X448 with a fixed scalar gives the key OpenSSL derives from it', () => {
    const scalar = new Uint8Array(56).fill(0x41);
    const openssl = createPrivateKey({ key: Buffer.concat([Buffer.from('3046020100300506032b656f043a0438', 'hex'), scalar]), format: 'der', type: 'pkcs8' });
    assert.equal(hex(createKeyShare(NamedGroup.x448, scalar)!.publicKey), hex(createPublicKey(openssl).export({ format: 'der', type: 'spki' }).subarray(-56)));
  });

  const FFDHE_NAMES: Record<number, string> = { [NamedGroup.ffdhe2048]: 'ffdhe2048', [NamedGroup.ffdhe3072]: 'ffdhe3072', [NamedGroup.ffdhe4096]: 'ffdhe4096' };

  for (const group of FFDHE_GROUPS) {
    it(`${FFDHE_NAMES[group]} agrees with OpenSSL's DH on the group's prime, padded to the prime length`, () => {
      const share = createKeyShare(group)!;
      const prime = opensslFfdhePrime(FFDHE_NAMES[group]!);
      assert.equal(share.publicKey.length, prime.length);
      const server = createDiffieHellman(Buffer.from(prime), 2);
      const serverPublic = leftPad(server.generateKeys(), prime.length);
      const expected = leftPad(server.computeSecret(Buffer.from(share.publicKey)), prime.length);
      assert.equal(hex(share.sharedSecret(serverPublic)!), hex(expected));
    });
  }

  it('ffdhe refuses 0, 1, p-1, p and wrong lengths (RFC 7919 5.1)', () => {
    const share = createKeyShare(NamedGroup.ffdhe2048)!;
    const prime = BigInt(`0x${hex(opensslFfdhePrime('ffdhe2048'))}`);
    const value = (n: bigint) => fromHex(n.toString(16).padStart(512, '0'));
    for (const bad of [value(0n), value(1n), value(prime - 1n), value(prime), new Uint8Array(255).fill(5)]) assert.equal(share.sharedSecret(bad), null);
    assert.ok(share.sharedSecret(value(prime - 2n)));
  });

  it('every retry group has a share, and the first ClientHello still offers only X25519 and P-256', () => {
    for (const group of KEY_SHARE_GROUPS) assert.ok(createKeyShare(group), `group ${group}`);
    assert.deepEqual(INITIAL_KEY_SHARE_GROUPS, [NamedGroup.x25519, NamedGroup.secp256r1]);
  });
});

function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  return concatBytes(new Uint8Array(length - bytes.length), bytes);
}

/** The RFC 7919 prime as the openssl CLI knows it (DHParameter: SEQUENCE { INTEGER p, INTEGER g }). */
function opensslFfdhePrime(name: string): Uint8Array {
  const pem = execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:${name}`], { encoding: 'utf8', timeout: 10_000 });
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  let offset = 0;
  const readLength = () => {
    const first = der[offset++]!;
    if (first < 0x80) return first;
    let length = 0;
    for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + der[offset++]!;
    return length;
  };
  offset++; // SEQUENCE
  readLength();
  offset++; // INTEGER
  const length = readLength();
  const prime = der.subarray(offset, offset + length);
  return new Uint8Array(prime[0] === 0 ? prime.subarray(1) : prime);
}
