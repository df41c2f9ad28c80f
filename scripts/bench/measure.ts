// What the bench measures besides wall time: percentiles, memory peaks, and the cost of each stage
// replayed one endpoint at a time (analysis on the captured certificates, network steps alone).
import { performance } from 'node:perf_hooks';
import type { EndpointResult, TargetInput } from '../../shared/types.ts';
import { DEFAULT_OPTIONS } from '../../shared/types.ts';
import { anchorsFor, decodeAndBuildChain, emptyResult, judge } from '../../shared/engine/pipeline.ts';
import { clearDecodeCache, decodeCertificateCached } from '../../shared/engine/decode/index.ts';
import { parseTarget } from '../../shared/engine/target.ts';
import { resolveTarget } from '../../shared/engine/dns.ts';
import { checkRevocation } from '../../shared/engine/revocation/index.ts';
import { fetchMissingIssuers } from '../../shared/engine/chain/aia.ts';
import { nodeHandshake } from '../../shared/engine/capture/node-tls.ts';
import { probeVersions, rawHandshake } from '../../shared/engine/capture/tls/raw-client.ts';

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
export const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
export const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/** Peak RSS and heap, sampled on a timer while the run goes on. */
export function memorySampler(everyMs: number) {
  let peakRss = 0;
  let peakHeap = 0;
  let ticks = 0;
  // process.memoryUsage() walks the heap's spaces (it showed in the run's CPU profile): RSS alone on
  // every tick, the heap on every tenth.
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (ticks++ % 10 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      ticks = 0;
      sample();
      return { peakRss, peakHeap };
    },
  };
}

const cost = (): StageCost => ({ ms: 0, cpuMs: 0 });
export interface StageCost {
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
/** Adds the wall time and this process's CPU of `work` to `into`. */
async function timeInto(into: StageCost, work: () => unknown): Promise<void> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await work();
  into.ms += performance.now() - wall;
  into.cpuMs += cpuMsSince(cpu);
}

export async function replayAnalysis(results: EndpointResult[], targets: TargetInput[], rootPem: string) {
  const anchors = anchorsFor({ extraRootsPem: [rootPem] });
  const decode: StageCost = cost();
  const chain: StageCost = cost();
  const rules: StageCost = cost();
  const revocation: StageCost = cost();
  const aia: StageCost = cost();
  const knownIssuers = anchors.map((a) => a.der);
  clearDecodeCache();
  const replayed: EndpointResult[] = [];
  for (const original of results) {
    const fresh = emptyResult({ ...original });
    fresh.checkedAt = original.checkedAt;
    const served = original.served.map((cert) => new Uint8Array(Buffer.from(cert.derBase64, 'base64')));
    if (served.length > 0) {
      await timeInto(decode, () => served.forEach((der) => decodeCertificateCached(der)));
      // As the engine calls it online: looks for issuers the server did not send (here none are missing).
      await timeInto(aia, () => fetchMissingIssuers(served, { timeoutMs: DEFAULT_OPTIONS.timeoutMs, knownIssuers }));
      let built: Uint8Array[] = [];
      await timeInto(chain, async () => (built = await decodeAndBuildChain(fresh, served, anchors, { offline: true, timeoutMs: DEFAULT_OPTIONS.timeoutMs })));
      await timeInto(revocation, () => checkRevocation({ chain: built, stapledOcsp: null, timeoutMs: DEFAULT_OPTIONS.timeoutMs, now: new Date(fresh.checkedAt) }));
    }
    replayed.push(fresh);
  }
  const byTarget = new Map<string, EndpointResult[]>();
  for (const result of replayed) byTarget.set(result.target, [...(byTarget.get(result.target) ?? []), result]);
  for (const input of targets) {
    const group = byTarget.get(input.input);
    if (group) await timeInto(rules, () => judge(group, parseTarget(input), anchors));
  }
  const per = (stage: StageCost) => ({ ms: round(stage.ms / results.length, 3), cpuMs: round(stage.cpuMs / results.length, 3) });
  return { decode: per(decode), aia: per(aia), chain: per(chain), revocation: per(revocation), rules: per(rules) };
}

/**
 * One endpoint at a time, each network step alone: where an endpoint's latency goes when nothing
 * else runs, and the CPU this process spends on it (the servers run in another process).
 */
export async function stageLatencies(results: EndpointResult[], targets: TargetInput[], dnsServer: string, count: number) {
  const picked = evenlySpaced(results.filter((r) => r.ip !== null && r.port !== null), count);
  const byInput = new Map(targets.map((t) => [t.input, t]));
  const stages = { dns: cost(), rawHandshake: cost(), nodeHandshake: cost(), versionProbe: cost() };
  for (const result of picked) {
    const target = byInput.get(result.target);
    const peer = { ip: result.ip!, port: result.port!, servername: result.host, timeoutMs: DEFAULT_OPTIONS.timeoutMs };
    if (target) await timeInto(stages.dns, () => resolveTarget(parseTarget(target), { dnsServer, testPool: true, timeoutMs: DEFAULT_OPTIONS.timeoutMs }));
    let certificateRequested = true;
    await timeInto(stages.rawHandshake, async () => ({ certificateRequested } = await rawHandshake(peer)));
    // As the capture calls it: told whether the raw handshake saw a CertificateRequest, so that it does not
    // wait for a client-certificate alert from a server that asked for none.
    await timeInto(stages.nodeHandshake, () => nodeHandshake({ ...peer, clientCertRequested: Promise.resolve(certificateRequested) }));
    await timeInto(stages.versionProbe, () => probeVersions(peer));
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
