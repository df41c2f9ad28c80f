// Bulk-check benchmark: `npm run bench -- [--endpoints 1000] [--servers 50] [--concurrency N] [--sample 100] [--json]`.
// Speed and memory are measured here, by printing figures, never by timed assertions in tests.
//
// The world runs in a child process, so that the servers' CPU and memory are not counted as the engine's:
//   one root -> up to three issuing CAs (openssl CLI, test/helpers/pki.ts) -> one leaf per host name
//   (made in-process with node:crypto + @peculiar/asn1-x509, so hundreds take a second or two),
//   each naming its issuer's CRL on a loopback HTTP server;
//   N Node TLS servers on 127.77.x.y, all on one port, choosing the leaf by SNI and sending leaf +
//   issuing CA, then keeping the connection open like a SIP server;
//   a loopback DNS server with an A record per DIR name, and per FED domain an SRV record pointing
//   to a pool name with several A records (pool members on different servers).
// This process: runChecks over every target (online, the default), a replay of the analysis stages
// one endpoint at a time, each network step alone on a few endpoints, then a sample of the same
// endpoints through a sequential `openssl s_client` loop and `sslscan` (when installed).
import { toBytes, toPem } from '../shared/bytes.ts';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import tls from 'node:tls';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHash, createPrivateKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import type { CheckOptions, EndpointResult, Severity, TargetInput } from '../shared/types.ts';
import { DEFAULT_OPTIONS, SEVERITY_ORDER } from '../shared/types.ts';
import { anchorsFor, decodeAndBuildChain, emptyResult, judge, runChecks } from '../shared/engine/pipeline.ts';
import { clearDecodeCache, decodeCertificateCached } from '../shared/engine/decode/index.ts';
import { parseTarget } from '../shared/engine/target.ts';
import { resolveTarget } from '../shared/engine/dns.ts';
import { checkRevocation } from '../shared/engine/revocation/index.ts';
import { fetchMissingIssuers } from '../shared/engine/chain/aia.ts';
import { nodeHandshake } from '../shared/engine/capture/node-tls.ts';
import { probeVersions, rawHandshake } from '../shared/engine/capture/tls/raw-client.ts';
import { TestPki, type IssuedCert } from '../test/helpers/pki.ts';
import { startDnsServer, type DnsRecords } from '../test/helpers/servers.ts';
import { RevocationCa, startRouteServer, type RouteServer } from '../test/helpers/revocation-ca.ts';

// ---- Options -----------------------------------------------------------------------------------

export interface BenchConfig {
  endpoints: number;
  servers: number;
  concurrency: number;
  /** Endpoints run through openssl s_client and sslscan (evenly spaced over the run). */
  sample: number;
  json: boolean;
  /** Servers hang up right after the handshake instead of waiting for SIP like a real server. */
  closeAfterHandshake: boolean;
}

const USAGE = `Usage: npm run bench -- [--endpoints 1000] [--servers 50] [--concurrency ${DEFAULT_OPTIONS.concurrency}] [--sample 100] [--json] [--close-after-handshake]`;

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}.\n${USAGE}`);
  return Number(value);
}

export function parseBenchArgs(argv: string[]): BenchConfig & { fleet: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      endpoints: { type: 'string' },
      servers: { type: 'string' },
      concurrency: { type: 'string' },
      sample: { type: 'string' },
      json: { type: 'boolean', default: false },
      'close-after-handshake': { type: 'boolean', default: false },
      fleet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    endpoints: wholeNumber('endpoints', values.endpoints, 1000, 1, 100_000),
    servers: wholeNumber('servers', values.servers, 50, 1, 5000),
    concurrency: wholeNumber('concurrency', values.concurrency, DEFAULT_OPTIONS.concurrency ?? 16, 1, 256),
    sample: wholeNumber('sample', values.sample, 100, 0, 100_000),
    json: values.json,
    closeAfterHandshake: values['close-after-handshake'],
    fleet: values.fleet,
    help: values.help,
  };
}

// ---- The world's plan (pure, so the fleet child and this process agree on it) -----------------------

export interface WorldPlan {
  /** Per server: its address, the CA that issues its certificates, and the names it serves (one certificate each). */
  servers: { ip: string; issuer: number; names: string[] }[];
  issuingCas: number;
  /** DIR targets: a host name with one A record, pointing at one server. */
  dir: { name: string; server: number }[];
  /** FED targets: an SRV record to a pool name whose A records point at several servers. */
  fed: { domain: string; pool: string; members: number[] }[];
}

const ZONE = 'bench.test';
/** Where the CAs publish their CRLs (loopback, outside the servers' 127.77.0.0/16). */
const CRL_HOST = '127.78.0.1';
const FED_SRV_PREFIX = '_sipfederationtls._tcp.';

/** 127.77.0.1, 127.77.0.2 ... 127.77.0.250, 127.77.1.1 ...: loopback addresses no other test uses. */
export function serverIp(index: number): string {
  return `127.77.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

