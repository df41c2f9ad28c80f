// EndpointResults for the pure rule and root-link tests, built from real certificates (made by openssl
// through pki.ts, decoded by shared/decode.ts). The chain facts are worked out here the way the chain
// builder reports them, from the path the test says a client would build.
import type {
  CertificateSource,
  CertInfo,
  ChainItem,
  CheckError,
  EndpointResult,
  RevocationStatus,
  ServedChainFacts,
  SrvRecord,
  TargetType,
  TlsInfo,
  TrustStoreName,
  TrustVerdict,
} from '../../shared/types.ts';
import { decodeCertificate } from '../../shared/engine/decode/index.ts';
import type { RuleContext } from '../../shared/engine/rules/index.ts';
import { ISSUER_NOT_FOUND, ROOT_NOT_TRUSTED, SELF_SIGNED_NOT_TRUSTED } from '../../shared/engine/chain/validate.ts';
import type { IssuedCert } from './pki.ts';

const decoded = new Map<IssuedCert, CertInfo>();

/** Decode a test certificate (cached per certificate). */
export function info(cert: IssuedCert): CertInfo {
  let result = decoded.get(cert);
  if (!result) {
    result = decodeCertificate(new Uint8Array(cert.der));
    decoded.set(cert, result);
  }
  return result;
}

/** A certificate of the built path, and where the client got it when the server did not send it. */
export type PathEntry = IssuedCert | { cert: IssuedCert; source: ChainItem['source'] };

export interface ResultSpec {
  /** Certificates as the server sent them, leaf first (unless the test is about the order). */
  served: (IssuedCert | CertInfo)[];
  /**
   * The path a client builds, leaf first. Default: the served certificates in issuer order.
   * Certificates not served get source 'store' when self-issued, else 'aia' (override with {cert, source}).
   */
  path?: PathEntry[];
  /**
   * Which store holds the top of the path (the anchor); null for none. Default 'user' when the path ends at a
   * self-issued root above the leaf, else null. As in the builder, the verdict names the store only when trusted.
   */
  store?: TrustStoreName | null;
  /** Overrides the trust verdict's trusted flag (default: anchored and every item valid). */
  trusted?: boolean;
  trustReason?: string | null;
  /** Issuer DN the builder could not find (default: the top's issuer when the path is not anchored and the top is not a root). */
  missingIssuer?: string | null;
  /** Replace any of the computed chain facts. */
  servedChain?: Partial<ServedChainFacts> | null;
  /** Default 'wire' when certificates are served. */
  certificateSource?: CertificateSource;
  target?: string;
  type?: TargetType;
  host?: string;
  ip?: string | null;
  port?: number | null;
  srvRecord?: SrvRecord | null;
  poolMember?: boolean;
  poolAddresses?: string[];
  tls?: Partial<TlsInfo>;
  error?: CheckError | null;
  revocation?: RevocationStatus | null;
  checkedAt?: Date;
}

function toInfo(cert: IssuedCert | CertInfo): CertInfo {
  return 'der' in cert ? info(cert) : cert;
}

function key(cert: CertInfo): string {
  return cert.sha256;
}

function resolveEntry(entry: PathEntry, servedKeys: string[]): { cert: CertInfo; source: ChainItem['source'] } {
  if ('source' in entry) return { cert: info(entry.cert), source: entry.source };
  const cert = info(entry);
  const source: ChainItem['source'] = servedKeys.includes(key(cert)) ? 'served' : cert.selfIssued ? 'store' : 'aia';
  return { cert, source };
}

/** The served certificates on the issuer path from the leaf, in issuer order. */
function issuerOrder(served: CertInfo[]): { cert: CertInfo; source: ChainItem['source'] }[] {
  const path: { cert: CertInfo; source: ChainItem['source'] }[] = [];
  const used = new Set<string>();
  let current: CertInfo | undefined = served[0];
  while (current && !used.has(key(current))) {
    used.add(key(current));
    path.push({ cert: current, source: 'served' });
    if (current.selfIssued) break;
    const issuer: string = current.issuer;
    current = served.find((candidate) => candidate.subject === issuer && !used.has(key(candidate)));
  }
  return path;
}

