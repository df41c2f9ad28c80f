// The kinds of TLS server an admin meets, as loopback test servers, in one table: real openssl and
// gnutls servers with unusual settings, and small scripted servers imitating what those tools cannot
// (a TLS 1.3-intolerant front, SSL 3.0, SSL 2.0, a server that goes silent after its ServerHello).
// Each kind says how `openssl s_client` reaches it (to compare the chain as served) and what the
// capture must find. Shared so that other suites (BoringSSL rules) can run the same list.
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode, ProtocolVersion } from '../../shared/types.ts';
import type { IssuedCert } from './pki.ts';
import { freePort, startOpensslServer, type RunningServer } from './servers.ts';

export interface ServerKindContext {
  leaf: IssuedCert;
  /** The issuing CA the servers send after the leaf. */
  ca: IssuedCert;
  /** PEM file holding the issuing CA (openssl -cert_chain). */
  chainFile: string;
  /** PEM file holding leaf then issuing CA (gnutls-serv). */
  fullChainFile: string;
  /** Scratch directory for sockets. */
  dir: string;
}

export interface ServerKindExpectation {
  protocol?: string;
  cipher?: string | RegExp;
  keyExchangeGroup?: string | RegExp;
  encryptThenMac?: boolean;
  helloRetried?: boolean;
  /** Versions the matrix must show as accepted (others may be false). */
  accepts?: ProtocolVersion[];
  /** Comment ids that must appear. */
  comments?: string[];
  /** Comment ids that must not appear. */
  withoutComments?: string[];
  /** The endpoint must end with this error instead of certificates. */
  error?: ErrorCode;
  /** The first hello failed and an older-style hello got the answer. */
  firstHelloFailed?: boolean;
  /**
   * Node's own handshake fails under BoringSSL's rules although it succeeds under OpenSSL (BoringSSL's
   * client has no ffdhe groups and no DHE suites): a runtime-client fact, never the server's fault.
   */
  boringsslClientFails?: boolean;
}

export interface ServerKind {
  name: string;
  start(ctx: ServerKindContext): Promise<RunningServer>;
  /** Extra `openssl s_client` arguments that reach the same server; null when s_client cannot connect. */
  sClientArgs: string[] | null;
  /** A system tool the kind needs beyond openssl. */
  needs?: 'gnutls-serv';
  expect: ServerKindExpectation;
}

const openssl = (args: string[]) => (ctx: ServerKindContext) =>
  startOpensslServer({ certPath: ctx.leaf.certPath, keyPath: ctx.leaf.keyPath, args: ['-cert_chain', ctx.chainFile, ...args] });

/** An openssl s_server kind; s_client reaches it with the same version/group/suite arguments. */
const opensslKind = (name: string, args: string[], expect: ServerKindExpectation): ServerKind => ({ name, start: openssl(args), sClientArgs: args, expect });

