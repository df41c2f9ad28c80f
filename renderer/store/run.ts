// The running check and its results. Results are kept in one flat array with stable keys: bulk runs give
// thousands, which the view pages through instead of rendering at once; results arriving together are
// appended in one update (RESULT_FLUSH_MS), so a fast bulk run does not re-render per result.
import { resultsToCsv } from '../../shared/formats/csv-export.ts';
import { fieldOfMessage, type CheckEvent, type ImportError } from '../../shared/ipc.ts';
import type { CheckRequest, EndpointResult, InFlightEndpoint, TargetInput } from '../../shared/types.ts';
import { dnsServerError, expandTargets, remainingTargets, targetKey, type FormField } from '../targets.ts';
import { normalizeDomain, sweepTargets } from '../../shared/formats/sweep.ts';
import { errorMessage, type SliceCreator } from './slice.ts';
import type { AppState } from './index.ts';

export interface ResultEntry {
  key: number;
  result: EndpointResult;
  /**
   * Where the result belongs: its target's place in the whole test, then its place among the target's
   * endpoints (the engine's inputIndex and memberIndex). Results fill in at their place as they finish.
   */
  order: number;
}

/** Room for each target's endpoints in ResultEntry.order. */
const MEMBERS_PER_TARGET = 100_000;

export type RunStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export interface RunState {
  runId: string | null;
  status: RunStatus;
  done: number;
  total: number;
  current: string | null;
  /** This run's endpoints done and known so far (pool members included; grows as DNS expands targets), when the host counts them. */
  endpoints: { done: number; total: number } | null;
  /** Endpoints checked by the earlier runs of a resumed test. */
  endpointsBefore: number;
  /** What is being checked now, oldest (the slowest) first. */
  inFlight: InFlightEndpoint[];
  error: string | null;
  /** Whether this run tested whole DNSLB pools (the cards word the pool note by it). */
  testPool: boolean;
  /** Every target of the test as it was started; Resume runs the ones without a result. */
  targets: TargetInput[];
  /** Targets finished by the earlier runs of a resumed test: done and total count the whole test. */
  doneBefore: number;
  /** Date.now() when this run started, for the time-left estimate. */
  startedAt: number | null;
  /** The rejected rows of the imported list this test ran, or null when it ran no import. */
  importErrors: ImportError[] | null;
  /** Set when the run is a sweep of this SIP domain: the results panel sums it up per name. */
  sweepDomain?: string | null;
}

export interface RunSlice {
  run: RunState;
  results: ResultEntry[];
  /** How many result cards are rendered; "Show more" raises it. */
  visibleCount: number;
  startTest(): Promise<void>;
  /** Sweep domain: every well-known name of the SIP domain in the Host field. */
  startSweep(): Promise<void>;
  cancelTest(): Promise<void>;
  /** After a cancelled test: run the targets that have no result yet, adding to the results. */
  resumeTest(): Promise<void>;
  handleEvent(event: CheckEvent): void;
  showMore(): void;
  clearResults(): void;
  /** Save every result: CSV for Excel (the old tool's Output CSV) or the JSON contract. */
  exportResults(format: 'csv' | 'json'): Promise<void>;
}

const INITIAL_VISIBLE_RESULTS = 50;
const SHOW_MORE_STEP = 100;
const RESULT_FLUSH_MS = 50;
const DEFAULT_TIMEOUT_MS = 5000;

const IDLE_RUN: RunState = { runId: null, status: 'idle', done: 0, total: 0, current: null, endpoints: null, endpointsBefore: 0, inFlight: [], error: null, testPool: true, targets: [], doneBefore: 0, startedAt: null, importErrors: null };

export function isRunActive(status: RunStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'cancelling';
}

/** Targets of a cancelled test still to run (empty when there is nothing to resume). */
export function resumableTargets(state: Pick<AppState, 'run' | 'results'>): TargetInput[] {
  if (state.run.status !== 'cancelled' || state.run.targets.length === 0) return [];
  return remainingTargets(state.run.targets, state.results.map((entry) => entry.result));
}

