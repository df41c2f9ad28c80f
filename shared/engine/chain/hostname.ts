// Does a certificate name the host the client connected to? RFC 6125 rules as TLS clients apply them.
import { bytesEqual } from '../../bytes.ts';
import { isIP } from 'node:net';
import type { SanEntry } from '../../types.ts';

export interface HostnameNames {
  /** DNS and IP values of the SAN extension. */
  san: string[];
  sanEntries: SanEntry[];
  commonName: string | null;
}

export interface HostnameMatch {
  matched: boolean;
  by: 'san-dns' | 'san-ip' | 'cn' | null;
  /** The name that matched is a wildcard. */
  wildcard: boolean;
  /** The certificate's name that matched, as written in the certificate. */
  name: string | null;
}

const NO_MATCH: HostnameMatch = { matched: false, by: null, wildcard: false, name: null };

/**
 * SAN DNS names first; the subject CN only when the certificate has no SAN at all; IP targets only
 * against IP SANs. A wildcard counts only as the whole left-most label, covers exactly one label, and
 * never directly under a top-level domain ("*.com").
 */
export function matchHostname(host: string, names: HostnameNames): HostnameMatch {
  const target = normalizeHost(host);
  if (!target) return NO_MATCH;
  const entries = sanEntriesOf(names);

  if (isIP(target)) {
    const wanted = ipBytes(target);
    const hit = entries.find((e) => e.type === 'ip' && sameAddress(ipBytes(normalizeHost(e.value)), wanted));
    return hit ? { matched: true, by: 'san-ip', wildcard: false, name: hit.value } : NO_MATCH;
  }

  if (entries.length > 0) {
    const dnsNames = entries.filter((e) => e.type === 'dns').map((e) => e.value);
    const hit = bestDnsMatch(target, dnsNames);
    return hit ? { matched: true, by: 'san-dns', ...hit } : NO_MATCH;
  }

  const hit = names.commonName ? bestDnsMatch(target, [names.commonName]) : null;
  return hit ? { matched: true, by: 'cn', ...hit } : NO_MATCH;
}

/** Exact names win over wildcards so that `wildcard` is only reported when nothing else matched. */
function bestDnsMatch(target: string, presented: string[]): { wildcard: boolean; name: string } | null {
  const exact = presented.find((name) => normalizeHost(name) === target);
  if (exact !== undefined) return { wildcard: false, name: exact };
  const wild = presented.find((name) => wildcardMatches(normalizeHost(name), target));
  return wild !== undefined ? { wildcard: true, name: wild } : null;
}

function wildcardMatches(pattern: string, target: string): boolean {
  if (!pattern.startsWith('*.') || pattern.indexOf('*', 1) !== -1) return false;
  const base = pattern.slice(2);
  // "*.com": a wildcard needs at least two labels under it (a cheap stand-in for the public suffix list).
  if (base.split('.').length < 2 || base.split('.').some((label) => label === '')) return false;
  const dot = target.indexOf('.');
  return dot > 0 && target.slice(dot + 1) === base;
}

/** Lower case, no trailing dot, no IPv6 brackets, no surrounding spaces. */
function normalizeHost(name: string): string {
  let value = name.trim().toLowerCase();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (value.endsWith('.') && !isIP(value)) value = value.slice(0, -1);
  return value;
}

function sanEntriesOf(names: HostnameNames): SanEntry[] {
  if (names.sanEntries.length > 0) return names.sanEntries;
  return names.san.map((value) => ({ type: isIP(normalizeHost(value)) ? 'ip' : 'dns', value }));
}

function ipBytes(ip: string): number[] | null {
  if (isIP(ip) === 4) return ip.split('.').map(Number);
  if (isIP(ip) !== 6) return null;
  let text = ip.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const words = tail === null ? headWords : [...headWords, ...Array(8 - headWords.length - tailWords.length).fill('0'), ...tailWords];
  return words.flatMap((w) => {
    const n = parseInt(w || '0', 16);
    return [n >> 8, n & 0xff];
  });
}

function sameAddress(a: number[] | null, b: number[] | null): boolean {
  return a !== null && b !== null && bytesEqual(a, b);
}