export const SERVER_KINDS: readonly ServerKind[] = [
  opensslKind('openssl TLS 1.3 offering only ffdhe2048', ['-tls1_3', '-groups', 'ffdhe2048'], {
    protocol: 'TLSv1.3',
    keyExchangeGroup: 'ffdhe2048',
    accepts: ['TLSv1.3'],
    boringsslClientFails: true,
  }),
  // Node's TLS offers no CCM suite: that is the runtime client's limit, not a server fault.
  opensslKind('openssl TLS 1.3 with only TLS_AES_128_CCM_SHA256', ['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_SHA256'], {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_CCM_SHA256',
    accepts: ['TLSv1.3'],
    comments: ['runtime-client-failed'],
    withoutComments: ['handshake-failed'],
  }),
  opensslKind('openssl TLS 1.3 with only TLS_CHACHA20_POLY1305_SHA256', ['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'], {
    protocol: 'TLSv1.3',
    cipher: 'TLS_CHACHA20_POLY1305_SHA256',
    accepts: ['TLSv1.3'],
  }),
  opensslKind('openssl TLS 1.3 offering only secp384r1 (HelloRetryRequest)', ['-tls1_3', '-groups', 'secp384r1'], {
    protocol: 'TLSv1.3',
    keyExchangeGroup: 'secp384r1',
    helloRetried: true,
    accepts: ['TLSv1.3'],
  }),
  opensslKind('openssl TLS 1.2 only', ['-tls1_2'], { protocol: 'TLSv1.2', accepts: ['TLSv1.2'] }),
  opensslKind('openssl TLS 1.2 with only a DHE suite', ['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256'], {
    protocol: 'TLSv1.2',
    cipher: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
    keyExchangeGroup: /^(DHE-\d{4}|ffdhe\d{4})$/,
    accepts: ['TLSv1.2'],
    boringsslClientFails: true,
  }),
  opensslKind('openssl TLS 1.0 only', ['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'], { protocol: 'TLSv1', accepts: ['TLSv1'], comments: ['no-tls12'] }),
  {
    name: 'gnutls-serv TLS 1.2, AES-128-CBC only, %FORCE_ETM',
    start: (ctx) => startGnutlsServer(ctx, 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:%FORCE_ETM'),
    sClientArgs: ['-tls1_2'],
    needs: 'gnutls-serv',
    expect: { protocol: 'TLSv1.2', cipher: /_AES_128_CBC_/, encryptThenMac: true, accepts: ['TLSv1.2'] },
  },
  {
    name: 'TLS 1.3-intolerant front that resets on supported_versions',
    start: (ctx) => startIntolerantFront(ctx, 'reset'),
    sClientArgs: ['-tls1_2'],
    expect: { protocol: 'TLSv1.2', accepts: ['TLSv1.2'], comments: ['tls13-intolerant'], firstHelloFailed: true },
  },
  {
    name: 'TLS 1.3-intolerant front that goes silent on supported_versions',
    start: (ctx) => startIntolerantFront(ctx, 'silent'),
    sClientArgs: ['-tls1_2'],
    expect: { protocol: 'TLSv1.2', accepts: ['TLSv1.2'], comments: ['tls13-intolerant'], firstHelloFailed: true },
  },
  {
    name: 'SSL 3.0-only server',
    start: (ctx) => startScriptedServer((hello) => (isTlsOrSsl2Hello(hello) ? ssl3Flight([ctx.leaf.der, ctx.ca.der]) : null)),
    sClientArgs: null, // Debian's openssl has no SSL 3.0
    expect: { protocol: 'SSLv3', accepts: ['SSLv3'], comments: ['ssl3', 'no-tls12'] },
  },
  {
    name: 'SSL 2.0-only server',
    // An SSL 2.0 server understands only SSL 2.0-format hellos (first byte with the high bit set).
    start: (ctx) => startScriptedServer((hello) => ((hello[0]! & 0x80) !== 0 ? ssl2ServerHello(ctx.leaf.der) : null)),
    sClientArgs: null,
    expect: { error: 'SSL2_ONLY', accepts: ['SSLv2'], comments: ['ssl2'] },
  },
  {
    name: 'server that sends a ServerHello, then nothing',
    start: () => startScriptedServer(() => tls12ServerHello(), { keepOpen: true }),
    sClientArgs: null,
    expect: { error: 'HANDSHAKE_TIMEOUT' },
  },
];

// ------------------------------------------------------------------ scripted servers

/** Answers the first bytes of each connection with `reply(bytes)`; null closes with a reset. */
export function startScriptedServer(reply: (hello: Uint8Array) => Uint8Array | null, opts: { keepOpen?: boolean } = {}): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (data) => {
      const answer = reply(new Uint8Array(data));
      if (!answer) return socket.resetAndDestroy();
      socket.write(answer);
      if (!opts.keepOpen) socket.end();
    });
  });
  return listenLoopback(server, () => sockets.forEach((s) => s.destroy()));
}

function isTlsOrSsl2Hello(hello: Uint8Array): boolean {
  return hello[0] === 22 || (hello[0]! & 0x80) !== 0;
}

/** Whether a TLS ClientHello record carries supported_versions (43): what an intolerant front chokes on. */
export function helloOffersSupportedVersions(record: Uint8Array): boolean {
  let at = 5 + 4 + 2 + 32; // record header, handshake header, version, random
  const u16 = (i: number) => record[i]! * 256 + record[i + 1]!;
  at += 1 + record[at]!; // session id
  at += 2 + u16(at); // cipher suites
  at += 1 + record[at]!; // compression methods
  const end = at + 2 + u16(at);
  for (at += 2; at + 4 <= end; at += 4 + u16(at + 2)) if (u16(at) === 43) return true;
  return false;
}

/**
 * A front (old SBC firmware, a load balancer) that resets, or says nothing, when the ClientHello offers
 * TLS 1.3 through supported_versions, and relays anything else to a TLS 1.2 openssl server behind it.
 */
export async function startIntolerantFront(ctx: ServerKindContext, behaviour: 'reset' | 'silent'): Promise<RunningServer> {
  const backend = await openssl(['-tls1_2'])(ctx);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 5 || buffered.length < 5 + buffered.readUInt16BE(3)) return;
      socket.off('data', onData);
      if (buffered[0] !== 22 || helloOffersSupportedVersions(buffered)) {
        if (behaviour === 'reset') socket.resetAndDestroy();
        return;
      }
      const upstream = net.connect(backend.port, backend.host, () => upstream.write(buffered));
      sockets.add(upstream);
      upstream.on('error', () => socket.destroy());
      upstream.on('close', () => sockets.delete(upstream));
      socket.pipe(upstream).pipe(socket);
    };
    socket.on('data', onData);
  });
  const front = await listenLoopback(server, () => sockets.forEach((s) => s.destroy()));
  return { ...front, close: async () => Promise.all([front.close(), backend.close()]).then(() => undefined) };
}

