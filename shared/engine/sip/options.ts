// SIP OPTIONS over TLS: a TLS handshake proves little if the SIP stack behind it refuses the peer, so
// send one OPTIONS over a finished session (Node's TLS, not the raw capture client, which stops after
// the certificates) and record what came back: the status, the stack's name, Microsoft's diagnostics.
import tls from 'node:tls';
import type { CheckError, Endpoint, Target } from '../../types.ts';
import { checkError, classifySocketError, timeoutError } from '../errors.ts';
import { hostPort } from '../target.ts';
import { secureContextFor } from '../capture/node-tls.ts';
import { buildOptionsRequest, diagnosticsOf, optionsRequestUri, headerList, headerValues, SipResponseReader, type SipResponse } from './message.ts';
import { CLIENT_CERT_ALERTS, receivedAlert } from './tls-alerts.ts';
import { describeClientCertificate, type ClientCredential } from './client-cert.ts';
import type { ClientCertificateVerdict, SipOptionsResult, SipOutcome } from './types.ts';

export interface SipOptionsRequest {
  ip: string;
  port: number;
  /** SNI; null for an IP target. */
  servername: string | null;
  /** Domain for From and To; the target's name (or its IP) when absent. */
  domain?: string | null;
  /** Bound for each step: connect + handshake, then the response. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Our own certificate, to present when the far end asks for one. */
  clientCertificate?: ClientCredential | null;
}

/**
 * The request for one endpoint of the pipeline. From/To carry the admin's SIP domain when given, else the
 * target's: the SIP domain itself for the SRV types (FED, SIP, SIPINT), the host name (or IP) for DIR.
 */
export function sipOptionsRequestFor(
  target: Pick<Target, 'type' | 'host'>,
  endpoint: Pick<Endpoint, 'host' | 'ip' | 'port'>,
  options: { sipDomain?: string | null; timeoutMs: number; signal?: AbortSignal; clientCertificate?: ClientCredential | null },
): SipOptionsRequest {
  return {
    ip: endpoint.ip,
    port: endpoint.port,
    servername: endpoint.host === endpoint.ip ? null : endpoint.host,
    domain: options.sipDomain || (target.type === 'DIR' ? endpoint.host : target.host),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    clientCertificate: options.clientCertificate ?? null,
  };
}

