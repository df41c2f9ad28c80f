// The TLS record layer and handshake message framing, read from untrusted bytes.
// Nothing here throws: malformed input comes back as a fault value.
import { ByteQueue, ByteReader } from './wire.ts';
import { alertName, ContentType } from './constants.ts';

/** Why bytes could not be read as TLS. `detail` is a phrase that completes "... sent ...". */
export interface TlsFault {
  code: 'NOT_TLS' | 'PROTOCOL_ERROR' | 'SSL2';
  detail: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; fault: TlsFault };

export const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const malformed = (detail: string): { ok: false; fault: TlsFault } => ({ ok: false, fault: { code: 'PROTOCOL_ERROR', detail } });

export interface TlsRecord {
  type: number;
  version: number;
  /** The 5-byte record header (the additional data of TLS 1.3 record protection). */
  header: Uint8Array;
  fragment: Uint8Array;
}

export interface Alert {
  level: number;
  description: number;
  name: string;
}

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** Header and body, as they enter the handshake transcript. */
  raw: Uint8Array;
}

const RECORD_HEADER_LENGTH = 5;
/** Bytes of the first answer looked at to name a non-TLS peer (an HTTP status line, an SSH banner). */
const SNIFF_LENGTH = 200;
const SSL2_SERVER_HELLO = 4;
/** 2^14 plaintext + 2048 expansion: the largest record any TLS version allows (RFC 5246 6.2.3). */
export const MAX_RECORD_LENGTH = 16384 + 2048;
/** Certificate chains are a few kilobytes; anything this large is hostile or not TLS. */
export const MAX_HANDSHAKE_MESSAGE_LENGTH = 1 << 20;

const KNOWN_CONTENT_TYPES: ReadonlySet<number> = new Set(Object.values(ContentType));

/** Splits a byte stream into TLS records. The first record is checked strictly to detect a peer that does not speak TLS. */
export class RecordStream {
  private readonly queue = new ByteQueue();

  /** `expectSsl2`: an SSL 2.0-format hello was sent, so an SSL 2.0 SERVER-HELLO is a possible answer. */
  constructor(private readonly expectSsl2 = false) {}

  private recordsRead = 0;
  /** Reused for every record header after the first: one allocation per record less. */
  private readonly headerScratch = new Uint8Array(RECORD_HEADER_LENGTH);
  private fault: TlsFault | null = null;

  push(chunk: Uint8Array): void {
    if (this.fault || chunk.length === 0) return;
    this.queue.push(chunk);
  }

  /** Bytes received but not yet returned as a record. */
  get pendingBytes(): number {
    return this.queue.length;
  }

  /** The next complete record, null when more bytes are needed, or a fault (which is then sticky). */
  next(): Parsed<TlsRecord> | null {
    if (this.fault) return { ok: false, fault: this.fault };
    // Only the header is looked at until the whole record is in: no copying per arriving chunk.
    const header = this.recordsRead === 0 ? this.queue.peek(SNIFF_LENGTH) : this.headerScratch.subarray(0, this.queue.peekInto(this.headerScratch));
    const headerFault = this.checkHeader(header);
    if (headerFault) {
      this.fault = headerFault;
      return { ok: false, fault: headerFault };
    }
    if (header.length < RECORD_HEADER_LENGTH) return null;
    const length = header[3]! * 256 + header[4]!;
    if (this.queue.length < RECORD_HEADER_LENGTH + length) return null;
    const record = this.queue.takeView(RECORD_HEADER_LENGTH + length);
    this.recordsRead++;
    return parsed({ type: record[0]!, version: record[1]! * 256 + record[2]!, header: record.subarray(0, RECORD_HEADER_LENGTH), fragment: record.subarray(RECORD_HEADER_LENGTH) });
  }

