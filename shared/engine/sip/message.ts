// The SIP text on the wire: one RFC 3261 OPTIONS request, and a bounded reader for the response.
import { randomBytes } from 'node:crypto';
import { hex } from '../../bytes.ts';
import type { SipDiagnostic } from './types.ts';

export interface OptionsRequestInput {
  /** What the Request-URI names: the host name tested, or the IP for an IP target. */
  host: string;
  port: number;
  /** The domain in From and To. */
  domain: string;
  /** Our side of the connection, for Via and Contact. */
  localAddress: string;
  localPort: number;
}

export interface OptionsRequest {
  text: string;
  requestUri: string;
  callId: string;
}

const USER_AGENT = 'SfB-Cert-Checker';

/** `[v6]` in URIs and Via, plain otherwise. */
function uriHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The Request-URI of an OPTIONS to this TLS port (RFC 3261: sip:host:port;transport=tls). */
export function optionsRequestUri(host: string, port: number): string {
  return `sip:${uriHost(host)}:${port};transport=tls`;
}

/** One OPTIONS with every header RFC 3261 section 11 asks for; fresh branch, tag and Call-ID each time. */
export function buildOptionsRequest(input: OptionsRequestInput): OptionsRequest {
  const token = () => hex(randomBytes(8));
  const requestUri = optionsRequestUri(input.host, input.port);
  const local = `${uriHost(input.localAddress)}:${input.localPort}`;
  const callId = `${token()}@${uriHost(input.localAddress)}`;
  const lines = [
    `OPTIONS ${requestUri} SIP/2.0`,
    `Via: SIP/2.0/TLS ${local};branch=z9hG4bK${token()};rport`,
    'Max-Forwards: 70',
    `From: <sip:options-ping@${input.domain}>;tag=${token()}`,
    `To: <sip:${input.domain}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    `Contact: <sip:options-ping@${local};transport=tls>`,
    'Accept: application/sdp',
    `User-Agent: ${USER_AGENT}`,
    'Content-Length: 0',
  ];
  return { text: `${lines.join('\r\n')}\r\n\r\n`, requestUri, callId };
}

/** A response as read: the status line and the headers (names lower-case, compact forms expanded). */
export interface SipResponse {
  statusCode: number;
  reasonPhrase: string;
  headers: Array<[name: string, value: string]>;
}

/** RFC 3261 7.3.3 compact header names this tool reads. */
const COMPACT_NAMES: Record<string, string> = { l: 'content-length', k: 'supported', i: 'call-id', v: 'via', f: 'from', t: 'to', m: 'contact' };

/** Longest header value kept (a hostile peer could send a huge one within the byte bound). */
const MAX_VALUE = 2000;

/** How every SIP response starts (RFC 3261 7.2). */
const STATUS_PREFIX = 'SIP/2.0 ';

export type ReadStep =
  | { kind: 'need-more' }
  | { kind: 'final'; response: SipResponse }
  | { kind: 'not-sip'; firstLine: string }
  | { kind: 'too-large' };

/**
 * Collects bytes until a final response's headers are complete. Provisional (1xx) responses and the
 * body after any Content-Length are skipped; a response may arrive in any number of TCP chunks.
 */
export class SipResponseReader {
  private buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  /** The first line received when it cannot start a SIP response; null while it still may (or nothing came). */
  notSip(): string | null {
    const prefix = this.buffer.subarray(0, STATUS_PREFIX.length).toString('latin1');
    return prefix.length > 0 && !STATUS_PREFIX.startsWith(prefix) ? firstLine(this.buffer) : null;
  }

  push(chunk: Buffer): ReadStep {
    if (this.buffer.length + chunk.length > this.maxBytes) return { kind: 'too-large' };
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      // RFC 3261 7.5: keep-alive CRLFs may precede a message.
      let start = 0;
      while (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a) start++;
      if (start) this.buffer = this.buffer.subarray(start);
      // Not SIP: say so once the first line is complete (or long enough), to show the admin what came instead.
      if (this.notSip() !== null && (this.buffer.includes(0x0a) || this.buffer.length >= FIRST_LINE_SHOWN)) {
        return { kind: 'not-sip', firstLine: firstLine(this.buffer) };
      }
      const end = headerEnd(this.buffer);
      if (!end) return { kind: 'need-more' };
      const response = parseHead(this.buffer.subarray(0, end.at).toString('utf8'));
      if (!response) return { kind: 'not-sip', firstLine: firstLine(this.buffer) };
      if (response.statusCode >= 200) return { kind: 'final', response };
      const bodyLength = Math.max(0, Number(headerValues(response, 'content-length')[0] ?? 0) || 0);
      if (this.buffer.length < end.at + end.length + bodyLength) return { kind: 'need-more' };
      this.buffer = this.buffer.subarray(end.at + end.length + bodyLength);
    }
  }
}

/** How much of a non-SIP answer is shown. */
const FIRST_LINE_SHOWN = 200;

function firstLine(buffer: Buffer): string {
  return buffer.subarray(0, FIRST_LINE_SHOWN).toString('latin1').split(/\r?\n/)[0]!.replace(/[^\x20-\x7e]/g, '.');
}

/** Where the headers end: CRLFCRLF, or bare LFLF from sloppy stacks. */
function headerEnd(buffer: Buffer): { at: number; length: number } | null {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : null;
}

function parseHead(head: string): SipResponse | null {
  const lines = head.split(/\r?\n/);
  const status = /^SIP\/2\.0 (\d{3})(?: (.*))?$/.exec(lines[0]!);
  if (!status) return null;
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    // Header folding (RFC 3261 7.3.1): a line starting with white space continues the previous one.
    if (/^[ \t]/.test(line) && headers.length) {
      const last = headers[headers.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`.slice(0, MAX_VALUE);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.push([COMPACT_NAMES[name] ?? name, line.slice(colon + 1).trim().slice(0, MAX_VALUE)]);
  }
  return { statusCode: Number(status[1]), reasonPhrase: (status[2] ?? '').trim(), headers };
}

/** Every value of a header, in order received. */
export function headerValues(response: SipResponse, name: string): string[] {
  return response.headers.filter(([key]) => key === name).map(([, value]) => value);
}

/** A comma-separated list header (Allow, Supported) over all its occurrences. */
export function headerList(response: SipResponse, name: string): string[] {
  return headerValues(response, name)
    .flatMap((value) => value.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `1047;reason="Failed to ...";source="sip.contoso.com"` -> code, reason, source. */
export function parseDiagnostic(header: SipDiagnostic['header'], raw: string): SipDiagnostic {
  const code = /^\s*(\d+)/.exec(raw)?.[1];
  const params = new Map<string, string>();
  for (const match of raw.matchAll(/;\s*([A-Za-z][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const value = match[2]!.trim();
    params.set(match[1]!.toLowerCase(), value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);
  }
  return { header, code: code ? Number(code) : null, reason: params.get('reason') ?? null, source: params.get('source') ?? null, raw };
}

/** Both Microsoft diagnostic headers, in the order received. */
export function diagnosticsOf(response: SipResponse): SipDiagnostic[] {
  return response.headers
    .filter(([name]) => name === 'ms-diagnostics' || name === 'ms-diagnostics-public')
    .map(([name, value]) => parseDiagnostic(name as SipDiagnostic['header'], value));
}