/** About half the endpoints come from DIR host:port targets, half from FED pools of three. */
export function planWorld(endpoints: number, servers: number): WorldPlan {
  const poolSize = Math.min(3, servers);
  const fedCount = Math.floor(endpoints / 2 / poolSize);
  const dirCount = endpoints - fedCount * poolSize;
  const issuingCas = Math.min(3, servers);
  const plan: WorldPlan = {
    servers: Array.from({ length: servers }, (_, i) => ({ ip: serverIp(i), issuer: i % issuingCas, names: [] })),
    issuingCas,
    dir: [],
    fed: [],
  };
  for (let j = 0; j < dirCount; j++) {
    const name = `sip.dir${j}.${ZONE}`;
    plan.dir.push({ name, server: j % servers });
    plan.servers[j % servers].names.push(name);
  }
  for (let k = 0; k < fedCount; k++) {
    const pool = `sip.pool${k}.${ZONE}`;
    const members = Array.from({ length: poolSize }, (_, m) => (k * poolSize + m) % servers);
    plan.fed.push({ domain: `fed${k}.${ZONE}`, pool, members });
    for (const member of members) plan.servers[member].names.push(pool);
  }
  return plan;
}

/** The targets in request order, DIR and FED interleaved the way a mixed partner list would be. */
export function benchTargets(plan: WorldPlan, port: number): TargetInput[] {
  const dir: TargetInput[] = plan.dir.map((d) => ({ input: `${d.name}:${port}`, type: 'DIR' }));
  const fed: TargetInput[] = plan.fed.map((f) => ({ input: f.domain, type: 'FED' }));
  const targets: TargetInput[] = [];
  for (let i = 0; i < Math.max(dir.length, fed.length); i++) {
    if (i < dir.length) targets.push(dir[i]);
    if (i < fed.length) targets.push(fed[i]);
  }
  return targets;
}

function zone(plan: WorldPlan, port: number): DnsRecords {
  const a: Record<string, string[]> = {};
  const srv: NonNullable<DnsRecords['srv']> = {};
  for (const d of plan.dir) a[d.name] = [plan.servers[d.server].ip];
  for (const f of plan.fed) {
    a[f.pool] = f.members.map((m) => plan.servers[m].ip);
    srv[`${FED_SRV_PREFIX}${f.domain}`] = [{ priority: 0, weight: 0, port, target: f.pool }];
  }
  return { a, srv };
}

// ---- The fleet (child process): certificates, TLS servers, DNS -------------------------------------

type FleetRequest = { type: 'stats' } | { type: 'close' };
type FleetMessage =
  | { type: 'ready'; port: number; dnsServer: string; rootPem: string; setupMs: number }
  | { type: 'stats'; connections: number; dnsQueries: number; crlDownloads: number; cpuMs: number }
  | { type: 'failed'; message: string };

const generateKeyPairAsync = promisify(generateKeyPair);
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