export const createRunSlice: SliceCreator<RunSlice> = (api) => (set, get) => {
  let nextResultKey = 1;
  /** Results not yet appended to state (see RESULT_FLUSH_MS). */
  let pendingResults: ResultEntry[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Events that arrived before startCheck told us the run id (the host may push them first). */
  let earlyEvents: CheckEvent[] = [];
  /** For this run's request index, the target's place in the whole test (a resumed run checks a subset). */
  let testPositions: number[] = [];

  const flushResults = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pendingResults.length === 0) return;
    const batch = pendingResults;
    pendingResults = [];
    set((state) => ({ results: mergeInOrder(state.results, batch) }));
  };

  const orderOf = (result: EndpointResult, key: number): number => {
    // A host without the indexes: arrival order, after everything placed.
    if (result.inputIndex === undefined) return 2 ** 50 + key;
    const position = testPositions[result.inputIndex] ?? result.inputIndex;
    return position * MEMBERS_PER_TARGET + Math.min(result.memberIndex ?? 0, MEMBERS_PER_TARGET - 1);
  };

  const applyEvent = (event: CheckEvent) => {
    switch (event.kind) {
      case 'result': {
        const key = nextResultKey++;
        pendingResults.push({ key, result: event.result, order: orderOf(event.result, key) });
        if (!flushTimer) flushTimer = setTimeout(flushResults, RESULT_FLUSH_MS);
        break;
      }
      case 'progress':
        // A resumed run counts its own targets; show the whole test.
        set((state) => ({
          run: {
            ...state.run,
            done: state.run.doneBefore + event.done,
            total: state.run.doneBefore + event.total,
            current: event.current,
            endpoints: event.endpoints ? { done: event.endpoints.done, total: event.endpoints.total } : null,
            inFlight: event.inFlight ?? [],
          },
        }));
        break;
      case 'done':
        flushResults();
        set((state) => ({
          run: {
            ...state.run,
            status: event.error ? 'failed' : event.cancelled ? 'cancelled' : 'done',
            current: null,
            inFlight: [],
            // A finished run did every target, whether or not a last progress event said so.
            ...(event.error || event.cancelled ? {} : { done: state.run.total, endpoints: state.run.endpoints && { done: state.run.endpoints.total, total: state.run.endpoints.total } }),
            error: event.error,
          },
        }));
        // The host recorded the run: what it changed goes in the Changes panel.
        if (!event.error && !event.cancelled) void get().loadRunChanges();
        break;
    }
  };

  /**
   * Start a run of `targets`. A fresh test clears the results first; a resumed one (doneBefore > 0)
   * adds to them and keeps `allTargets`, the test's whole list, for the next Resume.
   */
  async function launch(allTargets: TargetInput[], targets: TargetInput[], doneBefore: number, sweepDomain: string | null = get().run.sweepDomain ?? null): Promise<void> {
    const state = get();
    const badDnsServer = dnsServerError(state.form.dnsServer);
    if (badDnsServer) {
      set({ fieldError: { field: 'dns-server', message: badDnsServer } });
      return;
    }
    const dnsServer = state.form.dnsServer.trim();
    const request: CheckRequest = {
      targets,
      options: { dnsServer: dnsServer === '' ? null : dnsServer, testPool: state.form.testPool, timeoutMs: DEFAULT_TIMEOUT_MS },
    };
    if (state.form.allowInternalFetches) request.options.internalFetches = 'allow';
    if (state.form.sipOptions) Object.assign(request.options, { sipOptions: true, sipDomain: state.form.sipDomain.trim() || null });
    if (state.form.profile) request.options.profile = state.form.profile;
    // The host matches the marks against the roots it keeps; a mark of a removed root matches nothing.
    if (state.myRootThumbprints.length) request.options.myRootThumbprints = state.myRootThumbprints;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    pendingResults = [];
    earlyEvents = [];
    const places = new Map<string, number[]>();
    allTargets.forEach((target, index) => places.set(targetKey(target), [...(places.get(targetKey(target)) ?? []), index]));
    testPositions = targets.map((target, index) => places.get(targetKey(target))?.shift() ?? index);
    set({
      fieldError: null,
      run: {
        ...IDLE_RUN,
        status: 'starting',
        done: doneBefore,
        total: allTargets.length,
        testPool: state.form.testPool,
        targets: allTargets,
        doneBefore,
        endpointsBefore: doneBefore > 0 ? state.results.length + pendingResults.length : 0,
        importErrors: doneBefore > 0 ? state.run.importErrors : !sweepDomain && state.queue.length > 0 ? state.importErrors : null,
        startedAt: Date.now(),
        sweepDomain,
      },
    });
    try {
      const { runId } = await api.startCheck(request);
      set((s) => ({ run: { ...s.run, runId, status: s.run.status === 'cancelling' ? 'cancelling' : 'running' } }));
      const early = earlyEvents.filter((event) => event.runId === runId);
      earlyEvents = [];
      for (const event of early) applyEvent(event);
      // Cancel was pressed before the run id was known.
      if (get().run.status === 'cancelling') await api.cancelCheck(runId).catch(() => undefined);
    } catch (err) {
      earlyEvents = [];
      // The host names the field at fault (a target it could not read, a bad DNS server): the message goes there.
      // (The browser bridge sets err.field; Electron's IPC carries it in front of the message.)
      const tagged = fieldOfMessage(errorMessage(err));
      const field = (err as { field?: unknown }).field ?? tagged?.field;
      if (field === 'host' || field === 'port' || field === 'dns-server') {
        set((s) => ({ fieldError: { field: field as FormField, message: tagged?.message ?? errorMessage(err) }, run: { ...s.run, status: 'idle', current: null } }));
        return;
      }
      set((s) => ({ run: { ...s.run, status: 'failed', error: errorMessage(err), current: null } }));
    }
  }

  return {
    run: IDLE_RUN,
    results: [],
    visibleCount: INITIAL_VISIBLE_RESULTS,

    async startTest() {
      const state = get();
      if (isRunActive(state.run.status)) return;
      let targets: TargetInput[];
      if (state.queue.length > 0) {
        targets = state.queue.map(({ input, type, port }) => ({ input, type, port }));
      } else {
        const { rows, error } = expandTargets(state.form.host, state.form.port, state.form.srvType);
        if (error) {
          set({ fieldError: error });
          return;
        }
        targets = rows;
      }
      set({ results: [], visibleCount: INITIAL_VISIBLE_RESULTS, openResultKey: null });
      await launch(targets, targets, 0, null);
    },

    async startSweep() {
      const state = get();
      if (isRunActive(state.run.status)) return;
      const domain = normalizeDomain(state.form.host.split(',')[0] ?? '');
      if (!domain) {
        set({ fieldError: { field: 'host', message: 'Enter a SIP domain (e.g. contoso.com) in Host to sweep it.' } });
        return;
      }
      const targets = sweepTargets(domain);
      set({ results: [], visibleCount: INITIAL_VISIBLE_RESULTS, openResultKey: null });
      await launch(targets, targets, 0, domain);
    },

    async resumeTest() {
      const state = get();
      const remaining = resumableTargets({ run: state.run, results: state.results.concat(pendingResults) });
      if (remaining.length === 0) return;
      await launch(state.run.targets, remaining, state.run.targets.length - remaining.length);
    },

    async cancelTest() {
      const run = get().run;
      if (!isRunActive(run.status)) return;
      set((s) => ({ run: { ...s.run, status: 'cancelling' } }));
      if (run.runId === null) return; // startTest cancels once the id arrives
      try {
        await api.cancelCheck(run.runId);
      } catch (err) {
        get().notify('error', `Cancel failed: ${errorMessage(err)}`);
      }
    },

    handleEvent(event) {
      // Late events of an earlier run carry another run id and are dropped.
      const run = get().run;
      if (run.runId === null) {
        if (run.status === 'starting' || run.status === 'cancelling') earlyEvents.push(event);
        return;
      }
      if (event.runId !== run.runId) return;
      applyEvent(event);
    },

    showMore() {
      set((state) => ({ visibleCount: Math.min(state.results.length, state.visibleCount) + SHOW_MORE_STEP }));
    },

    clearResults() {
      if (isRunActive(get().run.status)) return;
      set({ results: [], visibleCount: INITIAL_VISIBLE_RESULTS, run: IDLE_RUN, openResultKey: null });
    },

    async exportResults(format) {
      const results = mergeInOrder(get().results, pendingResults).map((entry) => entry.result);
      const importErrors = get().run.importErrors;
      if (results.length === 0) {
        get().notify('info', 'Nothing to export yet: run a test first.');
        return;
      }
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
      try {
        const saved = await api.saveFile(
          format === 'csv'
            ? { defaultName: `cert-check-${stamp}.csv`, content: resultsToCsv(results), encoding: 'utf8', filters: [{ name: 'CSV (Excel)', extensions: ['csv'] }] }
            : {
                defaultName: `cert-check-${stamp}.json`,
                // The command line's --json document (importErrors too after an import), so scripts read either.
                content: `${JSON.stringify(importErrors ? { results, importErrors } : { results }, null, 2)}\n`,
                encoding: 'utf8',
                filters: [{ name: 'JSON', extensions: ['json'] }],
              },
        );
        if (saved.saved) get().notify('info', `Exported ${results.length} result${results.length === 1 ? '' : 's'} to ${saved.path ?? format.toUpperCase()}.`);
      } catch (err) {
        get().notify('error', `Export failed: ${errorMessage(err)}`);
      }
    },
  };
};

/** The results with a batch put in at their places (the batch in any order; equal places keep arrival order). */
function mergeInOrder(results: ResultEntry[], batch: ResultEntry[]): ResultEntry[] {
  const sorted = [...batch].sort((a, b) => a.order - b.order || a.key - b.key);
  const merged: ResultEntry[] = [];
  let i = 0;
  for (const entry of sorted) {
    while (i < results.length && results[i].order <= entry.order) merged.push(results[i++]);
    merged.push(entry);
  }
  while (i < results.length) merged.push(results[i++]);
  return merged;
}
