// "Export CSV": one row per endpoint in a fixed set of columns that Excel opens cleanly:
// RFC 4180 quoting (papaparse), UTF-8 with BOM, CRLF, dates Excel parses, and no cell Excel would
// run as a formula (certificate fields come from strangers; OWASP's CSV-injection advice).
// Pure and browser-safe. The import format (Domain,Type,Port) is a different file: see csv-import.ts.
import Papa from 'papaparse';
import type { EndpointResult } from '../types.ts';
import { PROTOCOL_VERSIONS } from '../types.ts';
import { spreadsheetCell } from './safe-text.ts';
import { sipStatusLine } from './sip-labels.ts';
import { commentSummary, daysLeft, worstSeverity } from './summary.ts';

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'Client Authentication',
};

/** "2026-11-21 21:40:05": a form Excel reads as a date and time in every locale. UTC. */
export function excelDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 19).replace('T', ' ');
}

type Column = [header: string, value: (r: EndpointResult, now: Date) => string | number | null];

export const EXPORT_COLUMNS: readonly Column[] = [
  ['Target', (r) => r.target],
  ['Type', (r) => r.type],
  ['SRV Record', (r) => (r.srvRecord ? `${r.srvRecord.name} -> ${r.srvRecord.target}:${r.srvRecord.port} (priority ${r.srvRecord.priority}, weight ${r.srvRecord.weight})` : '')],
  ['FQDN / IP', (r) => r.host],
  ['IP Address', (r) => r.ip],
  ['Port', (r) => r.port],
  ['Pool Member', (r) => (r.poolMember ? 'Yes' : 'No')],
  ['Error', (r) => (r.error ? `${r.error.code}: ${r.error.message}` : '')],
  ['Subject', (r) => r.served[0]?.subject ?? ''],
  ['Issuer', (r) => r.served[0]?.issuer ?? ''],
  ['Not Before (UTC)', (r) => excelDate(r.served[0]?.notBefore)],
  ['Not After (UTC)', (r) => excelDate(r.served[0]?.notAfter)],
  ['Days Left', (r, now) => daysLeft(r, now)],
  ['Serial Number', (r) => r.served[0]?.serialNumber ?? ''],
  ['Signature Algorithm', (r) => r.served[0]?.signatureAlgorithm ?? ''],
  ['Thumbprint', (r) => r.served[0]?.thumbprint ?? ''],
  ['Version', (r) => r.served[0]?.version ?? ''],
  ['Public Key', (r) => (r.served[0] ? `${r.served[0].publicKey.algorithm} ${r.served[0].publicKey.size ?? ''}`.trim() : '')],
  ['SAN', (r) => r.served[0]?.san.join('; ') ?? ''],
  ['EKU', (r) => r.served[0]?.ekus?.map((oid) => EKU_NAMES[oid] ?? oid).join('; ') ?? (r.served[0] ? '(any)' : '')],
  ['Certificates Served', (r) => r.served.length],
  ['Issuer Path', (r) => r.chain.map((item) => item.cert.commonName ?? item.cert.subject).join(' > ')],
  ['Root', (r) => r.trust?.root ?? ''],
  ['Trusted', (r) => (r.trust ? (r.trust.trusted ? `Yes (${r.trust.store})` : 'No') : '')],
  ['Chain Valid', (r) => (r.chain.length ? (r.chain.every((c) => c.valid) ? 'True' : 'False') : '')],
  ['TLS Protocol', (r) => r.tls.protocol],
  ['Cipher', (r) => r.tls.cipher],
  ['TLS Versions Accepted', (r) => (r.tls.versions ? PROTOCOL_VERSIONS.filter((v) => r.tls.versions?.[v]).join('; ') : '')],
  ['Revocation', (r) => (r.revocation ? `${r.revocation.status} (${r.revocation.method})` : '')],
  ['Worst Severity', (r) => worstSeverity(r)],
  ['Comment Summary', (r) => commentSummary(r.comments)],
  ['Comment IDs', (r) => r.comments.map((c) => c.id).join('; ')],
  ['Comments', (r) => r.comments.map((c) => `[${c.severity}] ${c.text}`).join('\n')],
  ['Checked At (UTC)', (r) => excelDate(r.checkedAt)],
  // Appended last, so scripts reading columns by position keep working.
  ['Certificates From', (r) => (r.certificateSource ? r.certificateSource : '')],
  ['SIP OPTIONS Status', (r) => (r.sip ? sipStatusLine(r.sip) : '')],
  ['SIP Server', (r) => r.sip?.server ?? r.sip?.userAgent ?? ''],
  ['SIP Round Trip (ms)', (r) => r.sip?.roundTripMs ?? ''],
  ['SIP ms-diagnostics', (r) => r.sip?.diagnostics.map((d) => `${d.header}: ${d.raw}`).join('\n') ?? ''],
  ['Client Certificate', (r) => (r.sip?.clientCertificate ? `${r.sip.clientCertificate.verdict}${r.sip.alert ? ` (${r.sip.alert})` : ''}` : '')],
];

export type Cell = string | number | null | undefined;

/** One CSV line, CRLF-terminated: RFC 4180 quoting (every cell quoted), and no cell a spreadsheet would run as a formula. */
function csvLine(cells: readonly Cell[]): string {
  const texts = cells.map((v) => (v === null || v === undefined ? '' : spreadsheetCell(String(v))));
  return `${Papa.unparse([texts], { quotes: true, newline: '\r\n', escapeFormulae: false })}\r\n`;
}

/** The UTF-8 byte order mark Excel needs to read the file as UTF-8, then the header line. */
function csvHead(headers: readonly string[]): string {
  return `\uFEFF${csvLine(headers)}`;
}

/** RFC 4180 quoting, UTF-8 with BOM, CRLF, and no cell a spreadsheet would run as a formula: every CSV file this tool writes. */
export function csvDocument(headers: readonly string[], rows: readonly Cell[][]): string {
  return csvHead(headers) + rows.map(csvLine).join('');
}

function exportRow(result: EndpointResult, now: Date): Cell[] {
  return EXPORT_COLUMNS.map(([, value]) => value(result, now));
}

/** The export file's text, BOM included. Every row has exactly EXPORT_COLUMNS.length cells. */
export function resultsToCsv(results: EndpointResult[], now: Date = new Date()): string {
  return csvDocument(
    EXPORT_COLUMNS.map(([header]) => header),
    results.map((r) => exportRow(r, now)),
  );
}

/**
 * The same file as resultsToCsv, written a row at a time as results arrive: a bulk run on the command
 * line need not hold every result until it ends. The header is written at once.
 */
export function resultsCsvWriter(write: (text: string) => void, now: Date = new Date()): { add(result: EndpointResult): void } {
  write(csvHead(EXPORT_COLUMNS.map(([header]) => header)));
  return { add: (result) => write(csvLine(exportRow(result, now))) };
}
