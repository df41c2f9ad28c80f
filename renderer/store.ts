// The renderer's state: form fields, the queued list, the running check and its results.
// A vanilla zustand store made around one CertCheckerApi, so it runs the same with the Electron
// preload, the browser bridge, or a fake in tests. Results are kept in one flat array with stable keys:
// bulk runs give thousands, which the view pages through instead of rendering at once.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CertCheckerApi, CheckEvent, ImportError, TrustedRoot, AppInfo } from '../shared/ipc.ts';
import type { CheckRequest, EndpointResult, TargetInput } from '../shared/types.ts';
import { resultsToCsv } from '../shared/formats/csv-export.ts';
import { DEFAULT_PORT_TEXT, expandTargets, remainingTargets, type QueueRow, type SrvType } from './targets.ts';
import type { RowCategory, TableSort } from './table.ts';

export interface ResultEntry {
  key: number;
  result: EndpointResult;
}

export type RunStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export interface RunState {
  runId: string | null;
  status: RunStatus;
  done: number;
  total: number;
  current: string | null;
  error: string | null;
  /** Whether this run tested whole DNSLB pools (the cards word the pool note by it). */
  testPool: boolean;
  /** Every target of the test as it was started; Resume runs the ones without a result. */
  targets: TargetInput[];
  /** Targets finished by the earlier runs of a resumed test: done and total count the whole test. */
  doneBefore: number;
  /** Date.now() when this run started, for the time-left estimate. */
  startedAt: number | null;
}

export type ResultsView = 'cards' | 'table';

export interface TableState {
  sort: TableSort | null;
  /** Severity categories to show; none ticked shows all. */
  categories: RowCategory[];
  text: string;
}

export interface Notice {
  id: number;
  tone: 'error' | 'info';
  text: string;
  /** Lines with numbers, e.g. the rows an import rejected. */
  details: ImportError[];
}

export interface FormState {
  host: string;
  port: string;
  dnsServer: string;
  srvType: SrvType | null;
  testPool: boolean;
  /** Fetch AIA/CRL/OCSP from internal addresses even for public servers (default: only for internal ones). */
  allowInternalFetches: boolean;
  showAdvanced: boolean;
  showRootChain: boolean;
}

export interface AppState {
  form: FormState;
  /** Why the Host / Port fields cannot be used as they are; shown beside them. */
  fieldError: string | null;
  queue: QueueRow[];
  selectedIds: number[];
  run: RunState;
  results: ResultEntry[];
  /** How many result cards are rendered; "Show more" raises it. */
  visibleCount: number;
  /** The view the user picked; null: the table for tests of more than TABLE_VIEW_THRESHOLD endpoints, else cards. */
  viewChoice: ResultsView | null;
  table: TableState;
  /** The result (entry key) whose card is open over the table, or null. */
  openResultKey: number | null;
  notices: Notice[];
  trustedRoots: TrustedRoot[];
  trustedRootsOpen: boolean;
  trustedRootsError: string | null;
  appInfo: AppInfo | null;
  aboutOpen: boolean;

  setForm(patch: Partial<FormState>): void;
  setSrvType(type: SrvType, checked: boolean): void;
  addToQueue(): boolean;
  addRows(rows: TargetInput[]): number;
  toggleSelected(id: number, selected: boolean): void;
  deleteSelected(): void;
  clearQueue(): void;
  startTest(): Promise<void>;
  cancelTest(): Promise<void>;
  /** After a cancelled test: run the targets that have no result yet, adding to the results. */
  resumeTest(): Promise<void>;
  setView(view: ResultsView): void;
  setTable(patch: Partial<TableState>): void;
  openResult(key: number | null): void;
  handleEvent(event: CheckEvent): void;
  showMore(): void;
  clearResults(): void;
  importList(): Promise<void>;
  importDroppedList(fileName: string, content: string): Promise<void>;
  dismissNotice(id: number): void;
  notify(tone: Notice['tone'], text: string, details?: ImportError[]): void;
  openTrustedRoots(): Promise<void>;
  closeTrustedRoots(): void;
  addTrustedRootsFromDialog(): Promise<void>;
  addTrustedRootFiles(files: { name: string; contentBase64: string }[]): Promise<void>;
  removeTrustedRoot(thumbprint: string): Promise<void>;
  loadAppInfo(): Promise<void>;
  /** Save every result: CSV for Excel (the old tool's Output CSV) or the JSON contract. */
  exportResults(format: 'csv' | 'json'): Promise<void>;
  setAboutOpen(open: boolean): void;
}

export const INITIAL_VISIBLE_RESULTS = 50;
export const SHOW_MORE_STEP = 100;
/** Above this many endpoints (or targets) the results open as a table. */
export const TABLE_VIEW_THRESHOLD = 10;
/** Results arriving together are appended in one update, so a fast bulk run does not re-render per result. */
const RESULT_FLUSH_MS = 50;
const DEFAULT_TIMEOUT_MS = 5000;

