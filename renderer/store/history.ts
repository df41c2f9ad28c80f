// The history in the window: the changes the last bulk run brought (the Changes panel, filterable like
// the results table) and one target's timeline (the History view opened from a card). The host keeps
// the history; this slice asks for it after each finished run and exports it as Excel-safe CSV.
import type { ChangeRecord, HistoryChanges, HistorySettings, HistorySettingsView, TargetHistory } from '../../shared/ipc.ts';
import type { Severity, TargetType } from '../../shared/types.ts';
import { changesCsv, timelineCsv } from '../../shared/formats/history-csv.ts';
import { errorMessage, type SliceCreator } from './slice.ts';

export interface ChangesFilter {
  severity: Severity | 'all';
  text: string;
}

export interface HistorySlice {
  runChanges: HistoryChanges | null;
  changesFilter: ChangesFilter;
  targetHistory: TargetHistory | null;
  historyOpen: boolean;
  historyError: string | null;
  loadRunChanges(): Promise<void>;
  setChangesFilter(filter: Partial<ChangesFilter>): void;
  openHistory(target: string, type: TargetType): Promise<void>;
  closeHistory(): void;
  exportChanges(): Promise<void>;
  exportHistory(): Promise<void>;
  historySettings: HistorySettingsView | null;
  historySettingsOpen: boolean;
  openHistorySettings(): Promise<void>;
  closeHistorySettings(): void;
  saveHistorySettings(settings: HistorySettings): Promise<void>;
}

/** The changes the filter keeps: a severity and words found in the target, host, IP, kind or sentence. */
export function filterChanges(changes: ChangeRecord[], filter: ChangesFilter): ChangeRecord[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return changes.filter((change) => {
    if (filter.severity !== 'all' && change.severity !== filter.severity) return false;
    const haystack = [change.target, change.host, change.ip ?? '', change.kind, change.text].join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
const CSV_FILTERS = [{ name: 'CSV (Excel)', extensions: ['csv'] }];

export const createHistorySlice: SliceCreator<HistorySlice> = (api) => (set, get) => {
  async function save(defaultName: string, content: string, what: string) {
    try {
      const saved = await api.saveFile({ defaultName, content, encoding: 'utf8', filters: CSV_FILTERS });
      if (saved.saved) get().notify('info', `Exported ${what} to ${saved.path ?? 'CSV'}.`);
    } catch (err) {
      get().notify('error', `Export failed: ${errorMessage(err)}`);
    }
  }
  return {
    runChanges: null,
    changesFilter: { severity: 'all', text: '' },
    targetHistory: null,
    historyOpen: false,
    historyError: null,
    historySettings: null,
    historySettingsOpen: false,

    async openHistorySettings() {
      set({ historySettingsOpen: true, historyError: null });
      try {
        set({ historySettings: await api.historySettings() });
      } catch (err) {
        set({ historyError: errorMessage(err) });
      }
    },

    closeHistorySettings() {
      set({ historySettingsOpen: false });
    },

    async saveHistorySettings(settings) {
      try {
        set({ historySettings: await api.setHistorySettings(settings), historySettingsOpen: false });
      } catch (err) {
        set({ historyError: errorMessage(err) });
      }
    },

    async loadRunChanges() {
      try {
        set({ runChanges: await api.historyChanges({}) });
      } catch {
        // No history (recording off, file unreadable): the panel stays away; the results are what matter.
        set({ runChanges: null });
      }
    },

    setChangesFilter(filter) {
      set((state) => ({ changesFilter: { ...state.changesFilter, ...filter } }));
    },

    async openHistory(target, type) {
      set({ historyOpen: true, targetHistory: null, historyError: null });
      try {
        set({ targetHistory: await api.historyTimeline(target, type) });
      } catch (err) {
        set({ historyError: errorMessage(err) });
      }
    },

    closeHistory() {
      set({ historyOpen: false });
    },

    async exportChanges() {
      const changes = filterChanges(get().runChanges?.changes ?? [], get().changesFilter);
      await save(`cert-changes-${stamp()}.csv`, changesCsv(changes), `${changes.length} change${changes.length === 1 ? '' : 's'}`);
    },

    async exportHistory() {
      const history = get().targetHistory;
      if (!history) return;
      await save(`cert-history-${history.target.replace(/[^A-Za-z0-9.-]/g, '_')}-${stamp()}.csv`, timelineCsv(history.entries), `the history of ${history.target}`);
    },
  };
};