function extension(extnID: string, critical: boolean, value: unknown): asn1.Extension {
  return new asn1.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

interface Issuer {
  cert: asn1.Certificate;
  keyId: ArrayBuffer | null;
  key: KeyObject;
  pem: string;
}

function issuerOf(ca: IssuedCert): Issuer {
  const cert = AsnConvert.parse(ca.der, asn1.Certificate);
  const skiExtension = cert.tbsCertificate.extensions?.find((e) => e.extnID === asn1.id_ce_subjectKeyIdentifier);
  const keyId = skiExtension ? AsnConvert.parse(skiExtension.extnValue.buffer, OctetString).buffer : null;
  return { cert, keyId, key: createPrivateKey(ca.keyPem), pem: ca.certPem };
}

/**
 * A partner's server certificate for one name, made in-process (node:crypto signature,
 * @peculiar/asn1-x509 structures): serverAuth + clientAuth, CRL distribution point, signed by
 * `issuer` over the given key. The openssl CLI would take a good fraction of a second per leaf.
 */
function issueLeaf(name: string, publicKey: KeyObject, issuer: Issuer, crlUrl: string): string {
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), asn1.SubjectPublicKeyInfo);
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x10; // positive, and no leading zero byte
  const algorithm = new asn1.AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
  const rdn = (type: string, utf8String: string) => new asn1.RelativeDistinguishedName([new asn1.AttributeTypeAndValue({ type, value: new asn1.AttributeValue({ utf8String }) })]);
  const tbs = new asn1.TBSCertificate({
    version: asn1.Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: issuer.cert.tbsCertificate.subject,
    validity: new asn1.Validity({ notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 365 * 86_400_000) }),
    subject: new asn1.Name([rdn('2.5.4.10', `Partner ${name.split('.')[1] ?? name}`), rdn('2.5.4.3', name)]),
    subjectPublicKeyInfo: spki,
    extensions: new asn1.Extensions([
      extension(asn1.id_ce_basicConstraints, false, new asn1.BasicConstraints({ cA: false })),
      extension(asn1.id_ce_keyUsage, true, new asn1.KeyUsage(asn1.KeyUsageFlags.digitalSignature | asn1.KeyUsageFlags.keyEncipherment)),
      extension(asn1.id_ce_extKeyUsage, false, new asn1.ExtendedKeyUsage([asn1.id_kp_serverAuth, asn1.id_kp_clientAuth])),
      extension(asn1.id_ce_subjectAltName, false, new asn1.SubjectAlternativeName([new asn1.GeneralName({ dNSName: name })])),
      extension(asn1.id_ce_cRLDistributionPoints, false, new asn1.CRLDistributionPoints([
        new asn1.DistributionPoint({ distributionPoint: new asn1.DistributionPointName({ fullName: [new asn1.GeneralName({ uniformResourceIdentifier: crlUrl })] }) }),
      ])),
      extension(asn1.id_ce_subjectKeyIdentifier, false, new asn1.SubjectKeyIdentifier(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest())),
      ...(issuer.keyId ? [extension(asn1.id_ce_authorityKeyIdentifier, false, new asn1.AuthorityKeyIdentifier({ keyIdentifier: new asn1.KeyIdentifier(issuer.keyId) }))] : []),
    ]),
  });
  const signatureValue = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), issuer.key);
  const cert = new asn1.Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signatureValue).buffer });
  return toPem(toBytes(AsnConvert.serialize(cert)));
}

/** A well-kept partner: TLS 1.2 and 1.3 only (the version probe's TLS 1.0 and 1.1 hellos get an alert). */
const TLS_SERVER_OPTIONS = { minVersion: 'TLSv1.2' } satisfies tls.SecureContextOptions;

/** Each name's certificate is made over the key of the server it is "homed" on (a pool's first member). */
function leafHomes(plan: WorldPlan): { name: string; home: number }[] {
  return [...plan.dir.map((d) => ({ name: d.name, home: d.server })), ...plan.fed.map((f) => ({ name: f.pool, home: f.members[0] }))];
}