  /** Checks as many header bytes as have arrived, so a non-TLS answer is recognised from its first byte. */
  private checkHeader(bytes: Uint8Array): TlsFault | null {
    const first = this.recordsRead === 0;
    if (first && this.expectSsl2 && bytes.length >= 1 && bytes[0]! & 0x80) {
      // An SSL 2.0 record: two-byte header with the high bit set, then SERVER-HELLO (4), session-id-hit,
      // certificate type, and the server version 0x0002.
      if (bytes.length < 7) return null;
      return bytes[2] === SSL2_SERVER_HELLO && bytes[5] === 0 && bytes[6] === 2 ? { code: 'SSL2', detail: 'an SSL 2.0 SERVER-HELLO' } : notTlsFault(bytes);
    }
    if (bytes.length >= 1 && !KNOWN_CONTENT_TYPES.has(bytes[0]!)) {
      return first ? notTlsFault(bytes) : { code: 'PROTOCOL_ERROR', detail: `a record of unknown type ${bytes[0]}` };
    }
    // Every SSL 3.0/TLS record version starts with major version 3.
    if (bytes.length >= 2 && bytes[1] !== 3) {
      return first ? notTlsFault(bytes) : { code: 'PROTOCOL_ERROR', detail: 'a record with an invalid version' };
    }
    if (first && bytes.length >= 3 && bytes[2]! > 4) return notTlsFault(bytes);
    if (bytes.length >= RECORD_HEADER_LENGTH) {
      const length = bytes[3]! * 256 + bytes[4]!;
      if (length > MAX_RECORD_LENGTH) {
        return first ? notTlsFault(bytes) : { code: 'PROTOCOL_ERROR', detail: `a record of ${length} bytes, longer than TLS allows` };
      }
    }
    return null;
  }
}

function notTlsFault(bytes: Uint8Array): TlsFault {
  return { code: 'NOT_TLS', detail: describeNonTls(bytes) };
}

/** Reassembles handshake messages: one message may span records, one record may hold several messages. */
export class HandshakeAssembler {
  private readonly queue = new ByteQueue();
  /** Header plus body length of the message being assembled, once its header is in (read once, not per fragment). */
  private expected: number | null = null;

  push(fragment: Uint8Array): void {
    this.queue.push(fragment);
  }

  /** True when part of a message is waiting for its next fragment. */
  get hasPartial(): boolean {
    return this.queue.length > 0;
  }

  /** Linear in the bytes received: a message is joined once, when its last fragment has arrived. */
  next(): Parsed<HandshakeMessage> | null {
    if (this.expected === null) {
      if (this.queue.length < 4) return null;
      const header = this.queue.peek(4);
      const length = header[1]! * 65536 + header[2]! * 256 + header[3]!;
      if (length > MAX_HANDSHAKE_MESSAGE_LENGTH) {
        return malformed(`a handshake message of ${length} bytes, far larger than any real server sends`);
      }
      this.expected = 4 + length;
    }
    if (this.queue.length < this.expected) return null;
    const raw = this.queue.take(this.expected);
    this.expected = null;
    return parsed({ type: raw[0]!, body: raw.subarray(4), raw });
  }
}

export function parseAlert(fragment: Uint8Array): Parsed<Alert> {
  const reader = new ByteReader(fragment);
  const level = reader.u8();
  const description = reader.u8();
  // A record may carry more than one alert; the first one is what ended the handshake.
  if (!reader.ok) return malformed('a truncated alert');
  return parsed({ level, description, name: alertName(description) });
}

/** Names what a non-TLS answer looks like, for the admin: "plain HTTP ("HTTP/1.1 400 Bad Request")". */
export function describeNonTls(bytes: Uint8Array): string {
  const text = printablePrefix(bytes);
  const quoted = text ? ` ("${text}")` : ` (bytes ${Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')})`;
  if (/^HTTP\/\d/.test(text)) return `a plain HTTP answer${quoted}`;
  if (/^SIP\/2\.0/i.test(text)) return `a plain (unencrypted) SIP answer${quoted}, as a SIP/TCP port would give`;
  if (/^SSH-/.test(text)) return `an SSH banner${quoted}`;
  if (/^220[ -]/.test(text)) return `a mail or FTP server greeting${quoted}`;
  return `data that is not TLS${quoted}`;
}

/** The first line of the answer when it is printable ASCII text, shortened; '' otherwise. */
function printablePrefix(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes.subarray(0, 200)) {
    if (byte === 0x0d || byte === 0x0a) break;
    if (byte < 0x20 || byte > 0x7e) return text.length >= 4 ? text.slice(0, 60) : '';
    text += String.fromCharCode(byte);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
