// What a normal client of this runtime negotiates with the endpoint, and whether it trusts it: the
// runtime's own TLS library (OpenSSL under Node, BoringSSL under Electron) gives the protocol and
// cipher a real client gets and the reference trust verdict. The certificates themselves come from
// the raw client (./tls/), which sees them exactly as sent and does not depend on that library.
import tls from 'node:tls';
import type { CheckError } from '../../types.ts';
import { checkError, classifySocketError, timeoutError } from '../errors.ts';
import { TLS_CIPHER_STRINGS, TLS_MIN_VERSION } from './tls/runtime-needs.ts';
import { hostPort } from '../target.ts';
import type { ClientCredential } from '../sip/client-cert.ts';
import { CLIENT_CERT_ALERTS, receivedAlert } from '../sip/tls-alerts.ts';
import type { ClientCertificateVerdict } from '../sip/types.ts';

export interface NodeHandshakeOptions {
  ip: string;
  port: number;
  /** SNI; null for an IP target. */
  servername: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Roots for the reference trust verdict; Node's bundled roots when absent. */
  ca?: string[];
  /**
   * Collect Node's view of the peer chain (costly: getPeerCertificate(true) turns every certificate into
   * an object; only needed when the raw client got nothing). A function is asked at the handshake's end.
   */
  wantPeerChain?: boolean | (() => boolean);
  /**
   * Whether the server asked for a client certificate, when another handshake finds out first. A TLS 1.3
   * server rejects the missing certificate only after the handshake, so only then is it worth waiting.
   */
  clientCertRequested?: Promise<boolean>;
  /** The admin's certificate, so a server that demands one (mutual TLS) completes the handshake. */
  clientCertificate?: ClientCredential | null;
}

/** The widest configuration this runtime's TLS library accepts, found once by trying (not by its name). */
let acceptedOptions: tls.SecureContextOptions | null = null;

