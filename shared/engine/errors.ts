// Turning socket and DNS failures into classified results an admin can read.
import type { CheckError, ErrorCode } from '../types.ts';

export function checkError(code: ErrorCode, message: string): CheckError {
  return { code, message };
}

/** Where in the exchange a socket error happened, so a timeout or reset can be worded precisely. */
export type SocketPhase = 'connect' | 'handshake';

/** Classify an error from net/tls sockets. */
export function classifySocketError(err: unknown, phase: SocketPhase, where: string): CheckError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const detail = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return checkError('CONNECT_REFUSED', `Connection refused by ${where}: nothing is listening on that port, or a firewall rejects it.`);
    case 'ETIMEDOUT':
      return phase === 'connect'
        ? checkError('CONNECT_TIMEOUT', `No answer from ${where} while connecting: the host is down or a firewall drops the traffic.`)
        : checkError('HANDSHAKE_TIMEOUT', `${where} accepted the connection but did not complete the TLS handshake in time.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return checkError('CONNECTION_RESET', `${where} reset the connection during the ${phase === 'connect' ? 'connect' : 'TLS handshake'}: it may not speak TLS on this port, or refuses this client.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return checkError('CONNECT_UNREACHABLE', `${where} cannot be reached from this machine (${code}).`);
    default:
      return checkError('INTERNAL', `Unexpected error talking to ${where}: ${detail}`);
  }
}

export function timeoutError(phase: SocketPhase, where: string, ms: number): CheckError {
  return phase === 'connect'
    ? checkError('CONNECT_TIMEOUT', `No answer from ${where} within ${ms} ms while connecting: the host is down or a firewall drops the traffic.`)
    : checkError('HANDSHAKE_TIMEOUT', `${where} accepted the connection but sent no TLS handshake within ${ms} ms.`);
}