function listenTls(server: tls.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

async function runFleet(config: BenchConfig): Promise<void> {
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

type FleetStats = Omit<Extract<FleetMessage, { type: 'stats' }>, 'type'>;

interface Fleet {
  port: number;
  dnsServer: string;
  rootPem: string;
  setupMs: number;
  stats(): Promise<FleetStats>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(import.meta.url);

function startFleet(config: BenchConfig, track: (child: ChildProcess) => void): Promise<Fleet> {
  const fleetArgs = ['--fleet', '--endpoints', String(config.endpoints), '--servers', String(config.servers), ...(config.closeAfterHandshake ? ['--close-after-handshake'] : [])];
  const child = fork(SCRIPT, fleetArgs, {
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

// ---- Measuring ------------------------------------------------------------------------------------

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/** Peak RSS and heap, sampled on a timer while the run goes on. */
function memorySampler(everyMs: number) {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRss, peakHeap };
    },
  };
}

const cost = (): StageCost => ({ ms: 0, cpuMs: 0 });

interface StageCost {
  /** Wall time, replayed one endpoint at a time. */
  ms: number;
  /** CPU (user + system, all threads) over the same replay. */
  cpuMs: number;
}

/**
 * Stages 4-6 replayed on the certificates the run captured, one endpoint at a time, decode cache
 * cleared first (as at the start of a run): what decoding, chain building, revocation (CRLs already
 * cached by the run, as for all but the first endpoint of each CA) and the rules cost, free of the
 * network and of the other endpoints interleaved with them in the real run.
 */
async function replayAnalysis(results: EndpointResult[], targets: TargetInput[], rootPem: string) {
  const anchors = anchorsFor({ extraRootsPem: [rootPem] });
  const decode: StageCost = cost();
  const chain: StageCost = cost();
  const rules: StageCost = cost();
  const revocation: StageCost = cost();
  const aia: StageCost = cost();
  const knownIssuers = anchors.map((a) => a.der);
  const timed = async (into: StageCost, work: () => unknown) => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    await work();
    into.ms += performance.now() - wall;
    into.cpuMs += cpuMsSince(cpu);
  };
  clearDecodeCache();
  const replayed: EndpointResult[] = [];
  for (const original of results) {
    const fresh = emptyResult({ ...original });
    fresh.checkedAt = original.checkedAt;
    const served = original.served.map((cert) => new Uint8Array(Buffer.from(cert.derBase64, 'base64')));
    if (served.length > 0) {
      await timed(decode, () => served.forEach((der) => decodeCertificateCached(der)));
      // As the engine calls it online: looks for issuers the server did not send (here none are missing).
      await timed(aia, () => fetchMissingIssuers(served, { timeoutMs: DEFAULT_OPTIONS.timeoutMs, knownIssuers }));
      let built: Uint8Array[] = [];
      await timed(chain, async () => (built = await decodeAndBuildChain(fresh, served, anchors, { offline: true, timeoutMs: DEFAULT_OPTIONS.timeoutMs })));
      await timed(revocation, () => checkRevocation({ chain: built, stapledOcsp: null, timeoutMs: DEFAULT_OPTIONS.timeoutMs, now: new Date(fresh.checkedAt) }));
    }
    replayed.push(fresh);
  }
  const byTarget = new Map<string, EndpointResult[]>();
  for (const result of replayed) byTarget.set(result.target, [...(byTarget.get(result.target) ?? []), result]);
  for (const input of targets) {
    const group = byTarget.get(input.input);
    if (group) await timed(rules, () => judge(group, parseTarget(input), anchors));
  }
  const per = (stage: StageCost) => ({ ms: round(stage.ms / results.length, 3), cpuMs: round(stage.cpuMs / results.length, 3) });
  return { decode: per(decode), aia: per(aia), chain: per(chain), revocation: per(revocation), rules: per(rules) };
}

/**
 * One endpoint at a time, each network step alone: where an endpoint's latency goes when nothing
 * else runs, and the CPU this process spends on it (the servers run in another process).
 */
async function stageLatencies(results: EndpointResult[], targets: TargetInput[], dnsServer: string, count: number) {
  const picked = evenlySpaced(results.filter((r) => r.ip !== null && r.port !== null), count);
  const byInput = new Map(targets.map((t) => [t.input, t]));
  const stages = { dns: cost(), rawHandshake: cost(), nodeHandshake: cost(), versionProbe: cost() };
  const time = async (stage: StageCost, work: () => Promise<unknown>) => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    await work();
    stage.ms += performance.now() - wall;
    stage.cpuMs += cpuMsSince(cpu);
  };
  for (const result of picked) {
    const target = byInput.get(result.target);
    const peer = { ip: result.ip!, port: result.port!, servername: result.host, timeoutMs: DEFAULT_OPTIONS.timeoutMs };
    if (target) await time(stages.dns, () => resolveTarget(parseTarget(target), { dnsServer, testPool: true, timeoutMs: DEFAULT_OPTIONS.timeoutMs }));
    await time(stages.rawHandshake, () => rawHandshake(peer));
    await time(stages.nodeHandshake, () => nodeHandshake(peer));
    await time(stages.versionProbe, () => probeVersions(peer));
  }
  const mean = (stage: StageCost): StageCost => ({ ms: round(stage.ms / Math.max(1, picked.length)), cpuMs: round(stage.cpuMs / Math.max(1, picked.length)) });
  return {
    endpoints: picked.length,
    dns: mean(stages.dns),
    rawHandshake: mean(stages.rawHandshake),
    nodeHandshake: mean(stages.nodeHandshake),
    versionProbe: mean(stages.versionProbe),
  };
}

export function evenlySpaced<T>(items: T[], count: number): T[] {
  const n = Math.min(count, items.length);
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

// ---- External tools ------------------------------------------------------------------------------

interface ToolRun {
  ok: boolean;
  ms: number;
}

/** Run a command to completion, stdin from /dev/null, output read and dropped except for the check. */
function runTool(command: string, args: string[], succeeded: (stdout: string) => boolean, track: (child: ChildProcess) => void): Promise<ToolRun> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    track(child);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('latin1')));
    child.on('error', () => resolve({ ok: false, ms: performance.now() - start }));
    child.on('close', (code) => resolve({ ok: code === 0 && succeeded(stdout), ms: performance.now() - start }));
  });
}

