// The main process's stand-in for the engine: the same call as runChecks, carried out by the check
// worker. The worker is started on the first run and again after it ended; a worker that dies fails
// the runs it had, with a message, instead of leaving them hanging.
import type { runChecks, RunHooks } from '../shared/engine/pipeline.ts';
import type { CheckRequest, EndpointResult } from '../shared/types.ts';
import type { WorkerChannel, WorkerToHost } from './check-worker-protocol.ts';

interface PendingJob {
  channel: WorkerChannel;
  hooks: RunHooks;
  results: EndpointResult[];
  settle(outcome: { results: EndpointResult[] } | { error: Error }): void;
}

export interface WorkerRunner {
  runChecks: typeof runChecks;
  /** End the worker (app quitting); runs still going fail. */
  stop(): void;
}

export function createWorkerRunner(startWorker: () => WorkerChannel): WorkerRunner {
  let worker: WorkerChannel | null = null;
  let nextJob = 1;
  const jobs = new Map<number, PendingJob>();

  function deliver(message: WorkerToHost): void {
    const job = jobs.get(message?.job);
    if (!job) return;
    // Messages the worker sent before it saw the cancel: dropped, as the engine drops work after an abort.
    if (job.hooks.signal?.aborted && message.type !== 'finished') return;
    if (message.type === 'result') {
      job.results.push(message.result);
      job.hooks.onResult?.(message.result);
    } else if (message.type === 'progress') {
      job.hooks.onProgress?.(message.progress);
    } else if (message.type === 'finished') {
      jobs.delete(message.job);
      job.settle(message.error !== null && !message.cancelled ? { error: new Error(message.error) } : { results: job.results });
    }
  }

  function currentWorker(): WorkerChannel {
    if (worker) return worker;
    const channel = startWorker();
    worker = channel;
    channel.onMessage(deliver);
    channel.onExit((code) => {
      if (worker === channel) worker = null;
      for (const [id, job] of jobs) {
        if (job.channel !== channel) continue;
        jobs.delete(id);
        job.settle({ error: new Error(`The check process stopped unexpectedly (exit code ${code ?? 'unknown'}). Start the check again.`) });
      }
    });
    return channel;
  }

  function run(request: CheckRequest, hooks: RunHooks = {}): Promise<EndpointResult[]> {
    if (hooks.signal?.aborted) return Promise.resolve([]);
    const channel = currentWorker();
    const id = nextJob++;
    return new Promise((resolve, reject) => {
      const cancel = () => {
        try {
          channel.postMessage({ type: 'cancel', job: id });
        } catch {
          // The worker is gone: its exit fails the job.
        }
      };
      hooks.signal?.addEventListener('abort', cancel, { once: true });
      jobs.set(id, {
        channel,
        hooks,
        results: [],
        settle(outcome) {
          hooks.signal?.removeEventListener('abort', cancel);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.results);
        },
      });
      try {
        channel.postMessage({ type: 'start', job: id, request });
      } catch (err) {
        jobs.get(id)?.settle({ error: new Error(`Could not hand the check to the check process: ${err instanceof Error ? err.message : String(err)}`) });
        jobs.delete(id);
      }
    });
  }

  return {
    runChecks: run,
    stop() {
      worker?.kill();
    },
  };
}
