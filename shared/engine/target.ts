// Stage 1: what the admin typed -> a validated Target. Pure.
import net from 'node:net';
import type { Target, TargetInput, TargetType } from '../types.ts';
import { TARGET_TYPES } from '../types.ts';

/** Bad input from the user: the CLI exits 2 with this message, the app shows it beside the field. */
export class UsageError extends Error {
  override name = 'UsageError';
}

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
  throw new UsageError(`Unknown target type "${value}": use DIR, FED, SIP or SIPINT.`);
}

export function parsePort(value: string | number): number {
  const text = String(value).trim();
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new UsageError(`Invalid port "${value}": a port is a whole number from 1 to 65535.`);
  }
  return Number(text);
}

/** Split "host", "host:port", "1.2.3.4:port", "[v6]:port", "[v6]" or a bare IPv6 address. */
function splitHostPort(text: string): { host: string; port: string | null } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new UsageError(`"${text}": an IPv6 address in brackets needs the closing "]".`);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new UsageError(`"${text}": expected ":port" after "]".`);
    return { host: text.slice(1, close), port: rest === '' ? null : rest.slice(1) };
  }
  if (net.isIPv6(text)) return { host: text, port: null };
  const colons = text.split(':').length - 1;
  if (colons === 0) return { host: text, port: null };
  if (colons === 1) {
    const [host, port] = text.split(':');
    return { host, port };
  }
  throw new UsageError(`"${text}": write an IPv6 address with a port as [address]:port.`);
}

/** Validate one target. The port argument applies to DIR targets typed without a port. */
export function parseTarget(input: TargetInput): Target {
  const typed = input.input.trim();
  if (typed === '') throw new UsageError('Enter a host name, IP address or SIP domain to check.');
  const type = input.type;
  const { host: rawHost, port: typedPort } = splitHostPort(typed);
  const host = rawHost.toLowerCase().replace(/\.$/, '');
  const isIp = net.isIP(host) !== 0;

  if (type !== 'DIR') {
    if (typedPort !== null || (input.port !== undefined && input.port !== null)) {
      throw new UsageError(`Cannot have both Port and Domain type specified: ${type} looks up the port in DNS (${SRV_PREFIX[type]}${host}).`);
    }
    if (isIp || !isValidHostName(host)) {
      throw new UsageError(`"${typed}" is not a SIP domain name: ${type} needs a domain like contoso.com.`);
    }
    return { input: typed, type, host, port: null, isIp: false };
  }

  if (!isIp && !isValidHostName(host)) {
    throw new UsageError(`"${typed}" is not a valid host name or IP address (letters, digits, hyphens and dots only).`);
  }
  const port = typedPort !== null ? parsePort(typedPort) : input.port != null ? parsePort(input.port) : DEFAULT_PORT;
  return { input: typed, type, host, port, isIp };
}

/** "host:port" the way the old tool printed it (IPv6 in brackets). */
export function hostPort(host: string, port: number | null): string {
  const shown = net.isIPv6(host) ? `[${host}]` : host;
  return port === null ? shown : `${shown}:${port}`;
}