function commandExists(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

function toolVersion(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', () => resolve('unknown'));
    // eslint-disable-next-line no-control-regex
    child.on('close', () => resolve(out.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).find((l) => /\d+\.\d+/.test(l)) ?? 'unknown'));
  });
}

interface ToolFigures {
  tool: string;
  version: string;
  sample: number;
  failed: number;
  msPerEndpoint: number;
  /** The sample's time scaled to every endpoint of the run. */
  extrapolatedSeconds: number;
  /** extrapolatedSeconds / the engine's wall time. */
  engineSpeedup: number;
}

async function sequentialTool(
  tool: string,
  version: string,
  sample: EndpointResult[],
  args: (r: EndpointResult) => string[],
  succeeded: (stdout: string) => boolean,
  totalEndpoints: number,
  engineWallMs: number,
  track: (child: ChildProcess) => void,
): Promise<ToolFigures> {
  let ms = 0;
  let failed = 0;
  for (const result of sample) {
    const run = await runTool(tool, args(result), succeeded, track);
    ms += run.ms;
    if (!run.ok) failed++;
  }
  const msPerEndpoint = ms / Math.max(1, sample.length);
  const extrapolatedMs = msPerEndpoint * totalEndpoints;
  return {
    tool,
    version,
    sample: sample.length,
    failed,
    msPerEndpoint: round(msPerEndpoint),
    extrapolatedSeconds: round(extrapolatedMs / 1000),
    engineSpeedup: round(extrapolatedMs / engineWallMs, 1),
  };
}

// ---- The bench ------------------------------------------------------------------------------------

function worstComments(results: EndpointResult[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const result of results) {
    const worst = SEVERITY_ORDER.find((severity) => result.comments.some((c) => c.severity === severity));
    if (worst) counts[worst]++;
  }
  return counts;
}

function findingCounts(results: EndpointResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results)
    for (const id of new Set(result.comments.filter((c) => c.severity === 'error' || c.severity === 'warning').map((c) => c.id))) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

