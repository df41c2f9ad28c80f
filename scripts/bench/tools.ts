// The yardsticks: the same endpoints through `openssl s_client` and `sslscan`, one after another.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { EndpointResult } from '../../shared/types.ts';
import { round } from './measure.ts';

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

export interface ToolFigures {
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

export type ToolOutcome = ToolFigures | { skipped: string };

/** openssl s_client and sslscan (when installed) on the sample, scaled to every endpoint of the run. */
export async function externalTools(
  sample: EndpointResult[],
  endpoints: number,
  wallMs: number,
  log: (line: string) => void,
  track: (child: ChildProcess) => void,
): Promise<{ openssl: ToolOutcome; sslscan: ToolOutcome }> {
  if (sample.length === 0) return { openssl: { skipped: 'no sample (--sample 0)' }, sslscan: { skipped: 'no sample (--sample 0)' } };
  const hasCertificate = (stdout: string) => stdout.includes('-----BEGIN CERTIFICATE-----');
  log(`openssl s_client, sequentially, on ${sample.length} endpoints...`);
  const openssl: ToolOutcome = (await commandExists('openssl'))
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
  if (!(await commandExists('sslscan'))) return { openssl, sslscan: { skipped: 'sslscan is not installed (Debian: apt-get install sslscan)' } };
  log(`sslscan, sequentially, on ${sample.length} endpoints...`);
  const sslscan = await sequentialTool(
    'sslscan',
    await toolVersion('sslscan', ['--version']),
    sample,
    (r) => ['--no-colour', `--sni-name=${r.host}`, `${r.ip}:${r.port}`],
    (stdout) => /Subject:/.test(stdout),
    endpoints,
    wallMs,
    track,
  );
  return { openssl, sslscan };
}
