// The history's CSV documents (a target's timeline, a list of changes) with the results export's rules,
// pure and browser-safe: the CLI's `--csv` and the app's exports write the same files.
import type { ChangeRecord } from '../history/changes.ts';
import { csvDocument, excelDate, type Cell } from './csv-export.ts';

/** One recorded result of a target, as its History shows it. */
export interface TimelineEntry {
  runId: number;
  runStarted: string;
  host: string;
  ip: string | null;
  port: number | null;
  poolMember: boolean;
  error: string | null;
  thumbprint: string | null;
  issuer: string | null;
  notAfter: string | null;
  root: string | null;
}


const CHANGE_HEADERS = ['Severity', 'Change', 'Target', 'Type', 'FQDN / IP', 'IP Address', 'Port', 'Pool Member', 'From', 'To', 'Checked At (UTC)', 'Details'] as const;

function changeRow(c: ChangeRecord): Cell[] {
  return [c.severity, c.kind, c.target, c.type, c.host, c.ip, c.port, c.poolMember ? 'Yes' : 'No', c.from, c.to, excelDate(c.checkedAt), c.text];
}

/** Change records as CSV. */
export function changesCsv(changes: ChangeRecord[]): string {
  return csvDocument(CHANGE_HEADERS, changes.map(changeRow));
}

const TIMELINE_HEADERS = ['Run', 'Run Started (UTC)', 'FQDN / IP', 'IP Address', 'Port', 'Pool Member', 'Error', 'Thumbprint', 'Issuer', 'Not After (UTC)', 'Root'] as const;

/** A target's timeline as CSV (the CLI's `history --csv` and the app's export). */
export function timelineCsv(entries: TimelineEntry[]): string {
  return csvDocument(TIMELINE_HEADERS, entries.map((e): Cell[] => [e.runId, excelDate(e.runStarted), e.host, e.ip, e.port, e.poolMember ? 'Yes' : 'No', e.error, e.thumbprint, e.issuer, excelDate(e.notAfter), e.root]));
}
