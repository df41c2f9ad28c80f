// Certificate Transparency SCT list (RFC 6962 section 3.3): a TLS-encoded list inside the extension's
// OCTET STRING. Windows shows it as a hex dump; we summarise each timestamp, which says more.
import { spacedHex } from './der.ts';

const HASH_NAMES: Readonly<Record<number, string>> = { 1: 'md5', 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
const SIGNATURE_NAMES: Readonly<Record<number, string>> = { 1: 'RSA', 2: 'DSA', 3: 'ECDSA' };

class Reader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  take(length: number): Uint8Array {
    if (length > this.remaining) throw new Error('SCT list is truncated');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  uint(length: number): number {
    return this.take(length).reduce((n, byte) => n * 256 + byte, 0);
  }
}

/** "[1]Signed Certificate Timestamp:\n     Version=V1\n     Log ID=..." for each SCT. */
export function formatSctList(list: Uint8Array): string {
  const outer = new Reader(list);
  const entries = new Reader(outer.take(outer.uint(2)));
  const lines: string[] = [];
  let index = 0;
  while (entries.remaining > 0) {
    const sct = new Reader(entries.take(entries.uint(2)));
    const version = sct.uint(1);
    lines.push(`[${++index}]Signed Certificate Timestamp:`);
    if (version !== 0) {
      lines.push(`     Version=${version + 1}`);
      continue;
    }
    const logId = sct.take(32);
    const timestamp = sct.uint(8);
    sct.take(sct.uint(2)); // extensions
    const hash = sct.uint(1);
    const signature = sct.uint(1);
    const time = new Date(timestamp);
    lines.push(
      '     Version=V1',
      `     Log ID=${spacedHex(logId)}`,
      `     Timestamp=${Number.isNaN(time.getTime()) ? String(timestamp) : time.toISOString()}`,
      `     Signature Algorithm=${HASH_NAMES[hash] ?? hash}${SIGNATURE_NAMES[signature] ?? signature}`,
    );
  }
  return lines.join('\n');
}
