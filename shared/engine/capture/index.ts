// Stage 3: Endpoint -> the certificates exactly as the server sent them, plus what a normal client
// negotiates. Everything starts at once, so one endpoint costs at most 2 x the timeout whatever the
// server does: the raw client's full ClientHello (the wire chain, protocol and suite), one hello per
// TLS version below 1.3 (the version matrix, and the wire chain of a server that chokes on the full
// hello), the legacy SSL probe, and Node's TLS (what a normal client of this runtime negotiates, and its
// trust verdict). The full hello offers TLS 1.3 with every other version, so a server that answers it
// has already said whether it does TLS 1.3 (it picks the highest version it shares): a TLS 1.3-only
// hello is sent only when the full hello got no answer, in the time left. The TLS 1.2 and TLS 1.0 probes
// are also the browser-style fallback hellos; without probes, those follow a failed first hello.
import type { CertificateSource, CheckError, Endpoint, TlsInfo, TlsVersion } from '../../types.ts';
import { TLS_VERSIONS } from '../../types.ts';
import { checkError } from '../errors.ts';
import { nodeHandshake, type NodeHandshakeResult } from './node-tls.ts';
import { probeLegacySsl, probeVersions, rawHandshake, type RawHandshakeOptions, type RawHandshakeResult, type VersionProbe } from './tls/raw-client.ts';
import { distinguishedNameText } from '../decode/index.ts';
import { hostPort } from '../target.ts';
import type { ClientCredential } from '../sip/client-cert.ts';

export interface CaptureOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** One ClientHello per TLS version, and the legacy SSL probe (default on). */
  probeVersions?: boolean;
  /** The admin's certificate, for Node's handshake only (the raw client stops before it would send one). */
  clientCertificate?: ClientCredential | null;
}

export interface Capture {
  /** DER in the order sent (leaf first) when certificateSource is 'wire'; Node's rebuilt chain otherwise. */
  certificates: Uint8Array[];
  certificateSource: CertificateSource | null;
  tls: TlsInfo;
  stapledOcsp: Uint8Array | null;
  /** Null when certificates were captured. */
  error: CheckError | null;
}

/** Browser-style fallbacks (as browsers did before TLS 1.3): no supported_versions, then TLS 1.0 alone. */
const FALLBACK_HELLOS: readonly (readonly TlsVersion[])[] = [['TLSv1', 'TLSv1.1', 'TLSv1.2'], ['TLSv1']];
/** Below this, a fallback connection could not complete even on a LAN: not worth starting. */
const MIN_FALLBACK_BUDGET_MS = 100;
/** How a TLS 1.3-intolerant server fails a hello it does not understand (browsers retried after these). */
const INTOLERANCE_SYMPTOMS: ReadonlySet<string> = new Set(['CONNECTION_RESET', 'HANDSHAKE_TIMEOUT', 'TLS_ALERT', 'NOT_TLS', 'PROTOCOL_ERROR']);

type Common = Omit<RawHandshakeOptions, 'versions'>;

export async function captureEndpoint(endpoint: Endpoint, options: CaptureOptions): Promise<Capture> {
  const started = performance.now();
  const budgetMs = 2 * options.timeoutMs;
  const servername = endpoint.host === endpoint.ip ? null : endpoint.host;
  const common: Common = { ip: endpoint.ip, port: endpoint.port, servername, timeoutMs: options.timeoutMs, signal: options.signal };
  const probing = options.probeVersions !== false;

  let wireChainRead = false;
  const mainPromise = rawHandshake(common).then((main) => {
    wireChainRead = main.certificates.length > 0;
    return main;
  });
  const clientCertRequested = mainPromise.then((main) => main.certificateRequested || main.version === null);
  const [main, node, probe, legacy] = await Promise.all([
    mainPromise,
    // Node's rebuilt chain is collected in the same handshake (a second one would break the time bound),
    // unless the full hello has already read the wire chain, which then is the one used.
    nodeHandshake({ ...common, wantPeerChain: () => !wireChainRead, clientCertRequested, clientCertificate: options.clientCertificate }),
    probing ? probeVersions(common, undefined, { 'TLSv1.3': tls13Verdict(common, mainPromise, started + budgetMs) }) : Promise.resolve(null),
    probing ? probeLegacySsl(common) : Promise.resolve(null),
  ]);

  let source = chooseWireSource(main, probe, legacy);
  // With probes, the TLS 1.2 and 1.0 probes already were those retries, made in parallel.
  if (!source && !probing && !answeredHello(main) && INTOLERANCE_SYMPTOMS.has(main.error?.code ?? '')) {
    source = await runFallbacks(common, budgetMs - (performance.now() - started));
  }
  return assemble(endpoint, { main, node, probe, legacy, source });
}

/** The full hello when it was answered (TLS 1.3 negotiated or declined), else a TLS 1.3-only hello within the time left. */
async function tls13Verdict(common: Common, mainPromise: Promise<RawHandshakeResult>, deadline: number): Promise<RawHandshakeResult> {
  const main = await mainPromise;
  const budgetMs = deadline - performance.now();
  if (answeredHello(main) || budgetMs < MIN_FALLBACK_BUDGET_MS || common.signal?.aborted) return main;
  return rawHandshake({ ...common, versions: ['TLSv1.3'], budgetMs });
}

