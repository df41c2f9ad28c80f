// Smoke test of `npm run bench`: a tiny run must produce every figure. No timing assertions: the
// figures are whatever this machine gives, only their presence and sign are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchReport } from '../scripts/bench.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function assertPositive(value: unknown, name: string): void {
  assert.equal(typeof value, 'number', `${name} is a number`);
  assert.ok(Number.isFinite(value) && (value as number) > 0, `${name} > 0 (got ${value})`);
}

test('bench: a tiny run prints every figure as JSON', { timeout: 180_000 }, async () => {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench.ts', '--endpoints', '20', '--servers', '3', '--sample', '3', '--json'],
    { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: 170_000 },
  );
  const report = JSON.parse(stdout) as BenchReport;

  assert.equal(report.run.endpoints, 20);
  // What recording the run in the history costs, measured on the run's own results.
  assert.equal(report.history.endpoints, 20);
  assertPositive(report.history.bytesPerEndpointFirstRun, 'history bytesPerEndpointFirstRun');
  assert.ok(report.history.shareOfCheckCpu > 0, 'history shareOfCheckCpu');
  assert.equal(report.world.servers, 3);
  assert.ok(report.machine.cpus >= 1 && report.machine.cpuModel.length > 0 && report.machine.node.startsWith('v'));
  assertPositive(report.run.wallSeconds, 'wallSeconds');
  assertPositive(report.run.endpointsPerSecond, 'endpointsPerSecond');
  assertPositive(report.run.msPerEndpoint.p50, 'p50');
  assertPositive(report.run.msPerEndpoint.p95, 'p95');
  assert.ok(report.run.msPerEndpoint.p95 >= report.run.msPerEndpoint.p50);
  assertPositive(report.run.cpuMsPerEndpoint.engineProcess, 'engine CPU per endpoint');
  assertPositive(report.run.cpuMsPerEndpoint.servers, 'servers CPU per endpoint');
  for (const stage of ['decode', 'aia', 'chain', 'revocation', 'rules'] as const) {
    assertPositive(report.run.analysisPerEndpoint[stage].ms, `${stage} ms`);
    assert.ok(report.run.analysisPerEndpoint[stage].cpuMs >= 0, `${stage} CPU ms`);
  }
  assertPositive(report.run.analysisPerEndpoint.decode.cpuMs, 'decode CPU ms');
  assertPositive(report.run.analysisPerEndpoint.chain.cpuMs, 'chain CPU ms');
  assertPositive(report.run.connectionsPerEndpoint, 'connections per endpoint');
  assertPositive(report.run.memory.peakRssMb, 'peak RSS');
  assertPositive(report.run.memory.maxRssMb, 'maxRSS');
  assertPositive(report.run.memory.peakHeapMb, 'peak heap');
  assertPositive(report.stages.rawHandshake.ms, 'raw handshake ms');
  assertPositive(report.stages.versionProbe.ms, 'version probe ms');

  // The yardsticks ran on the same endpoints in the same run; with CI=true sslscan must be installed.
  for (const name of ['sslscan', 'openssl'] as const) {
    const peer = report.peers[name];
    if ('skipped' in peer) {
      assert.ok(name === 'sslscan' && process.env.CI !== 'true', `${name} was skipped: ${peer.skipped}`);
      continue;
    }
    assert.equal(peer.endpoints, 20);
    assert.equal(peer.failed, 0, `${name} read every endpoint's certificate`);
    assertPositive(peer.wallSeconds, `${name} wall`);
    assertPositive(peer.wallRatio, `engine / ${name} wall`);
    assertPositive(peer.cpuSeconds, `${name} CPU`);
    assertPositive(peer.cpuRatio, `engine / ${name} CPU`);
  }
  assertPositive(report.startup.bundleSeconds, 'CLI start, bundle');
  assertPositive(report.startup.tsxSeconds, 'CLI start, tsx');
});

test('bench-cli-memory: the command line checks the world with --export and reports its peak memory', { timeout: 180_000 }, async () => {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench-cli-memory.ts', '--endpoints', '6,12', '--servers', '3'],
    { cwd: repoRoot, maxBuffer: 1024 * 1024, timeout: 170_000 },
  );
  const runs = [...stdout.matchAll(/^ {2}(\d+) endpoints: peak RSS ([\d.]+) MB, ([\d.]+) s, exit (\d+)$/gm)];
  assert.equal(runs.length, 2, stdout);
  for (const [, endpoints, rss, , exit] of runs) {
    assert.ok(Number(endpoints) >= 6, `endpoints ${endpoints}`);
    assertPositive(Number(rss), 'peak RSS');
    // Every endpoint of the world is trusted and healthy: the CLI's exit status is 0.
    assert.equal(exit, '0', stdout);
  }
});
