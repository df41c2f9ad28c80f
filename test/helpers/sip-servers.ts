// Small SIP-over-TLS far ends in Node, for answers Kamailio is not configured to give: an Edge-style
// 403 with ms-diagnostics (split over several TCP writes, after a 100 Trying), one that never answers,
// and one that answers in HTTP.
import tls from 'node:tls';
import type { RunningServer } from './servers.ts';

export type SipServerKind = 'forbidden-with-diagnostics' | 'silent' | 'http';

export const EDGE_DIAGNOSTIC = '1047;reason="Failed to complete TLS negotiation with a federated peer";source="edge.contoso.test"';

/** The response parts, written with a pause between them so the client sees several TCP chunks. */
function answer(kind: SipServerKind, request: string): string[] {
  const echo = (name: string) => request.split('\r\n').find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? `${name}: ?`;
  const common = [echo('Via'), echo('From'), `${echo('To')};tag=srv1`, echo('Call-ID'), echo('CSeq')].join('\r\n');
  if (kind === 'http') return ['HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'];
  const trying = `SIP/2.0 100 Trying\r\n${common}\r\nContent-Length: 4\r\n\r\nbody`;
  const final =
    `SIP/2.0 403 Forbidden\r\n${common}\r\n` +
    `ms-diagnostics: ${EDGE_DIAGNOSTIC}\r\n` +
    'ms-diagnostics-public: 1034;reason="Previous hop federated peer did not report diagnostic information"\r\n' +
    'Server: RTC/6.0\r\nAllow: INVITE, ACK,\r\n OPTIONS, BYE\r\nk: timer, 100rel\r\nContent-Length: 5\r\n\r\nhello';
  const cut = final.indexOf('ms-diagnostics:') + 20;
  return [trying.slice(0, 30), trying.slice(30), final.slice(0, cut), final.slice(cut)];
}

export function startSipServer(opts: { host: string; certPem: string; keyPem: string; kind: SipServerKind }): Promise<RunningServer> {
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ cert: opts.certPem, key: opts.keyPem });
  server.on('tlsClientError', () => {});
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let request = '';
    socket.on('data', async (chunk: Buffer) => {
      request += chunk.toString('latin1');
      if (!request.includes('\r\n\r\n') || opts.kind === 'silent') return;
      for (const part of answer(opts.kind, request)) {
        socket.write(part);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => {
      const { port } = server.address() as import('node:net').AddressInfo;
      resolve({
        host: opts.host,
        port,
        close: () =>
          new Promise<void>((done) => {
            sockets.forEach((socket) => socket.destroy());
            server.close(() => done());
          }),
      });
    });
  });
}
