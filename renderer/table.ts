// The results table's model: one row per endpoint, its columns, sorting and filtering. Pure.
// What is wrong comes from the engine's comments only (worstSeverity, verdictSentence); the table
// just groups rows by it. An endpoint that could not be checked (result.error) is "unreachable".
import type { EndpointResult, Severity } from '../shared/types.ts';
import { daysLeft, verdictSentence, worstComments, worstSeverity } from '../shared/formats/summary.ts';
import { hostPort, SEVERITY_ICON, SEVERITY_LABEL } from './format.ts';
import { rowInRange, type ExpiryRange } from './timeline.ts';
import { isPastedAddress, typedPort } from './targets.ts';

export type RowCategory = Severity | 'unreachable' | 'none';

/** The severity filter's choices, most serious first. */
export const FILTER_CATEGORIES: readonly Exclude<RowCategory, 'none'>[] = ['unreachable', 'error', 'warning', 'info', 'ok'];

export const CATEGORY_LABEL: Record<RowCategory, string> = { ...SEVERITY_LABEL, unreachable: 'Unreachable', none: 'No comments' };
export const CATEGORY_ICON: Record<RowCategory, string> = { ...SEVERITY_ICON, unreachable: '⊘', none: '–' };
/** Sort rank: most serious first when ascending. */
const CATEGORY_RANK: Record<RowCategory, number> = { unreachable: 0, error: 1, warning: 2, info: 3, ok: 4, none: 5 };

export interface TableRow {
  /** The result entry's stable key. */
  key: number;
  /** Position in the results (the card number is index + 1). */
  index: number;
  result: EndpointResult;
  category: RowCategory;
  worst: Severity | null;
  daysLeft: number | null;
  /** The verdict sentence, from the same worst severity as the badge. */
  summary: string;
  /** The rule ids (or the error code) behind the summary, for its tooltip; the CSV lists ids. */
  summaryIds: string;
  subject: string;
  issuer: string;
  /** Lower-case text of every column and comment, for the free-text filter. */
  search: string;
}

export type ColumnId = 'severity' | 'target' | 'type' | 'host' | 'ip' | 'port' | 'subject' | 'issuer' | 'notAfter' | 'daysLeft' | 'protocol' | 'summary';

export interface Column {
  id: ColumnId;
  title: string;
  /** Width in rem; the last column also takes the room left over. */
  width: number;
  /** What the cell shows (also its tooltip when cut short). */
  text(row: TableRow): string;
  /** A tooltip other than the text. */
  tooltip?(row: TableRow): string;
  /** Sort key; null sorts last in both directions. */
  sortValue(row: TableRow): string | number | null;
  numeric?: boolean;
  mono?: boolean;
  /** Stays in view when the table scrolls sideways. */
  sticky?: boolean;
}

/** "CN=sip.contoso.com, O=Contoso" -> "sip.contoso.com": the certificate dialog's Issued To / Issued By. */
export function shortName(dn: string, commonName: string | null = null): string {
  if (commonName) return commonName;
  const match = /(?:^|,\s*)CN=((?:[^,\\]|\\.)*)/.exec(dn);
  return match ? match[1].trim() : dn;
}

function notAfterOf(row: TableRow): string {
  const leaf = row.result.served[0];
  return leaf && !leaf.parseError ? leaf.notAfter : '';
}

function categoryOf(result: EndpointResult, worst: Severity | null): RowCategory {
  if (result.error) return 'unreachable';
  return worst ?? 'none';
}

const emptyToNull = (text: string) => (text === '' ? null : text);

/**
 * The target as typed, with the port it was checked on when the port came from the Port field: the rows of
 * one address checked on several ports ("127.0.0.6" twice) tell themselves apart.
 */
function targetText(row: TableRow): string {
  const { target, type, port } = row.result;
  if (type !== 'DIR' || port === null || typedPort(target) !== null || isPastedAddress(target)) return target;
  return hostPort(target, port);
}

