// `npm run bench:hostile`: the limits under hostile servers and files, each measured on loopback and bounded.
//   CRL memory   16 endpoints whose certificates name 11 distinct 20 MB CRLs: peak memory of the checking process.
//   fragments    a server sending a 512 KB handshake message in 1-byte records: CPU of the whole capture.
//   stall        an endpoint whose every certificate URL accepts and never answers: wall time against 2 x --timeout.
//   stray quote  a 10,000-row CSV with one unclosed quote: rows recovered.
//   SRV fan-out  a target whose SRV records name 100 targets of 30 addresses each: endpoints checked, and the comment.
// The checking runs in a child process for the memory and CPU figures, so the servers' own bytes are not counted.
// --quick runs small sizes (the test does); --json prints the report as one JSON document.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CheckOptions, EndpointResult } from '../shared/types.ts';
import { DEFAULT_OPTIONS } from '../shared/types.ts';
import { runChecks } from '../shared/engine/pipeline.ts';
import { captureEndpoint } from '../shared/engine/capture/index.ts';
import { crlMemoryBudget, type CrlMemoryStats } from '../shared/engine/revocation/index.ts';
import { parseTargetList } from '../shared/formats/csv-import.ts';
import { TestPki, bundle } from '../test/helpers/pki.ts';
import { closedPort, startDnsServer, startTlsServer, type RunningServer } from '../test/helpers/servers.ts';
import { startRouteServer } from '../test/helpers/revocation-ca.ts';
import { fillerCrl, startOneByteRecordServer, startStallingEndpoint } from '../test/helpers/hostile.ts';

const FULL = { crlEndpoints: 16, crls: 11, crlBytes: 20_000_000, messageBytes: 512 * 1024, stallTimeoutMs: 3000, csvRows: 10_000, srvTargets: 100, srvAddresses: 30 };
const QUICK = { crlEndpoints: 3, crls: 2, crlBytes: 1_000_000, messageBytes: 64 * 1024, stallTimeoutMs: 1000, csvRows: 1_000, srvTargets: 10, srvAddresses: 10 };
type Sizes = typeof FULL;
/** A child that has not reported by then is killed: the script always stops by itself. */
const CHILD_LIMIT_MS = 240_000;

export interface HostileReport {
  sizes: Sizes;
  crlMemory: { endpoints: number; crls: number; crlMb: number; peakRssMb: number; maxRssMb: number; baselineRssMb: number; wallMs: number; revocation: Record<string, number>; notGood: string[]; budget: CrlMemoryStats };
  fragmentedHandshake: { messageBytes: number; cpuMs: number; wallMs: number; error: string | null };
  stall: { timeoutMs: number; budgetMs: number; stalledUrls: number; wallMs: number; deadlineSteps: string[]; comment: boolean };
  strayQuote: { rows: number; recovered: number; errors: { line: number; message: string }[]; ms: number };
  srvFanOut: { srvTargets: number; addressesEach: number; found: number | null; checked: number; cap: number | null; comment: boolean };
}

// ------------------------------------------------------------------ child side: the engine alone

type ChildJob =
  | { kind: 'crl'; targets: string[]; options: CheckOptions }
  | { kind: 'capture'; ip: string; port: number; timeoutMs: number };

async function runChild(job: ChildJob): Promise<unknown> {
  if (job.kind === 'capture') {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const endpoint = { target: `${job.ip}:${job.port}`, type: 'DIR' as const, host: job.ip, ip: job.ip, port: job.port, poolMember: false, srv: null, srvRecord: null, poolAddresses: [job.ip] };
    const capture = await captureEndpoint(endpoint, { timeoutMs: job.timeoutMs });
    const used = process.cpuUsage(cpu);
    return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started, error: capture.error?.code ?? null };
  }
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const results = await runChecks({ targets: job.targets.map((input) => ({ input, type: 'DIR' as const })), options: job.options });
  clearInterval(sampler);
  const revocation: Record<string, number> = {};
  const unknown = new Set<string>();
  for (const result of results) {
    const status = result.revocation?.status ?? 'none';
    revocation[status] = (revocation[status] ?? 0) + 1;
    if (status !== 'good') unknown.add((result.revocation?.details ?? result.error?.message ?? '').slice(0, 240));
  }
  // The revocation stage's CRL memory budget: what it held at its peak and what it had to skip.
  const budget = crlMemoryBudget.stats();
  return { peakRssMb: mb(peak), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), baselineRssMb: mb(baseline), wallMs: performance.now() - started, revocation, notGood: [...unknown], budget };
}

