// The bench's report: its shape (printed as JSON with --json) and the text form.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { EndpointResult, Severity } from '../../shared/types.ts';
import { SEVERITY_ORDER } from '../../shared/types.ts';
import { round, type StageCost, type stageLatencies } from './measure.ts';
import { peerLines, type PeerOutcome } from './peers.ts';
import { profileLines, type ProfileEntry } from './profile.ts';
import { startupLine, type CliStartup } from './startup.ts';
import type { RecordingCost } from '../../shared/history/bench.ts';

export function worstComments(results: EndpointResult[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const result of results) {
    const worst = SEVERITY_ORDER.find((severity) => result.comments.some((c) => c.severity === severity));
    if (worst) counts[worst]++;
  }
  return counts;
}

export function findingCounts(results: EndpointResult[]): Record<string, number> {
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
    /** Revocation and AIA off (--offline). */
    offline: boolean;
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
  /** The same endpoints through sslscan and openssl s_client, as many at once as the engine. */
  peers: { sslscan: PeerOutcome; openssl: PeerOutcome };
  startup: CliStartup;
  profile: { path: string; top: ProfileEntry[] } | null;
  /** What recording the run in the history costs (shared/history/bench.ts), and its CPU as a share of the check's. */
  history: RecordingCost & { shareOfCheckCpu: number };
}

export function machine(): BenchReport['machine'] {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return { cpus: os.availableParallelism(), cpuModel, memoryGb: round(os.totalmem() / 1024 ** 3, 1), node: process.version, platform: `${process.platform} ${process.arch}` };
}

function stagesLine(stages: BenchReport['stages']): string {
  if (stages.endpoints === 0) return 'One endpoint at a time: skipped (--sample 0)';
  const part = (name: string, stage: StageCost) => `${name} ${stage.ms} ms (${stage.cpuMs} ms CPU)`;
  return (
    `One endpoint at a time, each step alone (mean of ${stages.endpoints}, wall and this process's CPU):\n` +
    `  ${part('DNS', stages.dns)}, ${part('raw handshake', stages.rawHandshake)}, ${part('Node handshake', stages.nodeHandshake)}, ${part('version probe (4 handshakes)', stages.versionProbe)}`
  );
}

export function formatReport(r: BenchReport): string {
  const a = r.run.analysisPerEndpoint;
  return [
    `Machine: ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.platform}`,
    `World: ${r.world.servers} loopback TLS servers, 1 root -> ${r.world.issuingCas} issuing CAs -> ${r.world.leafCertificates} leaves chosen by SNI`,
    `  (${r.world.certificates}); set up in ${r.world.setupSeconds} s`,
    `Bulk run: ${r.run.endpoints} endpoints from ${r.run.targets} targets (${r.world.dirTargets} DIR host:port, ${r.world.fedTargets} FED SRV -> pools of ${r.world.poolSize}), concurrency ${r.run.concurrency}` +
      (r.world.closeAfterHandshake ? ', servers hanging up after the handshake' : '') +
      (r.run.offline ? ', offline (no revocation, no AIA)' : ', online (revocation checked)'),
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
    ...peerLines(r.peers, r.run.concurrency),
    startupLine(r.startup),
    ...(r.profile ? profileLines(r.profile.top, r.profile.path) : []),
    `History recording (${r.history.batchSize} endpoint(s) per transaction, as the app records): ${r.history.msPerEndpointFirstRun} ms per endpoint (first run), ${r.history.msPerEndpointLaterRuns} ms (later runs); CPU ${r.history.cpuMsPerEndpoint} ms = ${round(r.history.shareOfCheckCpu * 100, 1)} % of the check's CPU`,
    `  ${r.history.bytesPerEndpointFirstRun} bytes per endpoint (first run), ${r.history.bytesPerEndpointLaterRuns} (later runs; the JSON result is ${r.history.jsonBytesPerEndpoint})`,
    '',
  ].join('\n');
}
