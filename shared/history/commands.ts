// The history subcommands as functions that return the text to print or write: `history TARGET`
// (a target's certificates over time), `diff --since DATE|RUN` (what changed), `latest` (the newest
// result of every target, soonest expiry first) and the changes of one run (watch mode). Text for a
// terminal (stranger's text escaped), JSON, or CSV that Excel opens cleanly (the results export's rules).
import type { EndpointResult } from '../types.ts';
import { excelDate } from '../formats/csv-export.ts';
import { escapeControls } from '../formats/safe-text.ts';
import { csvDocument, type Cell } from '../formats/csv-export.ts';
import { changesCsv, timelineCsv, type TimelineEntry } from '../formats/history-csv.ts';
import { daysLeft, worstSeverity } from '../formats/summary.ts';
export { changesCsv, timelineCsv, type TimelineEntry } from '../formats/history-csv.ts';
import { compareSnapshots, compareTarget, endpointKey, sortChanges, targetKey, type ChangeRecord } from './changes.ts';
import type { HistoryPoint, HistoryStore, TargetSnapshot } from './store.ts';

export type HistoryFormat = 'text' | 'json' | 'csv';




function changeLine(c: ChangeRecord): string {
  return escapeControls(`[${c.severity}] ${c.target} (${c.type}) ${c.host} ${c.ip ?? '-'}:${c.port ?? '-'}  ${c.kind}: ${c.text}`);
}

/** A list of change records in the chosen format. */
export function formatChanges(changes: ChangeRecord[], format: HistoryFormat, heading = ''): string {
  if (format === 'json') return `${JSON.stringify({ changes }, null, 2)}\n`;
  if (format === 'csv') return changesCsv(changes);
  const body = changes.length ? changes.map(changeLine).join('\n') : 'No changes.';
  return `${heading ? `${escapeControls(heading)}\n` : ''}${body}\n`;
}

/** What changed from `since` (a run id or a date) to the latest run of each target. */
export function diffSince(store: HistoryStore, since: HistoryPoint): ChangeRecord[] {
  return compareSnapshots(store.snapshot(since), store.snapshot());
}

/** What one run changed, against each of its targets' previous run: the report watch mode prints after a run. */
export function changesOfRun(store: HistoryStore, runId: number): ChangeRecord[] {
  const after: TargetSnapshot = new Map();
  for (const result of store.resultsOfRun(runId)) {
    const key = targetKey(result);
    const entry = after.get(key) ?? { runId, runStarted: '', results: [] };
    entry.results.push(result);
    after.set(key, entry);
  }
  return compareSnapshots(store.snapshotBefore(runId), after);
}

/** `diff --since`: parses "RUN-ID" or a date, and formats. */
export function diffCommand(store: HistoryStore, since: string, format: HistoryFormat): string {
  const point = parseHistoryPoint(since);
  return formatChanges(diffSince(store, point), format, `Changes since ${'runId' in point ? `run ${point.runId}` : point.date}:`);
}

/** A positive integer is a run id; anything else must be a date (2026-11-24, or ISO 8601 with a time). */
export function parseHistoryPoint(value: string): HistoryPoint {
  if (/^\d+$/.test(value.trim())) return { runId: Number(value) };
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) throw new Error(`--since wants a run id or a date such as 2026-11-24, not ${escapeControls(value)}`);
  return { date: new Date(time).toISOString() };
}


