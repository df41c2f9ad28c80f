// Which addresses the AIA, CRL and OCSP fetches may connect to. Their URLs come from certificates a
// server chose to send: without a rule, a partner's certificate could make the tool connect to the
// admin's own network (loopback, private ranges) and read the answers back as a port scan.
// So when the checked server is on a public address, fetches to internal addresses are refused
// (checked after DNS and again after every redirect, by http-fetch.ts); when the server is itself
// internal (an internal PKI behind SIP INT SRV records), its URLs are fetched as usual.
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import type { InternalFetchMode, RefusedFetch } from '../../types.ts';

/** Loopback, private, link-local, unique-local, CGNAT, unspecified and multicast addresses. */
const INTERNAL_RANGES = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3], // multicast and reserved
] as const) INTERNAL_RANGES.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) INTERNAL_RANGES.addSubnet(prefix, bits, 'ipv6');

/** Is this IP address inside the admin's own network rather than on the internet? (IPv4-mapped IPv6 included.) */
export function isInternalAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return INTERNAL_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface FetchGuard {
  /** Partition for download caches: an answer fetched under looser rules is not reused under stricter ones. */
  readonly key: 'any-address' | 'public-only';
  /** True when a fetch may not connect to this address. */
  refuses(address: string): boolean;
  /** How host names of fetched URLs are resolved; tests inject one that stays on loopback. */
  readonly lookup?: LookupFunction;
  /** Fetches refused so far: facts of the result, judged by the internal-fetch-refused rule. */
  readonly refused: RefusedFetch[];
  noteRefused(fetch: RefusedFetch): void;
}

export interface FetchGuardOptions {
  mode?: InternalFetchMode;
  /** The checked server's address; null when there is none (certificates from files). */
  targetAddress: string | null;
  /** Replaceable so tests can call a loopback address "public". */
  isInternal?: (address: string) => boolean;
  lookup?: LookupFunction;
}

/** The rules for one endpoint's fetches. */
export function createFetchGuard(options: FetchGuardOptions): FetchGuard {
  const isInternal = options.isInternal ?? isInternalAddress;
  const mode = options.mode ?? 'auto';
  const targetInternal = options.targetAddress !== null && isInternal(options.targetAddress);
  const anyAddress = mode === 'allow' || (mode === 'auto' && targetInternal);
  const refused: RefusedFetch[] = [];
  return {
    key: anyAddress ? 'any-address' : 'public-only',
    refuses: (address) => !anyAddress && isInternal(address),
    lookup: options.lookup,
    refused,
    noteRefused(fetch) {
      if (!refused.some((r) => r.url === fetch.url && r.purpose === fetch.purpose)) refused.push(fetch);
    },
  };
}

/** The sentence a refused download gets in notes and errors: no connection was made, so nothing about the address leaks. */
export function refusalText(host: string, address: string): string {
  const where = host === address ? address : `${host} (${address})`;
  return `not fetched: ${where} is an internal address and the checked server is not`;
}