export interface BenchReport {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  world: { closeAfterHandshake: boolean; servers: number; issuingCas: number; leafCertificates: number; dirTargets: number; fedTargets: number; poolSize: number; certificates: string; setupSeconds: number };
  run: {
    endpoints: number;
    targets: number;
    concurrency: number;
    failed: number;
    trusted: number;
    /** Endpoints by their worst comment: a healthy world is all "ok" (or "info"). */
    worstComment: Record<Severity, number>;
    /** Error and warning comments by id, with how many endpoints got each. */
    findings: Record<string, number>;
    wallSeconds: number;
    endpointsPerSecond: number;
    /** Per endpoint: from the engine starting its target (onProgress current) to the target's onResult. */
    msPerEndpoint: { p50: number; p95: number; max: number };
    cpuMsPerEndpoint: { engineProcess: number; servers: number };
    /** Replayed one endpoint at a time on the captured certificates, decode cache cold at the start. */
    analysisPerEndpoint: Record<'decode' | 'aia' | 'chain' | 'revocation' | 'rules', StageCost>;
    connectionsPerEndpoint: number;
    dnsQueriesPerEndpoint: number;
    /** CRL downloads in the whole run (the engine caches each CRL until its nextUpdate). */
    crlDownloads: number;
    memory: { baselineRssMb: number; peakRssMb: number; maxRssMb: number; peakHeapMb: number; resultsJsonMb: number };
  };
  stages: Awaited<ReturnType<typeof stageLatencies>>;
  external: { openssl: ToolFigures | { skipped: string }; sslscan: ToolFigures | { skipped: string } };
}

function machine(): BenchReport['machine'] {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return { cpus: os.availableParallelism(), cpuModel, memoryGb: round(os.totalmem() / 1024 ** 3, 1), node: process.version, platform: `${process.platform} ${process.arch}` };
}