/** A context from the first configuration the library takes (the remembered one first); throws only when it takes none. */
function createWidestContext(ca: string[] | undefined, own: tls.SecureContextOptions): tls.SecureContext {
  // Old Lync edges still speak TLS 1.0 with old suites: a checker must be able to look at them.
  const candidates: tls.SecureContextOptions[] = [
    ...(acceptedOptions ? [acceptedOptions] : []),
    ...TLS_CIPHER_STRINGS.map((ciphers) => ({ minVersion: TLS_MIN_VERSION, ciphers })),
    ...TLS_CIPHER_STRINGS.map((ciphers) => ({ ciphers })),
    {},
  ];
  let lastError: unknown = null;
  for (const options of candidates) {
    try {
      const context = tls.createSecureContext({ ...options, ...own, ca });
      acceptedOptions = options;
      return context;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** One TLS context per set of roots (and client certificate), shared by every connection: building one per connect is costly. */
const anonymousContexts = new Map<string, tls.SecureContext>();
const credentialContexts = new WeakMap<ClientCredential, Map<string, tls.SecureContext>>();
export function secureContextFor(ca: string[] | undefined, credential: ClientCredential | null | undefined): tls.SecureContext {
  let contexts = anonymousContexts;
  if (credential) {
    contexts = credentialContexts.get(credential) ?? new Map();
    credentialContexts.set(credential, contexts);
  }
  const key = ca ? ca.join('') : '';
  let context = contexts.get(key);
  if (!context) {
    context = createWidestContext(ca, credential?.secureContextOptions() ?? {});
    if (contexts.size > 16) contexts.clear();
    contexts.set(key, context);
  }
  return context;
}

/** Any throw from the runtime's TLS library, as a result: the rest of the check still stands. */
function libraryRefused(error: unknown, where: string): CheckError {
  const detail = error instanceof Error ? error.message : String(error);
  return checkError('TLS_LIBRARY_REFUSED', `This app's TLS library refused to connect to ${where} (${detail}); the certificates below come from the app's own TLS client.`);
}

/** How long to wait after a TLS 1.3 handshake for a server's rejection of our (absent) client certificate. */
const CLIENT_CERT_ALERT_WAIT_MS = 150;

export interface NodeHandshakeResult {
  protocol: string | null;
  cipher: string | null;
  handshakeMs: number | null;
  authorized: boolean | null;
  authorizationError: string | null;
  /** Certificates as Node reports them (not wire order): used only when the raw client got none. */
  peerChainDer: Uint8Array[];
  error: CheckError | null;
  /** With a client certificate: accepted when the handshake held, refused on a certificate alert. */
  clientCertificate: ClientCertificateVerdict | null;
}

/** Node's view of a peer chain: leaf, then each issuerCertificate until it repeats. */
function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

// OpenSSL writes "sslv3 alert handshake failure", BoringSSL "SSLV3_ALERT_HANDSHAKE_FAILURE".
const ALERT_IN_MESSAGE = /alert (?:number \d+|[a-z ]+)|sslv3[ _]alert[ _]([a-z_ ]+)|tlsv1[ _]alert[ _]([a-z_ ]+)|tlsv13[ _]alert[ _]([a-z_ ]+)/i;

/** Never rejects: every failure, the TLS library's own included, is a classified error on the result. */
export function nodeHandshake(opts: NodeHandshakeOptions): Promise<NodeHandshakeResult> {
  const where = hostPort(opts.ip, opts.port);
  return new Promise<NodeHandshakeResult>((resolve) => {
    const started = performance.now();
    let connected = false;
    let settled = false;
    const result: NodeHandshakeResult = {
      protocol: null,
      cipher: null,
      handshakeMs: null,
      authorized: null,
      authorizationError: null,
      peerChainDer: [],
      error: null,
      clientCertificate: opts.clientCertificate ? 'unknown' : null,
    };
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
        host: opts.ip,
        port: opts.port,
        servername: opts.servername ?? undefined,
        rejectUnauthorized: false,
        secureContext: secureContextFor(opts.ca, opts.clientCertificate),
      });
    } catch (error) {
      result.error = libraryRefused(error, where);
      return resolve(result);
    }
    const finish = (error: CheckError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      result.error = error;
      if (result.clientCertificate && !error && result.protocol) result.clientCertificate = 'accepted';
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish(checkError('CANCELLED', 'Check cancelled.'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(timeoutError(connected ? 'handshake' : 'connect', where, opts.timeoutMs)), opts.timeoutMs);

    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => {
      try {
        readNegotiated(socket);
      } catch (error) {
        return finish(libraryRefused(error, where));
      }
      // TLS 1.3 servers that demand a client certificate reject it just after the handshake: wait briefly
      // for that alert, unless the raw handshake already showed that no client certificate was asked for.
      if (result.protocol !== 'TLSv1.3') return finish(null);
      void (opts.clientCertRequested ?? Promise.resolve(true)).then((requested) => setTimeout(() => finish(null), requested ? CLIENT_CERT_ALERT_WAIT_MS : 0));
    });
    const readNegotiated = (socket: tls.TLSSocket) => {
      result.handshakeMs = Math.round(performance.now() - started);
      result.protocol = socket.getProtocol();
      result.cipher = socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? null;
      result.authorized = socket.authorized;
      result.authorizationError = socket.authorizationError ? String(socket.authorizationError) : null;
      const wantPeerChain = typeof opts.wantPeerChain === 'function' ? opts.wantPeerChain() : opts.wantPeerChain;
      if (wantPeerChain) result.peerChainDer = peerChain(socket);
    };
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const alert = ALERT_IN_MESSAGE.exec(err.message);
      const alertName = receivedAlert(err);
      if (result.clientCertificate && alertName && CLIENT_CERT_ALERTS.has(alertName)) result.clientCertificate = 'refused';
      if (alert || err.code?.startsWith('ERR_SSL')) {
        // The TLS library's text (OpenSSL: "...:ssl3_read_bytes:sslv3 alert handshake failure:...:SSL alert
        // number 40") carries the alert's name and number; the rest is noise to an admin.
        const name = (alert?.[1] ?? alert?.[2] ?? alert?.[3] ?? err.code?.replace(/^ERR_SSL_/, '') ?? 'handshake failure').replace(/_/g, ' ').toLowerCase().trim();
        const number = /alert number (\d+)/i.exec(err.message)?.[1];
        finish(checkError('TLS_ALERT', `${where} ended the TLS handshake with the alert "${name}"${number ? ` (${number})` : ''}.`));
      } else {
        finish(classifySocketError(err, connected ? 'handshake' : 'connect', where));
      }
    });
    socket.once('close', () => finish(result.protocol ? null : checkError('CONNECTION_RESET', `${where} closed the connection during the TLS handshake.`)));
  });
}