/** One target's certificates over time: an entry per recorded result and the changes between its runs. */
export function targetHistory(store: HistoryStore, target: string, type?: string): { entries: TimelineEntry[]; changes: ChangeRecord[] } {
  const timeline = store.targetTimeline(target, type);
  const entries = timeline.map(({ runId, runStarted, result }) => ({
    runId,
    runStarted,
    host: result.host,
    ip: result.ip,
    port: result.port,
    poolMember: result.poolMember,
    error: result.error?.code ?? null,
    thumbprint: result.served[0]?.thumbprint ?? null,
    issuer: result.served[0]?.issuer ?? null,
    notAfter: result.served[0]?.notAfter ?? null,
    root: result.trust?.root ?? null,
  }));
  // Consecutive runs of each target type (a domain may be checked as FED and as SIP).
  const runsByTarget = new Map<string, Map<number, EndpointResult[]>>();
  for (const { runId, result } of timeline) {
    const runs = runsByTarget.get(targetKey(result)) ?? new Map<number, EndpointResult[]>();
    runs.set(runId, [...(runs.get(runId) ?? []), result]);
    runsByTarget.set(targetKey(result), runs);
  }
  const changes: ChangeRecord[] = [];
  for (const runs of runsByTarget.values()) {
    const ordered = [...runs.values()];
    for (let i = 1; i < ordered.length; i++) changes.push(...compareTarget(ordered[i - 1]!, ordered[i]!));
  }
  return { entries, changes };
}



export function historyCommand(store: HistoryStore, target: string, format: HistoryFormat, type?: string): string {
  const { entries, changes } = targetHistory(store, target, type);
  if (format === 'json') return `${JSON.stringify({ target, entries, changes }, null, 2)}\n`;
  if (format === 'csv') return timelineCsv(entries);
  if (!entries.length) return `${escapeControls(`No history for ${target}.`)}\n`;
  const lines = entries.map((e) =>
    escapeControls(`run ${e.runId}  ${excelDate(e.runStarted)}  ${e.host} ${e.ip ?? '-'}:${e.port ?? '-'}  ${e.error ?? `${e.thumbprint}  Not After ${excelDate(e.notAfter)}  ${e.issuer}`}`),
  );
  return `${escapeControls(`History of ${target}:`)}\n${lines.join('\n')}\n\n${formatChanges(sortChanges(changes), 'text', 'Changes:')}`;
}

/** The latest result of every endpoint of every target, soonest Not After first (unreachable ones last). */
export function latestResults(store: HistoryStore): EndpointResult[] {
  const results = [...store.snapshot().values()].flatMap((entry) => entry.results);
  const expiry = (r: EndpointResult) => (r.served[0]?.notAfter ? new Date(r.served[0].notAfter).getTime() : Number.POSITIVE_INFINITY);
  return results.sort((a, b) => expiry(a) - expiry(b) || endpointKey(a).localeCompare(endpointKey(b)));
}

const LATEST_HEADERS = ['Target', 'Type', 'FQDN / IP', 'IP Address', 'Port', 'Pool Member', 'Error', 'Thumbprint', 'Issuer', 'Not After (UTC)', 'Days Left', 'Worst Severity', 'Checked At (UTC)'] as const;

export function latestCommand(store: HistoryStore, format: HistoryFormat, now: Date = new Date()): string {
  const results = latestResults(store);
  if (format === 'json') return `${JSON.stringify({ results }, null, 2)}\n`;
  const rows = results.map((r): Cell[] => [
    r.target,
    r.type,
    r.host,
    r.ip,
    r.port,
    r.poolMember ? 'Yes' : 'No',
    r.error?.code,
    r.served[0]?.thumbprint,
    r.served[0]?.issuer,
    excelDate(r.served[0]?.notAfter),
    daysLeft(r, now),
    worstSeverity(r),
    excelDate(r.checkedAt),
  ]);
  if (format === 'csv') return csvDocument(LATEST_HEADERS, rows);
  const lines = rows.map((row) => {
    const expiry = row[9] ? `${row[9]}  ${row[10]} days` : 'no certificate';
    return escapeControls(`${expiry}  ${row[0]} (${row[1]}) ${row[2]} ${row[3] ?? '-'}:${row[4] ?? '-'}  ${row[6] ?? row[8] ?? ''}`);
  });
  return `${lines.length ? lines.join('\n') : 'No history yet.'}\n`;
}
