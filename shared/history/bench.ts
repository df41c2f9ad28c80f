// What recording the history costs: records the same endpoints as `runs` runs into a fresh file and
// reports the time and the bytes per endpoint, for the first run (every certificate new) and for the
// following ones (the certificates already stored, as week after week for most partners).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EndpointResult } from '../types.ts';
import { HistoryStore } from './store.ts';

export interface RecordingCost {
  endpoints: number;
  runs: number;
  /** Results per transaction. */
  batchSize: number;
  /** Wall time of recordEndpoint (one transaction each), first run and the runs after it. */
  msPerEndpointFirstRun: number;
  msPerEndpointLaterRuns: number;
  /** CPU time of the process per endpoint over all runs: the rest of the wall time is waiting for the disk (fsync per commit). */
  cpuMsPerEndpoint: number;
  /** Growth of the file per endpoint result. */
  bytesPerEndpointFirstRun: number;
  bytesPerEndpointLaterRuns: number;
  /** The size of the JSON the engine reports for one endpoint (`--json`), for comparison. */
  jsonBytesPerEndpoint: number;
  fileBytes: number;
  /** finishRun: retention check and the file's closing update. */
  msFinishRun: number;
}

/** `batchSize`: results per transaction (1, the default: one commit per endpoint, as the app records). */
export function measureRecording(results: EndpointResult[], runs = 2, batchSize = 1): RecordingCost {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-history-bench-'));
  const path = join(dir, 'history.sqlite');
  const store = HistoryStore.open(path);
  const recordOneRun = () => {
    const runId = store.startRun({ source: 'bench' });
    const before = statSync(path).size;
    const started = performance.now();
    for (let i = 0; i < results.length; i += batchSize) store.recordEndpoints(runId, results.slice(i, i + batchSize));
    const ms = performance.now() - started;
    const finishing = performance.now();
    store.finishRun(runId);
    return { ms, bytes: statSync(path).size - before, finishMs: performance.now() - finishing };
  };
  try {
    const cpu = process.cpuUsage();
    const first = recordOneRun();
    const later = Array.from({ length: Math.max(runs - 1, 0) }, recordOneRun);
    const cpuUsed = process.cpuUsage(cpu);
    const perEndpoint = (value: number, count: number) => (count ? Math.round((value / count) * 1000) / 1000 : 0);
    const laterCount = later.length * results.length;
    return {
      endpoints: results.length,
      runs,
      batchSize,
      msPerEndpointFirstRun: perEndpoint(first.ms, results.length),
      msPerEndpointLaterRuns: perEndpoint(later.reduce((sum, run) => sum + run.ms, 0), laterCount),
      cpuMsPerEndpoint: perEndpoint((cpuUsed.user + cpuUsed.system) / 1000, results.length * Math.max(runs, 1)),
      bytesPerEndpointFirstRun: Math.round(first.bytes / results.length),
      bytesPerEndpointLaterRuns: Math.round(later.reduce((sum, run) => sum + run.bytes, 0) / Math.max(laterCount, 1)),
      jsonBytesPerEndpoint: Math.round(results.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0) / results.length),
      fileBytes: statSync(path).size,
      msFinishRun: Math.round(first.finishMs * 10) / 10,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