export function makeResult(spec: ResultSpec): EndpointResult {
  const served = spec.served.map(toInfo);
  const servedKeys = served.map(key);
  const pathEntries = spec.path ? spec.path.map((entry) => resolveEntry(entry, servedKeys)) : issuerOrder(served);
  const top = pathEntries[pathEntries.length - 1]?.cert;
  // A path that reaches a root above the leaf is anchored by default; a lone self-signed leaf is not.
  const store = spec.store !== undefined ? spec.store : top?.selfIssued && pathEntries.length > 1 ? 'user' : null;
  const trusted = spec.trusted ?? store !== null;
  const chain: ChainItem[] = pathEntries.map((entry) => ({ cert: entry.cert, source: entry.source, valid: true, reason: null }));
  // The top of an unanchored path carries the builder's reason, as shared/chain.ts writes it.
  const topItem = chain[chain.length - 1];
  if (topItem && store === null) {
    topItem.valid = false;
    topItem.reason = !topItem.cert.selfIssued ? ISSUER_NOT_FOUND : chain.length === 1 ? SELF_SIGNED_NOT_TRUSTED : ROOT_NOT_TRUSTED;
  }

  const pathKeys = pathEntries.map((entry) => key(entry.cert));
  const unusedIndexes = served.map((cert, index) => (pathKeys.includes(key(cert)) ? -1 : index)).filter((index) => index >= 0);
  const servedPositions = pathEntries.filter((entry) => entry.source === 'served').map((entry) => servedKeys.indexOf(key(entry.cert)));
  const inOrder = servedPositions.every((position, i) => position === i);
  const rootSent = served.some((cert, index) => index > 0 && cert.selfIssued && pathKeys.includes(key(cert)));
  const missingIssuer =
    spec.missingIssuer !== undefined ? spec.missingIssuer : store === null && top && !top.selfIssued ? top.issuer : null;
  const facts: ServedChainFacts = {
    missingIssuer,
    notSentIntermediates: pathEntries.slice(1, -1).filter((entry) => entry.source !== 'served').map((entry) => entry.cert.subject),
    unusedIndexes,
    inOrder,
    rootSent,
    ...spec.servedChain,
  };
  const trust: TrustVerdict | null = served.length
    ? { trusted, store: trusted ? store ?? 'user' : null, root: top ? top.subject : null, reason: trusted ? null : spec.trustReason ?? 'The chain is not trusted' }
    : null;

  const host = spec.host ?? served[0]?.san[0] ?? 'sip.contoso.com';
  const checkedAt = (spec.checkedAt ?? new Date()).toISOString();
  return {
    target: spec.target ?? host,
    type: spec.type ?? 'DIR',
    host,
    ip: spec.ip !== undefined ? spec.ip : '127.0.0.1',
    port: spec.port !== undefined ? spec.port : 5061,
    poolMember: spec.poolMember ?? false,
    srv: spec.srvRecord?.name ?? null,
    srvRecord: spec.srvRecord ?? null,
    poolAddresses: spec.poolAddresses ?? [spec.ip ?? '127.0.0.1'],
    error: spec.error ?? null,
    tls: {
      protocol: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      handshakeMs: 5,
      handshakeError: null,
      authorized: trusted,
      authorizationError: null,
      ...spec.tls,
    },
    served,
    certificateSource: served.length ? (spec.certificateSource ?? 'wire') : null,
    chain: served.length ? chain : [],
    trust,
    servedChain: served.length ? (spec.servedChain === null ? null : facts) : null,
    comments: [],
    rootLinks: [],
    revocation: spec.revocation ?? null,
    checkedAt,
  };
}

/** The rule context for one result (pool: just itself unless given). */
export function contextFor(result: EndpointResult, extra: Partial<RuleContext> = {}): RuleContext {
  return { result, pool: [result], ipTarget: false, now: new Date(result.checkedAt), ...extra };
}

/** A result for an endpoint that produced no certificate. */
export function failedResult(error: CheckError, spec: Partial<ResultSpec> = {}): EndpointResult {
  return makeResult({ ...spec, served: [], error });
}
