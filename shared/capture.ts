// Stage 3: Endpoint -> the certificates exactly as the server sent them, plus what a normal client
// negotiates. Two connections run side by side: the raw client (wire chain, order, even when the
// handshake later fails) and Node's TLS (protocol, cipher, trust verdict of a real client).
// Then, for a server that speaks TLS, one ClientHello per protocol version gives the version matrix.
import type { CheckError, Endpoint, TlsInfo } from './types.ts';
import { checkError } from './errors.ts';
import { nodeHandshake } from './node-tls.ts';
import { probeVersions, rawHandshake } from './tls/raw-client.ts';
import { distinguishedNameText } from './decode.ts';
import { hostPort } from './target.ts';

export interface CaptureOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** One ClientHello per TLS version (default on). */
  probeVersions?: boolean;
}

export interface Capture {
  /** DER as sent, in the order sent (leaf first); Node's view of the chain only when the raw client read nothing. */
  certificates: Uint8Array[];
  tls: TlsInfo;
  stapledOcsp: Uint8Array | null;
  /** Null when certificates were captured. */
  error: CheckError | null;
}

export async function captureEndpoint(endpoint: Endpoint, options: CaptureOptions): Promise<Capture> {
  const servername = endpoint.host === endpoint.ip ? null : endpoint.host;
  const common = { ip: endpoint.ip, port: endpoint.port, servername, timeoutMs: options.timeoutMs, signal: options.signal };
  const rawPromise = rawHandshake(common);
  // Probe only a server that answered in TLS (a silent or refusing one would cost four more timeouts),
  // and start as soon as the raw client knows, overlapping Node's handshake.
  const probePromise = rawPromise.then((raw) => (raw.version !== null && options.probeVersions !== false ? probeVersions(common, raw) : null));
  const clientCertRequested = rawPromise.then((raw) => raw.certificateRequested || raw.version === null);
  const [raw, node, probe] = await Promise.all([rawPromise, nodeHandshake({ ...common, clientCertRequested }), probePromise]);

  const tls: TlsInfo = {
    protocol: node.protocol,
    cipher: node.cipher,
    handshakeMs: node.handshakeMs ?? raw.handshakeMs,
    handshakeError: null,
    authorized: node.authorized,
    authorizationError: node.authorizationError,
    clientCertRequested: raw.certificateRequested,
  };

  let certificates = raw.certificates;
  if (certificates.length === 0 && node.protocol) {
    // The raw client could not read this server (an exotic extension or suite) but Node could: its view
    // is second best, so the admin still sees the certificate; the order may not be the wire order.
    // Asked for only here, in a second handshake, because collecting it costs every endpoint otherwise.
    const again = await nodeHandshake({ ...common, wantPeerChain: true });
    if (again.peerChainDer.length > 0) certificates = again.peerChainDer;
  }

  let error: CheckError | null = null;
  if (certificates.length === 0) {
    error = raw.error ?? node.error ?? checkError('NO_CERTIFICATE', `ERROR: No certificate response from ${hostPort(endpoint.ip, endpoint.port)}.`);
  } else if (node.error) {
    // Certificates arrived, then the handshake failed: a client certificate demanded, an alert.
    tls.handshakeError = node.error;
  }
  if (!tls.protocol && raw.version) tls.protocol = raw.version;
  if (!tls.cipher && raw.cipherSuite) tls.cipher = raw.cipherSuite;
  tls.acceptableCAs = raw.acceptableCAs.map((der) => distinguishedNameText(der));

  if (probe) {
    tls.versions = probe.versions;
    tls.suites = probe.suites;
  }

  return { certificates, tls, stapledOcsp: raw.stapledOcsp, error };
}
