// What a normal client negotiates with the endpoint: Node's own TLS handshake (OpenSSL), for the
// protocol and cipher a real client gets and its trust verdict. The certificates themselves come from
// the raw client (shared/tls), which sees them exactly as sent.
import tls from 'node:tls';
import type { CheckError } from './types.ts';
import { checkError, classifySocketError, timeoutError } from './errors.ts';
import { hostPort } from './target.ts';

export interface NodeHandshakeOptions {
  ip: string;
  port: number;
  /** SNI; null for an IP target. */
  servername: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Roots for the reference trust verdict; Node's bundled roots when absent. */
  ca?: string[];
  /** Collect Node's view of the peer chain (costly; only needed when the raw client got nothing). */
  wantPeerChain?: boolean;
  /**
   * Whether the server asked for a client certificate, when another handshake finds out first. A TLS 1.3
   * server rejects the missing certificate only after the handshake, so only then is it worth waiting.
   */
  clientCertRequested?: Promise<boolean>;
}

/** One TLS context per set of roots, shared by every connection: building one per connect is costly. */
const contexts = new Map<string, tls.SecureContext>();
function secureContextFor(ca: string[] | undefined): tls.SecureContext {
  const key = ca ? ca.join('') : '';
  let context = contexts.get(key);
  if (!context) {
    // Old Lync edges still speak TLS 1.0 with old suites: a checker must be able to look at them.
    context = tls.createSecureContext({ minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0', ca });
    if (contexts.size > 16) contexts.clear();
    contexts.set(key, context);
  }
  return context;
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

const ALERT_IN_MESSAGE = /alert (?:number \d+|[a-z ]+)|sslv3 alert ([a-z ]+)|tlsv1 alert ([a-z ]+)|tlsv13 alert ([a-z ]+)/i;

export function nodeHandshake(opts: NodeHandshakeOptions): Promise<NodeHandshakeResult> {
  const where = hostPort(opts.ip, opts.port);
  return new Promise((resolve) => {
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
    };
    const socket = tls.connect({
      host: opts.ip,
      port: opts.port,
      servername: opts.servername ?? undefined,
      rejectUnauthorized: false,
      secureContext: secureContextFor(opts.ca),
    });
    const finish = (error: CheckError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      result.error = error;
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
      result.handshakeMs = Math.round(performance.now() - started);
      result.protocol = socket.getProtocol();
      result.cipher = socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? null;
      result.authorized = socket.authorized;
      result.authorizationError = socket.authorizationError ? String(socket.authorizationError) : null;
      if (opts.wantPeerChain) result.peerChainDer = peerChain(socket);
      // TLS 1.3 servers that demand a client certificate reject it just after the handshake: wait briefly
      // for that alert, unless the raw handshake already showed that no client certificate was asked for.
      if (result.protocol !== 'TLSv1.3') return finish(null);
      void (opts.clientCertRequested ?? Promise.resolve(true)).then((requested) => setTimeout(() => finish(null), requested ? CLIENT_CERT_ALERT_WAIT_MS : 0));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const alert = ALERT_IN_MESSAGE.exec(err.message);
      if (alert || err.code?.startsWith('ERR_SSL')) {
        // OpenSSL's text ("...:ssl3_read_bytes:sslv3 alert handshake failure:...:SSL alert number 40") carries
        // the alert's name and number; the rest is noise to an admin.
        const name = (alert?.[1] ?? alert?.[2] ?? alert?.[3] ?? err.code?.replace(/^ERR_SSL_/, '').replace(/_/g, ' ') ?? 'handshake failure').toLowerCase().trim();
        const number = /alert number (\d+)/i.exec(err.message)?.[1];
        finish(checkError('TLS_ALERT', `${where} ended the TLS handshake with the alert "${name}"${number ? ` (${number})` : ''}.`));
      } else {
        finish(classifySocketError(err, connected ? 'handshake' : 'connect', where));
      }
    });
    socket.once('close', () => finish(result.protocol ? null : checkError('CONNECTION_RESET', `${where} closed the connection during the TLS handshake.`)));
  });
}
