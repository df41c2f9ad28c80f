// Turning the Host / Port fields into queued list rows, the way the old tool did:
// comma-separated hosts and ports give one row per host x port. Pure; the engine validates each row again.
import type { EndpointResult, TargetInput, TargetType } from '../shared/types.ts';

export type SrvType = Exclude<TargetType, 'DIR'>;

/** A queued target: what the engine gets, plus a stable id for the list. */
export interface QueueRow extends TargetInput {
  id: number;
}

/** A form field a message belongs to (the host's ApiInputError names the same ones). */
export type FormField = 'host' | 'port' | 'dns-server';

export interface FieldError {
  field: FormField;
  message: string;
}

export interface ExpandResult {
  rows: TargetInput[];
  /** Why nothing could be added, on the field at fault; null when rows were made. */
  error: FieldError | null;
}

/** A web address or SIP URI as pasted: the host reduces it to host and port (the scheme's port unless it names one). */
export function isPastedAddress(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^sips?:/i.test(text);
}

export const DEFAULT_PORT_TEXT = '443';

function splitList(text: string): string[] {
  // A SIP URI keeps its ;parameters (sip:sbc.contoso.com;transport=tls): only other entries split at ";".
  return text
    .split(',')
    .flatMap((part) => (isPastedAddress(part.trim()) ? [part] : part.split(';')))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Parse the Port field: one port or a comma-separated list, each 1-65535. */
export function parsePorts(text: string): { ports: number[]; error: string | null } {
  const parts = splitList(text);
  if (parts.length === 0) return { ports: [], error: 'Enter a port from 1 to 65535 (443 for web services, 5061 for SIP/TLS).' };
  const ports: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,5}$/.test(part) || Number(part) < 1 || Number(part) > 65535) {
      return { ports: [], error: `Invalid port "${part}": a port is a whole number from 1 to 65535.` };
    }
    if (!ports.includes(Number(part))) ports.push(Number(part));
  }
  return { ports, error: null };
}

/** The port a host typed as "host:port" or "[v6]:port" carries, for display only. */
export function typedPort(host: string): number | null {
  const bracketed = /^\[[^\]]*\]:(\d{1,5})$/.exec(host);
  if (bracketed) return Number(bracketed[1]);
  const plain = /^[^:]+:(\d{1,5})$/.exec(host);
  return plain ? Number(plain[1]) : null;
}

/**
 * Rows for the list from the Host and Port fields. SRV types take their port from DNS, so the Port field
 * is ignored for them; a host typed with its own port keeps it.
 */
export function expandTargets(hostsText: string, portsText: string, srvType: SrvType | null): ExpandResult {
  const hosts = splitList(hostsText);
  if (hosts.length === 0) {
    return { rows: [], error: { field: 'host', message: srvType ? 'Enter a SIP domain, e.g. contoso.com.' : 'Enter a host name or IP address, e.g. sip.contoso.com.' } };
  }
  if (srvType) return { rows: hosts.map((input) => ({ input, type: srvType, port: null })), error: null };

  const rows: TargetInput[] = [];
  const ownPort = (host: string) => typedPort(host) !== null || isPastedAddress(host);
  const needsPortField = hosts.some((host) => !ownPort(host));
  const { ports, error } = needsPortField ? parsePorts(portsText) : { ports: [], error: null };
  if (error) return { rows: [], error: { field: 'port', message: error } };
  for (const host of hosts) {
    if (ownPort(host)) rows.push({ input: host, type: 'DIR', port: null });
    else for (const port of ports) rows.push({ input: host, type: 'DIR', port });
  }
  return { rows, error: null };
}

export function sameTarget(a: TargetInput, b: TargetInput): boolean {
  return a.input.toLowerCase() === b.input.toLowerCase() && a.type === b.type && (a.port ?? null) === (b.port ?? null);
}

/** The Port column: the field port, the typed port, or "SRV" when DNS supplies it. */
export function portColumn(row: TargetInput): string {
  if (row.type !== 'DIR') return 'SRV';
  return String(row.port ?? typedPort(row.input) ?? DEFAULT_PORT_TEXT);
}

/**
 * One target's identity as the engine reports it back: EndpointResult.target is the trimmed input,
 * and a DIR result carries the port it connected to (typed, from the Port column, or 443).
 */
export function targetKey(target: TargetInput): string {
  const input = target.input.trim().toLowerCase();
  if (target.type !== 'DIR') return `${target.type}|${input}|`;
  return `DIR|${input}|${typedPort(target.input.trim()) ?? target.port ?? Number(DEFAULT_PORT_TEXT)}`;
}

/** The same key for a result; null port (no address found) matches the target whatever its port. */
export function resultTargetKey(result: Pick<EndpointResult, 'target' | 'type' | 'port'>): string {
  const input = result.target.trim().toLowerCase();
  if (result.type !== 'DIR') return `${result.type}|${input}|`;
  return `DIR|${input}|${result.port ?? '*'}`;
}

/**
 * The targets that have no result yet, in their order: what Resume runs after a cancelled test.
 * The engine reports a target's results together once it is finished, so one result means done.
 */
export function remainingTargets(targets: TargetInput[], results: Pick<EndpointResult, 'target' | 'type' | 'port'>[]): TargetInput[] {
  const finished = new Set(results.map(resultTargetKey));
  return targets.filter((target) => {
    const key = targetKey(target);
    return !finished.has(key) && !finished.has(key.replace(/\|[^|]*$/, '|*'));
  });
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether the browser's URL parser takes text as an IPv6 address (the page has no node:net). */
function isIpv6(text: string): boolean {
  if (!text.includes(':')) return false;
  try {
    return new URL(`http://[${text}]/`).hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The DNS Server field, checked before a run: empty (the system resolver), an IP address, IPv4:port or
 * [IPv6]:port. The host checks it again (parseDnsServer); this only puts the message on the field first.
 */
export function dnsServerError(text: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  const withPort = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:]+):(\d{1,5})$/.exec(value);
  const address = withPort ? withPort[1] : value.replace(/^\[(.*)\]$/, '$1');
  const port = withPort ? Number(withPort[2]) : 53;
  const ok = (IPV4.test(address) || isIpv6(address)) && port >= 1 && port <= 65535;
  return ok ? null : `"${value}" is not a DNS server address: type its IP address, e.g. 8.8.8.8, or address:port (192.0.2.53:5353, [2001:db8::53]:53).`;
}
