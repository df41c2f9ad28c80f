// Offline inspection: certificates from files instead of a server, through the same decode, chain
// and comment stages. Name checks run only when the admin names the host the certificate is for.
import type { CheckOptions, EndpointResult, InternalFetchMode, Target } from '../types.ts';
import { anchorsFor, decodeAndBuildChain, emptyResult, judge } from './pipeline.ts';

/** A profile judges what a file can show: the CA, the names, the key (no TLS, no mutual TLS). */
export interface InspectOptions extends Pick<CheckOptions, 'profile' | 'drSupportedCas' | 'myRootsPem'> {
  /** The host name the certificate should cover; null skips name checks. */
  host: string | null;
  extraRootsPem?: string[];
  /** Fetch issuers the files lack from their AIA URLs (default: no network). */
  offline?: boolean;
  timeoutMs?: number;
  /** Fetches to internal addresses (no server to judge by: 'auto' refuses them). */
  internalFetches?: InternalFetchMode;
}

/** Judge certificates given in the order a server would send them (leaf first). */
export async function inspectCertificates(certificates: Uint8Array[], options: InspectOptions): Promise<EndpointResult> {
  const host = options.host?.trim().toLowerCase() || null;
  const target: Target = { input: host ?? '(certificate file)', type: 'DIR', host: host ?? '', port: null, isIp: host === null };
  const result = emptyResult({ target: target.input, type: 'DIR', host: target.host, ip: null, port: null, poolMember: false, srv: null, srvRecord: null, poolAddresses: [] });
  const anchors = anchorsFor(options);
  await decodeAndBuildChain(result, certificates, anchors, { offline: options.offline ?? true, timeoutMs: options.timeoutMs ?? 5000, internalFetches: options.internalFetches });
  // A CA certificate on its own (a root or intermediate to check before trusting it) is judged as a CA.
  judge([result], target, anchors, { ...options, caCertificate: result.served[0]?.isCA === true });
  return result;
}
