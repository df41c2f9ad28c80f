// The results of a bulk test as a table: one row per endpoint, sortable, filterable, virtualized
// (only the rows in view are in the DOM, so 10,000 results scroll smoothly). A click or Enter opens
// the endpoint's full card. Rows are a roving-tabindex grid: arrow keys, Page Up/Down, Home/End.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApp, useAppStore } from '../context.ts';
import { ExpiryTimeline } from './ExpiryTimeline.tsx';
import {
  CATEGORY_ICON,
  CATEGORY_LABEL,
  COLUMNS,
  countCategories,
  filterRows,
  FILTER_CATEGORIES,
  gridTemplateFor,
  nextSort,
  sortRows,
  STICKY_LEFT,
  STICKY_WIDTH,
  tableRow,
  type RowCategory,
  type TableRow,
} from '../table.ts';

/** Fixed heights (px, matched by styles.css) keep the virtualizer's arithmetic exact. */
const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 34;

// Memoized, like the rows: scrolling re-renders the table on every frame, and neither changes then.
const TableToolbar = memo(function TableToolbar({ rows, shown }: { rows: TableRow[]; shown: number }) {
  const store = useAppStore();
  const table = useApp((s) => s.table);
  const counts = useMemo(() => countCategories(rows), [rows]);
  const toggle = (category: RowCategory, checked: boolean) => {
    const categories = checked ? [...table.categories.filter((c) => c !== category), category] : table.categories.filter((c) => c !== category);
    store.getState().setTable({ categories });
  };
  return (
    <div className="table-toolbar">
      <fieldset className="severity-filter">
        <legend>Show only</legend>
        {FILTER_CATEGORIES.map((category) => (
          <label key={category} className={`chip sev-${category}${table.categories.includes(category) ? ' on' : ''}`}>
            <input type="checkbox" checked={table.categories.includes(category)} onChange={(e) => toggle(category, e.target.checked)} />
            <span aria-hidden="true">{CATEGORY_ICON[category]}</span> {CATEGORY_LABEL[category]}{' '}
            <span className="chip-count">{counts[category]}</span>
          </label>
        ))}
      </fieldset>
      <input
        type="search"
        className="table-search"
        placeholder="Filter: host, issuer, comment…"
        aria-label="Filter results"
        value={table.text}
        onChange={(e) => store.getState().setTable({ text: e.target.value })}
      />
      <span className="table-count" role="status" aria-live="polite">
        {shown === rows.length ? `${rows.length} rows` : `${shown} of ${rows.length} rows`}
      </span>
    </div>
  );
});

/** The grid tracks for the table's viewport, recomputed when it is resized (the window, the side panel). */
function useGridTemplate(scrollRef: RefObject<HTMLDivElement | null>): { template: string; minWidth: string } {
  const [viewportRem, setViewportRem] = useState(0);
  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const measure = () => setViewportRem(element.clientWidth / parseFloat(getComputedStyle(document.documentElement).fontSize || '16'));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [scrollRef]);
  return useMemo(() => gridTemplateFor(viewportRem), [viewportRem]);
}

function SeverityBadge({ row }: { row: TableRow }) {
  return (
    <span className={`sev-badge sev-${row.category}`} title={row.result.error ? row.result.error.message : undefined}>
      <span aria-hidden="true">{CATEGORY_ICON[row.category]}</span> {CATEGORY_LABEL[row.category]}
    </span>
  );
}

