// The data that flows through the engine pipeline and over IPC.
// target -> DNS -> TLS capture -> decode -> chain and trust -> comments -> result.
// Everything here is plain JSON (no Buffers, no Dates) so it crosses IPC and `--json` unchanged.
import type { ClientCertificateFiles, ClientCertificateVerdict, SipOptionsResult } from './engine/sip/types.ts';

export type { ClientCertificateFiles, ClientCertificateInfo, ClientCertificateVerdict, SipDiagnostic, SipOptionsResult, SipOutcome } from './engine/sip/types.ts';

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

/** A name in the subject alternative name extension. */
export interface SanEntry {
  type: 'dns' | 'ip' | 'email' | 'uri' | 'other';
  value: string;
}

export interface ExtensionInfo {
  /** Friendly name as Windows shows it, e.g. "Enhanced Key Usage". */
  name: string;
  oid: string;
  critical: boolean;
  /** The value written the way Windows' certificate dialog writes it (may be multi-line). */
  data: string;
}

export interface InvalidDate {
  field: 'notBefore' | 'notAfter';
  /** The sentence naming the field and quoting its text (escaped). */
  text: string;
}

/** A decoded certificate (stage 4 output). Fields are empty strings when parseError is set. */
export interface CertInfo {
  subject: string;
  issuer: string;
  /** ISO 8601 */
  notBefore: string;
  /** ISO 8601 */
  notAfter: string;
  /** Upper-case hex, as Windows shows it. */
  serialNumber: string;
  /** Windows' name: sha256RSA, sha1RSA, md5RSA, sha256ECDSA, RSASSA-PSS ... */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  /** SHA-1 of the DER, upper-case hex (Windows' "Thumbprint"). */
  thumbprint: string;
  sha256: string;
  /** X.509 version as Windows shows it: "V3". */
  version: string;
  publicKey: { algorithm: string; size: number | null; curve?: string | null };
  /** The names of the SAN extension, as plain values (DNS names and IP addresses), in certificate order. */
  san: string[];
  sanEntries: SanEntry[];
  /** The subject's common name (first CN), or null. */
  commonName: string | null;
  extensions: ExtensionInfo[];
  /** Extended key usage OIDs; null when the extension is absent (which means any usage). */
  ekus: string[] | null;
  /** Key usage flag names (digitalSignature, keyEncipherment, keyCertSign ...); null when absent. */
  keyUsage: string[] | null;
  /** Basic constraints cA flag (false when absent). */
  isCA: boolean;
  pathLength: number | null;
  /** Subject and issuer DER are equal (a self-issued, usually self-signed, certificate). */
  selfIssued: boolean;
  crlUrls: string[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** The certificate itself, base64 DER, so the renderer can save it as .cer or .pem. */
  derBase64: string;
  /**
   * Validity times that break RFC 5280 4.1.2.5 (unreadable, month 13, fractions, offsets), for the rule
   * invalid-validity-date. notBefore/notAfter are then '' unless the text names one unambiguous instant.
   */
  invalidDates?: InvalidDate[];
  /** Set when the certificate would not parse; the other fields are then empty. */
  parseError: string | null;
}

/** A certificate of the chain a client would build, with the original's "Chain is valid". */
export interface ChainItem {
  cert: CertInfo;
  /** Where this certificate came from. */
  source: 'served' | 'store' | 'user' | 'aia';
  valid: boolean;
  /** Why valid is false; null when valid. */
  reason: string | null;
}

export type TrustStoreName = 'mozilla' | 'system' | 'user';

/** What the strict profile (RFC 5280 / CA/B Forum, shared/engine/chain/profile.ts) finds; rules map each kind to a comment id. */
export type StrictFindingKind =
  | 'version'
  | 'serial'
  | 'empty-issuer'
  | 'malformed-extension'
  | 'critical-aia'
  | 'san-criticality'
  | 'critical-key-identifier'
  | 'missing-aki'
  | 'root-aki'
  | 'missing-ski'
  | 'ca-flags'
  | 'policy-constraints'
  | 'ca-as-leaf'
  | 'critical-eku'
  | 'any-eku'
  | 'root-eku'
  | 'weak-key'
  | 'rsa-modulus'
  | 'key-algorithm'
  | 'cn-not-in-san'
  | 'dns-name-syntax'
  | 'public-suffix-wildcard'
  | 'private-suffix-wildcard'
  | 'name-constraints';

/** A strict-profile fault of one certificate on the built chain that the client verdict lets through. */
export interface StrictFinding {
  kind: StrictFindingKind;
  /** Position in the built chain (0 = leaf). */
  index: number;
  /** Short name of the certificate (its CN, else its subject). */
  certificate: string;
  /** What is wrong, one sentence. */
  text: string;
}

export interface TrustVerdict {
  trusted: boolean;
  /** The store whose root anchored the built chain, or null when none did. */
  store: TrustStoreName | null;
  /** Subject of the root the chain ends at (trusted or not), or null. */
  root: string | null;
  /** Why the chain is not trusted, for the admin; null when trusted. */
  reason: string | null;
  /** Strict-profile faults on the built chain that the verdict (Windows' rules) does not act on; absent in older saved results. */
  strictFindings?: StrictFinding[];
}

export interface ServedChainFacts {
  /** Issuer (Windows-style DN) of the first certificate whose issuer was neither sent nor in a store. */
  missingIssuer: string | null;
  /** Subject of an intermediate the server did not send but a client had to find elsewhere (store or AIA). */
  notSentIntermediates: string[];
  /** Indexes into `served` of certificates that are not on the built path (extra, unrelated). */
  unusedIndexes: number[];
  /** The served certificates that are on the path come in path order (leaf, its issuer, ...). */
  inOrder: boolean;
  /** The server sent the self-signed root as well. */
  rootSent: boolean;
}

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

/** A network step of one endpoint that the endpoint deadline can cut short. */
export type DeadlineStep = 'aia' | 'revocation';

export interface DeadlineExceeded {
  /** The whole endpoint's budget: 2 x the timeout. */
  budgetMs: number;
  /** The steps still running (or not yet started) when the budget ran out. */
  steps: DeadlineStep[];
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