export async function runBench(config: BenchConfig, log: (line: string) => void, signal: AbortSignal, track: (child: ChildProcess) => void): Promise<BenchReport> {
  const plan = planWorld(config.endpoints, config.servers);
  log(`Making ${leafHomes(plan).length} leaf certificates, starting ${config.servers} TLS servers, a DNS server and a CRL server...`);
  const fleet = await startFleet(config, track);
  try {
    const targets = benchTargets(plan, fleet.port);
    const options: CheckOptions = {
      dnsServer: fleet.dnsServer,
      testPool: true,
      timeoutMs: DEFAULT_OPTIONS.timeoutMs,
      extraRootsPem: [fleet.rootPem],
      // Online, the default: revocation is checked (every URL in the world is loopback).
      offline: false,
      concurrency: config.concurrency,
    };

    log(`Checking ${config.endpoints} endpoints (${targets.length} targets) at concurrency ${config.concurrency}...`);
    const fleetBefore = await fleet.stats();
    const baselineRss = process.memoryUsage().rss;
    const targetStarted = new Map<string, number>();
    const endpointMs: number[] = [];
    const memory = memorySampler(50);
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const results = await runChecks(
      { targets, options },
      {
        signal,
        onProgress: ({ current }) => {
          if (current !== null) targetStarted.set(current, performance.now());
        },
        onResult: (result) => {
          const started = targetStarted.get(result.target);
          if (started !== undefined) endpointMs.push(performance.now() - started);
        },
      },
    );
    const wallMs = performance.now() - wallStart;
    const engineCpuMs = cpuMsSince(cpuStart);
    const { peakRss, peakHeap } = memory.stop();
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const fleetAfter = await fleet.stats();
    if (signal.aborted) throw new Error('Cancelled.');
    const endpoints = results.length;

    log('Replaying decode, chain building and rules one endpoint at a time...');
    const analysis = await replayAnalysis(results, targets, fleet.rootPem);

    const sample = evenlySpaced(results.filter((r) => r.ip !== null && r.port !== null), config.sample);
    log(`Timing each network step alone on ${Math.min(sample.length, 20)} endpoints...`);
    const stages = await stageLatencies(results, targets, fleet.dnsServer, Math.min(sample.length, 20));

    const hasCertificate = (stdout: string) => stdout.includes('-----BEGIN CERTIFICATE-----');
    let openssl: ToolFigures | { skipped: string } = { skipped: 'no sample (--sample 0)' };
    let sslscan: ToolFigures | { skipped: string } = { skipped: 'no sample (--sample 0)' };
    if (sample.length > 0) {
      log(`openssl s_client, sequentially, on ${sample.length} endpoints...`);
      openssl = (await commandExists('openssl'))
        ? await sequentialTool(
            'openssl',
            (await toolVersion('openssl', ['version'])).replace(/\s*\(Library:.*\)$/, ''),
            sample,
            (r) => ['s_client', '-connect', `${r.ip}:${r.port}`, '-servername', r.host, '-showcerts'],
            hasCertificate,
            endpoints,
            wallMs,
            track,
          )
        : { skipped: 'openssl is not installed' };
      if (await commandExists('sslscan')) {
        log(`sslscan, sequentially, on ${sample.length} endpoints...`);
        sslscan = await sequentialTool(
          'sslscan',
          await toolVersion('sslscan', ['--version']),
          sample,
          (r) => ['--no-colour', `--sni-name=${r.host}`, `${r.ip}:${r.port}`],
          (stdout) => /Subject:/.test(stdout),
          endpoints,
          wallMs,
          track,
        );
      } else sslscan = { skipped: 'sslscan is not installed (Debian: apt-get install sslscan)' };
    }

    return {
      machine: machine(),
      world: {
        closeAfterHandshake: config.closeAfterHandshake,
        servers: config.servers,
        issuingCas: plan.issuingCas,
        leafCertificates: leafHomes(plan).length,
        dirTargets: plan.dir.length,
        fedTargets: plan.fed.length,
        poolSize: plan.fed[0]?.members.length ?? 0,
        certificates: 'leaves made in-process (node:crypto + @peculiar/asn1-x509), one per name, RSA 2048 with one key per server; root and issuing CAs by the openssl CLI',
        setupSeconds: round(fleet.setupMs / 1000),
      },
      run: {
        endpoints,
        targets: targets.length,
        concurrency: config.concurrency,
        failed: results.filter((r) => r.error !== null).length,
        trusted: results.filter((r) => r.trust?.trusted).length,
        worstComment: worstComments(results),
        findings: findingCounts(results),
        wallSeconds: round(wallMs / 1000),
        endpointsPerSecond: round(endpoints / (wallMs / 1000), 1),
        msPerEndpoint: { p50: round(percentile(endpointMs, 50), 1), p95: round(percentile(endpointMs, 95), 1), max: round(percentile(endpointMs, 100), 1) },
        cpuMsPerEndpoint: { engineProcess: round(engineCpuMs / endpoints), servers: round((fleetAfter.cpuMs - fleetBefore.cpuMs) / endpoints) },
        analysisPerEndpoint: analysis,
        connectionsPerEndpoint: round((fleetAfter.connections - fleetBefore.connections) / endpoints),
        dnsQueriesPerEndpoint: round((fleetAfter.dnsQueries - fleetBefore.dnsQueries) / endpoints),
        crlDownloads: fleetAfter.crlDownloads - fleetBefore.crlDownloads,
        memory: { baselineRssMb: mb(baselineRss), peakRssMb: mb(peakRss), maxRssMb: mb(maxRss), peakHeapMb: mb(peakHeap), resultsJsonMb: mb(Buffer.byteLength(JSON.stringify(results))) },
      },
      stages,
      external: { openssl, sslscan },
    };
  } finally {
    await fleet.close();
  }
}

function stagesLine(stages: BenchReport['stages']): string {
  if (stages.endpoints === 0) return 'One endpoint at a time: skipped (--sample 0)';
  const part = (name: string, stage: StageCost) => `${name} ${stage.ms} ms (${stage.cpuMs} ms CPU)`;
  return (
    `One endpoint at a time, each step alone (mean of ${stages.endpoints}, wall and this process's CPU):\n` +
    `  ${part('DNS', stages.dns)}, ${part('raw handshake', stages.rawHandshake)}, ${part('Node handshake', stages.nodeHandshake)}, ${part('version probe (4 handshakes)', stages.versionProbe)}`
  );
}

function speedup(ratio: number): string {
  return ratio >= 1 ? `the engine is ${ratio} x faster` : `the engine is ${round(1 / ratio, 1)} x slower`;
}

