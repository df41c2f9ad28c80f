// The messages between the main process and the check worker (an Electron utility process in the app,
// a child_process.fork child in tests). The main process numbers each run it hands over ("job"); the
// worker answers with that number on every message of the run. Payloads are structured-cloned.
import type { CheckRequest, EndpointResult, RunProgress } from '../shared/types.ts';

/** Main process -> worker. */
export type HostToWorker =
  | { type: 'start'; job: number; request: CheckRequest }
  | { type: 'cancel'; job: number };

/** Worker -> main process. `finished` is the last message of a job; `error` is set when the engine threw. */
export type WorkerToHost =
  | { type: 'result'; job: number; result: EndpointResult }
  | { type: 'progress'; job: number; progress: RunProgress }
  | { type: 'finished'; job: number; cancelled: boolean; error: string | null };

/** The worker's side of the connection: Electron's process.parentPort, or process.send under child_process.fork. */
export interface WorkerPort {
  postMessage(message: WorkerToHost): void;
  onMessage(listener: (message: HostToWorker) => void): void;
}

/** The main process's side: a UtilityProcess, or a forked child in tests. */
export interface WorkerChannel {
  postMessage(message: HostToWorker): void;
  onMessage(listener: (message: WorkerToHost) => void): void;
  /** The worker ended (crashed, killed, or exited); code as the platform reports it. */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}