export const COLUMNS: readonly Column[] = [
  {
    id: 'severity',
    title: 'Worst severity',
    width: 8.4,
    sticky: true,
    text: (row) => CATEGORY_LABEL[row.category],
    sortValue: (row) => CATEGORY_RANK[row.category],
  },
  { id: 'target', title: 'Target', width: 9.5, mono: true, sticky: true, text: targetText, sortValue: (row) => emptyToNull(row.result.target) },
  { id: 'type', title: 'Type', width: 3.8, text: (row) => row.result.type, sortValue: (row) => row.result.type },
  { id: 'host', title: 'Host', width: 9.5, mono: true, text: (row) => row.result.host, sortValue: (row) => emptyToNull(row.result.host) },
  { id: 'ip', title: 'IP', width: 6.8, mono: true, text: (row) => row.result.ip ?? '', sortValue: (row) => row.result.ip },
  { id: 'port', title: 'Port', width: 3.8, mono: true, numeric: true, text: (row) => (row.result.port === null ? '' : String(row.result.port)), sortValue: (row) => row.result.port },
  { id: 'subject', title: 'Subject', width: 9, text: (row) => row.subject, sortValue: (row) => emptyToNull(row.subject) },
  { id: 'issuer', title: 'Issuer', width: 9, text: (row) => row.issuer, sortValue: (row) => emptyToNull(row.issuer) },
  { id: 'notAfter', title: 'Not After', width: 6.4, mono: true, text: (row) => notAfterOf(row).slice(0, 10), sortValue: (row) => emptyToNull(notAfterOf(row)) },
  { id: 'daysLeft', title: 'Days Left', width: 5.6, mono: true, numeric: true, text: (row) => (row.daysLeft === null ? '' : String(row.daysLeft)), sortValue: (row) => row.daysLeft },
  { id: 'protocol', title: 'Protocol', width: 5.6, mono: true, text: (row) => row.result.tls.protocol ?? '', sortValue: (row) => row.result.tls.protocol },
  {
    id: 'summary',
    title: 'Comment summary',
    width: 13,
    text: (row) => row.summary,
    tooltip: (row) => (row.summaryIds ? `${row.summary}\n${row.summaryIds}` : row.summary),
    sortValue: (row) => emptyToNull(row.summary),
  },
];

/** The grid tracks of all columns, for header and rows alike. */
export const GRID_TEMPLATE = COLUMNS.map((column, index) => (index === COLUMNS.length - 1 ? `minmax(${column.width}rem, 1fr)` : `${column.width}rem`)).join(' ');
/** Left offsets (CSS) of the sticky columns, which come first. */
export const STICKY_LEFT: Partial<Record<ColumnId, string>> = {};
COLUMNS.reduce((left, column) => {
  if (column.sticky) STICKY_LEFT[column.id] = `${left}rem`;
  return left + column.width;
}, 0);
/** How wide the sticky columns are together: sideways scrolling snaps the next column to this edge. */
export const STICKY_WIDTH = `${COLUMNS.filter((column) => column.sticky).reduce((sum, column) => sum + column.width, 0)}rem`;
/**
 * The grid tracks for a viewport `viewportRem` wide. When the table scrolls sideways, the last column is
 * widened so that scrolled to the end, the first column in view starts at the sticky columns' edge: no
 * sliver of a column shows there at either end (column edges are snap points in between).
 */
export function gridTemplateFor(viewportRem: number): { template: string; minWidth: string } {
  const sticky = COLUMNS.filter((column) => column.sticky).reduce((sum, column) => sum + column.width, 0);
  const scrolling = COLUMNS.filter((column) => !column.sticky);
  const last = scrolling[scrolling.length - 1];
  const total = sticky + scrolling.reduce((sum, column) => sum + column.width, 0);
  if (viewportRem <= 0 || total <= viewportRem) return { template: GRID_TEMPLATE, minWidth: GRID_MIN_WIDTH };
  // The fewest trailing columns (the last at its least) that fill the room beside the sticky ones.
  let tail = last.width;
  for (let i = scrolling.length - 2; i >= 0 && sticky + tail + scrolling[i].width <= viewportRem; i--) tail += scrolling[i].width;
  const lastWidth = last.width + Math.max(0, viewportRem - sticky - tail);
  const template = COLUMNS.map((column) => `${column === last ? lastWidth : column.width}rem`).join(' ');
  return { template, minWidth: `${total - last.width + lastWidth}rem` };
}

