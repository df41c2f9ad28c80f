// The form (Host, Port, SRV type, options) and the queued list of targets it and imports fill.
import type { ImportError } from '../../shared/ipc.ts';
import type { CheckProfile, TargetInput } from '../../shared/types.ts';
import { DEFAULT_PORT_TEXT, expandTargets, type FieldError, type QueueRow, type SrvType } from '../targets.ts';
import { errorMessage, type SliceCreator } from './slice.ts';

export interface FormState {
  host: string;
  port: string;
  dnsServer: string;
  srvType: SrvType | null;
  testPool: boolean;
  /** The check profile asked for; null: automatic (federation for FED SRV targets). */
  profile: CheckProfile | null;
  /** Fetch AIA/CRL/OCSP from internal addresses even for public servers (default: only for internal ones). */
  allowInternalFetches: boolean;
  showAdvanced: boolean;
  showRootChain: boolean;
  /** Send one SIP OPTIONS to every endpoint (off by default). */
  sipOptions: boolean;
  /** The domain in From and To of the OPTIONS; blank for the target's. */
  sipDomain: string;
}

export interface FormSlice {
  form: FormState;
  /** Why the Host / Port fields cannot be used as they are; shown beside them. */
  /** The message of the form field at fault (host, port, DNS server); the form focuses that field. */
  fieldError: FieldError | null;
  queue: QueueRow[];
  selectedIds: number[];
  setForm(patch: Partial<FormState>): void;
  setSrvType(type: SrvType, checked: boolean): void;
  addToQueue(): boolean;
  addRows(rows: TargetInput[]): number;
  toggleSelected(id: number, selected: boolean): void;
  deleteSelected(): void;
  clearQueue(): void;
  /** The rows the imports into the list rejected (null when nothing was imported): Export JSON carries them, as --import does. */
  importErrors: ImportError[] | null;
  importList(): Promise<void>;
  importDroppedList(fileName: string, content: string): Promise<void>;
}

/** The key `sameTarget` compares by, for de-duplicating thousands of rows at once. */
function queueKey(row: TargetInput): string {
  return `${row.input.toLowerCase()}|${row.type}|${row.port ?? ''}`;
}

export const createFormSlice: SliceCreator<FormSlice> = (api) => (set, get) => {
  let nextRowId = 1;

  function reportImport(fileName: string, rows: TargetInput[], errors: ImportError[]) {
    const added = get().addRows(rows);
    set((state) => ({ importErrors: [...(state.importErrors ?? []), ...errors] }));
    const skipped = rows.length - added;
    const summary = `Imported ${added} target${added === 1 ? '' : 's'} from ${fileName}${skipped ? ` (${skipped} already in the list)` : ''}.`;
    if (errors.length) {
      get().notify('error', `${summary} ${errors.length} row${errors.length === 1 ? ' was' : 's were'} rejected:`, errors);
    } else {
      get().notify('info', summary);
    }
  }

  return {
    form: { host: '', port: DEFAULT_PORT_TEXT, dnsServer: '', srvType: null, testPool: true, profile: null, allowInternalFetches: false, showAdvanced: false, showRootChain: false, sipOptions: false, sipDomain: '' },
    fieldError: null,
    queue: [],
    importErrors: null,
    selectedIds: [],

    setForm(patch) {
      set((state) => ({ form: { ...state.form, ...patch }, fieldError: 'host' in patch || 'port' in patch || 'dnsServer' in patch ? null : state.fieldError }));
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
      set({ queue: [], selectedIds: [], importErrors: null });
    },

    async importList() {
      try {
        const imported = await api.importList();
        if (imported) reportImport(imported.fileName, imported.rows, imported.importErrors);
      } catch (err) {
        get().notify('error', `Import failed: ${errorMessage(err)}`);
      }
    },

    async importDroppedList(fileName, content) {
      try {
        const imported = await api.parseList(fileName, content);
        reportImport(imported.fileName, imported.rows, imported.importErrors);
      } catch (err) {
        get().notify('error', `Import of ${fileName} failed: ${errorMessage(err)}`);
      }
    },
  };
};
