// Raw TLS capture: connect, send our own ClientHello, and read the server's certificates exactly as
// sent (order, extra and unrelated certificates, root included), whatever happens to the handshake
// afterwards. Node's TLS socket cannot do this: getPeerCertificate() rebuilds the chain.
import { connect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { CheckError, ProtocolVersion, TlsVersion } from '../../../types.ts';
import { TLS_VERSIONS } from '../../../types.ts';
import { checkError, classifySocketError, timeoutError, type SocketPhase } from '../../errors.ts';
import { cipherSuiteName, groupName } from './constants.ts';
import { HandshakeSession, type Capture } from './handshake.ts';

export interface RawHandshakeOptions {
  ip: string;
  port: number;
  /** Sent as SNI; null (or an IP literal) sends none. */
  servername: string | null;
  /** Versions offered in the ClientHello; all of TLS 1.0-1.3 when omitted. */
  versions?: TlsVersion[];
  /** Bound for the TCP connect and, separately, for reading the server's first flight. */
  timeoutMs: number;
  /** An overall bound for this connection, shorter than 2 x timeoutMs (a fallback run late in a capture's budget). */
  budgetMs?: number;
  signal?: AbortSignal;
  /** Send an SSL 2.0-format hello offering SSL 3.0 (the legacy probe) instead of a TLS ClientHello. */
  legacySsl?: boolean;
  /** TLS 1.0-1.2 suites (IANA code points) to offer instead of the broad default list. */
  cipherSuites?: readonly number[];
}

export interface RawHandshakeResult {
  /** As chosen by the ServerHello. */
  version: ProtocolVersion | null;
  /** IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256. */
  cipherSuite: string | null;
  cipherSuiteId: number | null;
  /** DER, exactly as sent, in order. */
  certificates: Uint8Array[];
  certificateRequested: boolean;
  /** DER of each DistinguishedName of the CertificateRequest (TLS 1.2 list or TLS 1.3 certificate_authorities). */
  acceptableCAs: Uint8Array[];
  stapledOcsp: Uint8Array | null;
  alert: { level: number; description: number; name: string } | null;
  /** Null when a Certificate message was read. */
  error: CheckError | null;
  /** From TCP connect to the end of the server's certificate flight; null when no certificate was read. */
  handshakeMs: number | null;
  /** Key exchange group, e.g. "x25519", "secp256r1" (TLS 1.3, and TLS 1.0-1.2 ECDHE); null otherwise. */
  keyExchangeGroup: string | null;
  /** The server asked for another key share first (TLS 1.3 HelloRetryRequest). */
  helloRetried: boolean;
  /** TLS 1.0-1.2: the server accepted encrypt_then_mac; null for TLS 1.3 or without a ServerHello. */
  encryptThenMac: boolean | null;
  /** The server answered in SSL 2.0 (only the legacy probe's hello draws that). */
  sslv2: boolean;
  /** A ServerHello or HelloRetryRequest was read: the server understood the hello, whatever happened next. */
  serverHelloRead: boolean;
}

export interface VersionProbe {
  /** Whether the server negotiated each version when it was the only one offered. */
  versions: Record<TlsVersion, boolean>;
  /** The cipher suite the server chose for each version, null where the version failed. */
  suites: Partial<Record<TlsVersion, string | null>>;
  /** The highest-version probe that captured certificates (else the highest that negotiated), or null. */
  best: RawHandshakeResult | null;
  /** Every probe made, so the reason a version failed (alert, reset, timeout) can be shown. */
  results: Partial<Record<TlsVersion, RawHandshakeResult>>;
}

/** How the endpoint is named in messages: "sip.contoso.com (192.0.2.10:5061)" or "[2001:db8::1]:443". */
export function describePeer(ip: string, port: number, servername: string | null): string {
  const address = isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
  return servername && servername !== ip ? `${servername} (${address})` : address;
}

/** Never rejects; resolves within about 2 x timeoutMs (connect, then the handshake), at once on abort. */
export function rawHandshake(opts: RawHandshakeOptions): Promise<RawHandshakeResult> {
  const where = describePeer(opts.ip, opts.port, opts.servername);
  if (isIP(opts.ip) === 0) {
    return Promise.resolve(failedResult(checkError('INTERNAL', `"${opts.ip}" is not an IP address; the raw TLS client connects to resolved addresses only.`)));
  }
  if (opts.signal?.aborted) return Promise.resolve(failedResult(cancelledError(where)));
  let session: HandshakeSession;
  try {
    session = new HandshakeSession({ versions: opts.versions, servername: opts.servername, where, legacySsl: opts.legacySsl, cipherSuites: opts.cipherSuites });
  } catch (err) {
    return Promise.resolve(failedResult(checkError('INTERNAL', `Could not prepare the TLS ClientHello: ${err instanceof Error ? err.message : String(err)}`)));
  }
  return new Promise((resolve) => runSession(session, opts, where, resolve));
}

function runSession(session: HandshakeSession, opts: RawHandshakeOptions, where: string, resolve: (result: RawHandshakeResult) => void): void {
  const { signal, timeoutMs } = opts;
  let phase: SocketPhase = 'connect';
  let connectedAt: number | null = null;
  let settled = false;
  let socket: Socket | null = null;

  const finish = (error: CheckError | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (budgetTimer) clearTimeout(budgetTimer);
    signal?.removeEventListener('abort', onAbort);
    if (error) session.abandon(error);
    socket?.destroy();
    const handshakeMs = session.capture.certificateReceived && connectedAt !== null ? Math.round(performance.now() - connectedAt) : null;
    resolve(toResult(session.capture, handshakeMs));
  };
  const onAbort = () => finish(cancelledError(where));
  let timer = setTimeout(() => finish(timeoutError('connect', where, timeoutMs)), timeoutMs);
  signal?.addEventListener('abort', onAbort, { once: true });
  const budgetTimer = opts.budgetMs === undefined ? null : setTimeout(() => finish(budgetError(where, opts.budgetMs!)), Math.max(0, opts.budgetMs));

  try {
    socket = connect({ host: opts.ip, port: opts.port, noDelay: true });
  } catch (err) {
    finish(classifySocketError(err, 'connect', where));
    return;
  }
  socket.once('connect', () => {
    phase = 'handshake';
    connectedAt = performance.now();
    clearTimeout(timer);
    timer = setTimeout(() => finish(handshakeTimeout(session, where, timeoutMs)), timeoutMs);
    socket!.write(session.firstFlight());
  });
  socket.on('data', (chunk: Buffer) => {
    try {
      const step = session.receive(chunk);
      for (const bytes of step.send) socket!.write(bytes);
      if (step.finished) finish(null);
    } catch (err) {
      // The session is built not to throw; this keeps the promise's contract if it ever does.
      finish(checkError('INTERNAL', `Unexpected error reading the TLS handshake of ${where}: ${err instanceof Error ? err.message : String(err)}`));
    }
  });
  const onClosed = () => {
    session.peerClosed();
    finish(null);
  };
  socket.on('end', onClosed);
  socket.on('close', onClosed);
  socket.on('error', (err) => finish(classifySocketError(err, phase, where)));
}

/**
 * One ClientHello per version, each offering only that version, all at once (on a WAN four handshakes
 * in a row cost four round trips). `known` is a handshake already made with every version offered:
 * the version it negotiated is taken from it instead of being asked again. `supplied` gives, for some
 * versions, a handshake (still running) that answers the question instead of a probe of their own.
 */
export async function probeVersions(
  opts: Omit<RawHandshakeOptions, 'versions'>,
  known?: RawHandshakeResult,
  supplied: Partial<Record<TlsVersion, Promise<RawHandshakeResult>>> = {},
): Promise<VersionProbe> {
  const probe: VersionProbe = {
    versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false },
    suites: {},
    best: null,
    results: {},
  };
  const reuse = known && known.version !== null && known.cipherSuiteId !== null ? known : null;
  const highestFirst = [...TLS_VERSIONS].reverse();
  const ask = (version: TlsVersion) => (reuse?.version === version ? reuse : (supplied[version] ?? rawHandshake({ ...opts, versions: [version] })));
  const results = await Promise.all(highestFirst.map(ask));
  let bestNegotiated: RawHandshakeResult | null = null;
  highestFirst.forEach((version, i) => {
    const result = results[i]!;
    probe.results[version] = result;
    const negotiated = result.version === version && result.cipherSuiteId !== null;
    probe.versions[version] = negotiated;
    probe.suites[version] = negotiated ? result.cipherSuite : null;
    if (negotiated && result.error === null) probe.best ??= result;
    if (negotiated) bestNegotiated ??= result;
  });
  probe.best ??= bestNegotiated;
  return probe;
}

