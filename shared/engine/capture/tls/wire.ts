import { concatBytes } from '../../../bytes.ts';
// Byte helpers for TLS structures. The reader never throws: reading past the end marks it as
// failed and returns zeros/empty arrays, so parsers read naturally and check `ok` once at the end.

export class ByteReader {
  private offset = 0;
  private failed = false;

  constructor(private readonly bytes: Uint8Array) {}

  /** False once any read went past the end of the data. */
  get ok(): boolean {
    return !this.failed;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** True when every byte was consumed and no read failed. */
  get done(): boolean {
    return !this.failed && this.offset === this.bytes.length;
  }

  u8(): number {
    return this.uint(1);
  }

  u16(): number {
    return this.uint(2);
  }

  u24(): number {
    return this.uint(3);
  }

  bytesOf(length: number): Uint8Array {
    if (this.failed || length < 0 || length > this.remaining) {
      this.failed = true;
      return new Uint8Array(0);
    }
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** A TLS vector: a length prefix of `lengthBytes` bytes, then that many bytes. */
  vector(lengthBytes: 1 | 2 | 3): Uint8Array {
    const length = this.uint(lengthBytes);
    return this.failed ? new Uint8Array(0) : this.bytesOf(length);
  }

  /** A reader over a length-prefixed vector; it fails this reader too when the vector is cut short. */
  subReader(lengthBytes: 1 | 2 | 3): ByteReader {
    return new ByteReader(this.vector(lengthBytes));
  }

  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }

  private uint(size: number): number {
    if (this.failed || size > this.remaining) {
      this.failed = true;
      return 0;
    }
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.bytes[this.offset + i]!;
    this.offset += size;
    return value;
  }
}

/** A plain Uint8Array copy (Buffer#slice would share memory, and results should not be Buffers). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export function uintBytes(value: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = value & 0xff;
    value = Math.floor(value / 256);
  }
  return out;
}

export const u8 = (value: number): Uint8Array => uintBytes(value, 1);
export const u16 = (value: number): Uint8Array => uintBytes(value, 2);
export const u24 = (value: number): Uint8Array => uintBytes(value, 3);

/** Length-prefixed vector. */
export function vector(lengthBytes: 1 | 2 | 3, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(...parts);
  return concatBytes(uintBytes(body.length, lengthBytes), body);
}

/**
 * A FIFO of received bytes that copies each byte a bounded number of times, however the peer splits
 * them: chunks are kept as they arrived and joined only when a complete unit (record, message) is taken.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the first chunk still queued (shifting the array each time would be quadratic). */
  private head = 0;
  /** Bytes of chunks[head] already taken. */
  private headOffset = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The first `count` bytes (fewer if fewer are queued), without removing them. */
  peek(count: number): Uint8Array {
    const wanted = Math.min(count, this.total);
    const out = new Uint8Array(wanted);
    let filled = 0;
    let offset = this.headOffset;
    for (let i = this.head; filled < wanted; i++) {
      const chunk = this.chunks[i]!;
      const part = chunk.subarray(offset, offset + (wanted - filled));
      out.set(part, filled);
      filled += part.length;
      offset = 0;
    }
    return out;
  }

  /** Removes and returns the first `count` bytes (a fresh copy); `count` must not exceed `length`. */
  take(count: number): Uint8Array {
    const out = this.peek(count);
    let remaining = out.length;
    this.total -= remaining;
    while (remaining > 0) {
      const available = this.chunks[this.head]!.length - this.headOffset;
      if (remaining < available) {
        this.headOffset += remaining;
        break;
      }
      remaining -= available;
      this.head++;
      this.headOffset = 0;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
