// What the check worker does: run the engine for each job the main process sends, stream its results
// and progress back, and abort a job on request. Independent of Electron: it speaks to a WorkerPort.
import { runChecks } from '../shared/engine/pipeline.ts';
import type { HostToWorker, WorkerPort } from './check-worker-protocol.ts';

export function serveChecks(port: WorkerPort, engine: typeof runChecks = runChecks): void {
  const jobs = new Map<number, AbortController>();

  async function runJob(job: number, message: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
    const controller = new AbortController();
    jobs.set(job, controller);
    let error: string | null = null;
    try {
      await engine(message.request, {
        signal: controller.signal,
        onResult: (result) => port.postMessage({ type: 'result', job, result }),
        onProgress: (progress) => port.postMessage({ type: 'progress', job, progress }),
      });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      jobs.delete(job);
      port.postMessage({ type: 'finished', job, cancelled: controller.signal.aborted, error });
    }
  }

  port.onMessage((message) => {
    if (message?.type === 'start' && !jobs.has(message.job)) void runJob(message.job, message);
    else if (message?.type === 'cancel') jobs.get(message.job)?.abort();
  });
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/**
 * The connection to whoever started this process: Electron's parentPort in a utility process, else the
 * IPC channel of child_process.fork. Null when started any other way.
 */
export function portToParent(): WorkerPort | null {
  const parentPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      postMessage: (message) => parentPort.postMessage(message),
      onMessage: (listener) => void parentPort.on('message', (event) => listener(event.data as HostToWorker)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) return null;
  // A forked worker whose parent went away has nobody to report to.
  process.on('disconnect', () => process.exit(0));
  return {
    postMessage: (message) => void send(message),
    onMessage: (listener) => void process.on('message', (message) => listener(message as HostToWorker)),
  };
}
