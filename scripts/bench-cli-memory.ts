// The command line's memory on a bulk run: `check --import LIST --export OUT.csv --ndjson` over the
// benchmark's loopback world (scripts/bench/world.ts: one leaf per name, pools behind SRV records),
// at several list sizes, printing the CLI process's peak RSS for each. A flat figure means the run
// does not hold its results.
// Usage: npx tsx scripts/bench-cli-memory.ts [--endpoints 500,2000] [--servers 50] [--cli dist/cli/main.mjs] [--no-history]
// (--cli: another build of the bundle, e.g. an older commit's, measured on the same world; --no-history:
// the check does not record, to tell the history's share apart.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCliBundle } from './cli-bundle.mjs';
import { startFleet } from './bench/fleet.ts';
import { benchTargets, planWorld } from './bench/world.ts';

// Printed by the CLI process itself on exit: its own peak resident set, in kB.
const REPORT_MAX_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxRSS='+process.resourceUsage().maxRSS+'\\n'))`;

function runCli(cli: string, args: string[]): Promise<{ code: number | null; maxRssKb: number; seconds: number }> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', REPORT_MAX_RSS, cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const rss = /maxRSS=(\d+)/.exec(stderr);
      if (!rss) return fail(new Error(`the CLI printed no maxRSS (exit ${code}): ${stderr.slice(-500)}`));
      done({ code, maxRssKb: Number(rss[1]), seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { endpoints: { type: 'string', default: '500,2000' }, servers: { type: 'string', default: '50' }, cli: { type: 'string' }, 'no-history': { type: 'boolean', default: false } } });
  const sizes = values.endpoints.split(',').map((n) => Number.parseInt(n, 10));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--endpoints takes whole numbers, comma-separated');
  const cli = values.cli ? resolve(values.cli) : await ensureCliBundle();
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cli-memory-'));
  try {
    // One world for the largest size; the smaller runs take the first part of its list.
    const largest = Math.max(...sizes);
    const plan = planWorld(largest, Number.parseInt(values.servers, 10));
    const fleet = await startFleet({ endpoints: largest, servers: Number.parseInt(values.servers, 10), closeAfterHandshake: false }, (child) => children.push(child));
    const targets = benchTargets(plan, fleet.port);
    const rootFile = join(dir, 'root.pem');
    writeFileSync(rootFile, fleet.rootPem);
    console.log(`CLI ${cli}; world: ${largest} endpoints (${targets.length} targets) on ${plan.servers.length} loopback servers`);
    for (const size of sizes) {
      // FED targets expand to pools of several endpoints: take targets until the endpoints add up.
      const list: string[] = ['Domain,Type,Port'];
      let endpoints = 0;
      const poolSizes = new Map(plan.fed.map((f) => [f.domain, f.members.length]));
      for (const target of targets) {
        if (endpoints >= size) break;
        const [host, port] = target.type === 'DIR' ? target.input.split(':') : [target.input, ''];
        list.push(`${host},${target.type},${port}`);
        endpoints += poolSizes.get(target.input) ?? 1;
      }
      const listFile = join(dir, `list-${size}.csv`);
      writeFileSync(listFile, `${list.join('\r\n')}\r\n`);
      // Recorded in history as by default, but in a folder of this run's own.
      const dataDir = join(dir, `data-${size}`);
      const run = await runCli(cli, ['check', '--import', listFile, '--export', join(dir, `out-${size}.csv`), '--ndjson', '--dns-server', fleet.dnsServer, '--trust', rootFile, '--concurrency', '16', '--data-dir', dataDir, ...(values['no-history'] ? ['--no-history'] : [])]);
      console.log(`  ${endpoints} endpoints: peak RSS ${(run.maxRssKb / 1024).toFixed(1)} MB, ${run.seconds.toFixed(1)} s, exit ${run.code}`);
    }
    await fleet.close();
  } finally {
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
