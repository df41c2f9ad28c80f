// Watch mode: check the same list again and again, record every run, and after each one hand on what it
// changed. The caller supplies the check itself (the engine pipeline, streaming each result to `record`),
// so this loop knows nothing of DNS or TLS and is tested with canned results.
import type { CheckOptions, EndpointResult } from '../types.ts';
import type { ChangeRecord } from './changes.ts';
import { changesOfRun } from './commands.ts';
import type { HistoryStore } from './store.ts';

export interface WatchOptions {
  store: HistoryStore;
  /** The list's name, or 'manual'. */
  source: string;
  options?: Partial<CheckOptions>;
  /** Time from the start of one run to the start of the next (a run that takes longer is followed at once). */
  intervalMs: number;
  /** Runs one check of the list, passing each endpoint's result to `record` as it arrives. */
  check(record: (result: EndpointResult) => void, signal: AbortSignal): Promise<void>;
  /** Called after each finished run with what it changed (empty for a first run or a quiet one). */
  onRun(run: { runId: number; endpoints: number; changes: ChangeRecord[] }): void;
  /** Stops the loop: between runs at once; during a run, after the check returns (the run stays unfinished). */
  signal: AbortSignal;
  /** Stop after this many runs (tests, `--count`); default: until the signal. */
  maxRuns?: number;
}

/** Records one run of `check` and returns its id and how many endpoints it recorded. */
export async function recordRun(
  store: HistoryStore,
  source: string,
  options: Partial<CheckOptions> | undefined,
  check: (record: (result: EndpointResult) => void) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ runId: number; endpoints: number }> {
  const runId = store.startRun({ source, options });
  let endpoints = 0;
  await check((result) => {
    store.recordEndpoint(runId, result);
    endpoints++;
  });
  // A cancelled run keeps what it recorded but is not marked finished (nor pruned from).
  if (!signal?.aborted) store.finishRun(runId);
  return { runId, endpoints };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export async function watch(options: WatchOptions): Promise<number> {
  let runs = 0;
  while (!options.signal.aborted && runs < (options.maxRuns ?? Number.POSITIVE_INFINITY)) {
    const started = Date.now();
    const { runId, endpoints } = await recordRun(options.store, options.source, options.options, (record) => options.check(record, options.signal), options.signal);
    runs++;
    if (options.signal.aborted) break;
    options.onRun({ runId, endpoints, changes: changesOfRun(options.store, runId) });
    if (runs < (options.maxRuns ?? Number.POSITIVE_INFINITY)) await pause(Math.max(0, options.intervalMs - (Date.now() - started)), options.signal);
  }
  return runs;
}
