// How results are shown: cards or the table, the table's sort and filters, the card open over it.
import type { RowCategory, TableSort } from '../table.ts';
import type { ExpiryRange } from '../timeline.ts';
import type { SliceCreator } from './slice.ts';
import type { AppState } from './index.ts';

export type ResultsView = 'cards' | 'table';

export interface TableState {
  sort: TableSort | null;
  /** Severity categories to show; none ticked shows all. */
  categories: RowCategory[];
  text: string;
  /** The expiry timeline's bar picked, or null. */
  expiry: ExpiryRange | null;
}

export interface ViewSlice {
  /** The view the user picked; null: the table for tests of more than TABLE_VIEW_THRESHOLD endpoints, else cards. */
  viewChoice: ResultsView | null;
  table: TableState;
  /** The result (entry key) whose card is open over the table, or null. */
  openResultKey: number | null;
  /** Cards in the old tool's order (lines first, comments last) instead of the verdict first; kept across restarts. */
  oldLayout: boolean;
  setView(view: ResultsView): void;
  setOldLayout(oldLayout: boolean): void;
  setTable(patch: Partial<TableState>): void;
  openResult(key: number | null): void;
}

/** Above this many endpoints (or targets) the results open as a table. */
export const TABLE_VIEW_THRESHOLD = 10;

/** The view shown: the user's pick, or the table for bulk tests. */
export function effectiveView(state: Pick<AppState, 'viewChoice' | 'results' | 'run'>): ResultsView {
  return state.viewChoice ?? (Math.max(state.results.length, state.run.total) > TABLE_VIEW_THRESHOLD ? 'table' : 'cards');
}

const OLD_LAYOUT_KEY = 'sfb-cert-checker.oldLayout';

export const createViewSlice: SliceCreator<ViewSlice> = () => (set) => ({
  viewChoice: null,
  oldLayout: globalThis.localStorage?.getItem(OLD_LAYOUT_KEY) === 'true',
  table: { sort: null, categories: [], text: '', expiry: null },
  openResultKey: null,

  setView(view) {
    set({ viewChoice: view, openResultKey: null });
  },

  setTable(patch) {
    set((state) => ({ table: { ...state.table, ...patch } }));
  },

  setOldLayout(oldLayout) {
    globalThis.localStorage?.setItem(OLD_LAYOUT_KEY, String(oldLayout));
    set({ oldLayout });
  },

  openResult(key) {
    set({ openResultKey: key });
  },
});
