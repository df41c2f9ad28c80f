// The check worker under plain Node: child_process.fork with structured-clone messages (as Electron's
// utility process posts them), behind the WorkerChannel the main process's runner speaks to.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostToWorker, WorkerChannel, WorkerToHost } from '../../electron/check-worker-protocol.ts';

export const WORKER_SOURCE = join(fileURLToPath(new URL('../..', import.meta.url)), 'electron', 'check-worker.ts');

export interface ForkedWorker extends WorkerChannel {
  child: ChildProcess;
  /** Resolves when the process has ended. */
  exited: Promise<void>;
}

/** Forks a worker script: the TypeScript source (through tsx) by default, or a built .cjs; `args` as the app passes them. */
export function forkWorker(script = WORKER_SOURCE, args: string[] = []): ForkedWorker {
  const execArgv = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = fork(script, args, { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    exited,
    postMessage: (message: HostToWorker) => void child.send(message),
    onMessage: (listener: (message: WorkerToHost) => void) => void child.on('message', (message) => listener(message as WorkerToHost)),
    onExit: (listener: (code: number | null) => void) => void child.on('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}