function handshakeTimeout(session: HandshakeSession, where: string, timeoutMs: number): CheckError {
  return session.receivedAnything
    ? checkError('HANDSHAKE_TIMEOUT', `${where} started the TLS handshake but did not send its certificate within ${timeoutMs} ms.`)
    : timeoutError('handshake', where, timeoutMs);
}

function budgetError(where: string, budgetMs: number): CheckError {
  return checkError('HANDSHAKE_TIMEOUT', `${where} did not send its certificate to the fallback ClientHello within the ${Math.round(budgetMs)} ms left of this endpoint's bound (2 x the timeout).`);
}

/** The legacy probe: one SSL 2.0-format hello offering SSL 3.0, answered by SSL 3.0 or SSL 2.0 servers only. */
export function probeLegacySsl(opts: Omit<RawHandshakeOptions, 'versions' | 'legacySsl'>): Promise<RawHandshakeResult> {
  return rawHandshake({ ...opts, legacySsl: true });
}

function cancelledError(where: string): CheckError {
  return checkError('CANCELLED', `The check of ${where} was cancelled.`);
}

function toResult(capture: Capture, handshakeMs: number | null): RawHandshakeResult {
  return {
    version: capture.version,
    cipherSuite: capture.cipherSuiteId === null ? null : cipherSuiteName(capture.cipherSuiteId),
    cipherSuiteId: capture.cipherSuiteId,
    certificates: capture.certificates,
    certificateRequested: capture.certificateRequested,
    acceptableCAs: capture.acceptableCAs,
    stapledOcsp: capture.stapledOcsp,
    alert: capture.alert && { level: capture.alert.level, description: capture.alert.description, name: capture.alert.name },
    error: capture.error,
    handshakeMs,
    keyExchangeGroup: capture.keyExchangeGroup !== null ? groupName(capture.keyExchangeGroup) : capture.dhePrimeBits !== null ? `DHE-${capture.dhePrimeBits}` : null,
    helloRetried: capture.helloRetried,
    encryptThenMac: capture.encryptThenMac,
    sslv2: capture.sslv2,
    serverHelloRead: capture.serverHelloRead,
  };
}

function failedResult(error: CheckError): RawHandshakeResult {
  return {
    version: null,
    cipherSuite: null,
    cipherSuiteId: null,
    certificates: [],
    certificateRequested: false,
    acceptableCAs: [],
    stapledOcsp: null,
    alert: null,
    error,
    handshakeMs: null,
    keyExchangeGroup: null,
    helloRetried: false,
    encryptThenMac: null,
    sslv2: false,
    serverHelloRead: false,
  };
}
