// What the admin asks to check and where it leads: targets, protocol versions, classified errors, endpoints.

/** The original tool's four kinds of target. */
export type TargetType = 'DIR' | 'FED' | 'SIP' | 'SIPINT';
export const TARGET_TYPES: readonly TargetType[] = ['DIR', 'FED', 'SIP', 'SIPINT'];

/** A parsed, validated target (stage 1 output). */
export interface Target {
  /** What the admin typed, for display. */
  input: string;
  type: TargetType;
  /** Host name, IPv4 or IPv6 address (DIR), or SIP domain (FED/SIP/SIPINT). Lower-case, no brackets. */
  host: string;
  /** DIR only: the port to connect to. SRV types take the port from the SRV record. */
  port: number | null;
  /** True when host is an IP literal: no DNS, no SNI, name checks skipped. */
  isIp: boolean;
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
/** The SSL versions before TLS: asked for by one dedicated probe, only to warn about them. */
export type SslVersion = 'SSLv2' | 'SSLv3';
export type ProtocolVersion = SslVersion | TlsVersion;
/** Every version the version matrix can show, oldest first. */
export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = ['SSLv2', 'SSLv3', ...TLS_VERSIONS];

/** Where the certificates of a result came from: read from the server's Certificate message as sent, or Node's rebuilt peer chain. */
export type CertificateSource = 'wire' | 'node-peer-chain';

/** A classified failure: a stable code for scripts and a sentence for the admin. */
export interface CheckError {
  code: ErrorCode;
  message: string;
}

export type ErrorCode =
  | 'DNS_NXDOMAIN'
  | 'DNS_NODATA'
  | 'DNS_TIMEOUT'
  | 'DNS_REFUSED'
  | 'DNS_SERVFAIL'
  | 'DNS_ERROR'
  | 'CONNECT_REFUSED'
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_UNREACHABLE'
  | 'CONNECTION_RESET'
  | 'HANDSHAKE_TIMEOUT'
  | 'TLS_ALERT'
  | 'NOT_TLS'
  | 'PROTOCOL_ERROR'
  | 'NO_CERTIFICATE'
  | 'SSL2_ONLY'
  | 'CANCELLED'
  /** The runtime's own TLS library (OpenSSL or Electron's BoringSSL) refused what we asked of it. */
  | 'TLS_LIBRARY_REFUSED'
  | 'INTERNAL';

/** An SRV answer, as returned and after RFC 2782 ordering. */
export interface SrvRecord {
  name: string;
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/**
 * AIA, CRL and OCSP fetches to internal addresses (loopback, private, link-local, unique-local):
 * 'auto' allows them only when the checked server is itself internal; 'allow' always; 'refuse' never.
 */
export type InternalFetchMode = 'auto' | 'allow' | 'refuse';

/** A certificate URL not fetched because it leads to an internal address. */
export interface RefusedFetch {
  purpose: 'AIA' | 'CRL' | 'OCSP';
  url: string;
  /** The internal address the URL (or a redirect from it) led to. */
  address: string;
}

/** DNS named more endpoints for a target than the run tests: the first `limit` of `found` were tested. */
export interface EndpointCap {
  limit: number;
  found: number;
}

/** One address:port to test (stage 2 output). */
export interface Endpoint {
  /** Target.input this endpoint came from. */
  target: string;
  type: TargetType;
  /** The host name connected to (SRV target for SRV types); the IP itself for an IP target. */
  host: string;
  ip: string;
  port: number;
  /** False for the first address of a name, true for the other addresses of a DNS load-balanced pool. */
  poolMember: boolean;
  /** The SRV record name this endpoint came from, or null for DIR. */
  srv: string | null;
  srvRecord: SrvRecord | null;
  /** Every address the host name resolved to (the pool), in the order tested. */
  poolAddresses: string[];
}