/** A SIP response bigger than this is not an OPTIONS answer: stop reading. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

function outcomeOf(statusCode: number): SipOutcome {
  if (statusCode >= 200 && statusCode < 300) return 'answered';
  if (statusCode === 403 || statusCode === 404) return 'refused';
  if (statusCode >= 500 && statusCode < 600) return 'server-error';
  return 'other-status';
}

/** Never rejects: every failure is an outcome with an error sentence. */
export function sipOptions(request: SipOptionsRequest): Promise<SipOptionsResult> {
  const where = hostPort(request.ip, request.port);
  const host = request.servername ?? request.ip;
  const credential = request.clientCertificate ?? null;
  const result: SipOptionsResult = {
    requestUri: optionsRequestUri(host, request.port),
    domain: request.domain || host,
    outcome: 'not-connected',
    statusCode: null,
    reasonPhrase: null,
    server: null,
    userAgent: null,
    allow: [],
    supported: [],
    diagnostics: [],
    roundTripMs: null,
    tlsProtocol: null,
    alert: null,
    error: null,
    clientCertificate: credential?.info ? { ...credential.info, verdict: 'unknown' } : null,
  };
  return new Promise<SipOptionsResult>((resolve) => {
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
        host: request.ip,
        port: request.port,
        servername: request.servername ?? undefined,
        rejectUnauthorized: false,
        secureContext: secureContextFor(undefined, credential),
      });
    } catch (error) {
      result.error = checkError('TLS_LIBRARY_REFUSED', `This app's TLS library refused to connect to ${where} (${error instanceof Error ? error.message : String(error)}).`);
      return resolve(result);
    }
    let phase: 'connect' | 'handshake' | 'response' = 'connect';
    let sentAt = 0;
    let settled = false;
    const finish = (outcome: SipOutcome, error: CheckError | null, verdict: ClientCertificateVerdict = 'unknown') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      result.outcome = outcome;
      result.error = error;
      if (result.clientCertificate) result.clientCertificate.verdict = verdict;
      socket.destroy();
      resolve(result);
    };
    const onTimeout = () => {
      if (phase === 'response') {
        finish('no-response', checkError('PROTOCOL_ERROR', `${where} completed the TLS handshake but did not answer the SIP OPTIONS within ${request.timeoutMs} ms.`));
      } else {
        finish('not-connected', timeoutError(phase, where, request.timeoutMs));
      }
    };
    let timer = setTimeout(onTimeout, request.timeoutMs);
    const restartTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, request.timeoutMs);
    };
    const onAbort = () => finish('not-connected', checkError('CANCELLED', 'Check cancelled.'));
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });

    socket.once('connect', () => {
      phase = 'handshake';
    });
    socket.once('secureConnect', () => {
      result.tlsProtocol = socket.getProtocol();
      // A PFX shows its certificate only now (documented TLSSocket.getCertificate: our side's certificate).
      if (credential && !result.clientCertificate) {
        const own = socket.getCertificate();
        const info = own && 'raw' in own && own.raw ? describeClientCertificate([new Uint8Array(own.raw)]) : null;
        if (info) result.clientCertificate = { ...info, verdict: 'unknown' };
      }
      const built = buildOptionsRequest({ host, port: request.port, domain: result.domain, localAddress: socket.localAddress ?? '127.0.0.1', localPort: socket.localPort ?? 0 });
      phase = 'response';
      restartTimer();
      sentAt = performance.now();
      socket.write(built.text);
    });
    const reader = new SipResponseReader(MAX_RESPONSE_BYTES);
    socket.on('data', (chunk: Buffer) => {
      const step = reader.push(chunk);
      if (step.kind === 'final') {
        record(step.response);
        finish(outcomeOf(step.response.statusCode), null, 'accepted');
      } else if (step.kind === 'not-sip') {
        notSip(step.firstLine);
      } else if (step.kind === 'too-large') {
        finish('not-sip', checkError('PROTOCOL_ERROR', `${where} sent more than ${MAX_RESPONSE_BYTES / 1024} KB without completing a SIP response.`), 'accepted');
      }
    });
    const notSip = (firstLine: string) =>
      finish('not-sip', checkError('PROTOCOL_ERROR', `${where} answered the SIP OPTIONS with something that is not SIP: "${firstLine.slice(0, 80)}".`), 'accepted');
    const record = (response: SipResponse) => {
      result.roundTripMs = Math.round(performance.now() - sentAt);
      result.statusCode = response.statusCode;
      result.reasonPhrase = response.reasonPhrase;
      result.server = headerValues(response, 'server')[0] ?? null;
      result.userAgent = headerValues(response, 'user-agent')[0] ?? null;
      result.allow = headerList(response, 'allow');
      result.supported = headerList(response, 'supported');
      result.diagnostics = diagnosticsOf(response);
    };
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const alert = receivedAlert(error);
      if (alert) {
        result.alert = alert;
        const aboutCertificate = CLIENT_CERT_ALERTS.has(alert);
        const stage = phase === 'response' ? 'after the TLS handshake' : 'during the TLS handshake';
        return finish(
          'tls-refused',
          checkError('TLS_ALERT', `${where} ended the TLS session ${stage} with the alert "${alert}"${aboutCertificate ? (credential ? ': it refused our certificate' : ': it wants a client certificate') : ''}.`),
          credential && aboutCertificate ? 'refused' : 'unknown',
        );
      }
      if (phase === 'response') return finish('closed', checkError('CONNECTION_RESET', `${where} broke off the TLS session after the handshake without a SIP answer (${error.code ?? error.message}).`));
      finish('not-connected', classifySocketError(error, phase, where));
    });
    socket.once('close', () => {
      const partial = reader.notSip();
      if (partial !== null) notSip(partial);
      else if (phase === 'response') finish('closed', checkError('CONNECTION_RESET', `${where} closed the connection after the TLS handshake without answering the SIP OPTIONS.`));
      else finish('not-connected', checkError('CONNECTION_RESET', `${where} closed the connection during the TLS handshake.`));
    });
  });
}