/** The table's narrowest width; below it the table scrolls sideways. */
export const GRID_MIN_WIDTH = `${COLUMNS.reduce((sum, column) => sum + column.width, 0)}rem`;

// Rows are rebuilt whenever results arrive; the per-result facts are computed once.
const factsCache = new WeakMap<EndpointResult, Omit<TableRow, 'key' | 'index'>>();

/** The table row of one result. `now` dates Days Left (the first time a result is seen). */
export function tableRow(key: number, index: number, result: EndpointResult, now: Date): TableRow {
  let facts = factsCache.get(result);
  if (!facts) {
    const worst = worstSeverity(result);
    const category = categoryOf(result, worst);
    const leaf = result.served[0];
    const usable = leaf && !leaf.parseError ? leaf : null;
    const summary = verdictSentence(result);
    const summaryIds = result.error ? result.error.code : worstComments(result).map((comment) => comment.id).join(', ');
    const subject = usable ? shortName(usable.subject, usable.commonName) : '';
    const issuer = usable ? shortName(usable.issuer) : '';
    const days = daysLeft(result, now);
    const search = [
      result.target,
      result.type,
      hostPort(result.host, result.port),
      result.ip ?? '',
      usable?.subject ?? '',
      usable?.issuer ?? '',
      usable?.notAfter.slice(0, 10) ?? '',
      days ?? '',
      result.tls.protocol ?? '',
      CATEGORY_LABEL[category],
      summary,
      summaryIds,
      ...result.comments.map((comment) => `${comment.id} ${comment.text}`),
    ]
      .join('\n')
      .toLowerCase();
    facts = { result, worst, category, daysLeft: days, summary, summaryIds, subject, issuer, search };
    factsCache.set(result, facts);
  }
  return { ...facts, key, index };
}

export interface TableFilter {
  /** Categories to show; empty shows every row. */
  categories: RowCategory[];
  text: string;
  /** The expiry timeline's bar picked: only certificates reaching Not After in it. */
  expiry?: ExpiryRange | null;
}

export function filterRows(rows: TableRow[], filter: TableFilter): TableRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const categories = new Set(filter.categories);
  const expiry = filter.expiry ?? null;
  if (words.length === 0 && categories.size === 0 && !expiry) return rows;
  return rows.filter(
    (row) => (categories.size === 0 || categories.has(row.category)) && rowInRange(row, expiry) && words.every((word) => row.search.includes(word)),
  );
}

export type SortDirection = 'ascending' | 'descending';
export interface TableSort {
  column: ColumnId;
  direction: SortDirection;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Sorted copy; ties keep the results' order, empty values go last either way. */
export function sortRows(rows: TableRow[], sort: TableSort | null): TableRow[] {
  if (!sort) return rows;
  const column = COLUMNS.find((c) => c.id === sort.column);
  if (!column) return rows;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, value: column.sortValue(row) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? a.row.index - b.row.index : a.value === null ? 1 : -1;
    const order = typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : collator.compare(String(a.value), String(b.value));
    return order === 0 ? a.row.index - b.row.index : sign * order;
  });
  return keyed.map((item) => item.row);
}

/** Header click: ascending, then descending, then back to the results' order. */
export function nextSort(current: TableSort | null, column: ColumnId): TableSort | null {
  if (!current || current.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : null;
}

export function countCategories(rows: TableRow[]): Record<RowCategory, number> {
  const counts: Record<RowCategory, number> = { unreachable: 0, error: 0, warning: 0, info: 0, ok: 0, none: 0 };
  for (const row of rows) counts[row.category]++;
  return counts;
}

// The time-left estimate is the engine's, shared with the CLI's progress line.
export { estimateSecondsLeft, formatTimeLeft } from '../shared/formats/progress-text.ts';
