// Running the yardstick tools (sslscan, openssl, the CLI): a command to completion, whether it exists, its version.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface ToolRun {
  ok: boolean;
  ms: number;
}

/** Run a command to completion, stdin from /dev/null, output read and dropped except for the check. */
export function runTool(command: string, args: string[], succeeded: (stdout: string) => boolean, track: (child: ChildProcess) => void): Promise<ToolRun> {
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

export function commandExists(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

export function toolVersion(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', () => resolve('unknown'));
    // eslint-disable-next-line no-control-regex
    child.on('close', () => resolve(out.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).find((l) => /\d+\.\d+/.test(l)) ?? 'unknown'));
  });
}
