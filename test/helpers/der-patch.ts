// Certificates openssl refuses to write (malformed validity times, empty serials, thousands of RDNs):
// take a real one, replace TBS fields with raw DER, and sign it again with the issuer's key, so the only
// fault is the one the test wants.
import { sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import { TestPki, type IssuedCert } from './pki.ts';

/** DER tag-length-value. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  const lengthBytes = length < 0x80 ? [length] : (() => {
    const bytes: number[] = [];
    for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    return [0x80 | bytes.length, ...bytes];
  })();
  return Buffer.concat([Buffer.from([tag, ...lengthBytes]), content]);
}

export const UTC_TIME = 0x17;
export const GENERALIZED_TIME = 0x18;

/** A Time element with exactly these characters (no checks: that is the point). */
export function time(tag: number, text: string): Buffer {
  return tlv(tag, Buffer.from(text, 'latin1'));
}

/** Index of the TBS fields after the optional [0] version. */
export const TBS_FIELD = { serial: 0, signature: 1, issuer: 2, validity: 3, subject: 4, spki: 5 } as const;

/**
 * `der` with TBS fields replaced (raw DER per field index of TBS_FIELD), signed again with
 * `issuerKeyPem` (sha256 with the issuer's RSA key: the signature algorithm stays valid).
 */
export function patchTbs(der: Uint8Array, replace: Partial<Record<keyof typeof TBS_FIELD, Uint8Array>>, issuerKeyPem: string): Buffer {
  const parsed = asn1js.fromBER(new Uint8Array(der), { maxNodes: 1_000_000 });
  const [tbs, algorithm] = (parsed.result as asn1js.Sequence).valueBlock.value as [asn1js.Sequence, asn1js.Sequence];
  const fields = tbs.valueBlock.value;
  const offset = fields[0]!.idBlock.tagClass === 3 ? 1 : 0;
  const raw = fields.map((field) => Buffer.from(field.valueBeforeDecodeView));
  for (const [name, bytes] of Object.entries(replace)) raw[offset + TBS_FIELD[name as keyof typeof TBS_FIELD]] = Buffer.from(bytes!);
  const newTbs = tlv(0x30, Buffer.concat(raw));
  const signature = sign('sha256', newTbs, issuerKeyPem);
  const bitString = tlv(0x03, Buffer.concat([Buffer.from([0]), signature]));
  return tlv(0x30, Buffer.concat([newTbs, Buffer.from(algorithm.valueBeforeDecodeView), bitString]));
}

/** A validity SEQUENCE of two raw Time elements. */
export function validity(notBefore: Uint8Array, notAfter: Uint8Array): Buffer {
  return tlv(0x30, Buffer.concat([notBefore, notAfter]));
}

export interface PatchableChain {
  pki: TestPki;
  root: IssuedCert;
  ca: IssuedCert;
  /** A leaf for `cn` (with that DNS SAN) issued by `ca`: patch it and sign again with ca.keyPem. */
  leaf: IssuedCert;
}

/** A root, an issuing CA and a leaf whose fields tests replace. */
export function patchableChain(prefix: string, cn: string): PatchableChain {
  const pki = new TestPki();
  const { root, ca } = pki.hierarchy(prefix);
  return { pki, root, ca, leaf: pki.issue({ cn, sans: [`DNS:${cn}`], issuer: ca }) };
}