export function ResultsTable() {
  const store = useAppStore();
  const results = useApp((s) => s.results);
  const table = useApp((s) => s.table);
  const openKey = useApp((s) => s.openResultKey);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeKey, setActiveKey] = useState<number | null>(null);
  /** Set by the keyboard: focus the active row once it is rendered. */
  const focusPending = useRef(false);

  const now = useMemo(() => new Date(), []);
  const allRows = useMemo(() => results.map((entry, index) => tableRow(entry.key, index, entry.result, now)), [results, now]);
  const rows = useMemo(() => sortRows(filterRows(allRows, table), table.sort), [allRows, table]);
  const activeIndex = Math.max(0, activeKey === null ? 0 : rows.findIndex((row) => row.key === activeKey));

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The sticky header sits above the rows inside the same scroller: the list starts below it,
    // and a row scrolled to must not hide under it.
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (index) => rows[index]?.key ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const grid = useGridTemplate(scrollRef);

  const focusRow = useCallback(
    (index: number) => {
      if (rows.length === 0) return;
      const clamped = Math.min(Math.max(index, 0), rows.length - 1);
      setActiveKey(rows[clamped].key);
      focusPending.current = true;
      virtualizer.scrollToIndex(clamped, { align: 'auto' });
    },
    [rows, virtualizer],
  );

  // After a keyboard move the row may only now be rendered: focus it then.
  useEffect(() => {
    if (!focusPending.current) return;
    const element = scrollRef.current?.querySelector<HTMLElement>(`[data-row-key="${rows[activeIndex]?.key}"]`);
    if (element) {
      focusPending.current = false;
      element.focus({ preventScroll: true });
    }
  });

  // Closing the card puts the focus back on its row.
  const lastOpen = useRef<number | null>(null);
  useEffect(() => {
    if (openKey !== null) lastOpen.current = openKey;
    else if (lastOpen.current !== null) {
      const index = rows.findIndex((row) => row.key === lastOpen.current);
      lastOpen.current = null;
      if (index >= 0) focusRow(index);
    }
  }, [openKey, rows, focusRow]);

  const pageSize = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 2);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).closest('[role="columnheader"]')) return;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageSize, PageUp: -pageSize };
    if (event.key in moves) focusRow(activeIndex + moves[event.key]);
    else if (event.key === 'Home') focusRow(0);
    else if (event.key === 'End') focusRow(rows.length - 1);
    else if ((event.key === 'Enter' || event.key === ' ') && rows[activeIndex]) store.getState().openResult(rows[activeIndex].key);
    else return;
    event.preventDefault();
  };

  const activeRendered = items.some((item) => item.index === activeIndex);

  return (
    <div className="results-table-view">
      <TableToolbar rows={allRows} shown={rows.length} />
      <ExpiryTimeline rows={allRows} now={now} />
      <div
        ref={scrollRef}
        className="table-viewport"
        role="grid"
        aria-label="Results table"
        aria-rowcount={rows.length + 1}
        aria-colcount={COLUMNS.length}
        // Keyboard users can still enter the grid when the active row is scrolled out of the DOM.
        tabIndex={activeRendered ? -1 : 0}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          if (event.target === scrollRef.current && rows.length) focusRow(activeIndex);
        }}
      >
        <div className="grid-inner" style={{ minWidth: grid.minWidth }}>
          <div role="rowgroup" className="grid-head">
            <div role="row" aria-rowindex={1} className="grid-row head-row" style={{ gridTemplateColumns: grid.template, height: HEADER_HEIGHT }}>
              {COLUMNS.map((column) => {
                const sorted = table.sort?.column === column.id ? table.sort.direction : undefined;
                return (
                  <div
                    key={column.id}
                    role="columnheader"
                    aria-sort={sorted ?? 'none'}
                    className={`cell head-cell col-${column.id}${column.sticky ? ' sticky' : ''}`}
                    // Sideways scrolling stops at column edges, so no sliver of a column shows beside the sticky ones.
                    style={column.sticky ? { left: STICKY_LEFT[column.id] } : { scrollMarginLeft: STICKY_WIDTH }}
                  >
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() => store.getState().setTable({ sort: nextSort(table.sort, column.id) })}
                      title={column.id === 'severity' ? 'Sort by severity (most serious first, then the reverse)' : `Sort by ${column.title}`}
                    >
                      {column.title}
                      <span className="sort-mark" aria-hidden="true">
                        {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
                      </span>
                    </button>
                  </div>
                );
              })}
            </div>
          </div>
          <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
            {rows.length === 0 && (
              <div role="row" className="grid-row empty-row">
                <div role="gridcell" className="cell">
                  {allRows.length === 0 ? 'No results yet.' : 'No row matches the filter.'}
                </div>
              </div>
            )}
            {items.map((item) => {
              const row = rows[item.index];
              return (
                <BodyRow
                  key={item.key}
                  row={row}
                  index={item.index}
                  top={item.start - HEADER_HEIGHT}
                  active={item.index === activeIndex}
                  selected={openKey === row.key}
                  setActiveKey={setActiveKey}
                  template={grid.template}
                />
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

interface BodyRowProps {
  row: TableRow;
  index: number;
  /** Offset below the header, from the virtualizer. */
  top: number;
  active: boolean;
  selected: boolean;
  setActiveKey: (key: number) => void;
  /** The grid tracks for the current viewport width. */
  template: string;
}

/** One endpoint's row. Memoized: while scrolling, only the rows coming into view render (the rest keep their props). */
const BodyRow = memo(function BodyRow({ row, index, top, active, selected, setActiveKey, template }: BodyRowProps) {
  const store = useAppStore();
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-row-key={row.key}
      tabIndex={active ? 0 : -1}
      className={`grid-row body-row cat-${row.category}${index % 2 ? ' odd' : ''}`}
      style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
      onClick={() => {
        setActiveKey(row.key);
        store.getState().openResult(row.key);
      }}
      onFocus={() => {
        if (!active) setActiveKey(row.key);
      }}
    >
      {COLUMNS.map((column) =>
        column.id === 'severity' ? (
          <div key={column.id} role="gridcell" className="cell col-severity sticky" style={{ left: STICKY_LEFT.severity }}>
            <SeverityBadge row={row} />
          </div>
        ) : (
          <div
            key={column.id}
            role="gridcell"
            className={`cell col-${column.id}${column.mono ? ' mono' : ''}${column.numeric ? ' numeric' : ''}${column.sticky ? ' sticky' : ''}`}
            style={column.sticky ? { left: STICKY_LEFT[column.id] } : undefined}
            title={(column.tooltip ?? column.text)(row) || undefined}
          >
            {column.text(row)}
          </div>
        ),
      )}
    </div>
  );
});
