// The result of one endpoint: comments, revocation, TLS facts, the endpoint deadline.
import type { ClientCertificateVerdict, SipOptionsResult } from '../engine/sip/types.ts';
import type { CertificateSource, CheckError, EndpointCap, InternalFetchMode, ProtocolVersion, RefusedFetch, SrvRecord, SslVersion, TargetType, TlsVersion } from './target.ts';
import type { CertInfo, ChainItem, ServedChainFacts, TrustVerdict } from './certificate.ts';
import type { CheckProfile } from './request.ts';

export type Severity = 'error' | 'warning' | 'info' | 'ok';
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'ok'];

export interface Comment {
  id: string;
  severity: Severity;
  text: string;
}

export interface RootLink {
  label: string;
  url: string;
}

/** Revocation of one certificate of the chain (leaf or intermediate). */
export interface CertRevocation {
  /** Position in the built chain (0 = leaf). */
  index: number;
  subject: string;
  status: 'good' | 'revoked' | 'unknown';
  method: 'crl' | 'ocsp' | 'ocsp-staple' | 'none';
  /** Revocation reason name (RFC 5280), e.g. "keyCompromise". */
  reason: string | null;
  revokedAt: string | null;
  details: string;
  /** The certificate names http(s) CRL locations and none of them could be downloaded. */
  crlUnreachable: boolean;
  /** The certificate names an OCSP responder and it could not be reached (nor a stapled response used). */
  ocspUnreachable: boolean;
  /** Revocation downloads this tool chose not to make, and why (absent when none). */
  skippedDownloads?: SkippedDownload[];
  /** CRLs that were downloaded but cannot be used (bad signature, no CRL number, issuer may not sign CRLs ...); absent when none. */
  invalidCrls?: InvalidCrl[];
}

/** A CRL the revocation check refused: it does not count as "not revoked". */
export interface InvalidCrl {
  url: string;
  /** Sentences starting "it ...", e.g. "it has no CRL number, which every CRL must carry". */
  problems: string[];
}

export interface SkippedDownload {
  kind: 'CRL' | 'OCSP';
  url: string;
  /**
   * too-large: the CRL alone would not fit in the memory set aside for CRLs; memory-busy: that memory
   * stayed full for the whole download time; url-limit: the endpoint's limit of distinct revocation URLs was reached.
   */
  reason: 'too-large' | 'memory-busy' | 'url-limit';
}

export interface RevocationStatus {
  status: 'good' | 'revoked' | 'unknown';
  method: 'crl' | 'ocsp' | 'ocsp-staple' | 'none';
  checkedAt: string;
  details: string;
  /** Per certificate of the chain, leaf first (absent when revocation was not checked). */
  certificates?: CertRevocation[];
}

export interface TlsInfo {
  /** Chosen by the server in the handshake the certificates were read from (raw client): "TLSv1.2" ..., null when none got that far. */
  protocol: string | null;
  /** IANA name of the suite the server chose in that handshake; agrees with suites[protocol]. */
  cipher: string | null;
  handshakeMs: number | null;
  /** Set when certificates arrived but the handshake then failed (client certificate demanded, alert). */
  handshakeError: CheckError | null;
  /** The runtime client's own trust verdict (Node's TLS: OpenSSL, or BoringSSL in Electron, with its bundled roots), for reference. */
  authorized: boolean | null;
  authorizationError: string | null;
  /** What a normal client of this runtime (Node's TLS: OpenSSL, or BoringSSL in Electron) negotiates; null when it did not connect. */
  runtimeClient?: {
    protocol: string | null;
    cipher: string | null;
    error: CheckError | null;
    /** With a client certificate: did the far end take it in this handshake (refused: a certificate alert). */
    clientCertificate?: ClientCertificateVerdict | null;
  };
  /** Key exchange group the server chose: "x25519", "ffdhe2048", or "DHE-2048" for TLS 1.0-1.2 DHE without a named group. */
  keyExchangeGroup?: string | null;
  /** TLS 1.0-1.2: the server accepted encrypt_then_mac (RFC 7366); null for TLS 1.3 or no handshake. */
  encryptThenMac?: boolean | null;
  /** The server answered the first ClientHello (all versions, with supported_versions) with a HelloRetryRequest. */
  helloRetried?: boolean;
  /**
   * How the first ClientHello (TLS 1.0-1.3, with supported_versions) failed when an older-style hello
   * (TLS 1.2 or lower, no supported_versions) then got an answer: a TLS 1.3-intolerant server. Null otherwise.
   */
  firstHelloError?: CheckError | null;
  /** Filled by the version probe (deep TLS); SSLv2/SSLv3 present when the legacy probe ran. */
  versions?: Record<TlsVersion, boolean> & Partial<Record<SslVersion, boolean>>;
  suites?: Partial<Record<ProtocolVersion, string | null>>;
  clientCertRequested?: boolean;
  acceptableCAs?: string[];
  /** Direct Routing profile only: whether a TLS 1.2 hello offering just this suite (IANA name) was accepted. */
  profileSuites?: Record<string, boolean>;
}

