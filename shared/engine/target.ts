// Stage 1: what the admin typed -> a validated Target. Pure.
import net from 'node:net';
import type { Target, TargetInput, TargetType } from '../types.ts';
import { TARGET_TYPES } from '../types.ts';

/** The input field a validation message belongs to, so the app can show it there and focus it. */
export type InputField = 'host' | 'port' | 'type' | 'dns-server';

/** Bad input from the user: the CLI exits 2 with this message, the app shows it beside the field. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The field at fault, when the input came from one. */
    readonly field: InputField | null = null,
  ) {
    super(message);
  }
}

/** The port SIP over TLS listens on when a sip:/sips: address names none (RFC 3261 section 19.1.2). */
export const SIP_TLS_PORT = 5061;

/** The SRV record name each SRV type queries. */
export const SRV_PREFIX: Record<Exclude<TargetType, 'DIR'>, string> = {
  FED: '_sipfederationtls._tcp.',
  SIP: '_sip._tls.',
  SIPINT: '_sipinternaltls._tcp.',
};

export const DEFAULT_PORT = 443;

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

export function isValidHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

export function parseTargetType(value: string): TargetType {
  const upper = value.trim().toUpperCase();
  if ((TARGET_TYPES as readonly string[]).includes(upper)) return upper as TargetType;
  throw new UsageError(`Unknown target type "${value}": use DIR, FED, SIP or SIPINT.`, 'type');
}

export function parsePort(value: string | number): number {
  const text = String(value).trim();
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new UsageError(`Invalid port "${value}": a port is a whole number from 1 to 65535.`, 'port');
  }
  return Number(text);
}

/** Split "host", "host:port", "1.2.3.4:port", "[v6]:port", "[v6]" or a bare IPv6 address. */
function splitHostPort(text: string): { host: string; port: string | null } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new UsageError(`"${text}": an IPv6 address in brackets needs the closing "]".`, 'host');
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new UsageError(`"${text}": expected ":port" after "]".`, 'host');
    return { host: text.slice(1, close), port: rest === '' ? null : rest.slice(1) };
  }
  if (net.isIPv6(text)) return { host: text, port: null };
  const colons = text.split(':').length - 1;
  if (colons === 0) return { host: text, port: null };
  if (colons === 1) {
    const [host, port] = text.split(':');
    return { host, port };
  }
  throw new UsageError(`"${text}": write an IPv6 address with a port as [address]:port.`, 'host');
}

/**
 * An address pasted from a browser or a SIP client, reduced to what this tool checks: "https://host:port/path"
 * -> "host:port", "sip:user@host;transport=tls" -> "host" (port 5061 unless the URI names one). Anything else
 * is returned as typed. defaultPort is the port the scheme implies when the address names none.
 */
export function fromPastedAddress(text: string): { address: string; defaultPort: number | null } {
  const sip = /^sips?:(?:[^@;?]*@)?([^;?]*)/i.exec(text);
  if (sip) return { address: sip[1], defaultPort: SIP_TLS_PORT };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { address: text, defaultPort: null };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${text}" looks like a web address but could not be read: type just the host name, or host:port.`, 'host');
  }
  if (url.hostname === '') throw new UsageError(`"${text}" names no host: type the host name, or host:port.`, 'host');
  // A browser omits the scheme's own port (443 for https); this tool checks TLS, so 443 for any scheme without one.
  return { address: url.host, defaultPort: DEFAULT_PORT };
}

/** Validate one target. The port argument applies to DIR targets typed without a port. */
export function parseTarget(input: TargetInput): Target {
  const typed = input.input.trim();
  if (typed === '') throw new UsageError('Enter a host name, IP address or SIP domain to check.', 'host');
  const type = input.type;
  const pasted = fromPastedAddress(typed);
  const { host: rawHost, port: typedPort } = splitHostPort(pasted.address);
  const host = rawHost.toLowerCase().replace(/\.$/, '');
  const isIp = net.isIP(host) !== 0;

  if (type !== 'DIR') {
    if (typedPort !== null || (input.port !== undefined && input.port !== null)) {
      throw new UsageError(`Cannot have both Port and Domain type specified: ${type} looks up the port in DNS (${SRV_PREFIX[type]}${host}).`, 'port');
    }
    if (isIp || !isValidHostName(host)) {
      throw new UsageError(`"${typed}" is not a SIP domain name: ${type} needs a domain like contoso.com.`, 'host');
    }
    return { input: typed, type, host, port: null, isIp: false };
  }

  if (!isIp && !isValidHostName(host)) {
    throw new UsageError(`"${typed}" is not a valid host name or IP address (letters, digits, hyphens and dots only).`, 'host');
  }
  const port = typedPort !== null ? parsePort(typedPort) : input.port != null ? parsePort(input.port) : (pasted.defaultPort ?? DEFAULT_PORT);
  return { input: typed, type, host, port, isIp };
}

/** "host:port" the way the old tool printed it (IPv6 in brackets). */
export function hostPort(host: string, port: number | null): string {
  const shown = net.isIPv6(host) ? `[${host}]` : host;
  return port === null ? shown : `${shown}:${port}`;
}
