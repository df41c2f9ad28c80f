// Bulk-check benchmark: `npm run bench -- [--endpoints 1000] [--servers 50] [--concurrency N] [--sample 20] [--offline] [--profile FILE] [--json]`.
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
// The parts, by job, are in scripts/bench/: world (plan, zone, certificates), fleet (the servers' child
// process), measure (stages, memory, CPU), tools (openssl/sslscan yardsticks), report (shape and text).
// This process: runChecks over every target (online, the default; --offline: revocation and AIA off),
// a replay of the analysis stages one endpoint at a time, each network step alone on a few endpoints,
// then every endpoint of the run through sslscan and `openssl s_client`, as many at once as the
// engine's concurrency (peers.ts), and the command line's start time (startup.ts).
// --profile FILE writes a CPU profile of the bulk run and prints its top functions (profile.ts).
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CheckOptions } from '../shared/types.ts';
import { DEFAULT_OPTIONS } from '../shared/types.ts';
import { runChecks } from '../shared/engine/pipeline.ts';
import { startFleet } from './bench/fleet.ts';
import { cpuMsSince, mb, memorySampler, percentile, replayAnalysis, round, stageLatencies } from './bench/measure.ts';
import { measureRecording } from '../shared/history/bench.ts';
import { findingCounts, formatReport, machine, worstComments, type BenchReport } from './bench/report.ts';
import { parallelPeers } from './bench/peers.ts';
import { saveProfile, startProfile, topSelfTime } from './bench/profile.ts';
import { cliStartup } from './bench/startup.ts';
import { formatUiReport, runUiBench } from './bench/ui.ts';
import { benchTargets, leafHomes, planWorld } from './bench/world.ts';

export type { BenchReport } from './bench/report.ts';

// ---- Options -----------------------------------------------------------------------------------

export interface BenchConfig {
  endpoints: number;
  servers: number;
  concurrency: number;
  /** Endpoints each network step is timed alone on (evenly spaced over the run; at most 20). */
  sample: number;
  /** Revocation and AIA off, as with the CLI's --offline. */
  offline: boolean;
  /** Where to write a CPU profile of the bulk run (null: no profile). */
  profile: string | null;
  json: boolean;
  /** Servers hang up right after the handshake instead of waiting for SIP like a real server. */
  closeAfterHandshake: boolean;
  /** The renderer's benchmark instead (bench/ui.ts). */
  ui: boolean;
}

const USAGE = `Usage: npm run bench -- [--endpoints 1000] [--servers 50] [--concurrency ${DEFAULT_OPTIONS.concurrency}] [--sample 20] [--offline] [--profile FILE] [--json] [--close-after-handshake]\n       npm run bench -- --ui [--json]   (the renderer in Chromium: fps, long tasks, page memory)`;

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}.\n${USAGE}`);
  return Number(value);
}

export function parseBenchArgs(argv: string[]): BenchConfig & { help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      endpoints: { type: 'string' },
      servers: { type: 'string' },
      concurrency: { type: 'string' },
      sample: { type: 'string' },
      json: { type: 'boolean', default: false },
      offline: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'close-after-handshake': { type: 'boolean', default: false },
      ui: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    endpoints: wholeNumber('endpoints', values.endpoints, 1000, 1, 100_000),
    servers: wholeNumber('servers', values.servers, 50, 1, 5000),
    concurrency: wholeNumber('concurrency', values.concurrency, DEFAULT_OPTIONS.concurrency ?? 16, 1, 256),
    sample: wholeNumber('sample', values.sample, 20, 0, 100_000),
    json: values.json,
    offline: values.offline,
    profile: values.profile ?? null,
    closeAfterHandshake: values['close-after-handshake'],
    ui: values.ui,
    help: values.help,
  };
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
      offline: config.offline,
      concurrency: config.concurrency,
    };

    log(`Checking ${config.endpoints} endpoints (${targets.length} targets) at concurrency ${config.concurrency}...`);
    const fleetBefore = await fleet.stats();
    const baselineRss = process.memoryUsage().rss;
    const targetStarted = new Map<string, number>();
    const endpointMs: number[] = [];
    const memory = memorySampler(50);
    const stopProfile = config.profile ? await startProfile() : null;
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
    const profile = stopProfile ? await stopProfile() : null;
    const { peakRss, peakHeap } = memory.stop();
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const fleetAfter = await fleet.stats();
    if (signal.aborted) throw new Error('Cancelled.');
    const endpoints = results.length;

    log('Replaying decode, chain building and rules one endpoint at a time...');
    const analysis = await replayAnalysis(results, targets, fleet.rootPem);

    const sample = Math.min(config.sample, 20, endpoints);
    log(`Timing each network step alone on ${sample} endpoints...`);
    const stages = await stageLatencies(results, targets, fleet.dnsServer, sample);

    const peers = await parallelPeers(results, config.concurrency, { wallMs, cpuMs: engineCpuMs }, log, track);
    log('Timing the command line\'s start...');
    const startup = await cliStartup();
    if (profile && config.profile) saveProfile(config.profile, profile);

    // As the app records (shared/history/recording.ts): one transaction per endpoint.
    log('Recording the results in a fresh history file, twice (first run, then a run whose certificates are known), one commit per endpoint...');
    const recording = measureRecording(results, 2, 1);

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
        offline: config.offline,
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
      peers,
      startup,
      profile: profile && config.profile ? { path: config.profile, top: topSelfTime(profile, 25) } : null,
      history: {
        ...recording,
        // Recording's CPU against the check's: the budget is a tenth.
        shareOfCheckCpu: round(recording.cpuMsPerEndpoint / Math.max(engineCpuMs / endpoints, 0.001), 3),
      },
    };
  } finally {
    await fleet.close();
  }
}

const SCRIPT = fileURLToPath(import.meta.url);

async function main(argv: string[]): Promise<number> {
  const config = parseBenchArgs(argv);
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
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
  if (config.ui) {
    const ui = await runUiBench(log);
    process.stdout.write(config.json ? JSON.stringify(ui, null, 2) + '\n' : formatUiReport(ui));
    return 0;
  }
  const report = await runBench(config, log, controller.signal, track);
  process.stdout.write(config.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return 0;
}

if (process.argv[1] === SCRIPT) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