/** The result for one endpoint: the published JSON contract (`--json`, IPC, export). */
export interface EndpointResult {
  target: string;
  type: TargetType;
  host: string;
  /** Null when DNS gave no address. */
  ip: string | null;
  port: number | null;
  poolMember: boolean;
  srv: string | null;
  srvRecord: SrvRecord | null;
  /** Every address of the pool this endpoint belongs to. */
  poolAddresses: string[];
  /** Null when certificates were captured; otherwise why the endpoint could not be checked. */
  error: CheckError | null;
  tls: TlsInfo;
  /** The certificates exactly as the server sent them, in the order sent (leaf first). */
  served: CertInfo[];
  /** Where `served` came from: 'wire' (as sent, order meaningful) or 'node-peer-chain' (rebuilt by Node: order not the server's); null when none. */
  certificateSource: CertificateSource | null;
  /** The chain a client would build, leaf first. */
  chain: ChainItem[];
  trust: TrustVerdict | null;
  /** Faults of the chain as served, found while building the chain; null when nothing was served. */
  servedChain: ServedChainFacts | null;
  comments: Comment[];
  rootLinks: RootLink[];
  revocation: RevocationStatus | null;
  /** ISO 8601: when the check ran (the time validity was judged at). */
  checkedAt: string;
  /** On a target's first result when DNS named more endpoints than the cap. */
  endpointCap?: EndpointCap | null;
  /** Certificate URLs not fetched because they lead into the admin's network (see InternalFetchMode). */
  refusedFetches?: RefusedFetch[];
  /** What the SIP stack answered to one OPTIONS over TLS (when asked for), and whether it took our certificate. */
  sip?: SipOptionsResult | null;
  /** Set when the endpoint's deadline (2 x the timeout, from the start of the capture) cut network steps short. */
  deadlineExceeded?: DeadlineExceeded;
  /** The check profile this result was judged under (its rules ran), when one was active. */
  profile?: CheckProfile | null;
  /**
   * Where this result belongs in the input (set by runChecks): the position of its target in the request
   * (the list, the import, the comma-separated entry, in that order), and its place among that target's
   * endpoints (0 = the first address; SRV records in RFC 2782 order, pool members after their host).
   * Results arrive as endpoints finish; sort by (inputIndex, memberIndex), or feed them to
   * createInOrderEmitter (shared/engine/in-order.ts), to show them in the order typed.
   */
  inputIndex?: number;
  memberIndex?: number;
  /** How many results the target has (so a consumer knows when a target is complete). */
  memberCount?: number;
}

/** A network step of one endpoint that the endpoint deadline can cut short. */
export type DeadlineStep = 'aia' | 'revocation';

export interface DeadlineExceeded {
  /** The whole endpoint's budget: 2 x the timeout. */
  budgetMs: number;
  /** The steps still running (or not yet started) when the budget ran out. */
  steps: DeadlineStep[];
}
