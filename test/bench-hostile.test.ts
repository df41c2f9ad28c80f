// Smoke test of `npm run bench:hostile` in its quick mode (small sizes), so the script cannot rot.
// The figures that are facts (rows recovered, the cap, the deadline) are checked; timings only loosely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HostileReport } from '../scripts/bench-hostile.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

test('bench:hostile --quick prints every figure and stops by itself', { timeout: 240_000 }, async () => {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/bench-hostile.ts', '--quick', '--json'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 230_000,
  });
  const report = JSON.parse(stdout) as HostileReport;

  const crl = report.crlMemory;
  assert.equal(crl.endpoints, report.sizes.crlEndpoints);
  assert.ok(crl.peakRssMb > 0 && crl.maxRssMb > 0, 'memory was measured');
  assert.deepEqual(crl.revocation, { good: crl.endpoints }, 'every leaf was checked against its CRL');

  assert.equal(report.fragmentedHandshake.error, 'PROTOCOL_ERROR', 'the whole garbage message was read and judged');
  assert.ok(report.fragmentedHandshake.cpuMs > 0);

  const stall = report.stall;
  // The revocation check always outlasts the budget; on a loaded machine the AIA fetch may be cut too.
  assert.ok(stall.deadlineSteps.includes('revocation'), `cut: ${stall.deadlineSteps.join(', ')}`);
  assert.ok(stall.comment, 'deadline-exceeded is said');
  // Generous: the machine running the tests is loaded.
  assert.ok(stall.wallMs < stall.budgetMs + 2000, `the stalling endpoint took ${stall.wallMs} ms`);

  assert.equal(report.strayQuote.recovered, report.sizes.csvRows - 1);
  assert.equal(report.strayQuote.errors.length, 1);

  const fanOut = report.srvFanOut;
  assert.equal(fanOut.found, report.sizes.srvTargets * report.sizes.srvAddresses);
  assert.equal(fanOut.checked, 64);
  assert.equal(fanOut.cap, 64);
  assert.ok(fanOut.comment, 'endpoint-cap is said');
});
