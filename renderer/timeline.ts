// The expiry timeline's model: how many certificates reach Not After in each week or month from now,
// split by the row's worst severity. Pure; the rows and their categories come from table.ts.
import type { RowCategory, TableRow } from './table.ts';

export interface ExpiryRange {
  /** ISO start (inclusive) and end (exclusive) of the bucket; from is '' for "already expired". */
  from: string;
  to: string;
  label: string;
}

export interface ExpiryBucket extends ExpiryRange {
  counts: Partial<Record<RowCategory, number>>;
  total: number;
}

const DAY = 86_400_000;
/** Up to this many days ahead the buckets are weeks; beyond, months. */
const WEEKS_UP_TO_DAYS = 120;
/** A timeline of more months than this is cut: the rest is one "later" bucket. */
const MAX_MONTHS = 24;

/** The leaf's Not After of a row, or null without a usable certificate. */
export function rowNotAfter(row: TableRow): number | null {
  const leaf = row.result.served[0];
  if (!leaf || leaf.parseError) return null;
  const time = Date.parse(leaf.notAfter);
  return Number.isNaN(time) ? null : time;
}

function startOfUtcDay(time: number): number {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

function bucketRanges(now: number, last: number): ExpiryRange[] {
  const ranges: ExpiryRange[] = [];
  const iso = (time: number) => new Date(time).toISOString();
  if ((last - now) / DAY <= WEEKS_UP_TO_DAYS) {
    for (let from = startOfUtcDay(now); from <= last; from += 7 * DAY) ranges.push({ from: iso(from), to: iso(from + 7 * DAY), label: `week of ${iso(from).slice(0, 10)}` });
    return ranges;
  }
  const start = new Date(now);
  for (let i = 0; i < MAX_MONTHS; i++) {
    const from = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1);
    if (from > last) break;
    ranges.push({ from: iso(from), to: iso(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i + 1, 1)), label: iso(from).slice(0, 7) });
  }
  const end = ranges.at(-1)?.to;
  if (end && Date.parse(end) <= last) ranges.push({ from: end, to: iso(last + 1), label: `after ${end.slice(0, 7)}` });
  return ranges;
}

/** The buckets from now until the last Not After, an "expired" bucket first when any certificate has expired. */
export function expiryBuckets(rows: TableRow[], now: Date): ExpiryBucket[] {
  const dated = rows.map((row) => ({ row, time: rowNotAfter(row) })).filter((item): item is { row: TableRow; time: number } => item.time !== null);
  if (dated.length === 0) return [];
  const nowTime = now.getTime();
  const last = Math.max(...dated.map((item) => item.time));
  const ranges: ExpiryRange[] = [];
  if (dated.some((item) => item.time < nowTime)) ranges.push({ from: '', to: now.toISOString(), label: 'expired' });
  if (last >= nowTime) ranges.push(...bucketRanges(nowTime, last));
  const buckets: ExpiryBucket[] = ranges.map((range) => ({ ...range, counts: {}, total: 0 }));
  for (const { row, time } of dated) {
    const bucket = buckets.find((b) => inRange(time, b));
    if (!bucket) continue;
    bucket.counts[row.category] = (bucket.counts[row.category] ?? 0) + 1;
    bucket.total++;
  }
  return buckets;
}

function inRange(time: number, range: ExpiryRange): boolean {
  return (range.from === '' || time >= Date.parse(range.from)) && time < Date.parse(range.to);
}

/** Whether a row's certificate reaches Not After within the range (the timeline's filter). */
export function rowInRange(row: TableRow, range: ExpiryRange | null): boolean {
  if (!range) return true;
  const time = rowNotAfter(row);
  return time !== null && inRange(time, range);
}
