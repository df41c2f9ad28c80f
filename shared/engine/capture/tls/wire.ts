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
/** Chunks shorter than this are copied into the stage; longer ones are queued as they arrived. */
const SMALL_CHUNK_BYTES = 256;
const STAGE_BYTES = 16384;

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the first chunk still queued (shifting the array each time would be quadratic). */
  private head = 0;
  /** Bytes of chunks[head] already taken. */
  private headOffset = 0;
  private total = 0;
  /**
   * Small chunks (a peer's 1-byte records) are gathered in one buffer, so the queue holds a few large
   * chunks rather than hundreds of thousands of tiny ones (whose objects alone cost more than the bytes).
   * Bytes stage[stageStart, stageEnd) are not yet in `chunks`.
   */
  private stage = new Uint8Array(0);
  private stageStart = 0;
  private stageEnd = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    if (chunk.length >= SMALL_CHUNK_BYTES) {
      this.flushStage();
      this.chunks.push(chunk);
      return;
    }
    if (this.stageEnd + chunk.length > this.stage.length) {
      this.flushStage();
      this.stage = new Uint8Array(STAGE_BYTES);
      this.stageStart = this.stageEnd = 0;
    }
    this.stage.set(chunk, this.stageEnd);
    this.stageEnd += chunk.length;
  }

  /** Moves the staged bytes into `chunks` (as a view: the rest of the stage stays in use). */
  private flushStage(): void {
    if (this.stageEnd === this.stageStart) return;
    this.chunks.push(this.stage.subarray(this.stageStart, this.stageEnd));
    this.stageStart = this.stageEnd;
  }

  /** The first `count` bytes (fewer if fewer are queued), without removing them. */
  peek(count: number): Uint8Array {
    const out = new Uint8Array(Math.min(count, this.total));
    this.peekInto(out);
    return out;
  }

  /** Copies the first bytes into `out` without removing them; returns how many were copied. */
  peekInto(out: Uint8Array): number {
    this.flushStage();
    const wanted = Math.min(out.length, this.total);
    let filled = 0;
    let offset = this.headOffset;
    for (let i = this.head; filled < wanted; i++) {
      const chunk = this.chunks[i]!;
      const part = chunk.subarray(offset, offset + (wanted - filled));
      out.set(part, filled);
      filled += part.length;
      offset = 0;
    }
    return filled;
  }

  /**
   * Removes the first `count` bytes and returns them as a view into the received chunk when they lie
   * within one (no copy: a flight of tiny records would otherwise cost an allocation each), else as a copy.
   */
  takeView(count: number): Uint8Array {
    this.flushStage();
    const chunk = this.chunks[this.head];
    if (chunk && chunk.length - this.headOffset > count) {
      const view = chunk.subarray(this.headOffset, this.headOffset + count);
      this.headOffset += count;
      this.total -= count;
      return view;
    }
    return this.take(count);
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
