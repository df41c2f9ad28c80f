// Loopback servers for tests: TLS servers presenting generated certificates, a DNS server with SRV,
// A and AAAA records, and the hostile kinds (silent, closed, plain HTTP, garbage).
// Everything binds to 127.0.0.0/8 or ::1 only.
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import { spawn } from 'node:child_process';
import dnsPacket from 'dns-packet';

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface TlsServerOptions {
  /** A 127.0.0.x address or ::1. */
  host?: string;
  port?: number;
  /** The chain exactly as the server should send it: PEM blocks in order, leaf first. */
  certPem: string;
  keyPem: string;
  requestCert?: boolean;
  /** PEM of CAs named in the CertificateRequest (with requestCert). */
  clientCaPem?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
}

/** A Node TLS server that sends exactly the given PEM chain. */
export function startTlsServer(opts: TlsServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = tls.createServer({
    cert: opts.certPem,
    key: opts.keyPem,
    requestCert: opts.requestCert ?? false,
    rejectUnauthorized: opts.requestCert ?? false,
    ca: opts.clientCaPem,
    minVersion: opts.minVersion ?? 'TLSv1',
    maxVersion: opts.maxVersion,
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
  server.on('tlsClientError', () => {});
  server.on('secureConnection', (socket) => {
    socket.on('error', () => {});
    socket.end();
  });
  return listen(server, host, opts.port ?? 0);
}

/** A TCP listener that accepts connections and never sends a byte. */
export function startSilentServer(host = '127.0.0.1'): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  return listen(server, host, 0, () => sockets.forEach((s) => s.destroy()));
}

/** A TCP listener that answers every connection with the given bytes and closes. */
export function startRawServer(reply: Buffer | ((received: Buffer) => Buffer), host = '127.0.0.1'): Promise<RunningServer> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', (data) => s.end(typeof reply === 'function' ? reply(data) : reply));
  });
  return listen(server, host, 0);
}

/** A plain HTTP server (someone pointed the checker at port 80). */
export function startHttpServer(host = '127.0.0.1'): Promise<RunningServer> {
  const server = http.createServer((_req, res) => res.end('hello'));
  return listen(server, host, 0, () => server.closeAllConnections());
}

/** A port on which nothing listens: bind, note the port, close. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const s = await startSilentServer(host);
  await s.close();
  return s.port;
}

function listen(server: net.Server, host: string, port: number, beforeClose?: () => void): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        host,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            beforeClose?.();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface DnsRecords {
  srv?: Record<string, { priority: number; weight: number; port: number; target: string }[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  /** Names answered with NXDOMAIN (also the default for unknown names). */
  nxdomain?: string[];
  /** Names the server never answers (the client must time out). */
  silent?: string[];
  /** Names answered with REFUSED. */
  refused?: string[];
}

export interface RunningDnsServer {
  /** "127.0.0.1:PORT", the form the engine's --dns-server takes. */
  address: string;
  port: number;
  /** Every question received, "TYPE name", for asserting which server answered what. */
  queries: string[];
  close(): Promise<void>;
}

/** A real DNS server over UDP on loopback, answering from a fixed zone. */
export function startDnsServer(opts: { records: DnsRecords; host?: string }): Promise<RunningDnsServer> {
  const host = opts.host ?? '127.0.0.1';
  const records = opts.records;
  const lower = (m?: Record<string, unknown>) => new Map(Object.entries(m ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const srv = lower(records.srv) as Map<string, NonNullable<DnsRecords['srv']>[string]>;
  const a = lower(records.a) as Map<string, string[]>;
  const aaaa = lower(records.aaaa) as Map<string, string[]>;
  const silent = new Set((records.silent ?? []).map((n) => n.toLowerCase()));
  const refused = new Set((records.refused ?? []).map((n) => n.toLowerCase()));
  const queries: string[] = [];
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');

  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    queries.push(`${question.type} ${name}`);
    if (silent.has(name)) return;
    const known = srv.has(name) || a.has(name) || aaaa.has(name);
    // dns-packet encodes the response code only through the low four bits of flags.
    const RCODE = { NOERROR: 0, NXDOMAIN: 3, REFUSED: 5 } as const;
    let rcode: keyof typeof RCODE = known ? 'NOERROR' : 'NXDOMAIN';
    if (refused.has(name)) rcode = 'REFUSED';
    const answers: dnsPacket.Answer[] = [];
    if (rcode === 'NOERROR') {
      if (question.type === 'SRV')
        for (const r of srv.get(name) ?? []) answers.push({ type: 'SRV', name: question.name, ttl: 60, data: { priority: r.priority, weight: r.weight, port: r.port, target: r.target } });
      if (question.type === 'A') for (const ip of a.get(name) ?? []) answers.push({ type: 'A', name: question.name, ttl: 60, data: ip });
      if (question.type === 'AAAA') for (const ip of aaaa.get(name) ?? []) answers.push({ type: 'AAAA', name: question.name, ttl: 60, data: ip });
    }
    const response = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER | RCODE[rcode],
      questions: query.questions,
      answers,
    } as dnsPacket.Packet);
    socket.send(response, rinfo.port, rinfo.address);
  });

  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const port = socket.address().port;
      resolve({
        address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
        port,
        queries,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}

/** A free TCP port on a loopback address (bind to 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `openssl s_server` with a certificate and key, plus any extra arguments (-tls1, -Verify 1, -cert_chain ...).
 * Resolves once it prints ACCEPT. The TLS versions and suites it serves are OpenSSL's own, not Node's.
 */
export async function startOpensslServer(opts: { host?: string; certPath: string; keyPath: string; args?: string[] }): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(host);
    const child = spawn('openssl', ['s_server', '-accept', `${host}:${port}`, '-cert', opts.certPath, '-key', opts.keyPath, ...(opts.args ?? [])], {
      stdio: ['pipe', 'pipe', 'pipe'], // stdin stays open: s_server ends a session when its stdin closes
    });
    child.stderr.resume();
    const ready = await new Promise<boolean>((resolve) => {
      let output = '';
      const timer = setTimeout(() => resolve(false), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (output.length < 10_000) output += chunk.toString();
        if (output.includes('ACCEPT')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ready) {
      return {
        host,
        port,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      };
    }
    child.kill('SIGKILL'); // most likely the port was taken meanwhile: try another
  }
  throw new Error(`openssl s_server ${(opts.args ?? []).join(' ')} did not start`);
}
