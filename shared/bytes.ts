// The one byte toolkit: hex, equality, joining, base64 and PEM. Browser-safe (no Buffer, no pkijs,
// no node:*), so the renderer imports it as well as the engine, the hosts and the scripts.

/** A Uint8Array view of any binary input, without copying. */
export function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

const HEX_DIGITS = '0123456789abcdef';

/** Lower-case hex without separators. */
export function hex(data: ArrayBuffer | ArrayBufferView): string {
  let out = '';
  for (const byte of toBytes(data)) out += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  return out;
}

export function bytesEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// atob/btoa exist in Node 20 and in browsers; whitespace inside base64 (PEM lines) is ignored.
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000; // String.fromCharCode takes a bounded number of arguments
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** PEM text, 64 characters a line. `der` may be bytes or the base64 of them (as results carry it). */
export function toPem(der: Uint8Array | string, label = 'CERTIFICATE'): string {
  const base64 = typeof der === 'string' ? der.replace(/\s+/g, '') : bytesToBase64(der);
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER of every PEM block with the given label, in order; none when the text holds none. */
export function pemBlocks(text: string, label = 'CERTIFICATE'): Uint8Array[] {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const blocks = text.matchAll(new RegExp(`-----BEGIN ${escaped}-----([\\s\\S]*?)-----END ${escaped}-----`, 'g'));
  return Array.from(blocks, (match) => base64ToBytes(match[1]!));
}
