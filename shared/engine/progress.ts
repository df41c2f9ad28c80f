// A run's progress as the engine sees it: targets and endpoints done, and what each endpoint in flight
// is waiting for. One typed shape (RunProgress, shared/types.ts) for the CLI, the IPC event and the UI.
import type { Endpoint, EndpointStep, InFlightEndpoint, RunProgress, Target } from '../types.ts';

/** Step changes alone are reported at most this often (a bulk run makes thousands); counts are reported at once. */
const STEP_REPORT_INTERVAL_MS = 100;

/** What checkTarget tells about one target. */
export interface TargetProgress {
  /** DNS named this many endpoints (failures included). */
  resolved(endpoints: number): void;
  step(endpoint: Endpoint, step: EndpointStep): void;
  /** An endpoint's result is ready (endpoint null: a DNS failure, never in flight). */
  endpointDone(endpoint: Endpoint | null): void;
}

export interface ProgressTracker {
  targetStarted(index: number, target: Target): TargetProgress;
  /** The target is complete with this many results (the counts are settled to them). */
  targetDone(index: number, results: number): void;
  /** The progress now (also what the first report says). */
  snapshot(): RunProgress;
}

export function createProgressTracker(targets: readonly Target[], report: ((progress: RunProgress) => void) | undefined, now: () => number = Date.now): ProgressTracker {
  // Endpoints per target: one until its DNS answers.
  const endpointTotals = targets.map(() => 1);
  let endpointTotal = targets.length;
  const endpointsDoneBy = targets.map(() => 0);
  let endpointsDone = 0;
  let done = 0;
  let current: string | null = null;
  const inFlight = new Map<string, InFlightEndpoint>();
  let lastReport = 0;

  const snapshot = (): RunProgress => ({
    done,
    total: targets.length,
    current,
    endpoints: { done: endpointsDone, total: endpointTotal },
    inFlight: [...inFlight.values()].sort((a, b) => a.startedAt - b.startedAt),
  });
  const send = (force: boolean) => {
    if (!report) return;
    const at = now();
    if (!force && at - lastReport < STEP_REPORT_INTERVAL_MS) return;
    lastReport = at;
    report(snapshot());
  };

  return {
    snapshot,
    targetStarted(index, target) {
      current = target.input;
      const dnsKey = `dns:${index}`;
      inFlight.set(dnsKey, { target: target.input, host: target.host, ip: target.isIp ? target.host : null, port: target.port, step: 'dns', startedAt: now() });
      send(true);
      const key = (endpoint: Endpoint) => `${index}:${endpoint.host}:${endpoint.ip}:${endpoint.port}`;
      return {
        resolved(endpoints) {
          inFlight.delete(dnsKey);
          endpointTotal += endpoints - endpointTotals[index];
          endpointTotals[index] = endpoints;
          send(true);
        },
        step(endpoint, step) {
          const existing = inFlight.get(key(endpoint));
          if (existing) existing.step = step;
          else inFlight.set(key(endpoint), { target: endpoint.target, host: endpoint.host, ip: endpoint.ip, port: endpoint.port, step, startedAt: now() });
          send(false);
        },
        endpointDone(endpoint) {
          if (endpoint) inFlight.delete(key(endpoint));
          endpointsDoneBy[index]++;
          endpointsDone++;
          send(true);
        },
      };
    },
    targetDone(index, results) {
      inFlight.delete(`dns:${index}`);
      for (const [key, entry] of inFlight) if (key.startsWith(`${index}:`) && entry) inFlight.delete(key);
      endpointTotal += results - endpointTotals[index];
      endpointTotals[index] = results;
      endpointsDone += results - endpointsDoneBy[index];
      endpointsDoneBy[index] = results;
      done++;
      current = null;
      send(true);
    },
  };
}