function toolLine(name: string, figures: ToolFigures | { skipped: string }, endpoints: number): string {
  if ('skipped' in figures) return `  ${name}: skipped (${figures.skipped})`;
  const failed = figures.failed ? `, ${figures.failed} of the sample failed` : '';
  return (
    `  ${name} (${figures.version}): ${figures.msPerEndpoint} ms per endpoint on ${figures.sample} endpoints${failed}\n` +
    `    -> ${figures.extrapolatedSeconds} s for all ${endpoints} (extrapolated from the sample): ${speedup(figures.engineSpeedup)}`
  );
}

export function formatReport(r: BenchReport): string {
  const a = r.run.analysisPerEndpoint;
  return [
    `Machine: ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.platform}`,
    `World: ${r.world.servers} loopback TLS servers, 1 root -> ${r.world.issuingCas} issuing CAs -> ${r.world.leafCertificates} leaves chosen by SNI`,
    `  (${r.world.certificates}); set up in ${r.world.setupSeconds} s`,
    `Bulk run: ${r.run.endpoints} endpoints from ${r.run.targets} targets (${r.world.dirTargets} DIR host:port, ${r.world.fedTargets} FED SRV -> pools of ${r.world.poolSize}), concurrency ${r.run.concurrency}` +
      (r.world.closeAfterHandshake ? ', servers hanging up after the handshake' : ''),
    `  ${r.run.failed} failed, ${r.run.trusted} trusted; worst comment per endpoint: ${SEVERITY_ORDER.map((s) => `${s} ${r.run.worstComment[s]}`).join(', ')}`,
    ...(Object.keys(r.run.findings).length ? [`  errors and warnings: ${Object.entries(r.run.findings).map(([id, n]) => `${id} x ${n}`).join(', ')}`] : []),
    `  wall ${r.run.wallSeconds} s  =>  ${r.run.endpointsPerSecond} endpoints per second`,
    `  time per endpoint (its target's start to its result, queueing included): p50 ${r.run.msPerEndpoint.p50} ms, p95 ${r.run.msPerEndpoint.p95} ms, max ${r.run.msPerEndpoint.max} ms`,
    `  CPU per endpoint: engine process ${r.run.cpuMsPerEndpoint.engineProcess} ms, the servers ${r.run.cpuMsPerEndpoint.servers} ms`,
    `  of which analysis (replayed one endpoint at a time, decode cache cold at start; CPU ms / wall ms):`,
    `    decode ${a.decode.cpuMs} / ${a.decode.ms}, AIA walk ${a.aia.cpuMs} / ${a.aia.ms}, chain ${a.chain.cpuMs} / ${a.chain.ms}, revocation ${a.revocation.cpuMs} / ${a.revocation.ms}, rules ${a.rules.cpuMs} / ${a.rules.ms}`,
    `  per endpoint the servers saw ${r.run.connectionsPerEndpoint} TCP connections, the DNS server ${r.run.dnsQueriesPerEndpoint} queries; ${r.run.crlDownloads} CRL downloads in all`,
    `  memory: RSS ${r.run.memory.baselineRssMb} MB before, peak ${r.run.memory.peakRssMb} MB (sampled every 50 ms), maxRSS ${r.run.memory.maxRssMb} MB; heap peak ${r.run.memory.peakHeapMb} MB; the results as JSON ${r.run.memory.resultsJsonMb} MB`,
    stagesLine(r.stages),
    `External tools, one endpoint after another:`,
    toolLine('openssl s_client -showcerts', r.external.openssl, r.run.endpoints),
    toolLine('sslscan', r.external.sslscan, r.run.endpoints),
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const config = parseBenchArgs(argv);
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (config.fleet) {
    await runFleet(config);
    return 0;
  }
  const children = new Set<ChildProcess>();
  const track = (child: ChildProcess) => {
    children.add(child);
    child.once('exit', () => children.delete(child));
  };
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    for (const child of children) child.kill('SIGTERM');
    process.stderr.write('\nInterrupted: servers and tools stopped.\n');
    process.exit(130);
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const report = await runBench(config, log, controller.signal, track);
  process.stdout.write(config.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return 0;
}

if (process.argv[1] === SCRIPT) {
  main(process.argv.slice(2)).then(
    (code) => {
      // The fleet child keeps its own event loop alive until told to close.
      if (!process.argv.includes('--fleet')) process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
