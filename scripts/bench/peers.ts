// The yardsticks in the same run as the engine: every endpoint of the run through sslscan (certificate
// and protocols, nothing else) and through `openssl s_client -showcerts`, as `xargs -P<concurrency>`
// would run them: the same endpoints, the same number at once. Wall time, and the CPU of the child
// processes from this process's cutime + cstime (/proc/self/stat: the CPU of children it has reaped).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import type { EndpointResult } from '../../shared/types.ts';
import { commandExists, runTool, toolVersion } from './tools.ts';
import { round } from './measure.ts';

/** sslscan doing what the engine's version matrix and wire chain do: protocols and the certificate. */
export const SSLSCAN_ARGS = ['--no-colour', '--show-certificate', '--no-ciphersuites', '--no-fallback', '--no-renegotiation', '--no-compression', '--no-heartbleed', '--no-groups'];

export interface PeerFigures {
  tool: string;
  version: string;
  endpoints: number;
  failed: number;
  wallSeconds: number;
  /** CPU of the tool's processes in all, null where /proc/self/stat cannot be read. */
  cpuSeconds: number | null;
  /** Engine wall / tool wall in the same run (below 1: the engine is faster). */
  wallRatio: number;
  /** Engine process CPU / the tool's CPU. */
  cpuRatio: number | null;
}

export type PeerOutcome = PeerFigures | { skipped: string };

/** Seconds of CPU used by this process's reaped children (Linux), or null. */
export function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100; // USER_HZ on every Linux architecture Node runs on.
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** Runs `args(endpoint)` for every endpoint, `concurrency` at a time; wall and children's CPU. */
async function inParallel(
  command: string,
  endpoints: EndpointResult[],
  concurrency: number,
  args: (r: EndpointResult) => string[],
  succeeded: (stdout: string) => boolean,
  track: (child: ChildProcess) => void,
): Promise<{ failed: number; wallMs: number; cpuSeconds: number | null }> {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < endpoints.length) {
      const endpoint = endpoints[next++]!;
      if (!(await runTool(command, args(endpoint), succeeded, track)).ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, endpoints.length) }, worker));
  const wallMs = performance.now() - started;
  const cpuAfter = childrenCpuSeconds();
  return { failed, wallMs, cpuSeconds: cpuBefore === null || cpuAfter === null ? null : round(cpuAfter - cpuBefore) };
}

interface EngineRun {
  wallMs: number;
  cpuMs: number;
}

function figures(tool: string, version: string, endpoints: number, run: Awaited<ReturnType<typeof inParallel>>, engine: EngineRun): PeerFigures {
  return {
    tool,
    version,
    endpoints,
    failed: run.failed,
    wallSeconds: round(run.wallMs / 1000),
    cpuSeconds: run.cpuSeconds,
    wallRatio: round(engine.wallMs / run.wallMs),
    cpuRatio: run.cpuSeconds ? round(engine.cpuMs / 1000 / run.cpuSeconds) : null,
  };
}

/** sslscan and openssl s_client over the run's endpoints in parallel, compared with the engine's run. */
export async function parallelPeers(
  results: EndpointResult[],
  concurrency: number,
  engine: EngineRun,
  log: (line: string) => void,
  track: (child: ChildProcess) => void,
): Promise<{ sslscan: PeerOutcome; openssl: PeerOutcome }> {
  const endpoints = results.filter((r) => r.ip !== null && r.port !== null);
  const hasCertificate = (stdout: string) => stdout.includes('-----BEGIN CERTIFICATE-----');
  let sslscan: PeerOutcome = { skipped: 'sslscan is not installed (Debian: apt-get install sslscan)' };
  if (await commandExists('sslscan')) {
    log(`sslscan on the same ${endpoints.length} endpoints, ${concurrency} at a time...`);
    const run = await inParallel('sslscan', endpoints, concurrency, (r) => [...SSLSCAN_ARGS, `--sni-name=${r.host}`, `${r.ip}:${r.port}`], hasCertificate, track);
    sslscan = figures('sslscan', await toolVersion('sslscan', ['--version']), endpoints.length, run, engine);
  }
  let openssl: PeerOutcome = { skipped: 'openssl is not installed' };
  if (await commandExists('openssl')) {
    log(`openssl s_client on the same ${endpoints.length} endpoints, ${concurrency} at a time...`);
    const run = await inParallel('openssl', endpoints, concurrency, (r) => ['s_client', '-connect', `${r.ip}:${r.port}`, '-servername', r.host, '-showcerts'], hasCertificate, track);
    openssl = figures('openssl s_client -showcerts', (await toolVersion('openssl', ['version'])).replace(/\s*\(Library:.*\)$/, ''), endpoints.length, run, engine);
  }
  return { sslscan, openssl };
}

export function peerLines(peers: { sslscan: PeerOutcome; openssl: PeerOutcome }, concurrency: number): string[] {
  const line = (outcome: PeerOutcome, name: string) => {
    if ('skipped' in outcome) return `  ${name}: skipped (${outcome.skipped})`;
    const failed = outcome.failed ? `, ${outcome.failed} failed` : '';
    const cpu = outcome.cpuSeconds === null ? 'CPU unknown' : `CPU ${outcome.cpuSeconds} s`;
    const cpuRatio = outcome.cpuRatio === null ? '' : `, CPU ${outcome.cpuRatio} x`;
    return `  ${outcome.tool} (${outcome.version}): wall ${outcome.wallSeconds} s, ${cpu}${failed}  =>  the engine takes wall ${outcome.wallRatio} x${cpuRatio}`;
  };
  return [`The same endpoints through other tools, ${concurrency} at a time (like xargs -P${concurrency}), in this run:`, line(peers.sslscan, 'sslscan'), line(peers.openssl, 'openssl s_client')];
}
