// The bench's servers, in a child process of their own so that their CPU and memory are not counted as
// the engine's: N Node TLS servers on 127.77.x.y (one port, leaf chosen by SNI, kept open like a SIP
// server), a loopback DNS server and a CRL server. The child is this file, started with its config.
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPair } from 'node:crypto';
import { rmSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TestPki } from '../../test/helpers/pki.ts';
import { startDnsServer } from '../../test/helpers/servers.ts';
import { RevocationCa, startRouteServer, type RouteServer } from '../../test/helpers/revocation-ca.ts';
import { CRL_HOST, issueLeaf, issuerOf, leafHomes, planWorld, zone } from './world.ts';

/** What the fleet child needs to build the world. */
export interface FleetConfig {
  endpoints: number;
  servers: number;
  /** Servers hang up right after the handshake instead of waiting for SIP like a real server. */
  closeAfterHandshake: boolean;
}

type FleetRequest = { type: 'stats' } | { type: 'close' };
type FleetMessage =
  | { type: 'ready'; port: number; dnsServer: string; rootPem: string; setupMs: number }
  | { type: 'stats'; connections: number; dnsQueries: number; crlDownloads: number; cpuMs: number }
  | { type: 'failed'; message: string };

const generateKeyPairAsync = promisify(generateKeyPair);

/** A well-kept partner: TLS 1.2 and 1.3 only (the version probe's TLS 1.0 and 1.1 hellos get an alert). */
const TLS_SERVER_OPTIONS = { minVersion: 'TLSv1.2' } satisfies tls.SecureContextOptions;

function listenTls(server: tls.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

async function runFleet(config: FleetConfig): Promise<void> {
  const send = (message: FleetMessage) => process.send?.(message);
  const started = performance.now();
  const plan = planWorld(config.endpoints, config.servers);
  const pki = new TestPki();
  const servers: tls.Server[] = [];
  const sockets = new Set<net.Socket>();
  let dns: Awaited<ReturnType<typeof startDnsServer>> | null = null;
  let crlServer: RouteServer | null = null;
  let connections = 0;
  let closing = false;

  const shutdown = async () => {
    if (closing) return;
    closing = true;
    for (const socket of sockets) socket.destroy();
    await Promise.all([...servers.map((s) => new Promise<void>((done) => s.close(() => done()))), dns?.close(), crlServer?.close()]);
    rmSync(pki.dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('disconnect', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  process.on('message', (request: FleetRequest) => {
    if (request.type === 'stats') {
      const cpu = process.cpuUsage();
      const crlDownloads = [...(crlServer?.hits.values() ?? [])].reduce((sum, n) => sum + n, 0);
      send({ type: 'stats', connections, dnsQueries: dns?.queries.length ?? 0, crlDownloads, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (request.type === 'close') void shutdown();
  });

  try {
    // Revocation as public CAs publish it: every certificate below the root names its issuer's CRL.
    crlServer = await startRouteServer(CRL_HOST);
    const crlUrl = (ca: number | 'root') => `${crlServer!.base}/${ca === 'root' ? 'root' : `issuing${ca + 1}`}.crl`;
    const root = pki.issue({ cn: 'Bench Root CA', subjectPrefix: '/O=Bench Test', ca: true, days: 3650 });
    const cas = Array.from({ length: plan.issuingCas }, (_, i) =>
      pki.issue({ cn: `Bench Issuing CA ${i + 1}`, subjectPrefix: '/O=Bench Test', ca: true, issuer: root, days: 1825, crlUrl: crlUrl('root') }),
    );
    for (const [i, ca] of [root, ...cas].entries()) {
      const crl = new RevocationCa(ca, join(pki.dir, `revocation${i}`)).crl().der;
      crlServer.serve(`/${i === 0 ? 'root' : `issuing${i}`}.crl`, crl, 'application/pkix-crl');
    }
    // One RSA key per server; one certificate per name (chosen by SNI), like the partners of a
    // real list: a pool name has one certificate, made over its first member's key, on every member.
    const issuers = cas.map(issuerOf);
    const keys = await Promise.all(plan.servers.map(() => generateKeyPairAsync('rsa', { modulusLength: 2048 })));
    const keyPems = keys.map((k) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const contextByName = new Map<string, tls.SecureContext>();
    for (const { name, home } of leafHomes(plan)) {
      const issuer = plan.servers[home].issuer;
      const certPem = issueLeaf(name, keys[home].publicKey, issuers[issuer], crlUrl(issuer));
      contextByName.set(name, tls.createSecureContext({ ...TLS_SERVER_OPTIONS, cert: certPem + issuers[issuer].pem, key: keyPems[home] }));
    }

    // Every server on the same port (each on its own address), so an SRV record's one port fits a pool.
    let port = 0;
    for (const planned of plan.servers) {
      const fallback = contextByName.get(planned.names[0]) ?? contextByName.values().next().value!;
      const server = tls.createServer({
        ...TLS_SERVER_OPTIONS,
        SNICallback: (servername, answer) => answer(null, contextByName.get(servername.toLowerCase()) ?? fallback),
      });
      server.on('connection', (socket: net.Socket) => {
        connections++;
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.on('tlsClientError', () => {});
      // Like a SIP server: the connection stays open, waiting for SIP, until the client closes it.
      server.on('secureConnection', (socket) => {
        socket.on('error', () => {});
        if (config.closeAfterHandshake) return void socket.end();
        socket.resume();
        socket.setTimeout(30_000, () => socket.destroy());
      });
      servers.push(server);
      port = await listenTls(server, planned.ip, port);
    }
    dns = await startDnsServer({ records: zone(plan, port) });
    send({ type: 'ready', port, dnsServer: dns.address, rootPem: root.certPem, setupMs: performance.now() - started });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    await shutdown();
  }
}

export type FleetStats = Omit<Extract<FleetMessage, { type: 'stats' }>, 'type'>;

interface Fleet {
  port: number;
  dnsServer: string;
  rootPem: string;
  setupMs: number;
  stats(): Promise<FleetStats>;
  close(): Promise<void>;
}

const FLEET_SCRIPT = fileURLToPath(import.meta.url);

export function startFleet(config: FleetConfig, track: (child: ChildProcess) => void): Promise<Fleet> {
  const fleetConfig: FleetConfig = { endpoints: config.endpoints, servers: config.servers, closeAfterHandshake: config.closeAfterHandshake };
  const child = fork(FLEET_SCRIPT, [JSON.stringify(fleetConfig)], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  track(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const next = <T extends FleetMessage['type']>(type: T) =>
    new Promise<Extract<FleetMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FleetMessage) => {
        if (message.type === 'failed') finish(() => reject(new Error(`The server fleet failed: ${message.message}`)));
        else if (message.type === type) finish(() => resolve(message as Extract<FleetMessage, { type: T }>));
      };
      const onExit = (code: number | null) => finish(() => reject(new Error(`The server fleet exited (${code}) early. ${stderr}`)));
      const finish = (settle: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        settle();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  return next('ready').then((ready) => ({
    port: ready.port,
    dnsServer: ready.dnsServer,
    rootPem: ready.rootPem,
    setupMs: ready.setupMs,
    stats: () => {
      const reply = next('stats');
      child.send({ type: 'stats' } satisfies FleetRequest);
      return reply.then(({ type: _type, ...stats }) => stats);
    },
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.send({ type: 'close' } satisfies FleetRequest);
      }),
  }));
}

// The child: it keeps its own event loop alive until told to close.
if (process.argv[1] === FLEET_SCRIPT) {
  void runFleet(JSON.parse(process.argv[2]!) as FleetConfig);
}
