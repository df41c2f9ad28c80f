// The command line's start time: `--help` through the built bundle (what `npm run cli` runs) and, for
// comparison, straight from TypeScript through tsx (what it ran before). Best of a few runs each.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { round } from './measure.ts';
import { ensureCliBundle } from '../cli-bundle.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 3;

function timed(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function best(command: string, args: string[]): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) fastest = Math.min(fastest, await timed(command, args));
  return round(fastest / 1000);
}

export interface CliStartup {
  /** `node dist/cli/main.mjs --help`. */
  bundleSeconds: number;
  /** `npm run -s cli -- --help`: npm's own start, the staleness check, the bundle. */
  npmRunSeconds: number;
  /** `node --import tsx cli/main.ts --help`, as `npm run cli` ran before the bundle. */
  tsxSeconds: number;
}

export async function cliStartup(): Promise<CliStartup> {
  const bundle = await ensureCliBundle();
  return {
    bundleSeconds: await best(process.execPath, [bundle, '--help']),
    npmRunSeconds: await best('npm', ['run', '-s', 'cli', '--', '--help']),
    tsxSeconds: await best(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--help']),
  };
}

export function startupLine(s: CliStartup): string {
  return `CLI start (--help, best of ${RUNS}): node dist/cli/main.mjs ${s.bundleSeconds} s, npm run -s cli ${s.npmRunSeconds} s; from TypeScript through tsx ${s.tsxSeconds} s`;
}