function inChild<T>(job: ChildJob): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
    child.once('message', (answer) => resolve(answer as T));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${job.kind} child exited (${code}) without an answer`));
    });
    child.send(job);
  });
}

// ------------------------------------------------------------------ the scenarios

async function crlMemory(sizes: Sizes): Promise<HostileReport['crlMemory']> {
  const pki = new TestPki();
  const ca = pki.issue({ cn: 'Hostile CRL Root CA', ca: true, days: 3650 });
  const crlServer = await startRouteServer();
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < sizes.crls; i++) crlServer.serve(`/crl-${i}.crl`, fillerCrl(ca, sizes.crlBytes, i), 'application/pkix-crl');
    for (let i = 0; i < sizes.crlEndpoints; i++) {
      const leaf = pki.issue({ cn: `crl${i}.test`, sans: ['IP:127.0.0.1'], issuer: ca, key: 'ec:P-256', crlUrl: `${crlServer.base}/crl-${i % sizes.crls}.crl` });
      servers.push(await startTlsServer({ certPem: bundle(leaf), keyPem: leaf.keyPem }));
    }
    const options: CheckOptions = { ...DEFAULT_OPTIONS, timeoutMs: 30_000, extraRootsPem: [ca.certPem] };
    const measured = await inChild<Omit<HostileReport['crlMemory'], 'endpoints' | 'crls' | 'crlMb'>>({ kind: 'crl', targets: servers.map((s) => `127.0.0.1:${s.port}`), options });
    return { endpoints: sizes.crlEndpoints, crls: sizes.crls, crlMb: Math.round(sizes.crlBytes / 1e6), ...measured };
  } finally {
    await Promise.all([crlServer.close(), ...servers.map((s) => s.close())]);
  }
}

async function fragmentedHandshake(sizes: Sizes): Promise<HostileReport['fragmentedHandshake']> {
  const server = await startOneByteRecordServer(sizes.messageBytes);
  try {
    const measured = await inChild<Omit<HostileReport['fragmentedHandshake'], 'messageBytes'>>({ kind: 'capture', ip: server.host, port: server.port, timeoutMs: 10_000 });
    return { messageBytes: sizes.messageBytes, ...measured };
  } finally {
    await server.close();
  }
}

async function stall(sizes: Sizes): Promise<HostileReport['stall']> {
  const endpoint = await startStallingEndpoint(new TestPki());
  try {
    const started = performance.now();
    const [result] = await runChecks({ targets: [{ input: endpoint.target, type: 'DIR' }], options: { ...DEFAULT_OPTIONS, timeoutMs: sizes.stallTimeoutMs } });
    return {
      timeoutMs: sizes.stallTimeoutMs,
      budgetMs: 2 * sizes.stallTimeoutMs,
      stalledUrls: endpoint.stalledUrls,
      wallMs: Math.round(performance.now() - started),
      deadlineSteps: result?.deadlineExceeded?.steps ?? [],
      comment: hasComment(result, 'deadline-exceeded'),
    };
  } finally {
    await endpoint.close();
  }
}

function strayQuote(sizes: Sizes): HostileReport['strayQuote'] {
  const lines = ['Domain,Type,Port'];
  const bad = Math.floor(sizes.csvRows / 2);
  for (let i = 0; i < sizes.csvRows; i++) lines.push(`${i === bad ? '"' : ''}host${i}.contoso.com,DIR,443`);
  const started = performance.now();
  const list = parseTargetList('stray-quote.csv', lines.join('\r\n'));
  return { rows: sizes.csvRows, recovered: list.rows.length, errors: list.importErrors, ms: Math.round(performance.now() - started) };
}

async function srvFanOut(sizes: Sizes): Promise<HostileReport['srvFanOut']> {
  // Every address refuses at once (nothing listens on the port): the figure is the fan-out, not the handshakes.
  const port = await closedPort();
  const a: Record<string, string[]> = {};
  const srv = Array.from({ length: sizes.srvTargets }, (_, i) => {
    a[`t${i}.fanout.test`] = Array.from({ length: sizes.srvAddresses }, (_, j) => `127.10.${i}.${j + 1}`);
    return { priority: 0, weight: 0, port, target: `t${i}.fanout.test` };
  });
  const dns = await startDnsServer({ records: { srv: { '_sipfederationtls._tcp.fanout.test': srv }, a } });
  try {
    const results = await runChecks({ targets: [{ input: 'fanout.test', type: 'FED' }], options: { ...DEFAULT_OPTIONS, dnsServer: dns.address, timeoutMs: 3000 } });
    const cap = results[0]?.endpointCap ?? null;
    return { srvTargets: sizes.srvTargets, addressesEach: sizes.srvAddresses, found: cap?.found ?? null, checked: results.length, cap: cap?.limit ?? null, comment: hasComment(results[0], 'endpoint-cap') };
  } finally {
    await dns.close();
  }
}

function hasComment(result: EndpointResult | undefined, id: string): boolean {
  return result?.comments.some((c) => c.id === id) ?? false;
}

// ------------------------------------------------------------------ report

function print(r: HostileReport): void {
  const m = r.crlMemory;
  const lines = [
    `CRL memory: ${m.endpoints} endpoints, ${m.crls} distinct ${m.crlMb} MB CRLs: peak RSS ${m.peakRssMb} MB (maxRSS ${m.maxRssMb} MB, ${m.baselineRssMb} MB before), ${Math.round(m.wallMs)} ms; revocation ${JSON.stringify(m.revocation)}${m.notGood.length ? ` (${m.notGood.join(' | ')})` : ''}; budget ${JSON.stringify(m.budget)}`,
    `1-byte records: a ${r.fragmentedHandshake.messageBytes / 1024} KB handshake message: capture CPU ${Math.round(r.fragmentedHandshake.cpuMs)} ms, wall ${Math.round(r.fragmentedHandshake.wallMs)} ms (${r.fragmentedHandshake.error ?? 'captured'})`,
    `stalling endpoint: ${r.stall.stalledUrls} URLs that never answer, --timeout ${r.stall.timeoutMs}: ${r.stall.wallMs} ms (budget ${r.stall.budgetMs} ms); cut: ${r.stall.deadlineSteps.join(', ') || 'nothing'}; deadline-exceeded comment: ${r.stall.comment ? 'yes' : 'no'}`,
    `stray quote: ${r.strayQuote.recovered} of ${r.strayQuote.rows} rows recovered in ${r.strayQuote.ms} ms; errors on lines ${r.strayQuote.errors.map((e) => e.line).join(', ')}`,
    `SRV fan-out: ${r.srvFanOut.srvTargets} x ${r.srvFanOut.addressesEach} = ${r.srvFanOut.found ?? '?'} endpoints found, ${r.srvFanOut.checked} checked (cap ${r.srvFanOut.cap ?? 'none'}); endpoint-cap comment: ${r.srvFanOut.comment ? 'yes' : 'no'}`,
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, child: { type: 'boolean', default: false } } });
  if (values.child) {
    process.once('message', (job) => {
      runChild(job as ChildJob).then((answer) => process.send!(answer, () => process.exit(0)));
    });
    return;
  }
  const sizes = values.quick ? QUICK : FULL;
  const report: HostileReport = {
    sizes,
    strayQuote: strayQuote(sizes),
    srvFanOut: await srvFanOut(sizes),
    stall: await stall(sizes),
    fragmentedHandshake: await fragmentedHandshake(sizes),
    crlMemory: await crlMemory(sizes),
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
