// A check request, its options and profiles, and a run's progress.
import type { ClientCertificateFiles } from '../engine/sip/types.ts';
import type { InternalFetchMode, Target, TargetType } from './target.ts';

/** What an endpoint in flight is waiting for: DNS (of its target), the TLS handshake, fetching issuers (AIA), revocation. */
export type EndpointStep = 'dns' | 'handshake' | 'aia' | 'revocation';

export interface InFlightEndpoint {
  /** Target.input it belongs to. */
  target: string;
  /** The host (the SRV target, or the domain while its DNS runs) and port; port null while an SRV lookup runs. */
  host: string;
  ip: string | null;
  port: number | null;
  step: EndpointStep;
  /** When this endpoint (or its DNS) started, ms since the epoch: the oldest is the slowest. */
  startedAt: number;
}

/**
 * A run's progress (the engine's onProgress, the 'progress' check event). done/total count targets;
 * endpoints count every endpoint, pool members included, and endpoints.total grows as DNS expands targets
 * (a target not resolved yet counts as one). inFlight lists what is being checked now, oldest first.
 */
export interface RunProgress {
  done: number;
  total: number;
  /** The target most recently started, or null. */
  current: string | null;
  endpoints: { done: number; total: number };
  inFlight: InFlightEndpoint[];
}

/**
 * A check profile adds the requirements of one kind of server-to-server link: 'direct-routing' (an SBC
 * paired with Teams Direct Routing) or 'federation' (a Lync/SfB Edge federation partner).
 */
export type CheckProfile = 'direct-routing' | 'federation';
export const CHECK_PROFILES: readonly CheckProfile[] = ['direct-routing', 'federation'];

/** One root of Microsoft's list of CAs supported for Direct Routing SBC certificates. */
export interface SupportedCa {
  /** The name as the list gives it; matched against the root's subject (O or CN) when no thumbprint is known. */
  name: string;
  /** SHA-1 thumbprint of the root, upper-case hex, where known. */
  sha1?: string;
  sha256?: string;
}

/** What the user asks the engine to check. */
export interface CheckRequest {
  /** Each entry is one target as typed (host, host:port, [v6]:port, IP, SIP domain). */
  targets: TargetInput[];
  options: CheckOptions;
}

export interface TargetInput {
  input: string;
  type: TargetType;
  /** Port for DIR targets typed without one. */
  port?: number | null;
}

export interface CheckOptions {
  /** "IP" or "IP:port" ("[v6]:port"); null for the system resolver. */
  dnsServer: string | null;
  /** Test every address a name resolves to (DNSLB pool). */
  testPool: boolean;
  /** Upper bound for each step (DNS query, TCP connect, TLS handshake), in ms. */
  timeoutMs: number;
  /** Extra trusted roots, PEM. */
  extraRootsPem?: string[];
  /** No network fetches beyond the check itself (AIA, CRL, OCSP). */
  offline?: boolean;
  /** How many endpoints are checked at once in a bulk run. */
  concurrency?: number;
  /** Most endpoints one target expands to (SRV targets times pool addresses); default 64. */
  maxEndpointsPerTarget?: number;
  /** AIA/CRL/OCSP fetches to internal addresses; default 'auto'. */
  internalFetches?: InternalFetchMode;
  /** Send one SIP OPTIONS over TLS to every endpoint (off by default): result.sip. */
  sipOptions?: boolean;
  /** The domain in From and To of the OPTIONS; the target's when absent. */
  sipDomain?: string | null;
  /** The admin's own certificate, presented when a far end asks for one: file paths and the password only (the engine reads the files). */
  clientCert?: ClientCertificateFiles;
  /** Judge the results against a profile's requirements; FED targets default to 'federation'. */
  profile?: CheckProfile | null;
  /** Replaces the shipped list of CAs supported for Direct Routing SBC certificates (--dr-ca-list). */
  drSupportedCas?: SupportedCa[];
  /** Roots of the admin's own Edge or SBC certificate, PEM, looked for in a partner's CA list (--my-root). */
  myRootsPem?: string[];
  /** The app: thumbprints of Trusted Roots the admin marked as "my Edge's root" (the host adds their PEM to myRootsPem). */
  myRootThumbprints?: string[];
}

export const DEFAULT_OPTIONS: CheckOptions = {
  dnsServer: null,
  testPool: true,
  timeoutMs: 5000,
  concurrency: 16,
};