/** The handshake the wire chain is taken from: the full hello, else the highest version probe, else SSL 3.0. */
function chooseWireSource(main: RawHandshakeResult, probe: VersionProbe | null, legacy: RawHandshakeResult | null): RawHandshakeResult | null {
  if (main.certificates.length > 0) return main;
  for (const version of [...TLS_VERSIONS].reverse()) {
    const result = probe?.results[version];
    if (result && result.certificates.length > 0) return result;
  }
  return legacy && legacy.certificates.length > 0 ? legacy : null;
}

/** The server read our hello and answered it in TLS (a ServerHello or HelloRetryRequest). */
function answeredHello(result: RawHandshakeResult): boolean {
  return result.serverHelloRead;
}

async function runFallbacks(common: Common, remainingMs: number): Promise<RawHandshakeResult | null> {
  const deadline = performance.now() + remainingMs;
  for (const versions of FALLBACK_HELLOS) {
    const budgetMs = deadline - performance.now();
    if (budgetMs < MIN_FALLBACK_BUDGET_MS || common.signal?.aborted) return null;
    const result = await rawHandshake({ ...common, versions: [...versions], budgetMs });
    if (result.certificates.length > 0) return result;
  }
  return null;
}

interface Handshakes {
  main: RawHandshakeResult;
  node: NodeHandshakeResult;
  probe: VersionProbe | null;
  legacy: RawHandshakeResult | null;
  /** Where the wire chain was read, or null when no raw handshake read one. */
  source: RawHandshakeResult | null;
}

function assemble(endpoint: Endpoint, { main, node, probe, legacy, source }: Handshakes): Capture {
  // The raw client is the source of truth for protocol and suite: the handshake the chain came from.
  const negotiated = source ?? (answeredHello(main) ? main : null);
  const tls: TlsInfo = {
    protocol: negotiated?.version ?? null,
    cipher: negotiated?.cipherSuite ?? null,
    handshakeMs: source?.handshakeMs ?? node.handshakeMs,
    handshakeError: null,
    authorized: node.authorized,
    authorizationError: node.authorizationError,
    runtimeClient: { protocol: node.protocol, cipher: node.cipher, error: node.error, ...(node.clientCertificate ? { clientCertificate: node.clientCertificate } : {}) },
    keyExchangeGroup: negotiated?.keyExchangeGroup ?? null,
    encryptThenMac: negotiated?.encryptThenMac ?? null,
    helloRetried: main.helloRetried,
    firstHelloError: source && !answeredHello(main) && isOlderTls(source.version) ? main.error : null,
    clientCertRequested: (source ?? main).certificateRequested,
    acceptableCAs: (source ?? main).acceptableCAs.map((der) => distinguishedNameText(der)),
  };
  if (probe) {
    tls.versions = { ...probe.versions, SSLv3: isSsl3(legacy), SSLv2: legacy?.sslv2 ?? false };
    tls.suites = { ...probe.suites, SSLv3: isSsl3(legacy) ? legacy!.cipherSuite : null };
    // The version matrix and the negotiated suite come from different connections: make them agree.
    if (tls.protocol && tls.cipher && negotiated?.version) {
      tls.versions[negotiated.version] = true;
      tls.suites[negotiated.version] = tls.cipher;
    }
  }

  let certificates = source?.certificates ?? [];
  let certificateSource: CertificateSource | null = certificates.length > 0 ? 'wire' : null;
  if (certificates.length === 0 && node.peerChainDer.length > 0) {
    // No raw handshake could read this server but Node could: its rebuilt chain is second best, so the
    // admin still sees the certificate, labelled so that nobody takes its order for the server's.
    certificates = node.peerChainDer;
    certificateSource = 'node-peer-chain';
  }

  let error: CheckError | null = null;
  if (certificates.length === 0) {
    error = legacy?.sslv2 && !probe?.best ? legacy.error : main.error ?? node.error;
    error ??= checkError('NO_CERTIFICATE', `ERROR: No certificate response from ${hostPort(endpoint.ip, endpoint.port)}.`);
  } else if (node.error && (tls.clientCertRequested || node.protocol)) {
    // The server itself ended a handshake that got that far: a demanded client certificate, a late alert.
    // Any other failure of Node's client (no suite in common: CCM only, SSL 3.0) is the runtime's, in runtimeClient.
    tls.handshakeError = node.error;
  }
  return { certificates, certificateSource, tls, stapledOcsp: source?.stapledOcsp ?? null, error };
}

/** A TLS version below 1.3: the answer to a hello without supported_versions. (SSL servers refuse every TLS hello.) */
function isOlderTls(version: RawHandshakeResult['version']): boolean {
  return version === 'TLSv1' || version === 'TLSv1.1' || version === 'TLSv1.2';
}

function isSsl3(legacy: RawHandshakeResult | null): boolean {
  return legacy?.version === 'SSLv3' && legacy.cipherSuiteId !== null;
}