function listenLoopback(server: net.Server, beforeClose: () => void): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ host: '127.0.0.1', port, close: () => new Promise<void>((done) => (beforeClose(), server.close(() => done()))) });
    });
  });
}

// ------------------------------------------------------------------ wire formats of the scripted servers

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

function record(type: number, version: number, body: number[]): number[] {
  return [type, ...u16(version), ...u16(body.length), ...body];
}

function handshake(type: number, body: number[]): number[] {
  return [type, ...u24(body.length), ...body];
}

function serverHello(version: number, suite: number): number[] {
  const random = Array.from({ length: 32 }, (_, i) => (i * 7 + 1) & 0xff);
  return handshake(2, [...u16(version), ...random, 0, ...u16(suite), 0]);
}

/** SSL 3.0 ServerHello (TLS_RSA_WITH_AES_128_CBC_SHA), Certificate, ServerHelloDone, in SSL 3.0 records. */
export function ssl3Flight(chain: Uint8Array[]): Uint8Array {
  const certificates = chain.flatMap((der) => [...u24(der.length), ...der]);
  const messages = [...serverHello(0x0300, 0x002f), ...handshake(11, [...u24(certificates.length), ...certificates]), ...handshake(14, [])];
  const records: number[] = [];
  for (let at = 0; at < messages.length; at += 16384) records.push(...record(22, 0x0300, messages.slice(at, at + 16384)));
  return Uint8Array.from(records);
}

/** An SSL 2.0 SERVER-HELLO carrying the certificate (draft-hickman-netscape-ssl-00). */
export function ssl2ServerHello(certificate: Uint8Array): Uint8Array {
  const cipherSpec = [0x01, 0x00, 0x80]; // SSL_CK_RC4_128_WITH_MD5
  const connectionId = Array.from({ length: 16 }, (_, i) => i);
  const body = [4, 0, 1, 0x00, 0x02, ...u16(certificate.length), ...u16(cipherSpec.length), ...u16(connectionId.length), ...certificate, ...cipherSpec, ...connectionId];
  return Uint8Array.from([0x80 | (body.length >> 8), body.length & 0xff, ...body]);
}

/** A TLS 1.2 ServerHello (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) and nothing after it. */
export function tls12ServerHello(): Uint8Array {
  return Uint8Array.from(record(22, 0x0303, serverHello(0x0303, 0xc02f)));
}

// ------------------------------------------------------------------ gnutls-serv, fenced to loopback

export function gnutlsAvailable(): boolean {
  return spawnSync('gnutls-serv', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' }).status === 0;
}

/**
 * gnutls-serv has no option to listen on loopback only, so it runs in a network namespace of its own
 * (nothing but `lo`), reached through a Unix socket that a relay on 127.0.0.1 forwards to.
 */
export async function startGnutlsServer(ctx: ServerKindContext, priority: string): Promise<RunningServer> {
  const innerPort = await freePort();
  const socketPath = join(ctx.dir, `gnutls-${innerPort}.sock`);
  rmSync(socketPath, { force: true });
  const relayInside =
    `const net=require('node:net');net.createServer((s)=>{const t=net.connect(${innerPort},'127.0.0.1');` +
    `t.on('error',()=>s.destroy());s.on('error',()=>t.destroy());s.pipe(t).pipe(s);}).listen(${JSON.stringify(socketPath)});`;
  const script =
    `ip link set lo up && gnutls-serv --port ${innerPort} --x509certfile '${ctx.fullChainFile}' --x509keyfile '${ctx.leaf.keyPath}' ` +
    `--priority '${priority}' >/dev/null 2>&1 & exec '${process.execPath}' -e "${relayInside.replace(/"/g, '\\"')}"`;
  const child: ChildProcess = spawn('unshare', ['-rn', 'sh', '-c', script], { stdio: 'ignore', detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const started = Date.now();
  while (!(existsSync(socketPath) && (await gnutlsAnswers(socketPath)))) {
    if (Date.now() - started > 10_000 || child.exitCode !== null) {
      stop();
      throw new Error('gnutls-serv did not start in its network namespace');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((socket) => {
    const inner = net.connect(socketPath);
    sockets.add(socket).add(inner);
    for (const s of [socket, inner]) {
      s.on('error', () => (socket.destroy(), inner.destroy()));
      s.on('close', () => sockets.delete(s));
    }
    socket.pipe(inner).pipe(socket);
  });
  const front = await listenLoopback(relay, () => sockets.forEach((s) => s.destroy()));
  return { ...front, close: async () => (await front.close(), stop()) };
}

/** The relay in the namespace is up and gnutls-serv behind it accepts a TCP connection. */
function gnutlsAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    const done = (ok: boolean) => (probe.destroy(), resolve(ok));
    probe.setTimeout(500, () => done(true)); // connected and gnutls waits for a hello: it is up
    probe.once('close', () => done(false));
    probe.once('error', () => done(false));
  });
}
