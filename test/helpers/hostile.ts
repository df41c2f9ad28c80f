// Hostile loopback endpoints shared by the tests and `npm run bench:hostile`: a server whose every
// certificate URL stalls, a handshake flight cut into 1-byte records, and CRLs of any size.
import { TestPki, bundle, type IssuedCert } from './pki.ts';
import { largeCrl } from './large-crl.ts';
import { startSilentServer, startTlsServer, type RunningServer } from './servers.ts';
import { startScriptedServer, tls12ServerHello } from './server-kinds.ts';

export interface StallingEndpoint {
  /** host:port of the TLS server. */
  target: string;
  /** How many fetches its certificates ask for, all to a listener that never answers. */
  stalledUrls: number;
  close(): Promise<void>;
}

/**
 * A TLS server sending a leaf and an intermediate whose root is missing: the issuer fetch (AIA),
 * the leaf's CRLs and its OCSP responder all point at a loopback listener that accepts and never answers.
 */
export async function startStallingEndpoint(pki: TestPki, crlCount = 3): Promise<StallingEndpoint> {
  const silent = await startSilentServer('127.0.0.1');
  const base = `http://127.0.0.1:${silent.port}`;
  const root = pki.issue({ cn: 'Stalling Root CA', ca: true, days: 3650 });
  const intermediate = pki.issue({ cn: 'Stalling Issuing CA', ca: true, issuer: root, aiaIssuerUrl: `${base}/root.cer` });
  const crlUrls = Array.from({ length: crlCount }, (_, i) => `${base}/ca-${i}.crl`);
  const leaf = pki.issue({ cn: 'stall.test', sans: ['DNS:stall.test', 'IP:127.0.0.1'], issuer: intermediate, crlUrls, ocspUrl: `${base}/ocsp` });
  const server: RunningServer = await startTlsServer({ certPem: bundle(leaf, intermediate), keyPem: leaf.keyPem });
  return {
    target: `127.0.0.1:${server.port}`,
    stalledUrls: 1 + crlCount + 1,
    async close() {
      await Promise.all([server.close(), silent.close()]);
    },
  };
}

/** One handshake message (a Certificate) of `size` body bytes, cut into TLS records of one byte each. */
export function oneByteRecords(size: number): Uint8Array {
  const message = new Uint8Array(4 + size);
  message[0] = 11; // Certificate
  message[1] = (size >> 16) & 0xff;
  message[2] = (size >> 8) & 0xff;
  message[3] = size & 0xff;
  for (let i = 4; i < message.length; i++) message[i] = i & 0xff;
  const stream = new Uint8Array(message.length * 6);
  message.forEach((byte, i) => stream.set([22, 3, 3, 0, 1, byte], i * 6));
  return stream;
}

/** A loopback server answering every ClientHello with a TLS 1.2 ServerHello, then a `size`-byte message in 1-byte records. */
export function startOneByteRecordServer(size: number): Promise<RunningServer> {
  const hello = tls12ServerHello();
  const records = oneByteRecords(size);
  const flight = new Uint8Array(hello.length + records.length);
  flight.set(hello);
  flight.set(records, hello.length);
  return startScriptedServer(() => flight);
}

/** About 32 bytes of DER per entry in largeCrl. */
const ENTRY_BYTES = 32;

/**
 * A CRL of about `bytes` bytes signed by `issuer` (an RSA CA): filler entries only, so no real
 * certificate is listed. `variant` makes CRLs of the same size distinct.
 */
export function fillerCrl(issuer: IssuedCert, bytes: number, variant = 0): Buffer {
  return largeCrl(issuer, Math.max(1, Math.floor((bytes - 400) / ENTRY_BYTES)), { variant });
}