const IDLE_RUN: RunState = { runId: null, status: 'idle', done: 0, total: 0, current: null, error: null, testPool: true, targets: [], doneBefore: 0, startedAt: null };
const INITIAL_TABLE: TableState = { sort: null, categories: [], text: '' };

export type AppStore = StoreApi<AppState>;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isRunActive(status: RunStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'cancelling';
}

/** The view shown: the user's pick, or the table for bulk tests. */
export function effectiveView(state: Pick<AppState, 'viewChoice' | 'results' | 'run'>): ResultsView {
  return state.viewChoice ?? (Math.max(state.results.length, state.run.total) > TABLE_VIEW_THRESHOLD ? 'table' : 'cards');
}

/** Targets of a cancelled test still to run (empty when there is nothing to resume). */
export function resumableTargets(state: Pick<AppState, 'run' | 'results'>): TargetInput[] {
  if (state.run.status !== 'cancelled' || state.run.targets.length === 0) return [];
  return remainingTargets(state.run.targets, state.results.map((entry) => entry.result));
}

/** The key `sameTarget` compares by, for de-duplicating thousands of rows at once. */
function queueKey(row: TargetInput): string {
  return `${row.input.toLowerCase()}|${row.type}|${row.port ?? ''}`;
}

export function createAppStore(api: CertCheckerApi): AppStore {
  let nextRowId = 1;
  let nextResultKey = 1;
  let nextNoticeId = 1;
  /** Results not yet appended to state (see RESULT_FLUSH_MS). */
  let pendingResults: ResultEntry[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Events that arrived before startCheck told us the run id (the host may push them first). */
  let earlyEvents: CheckEvent[] = [];

  const flushResults = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pendingResults.length === 0) return;
    const batch = pendingResults;
    pendingResults = [];
    store.setState((state) => ({ results: state.results.concat(batch) }));
  };

  const applyEvent = (event: CheckEvent) => {
    const set = store.setState;
    switch (event.kind) {
      case 'result':
        pendingResults.push({ key: nextResultKey++, result: event.result });
        if (!flushTimer) flushTimer = setTimeout(flushResults, RESULT_FLUSH_MS);
        break;
      case 'progress':
        // A resumed run counts its own targets; show the whole test.
        set((state) => ({
          run: { ...state.run, done: state.run.doneBefore + event.done, total: state.run.doneBefore + event.total, current: event.current },
        }));
        break;
      case 'done':
        flushResults();
        set((state) => ({
          run: {
            ...state.run,
            status: event.error ? 'failed' : event.cancelled ? 'cancelled' : 'done',
            current: null,
            error: event.error,
          },
        }));
        break;
    }
  };

  const store = createStore<AppState>()((set, get) => ({
    form: { host: '', port: DEFAULT_PORT_TEXT, dnsServer: '', srvType: null, testPool: true, allowInternalFetches: false, showAdvanced: false, showRootChain: false },
    fieldError: null,
    queue: [],
    selectedIds: [],
    run: IDLE_RUN,
    results: [],
    visibleCount: INITIAL_VISIBLE_RESULTS,
    viewChoice: null,
    table: INITIAL_TABLE,
    openResultKey: null,
    notices: [],
    trustedRoots: [],
    trustedRootsOpen: false,
    trustedRootsError: null,
    appInfo: null,
    aboutOpen: false,

    setForm(patch) {
      set((state) => ({ form: { ...state.form, ...patch }, fieldError: 'host' in patch || 'port' in patch ? null : state.fieldError }));
    },

    setSrvType(type, checked) {
      set((state) => ({ form: { ...state.form, srvType: checked ? type : state.form.srvType === type ? null : state.form.srvType }, fieldError: null }));
    },

    addRows(rows) {
      const queue = get().queue;
      const seen = new Set(queue.map(queueKey));
      const fresh: QueueRow[] = [];
      for (const row of rows) {
        const key = queueKey(row);
        if (seen.has(key)) continue;
        seen.add(key);
        fresh.push({ ...row, id: nextRowId++ });
      }
      if (fresh.length) set({ queue: queue.concat(fresh) });
      return fresh.length;
    },

    addToQueue() {
      const { form } = get();
      const { rows, error } = expandTargets(form.host, form.port, form.srvType);
      if (error) {
        set({ fieldError: error });
        return false;
      }
      get().addRows(rows);
      set((state) => ({ form: { ...state.form, host: '' }, fieldError: null }));
      return true;
    },

    toggleSelected(id, selected) {
      set((state) => ({
        selectedIds: selected ? [...state.selectedIds.filter((x) => x !== id), id] : state.selectedIds.filter((x) => x !== id),
      }));
    },

    deleteSelected() {
      set((state) => {
        const selected = new Set(state.selectedIds);
        return { queue: state.queue.filter((row) => !selected.has(row.id)), selectedIds: [] };
      });
    },

    clearQueue() {
      set({ queue: [], selectedIds: [] });
    },

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
      await launch(targets, targets, 0);
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
        get().notify('error', `Cancel failed: ${message(err)}`);
      }
    },

    handleEvent(event) {
      // Late events of an earlier run carry another run id and are dropped.
      const run = store.getState().run;
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

    setView(view) {
      set({ viewChoice: view, openResultKey: null });
    },

    setTable(patch) {
      set((state) => ({ table: { ...state.table, ...patch } }));
    },

    openResult(key) {
      set({ openResultKey: key });
    },

    async importList() {
      try {
        const imported = await api.importList();
        if (imported) reportImport(imported.fileName, imported.rows, imported.importErrors);
      } catch (err) {
        get().notify('error', `Import failed: ${message(err)}`);
      }
    },

    async importDroppedList(fileName, content) {
      try {
        const imported = await api.parseList(fileName, content);
        reportImport(imported.fileName, imported.rows, imported.importErrors);
      } catch (err) {
        get().notify('error', `Import of ${fileName} failed: ${message(err)}`);
      }
    },

    dismissNotice(id) {
      set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) }));
    },

    notify(tone, text, details = []) {
      set((state) => ({ notices: [...state.notices, { id: nextNoticeId++, tone, text, details }] }));
    },

    async openTrustedRoots() {
      set({ trustedRootsOpen: true, trustedRootsError: null });
      try {
        set({ trustedRoots: await api.listTrustedRoots() });
      } catch (err) {
        set({ trustedRootsError: message(err) });
      }
    },

    closeTrustedRoots() {
      set({ trustedRootsOpen: false });
    },

    async addTrustedRootsFromDialog() {
      try {
        set({ trustedRoots: await api.addTrustedRootsFromDialog(), trustedRootsError: null });
      } catch (err) {
        set({ trustedRootsError: message(err) });
      }
    },

    async addTrustedRootFiles(files) {
      try {
        set({ trustedRoots: await api.addTrustedRoots(files), trustedRootsError: null });
      } catch (err) {
        set({ trustedRootsError: message(err) });
      }
    },

    async removeTrustedRoot(thumbprint) {
      try {
        set({ trustedRoots: await api.removeTrustedRoot(thumbprint), trustedRootsError: null });
      } catch (err) {
        set({ trustedRootsError: message(err) });
      }
    },

    async exportResults(format) {
      const results = get().results.concat(pendingResults).map((entry) => entry.result);
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
                // The command line's --json document, so scripts read either.
                content: `${JSON.stringify({ results }, null, 2)}\n`,
                encoding: 'utf8',
                filters: [{ name: 'JSON', extensions: ['json'] }],
              },
        );
        if (saved.saved) get().notify('info', `Exported ${results.length} result${results.length === 1 ? '' : 's'} to ${saved.path ?? format.toUpperCase()}.`);
      } catch (err) {
        get().notify('error', `Export failed: ${message(err)}`);
      }
    },

    setAboutOpen(open) {
      set({ aboutOpen: open });
    },

    async loadAppInfo() {
      try {
        set({ appInfo: await api.appInfo() });
      } catch {
        // The title falls back to the product name.
      }
    },
  }));

  /**
   * Start a run of `targets`. A fresh test clears the results first; a resumed one (doneBefore > 0)
   * adds to them and keeps `allTargets`, the test's whole list, for the next Resume.
   */
  async function launch(allTargets: TargetInput[], targets: TargetInput[], doneBefore: number): Promise<void> {
    const state = store.getState();
    const set = store.setState;
    const dnsServer = state.form.dnsServer.trim();
    const request: CheckRequest = {
      targets,
      options: { dnsServer: dnsServer === '' ? null : dnsServer, testPool: state.form.testPool, timeoutMs: DEFAULT_TIMEOUT_MS },
    };
    if (state.form.allowInternalFetches) request.options.internalFetches = 'allow';
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    pendingResults = [];
    earlyEvents = [];
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
        startedAt: Date.now(),
      },
    });
    try {
      const { runId } = await api.startCheck(request);
      set((s) => ({ run: { ...s.run, runId, status: s.run.status === 'cancelling' ? 'cancelling' : 'running' } }));
      const early = earlyEvents.filter((event) => event.runId === runId);
      earlyEvents = [];
      for (const event of early) applyEvent(event);
      // Cancel was pressed before the run id was known.
      if (store.getState().run.status === 'cancelling') await api.cancelCheck(runId).catch(() => undefined);
    } catch (err) {
      earlyEvents = [];
      set((s) => ({ run: { ...s.run, status: 'failed', error: message(err), current: null } }));
    }
  }

  function reportImport(fileName: string, rows: TargetInput[], errors: ImportError[]) {
    const added = store.getState().addRows(rows);
    const skipped = rows.length - added;
    const summary = `Imported ${added} target${added === 1 ? '' : 's'} from ${fileName}${skipped ? ` (${skipped} already in the list)` : ''}.`;
    if (errors.length) {
      store.getState().notify('error', `${summary} ${errors.length} row${errors.length === 1 ? ' was' : 's were'} rejected:`, errors);
    } else {
      store.getState().notify('info', summary);
    }
  }

  return store;
}
