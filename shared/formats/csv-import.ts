// Target lists in the original tool's CSV format: header `Domain,Type,Port` (any case, columns found by
// name as PowerShell's Import-Csv does), Type SIP/SIPINT/FED/DIR or blank (= DIR), values optionally
// quoted, rows may end with a trailing comma. A list without the header line is read as Domain,Type,Port.
// Nothing is lost silently: every row that is not imported gives an ImportError with its line number,
// and one broken row (a stray quote, a bad port) never costs the rows around it.
import Papa from 'papaparse';
import type { ImportedList, ImportError } from '../ipc.ts';
import { TARGET_TYPES, type TargetInput, type TargetType } from '../types.ts';
import { parseTarget } from '../engine/target.ts';
import { quoteExcerpt } from './safe-text.ts';

/** More rows than any real estate; keeps a hostile file from building an enormous list. */
export const MAX_LIST_ROWS = 20_000;
const MAX_DOMAIN_LENGTH = 1024;
export const EXPECTED_HEADER = 'Domain,Type,Port';
const HEADER_NAMES = ['domain', 'type', 'port'] as const;
/** Comma is the old tool's; Excel writes tab for "Unicode text" and semicolon where comma is the decimal sign. */
const DELIMITERS = [',', '\t', ';'] as const;

/** One CSV record: its text (several lines if a quoted value spans them) and the line it starts on. */
interface CsvRecord {
  line: number;
  text: string;
  /** A quote opened here and no later line closed it. */
  unclosedQuote: boolean;
}

function hasOddQuotes(text: string): boolean {
  let count = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) count++;
  return count % 2 === 1;
}

/**
 * Lines grouped into records. A quote left open on one line may close on the next line that has an
 * odd number of quotes (a value spanning lines); a line whose own quotes balance starts a new row.
 * So a stray quote costs its own row, not every row after it (papaparse alone reads to the end of the file).
 */
function splitRecords(source: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let open: { line: number; parts: string[] } | null = null;
  source.split('\n').forEach((text, index) => {
    const odd = hasOddQuotes(text);
    if (open) {
      if (odd) {
        records.push({ line: open.line, text: [...open.parts, text].join('\n'), unclosedQuote: false });
        open = null;
        return;
      }
      records.push({ line: open.line, text: open.parts.join('\n'), unclosedQuote: true });
      open = null;
    }
    if (odd) open = { line: index + 1, parts: [text] };
    else records.push({ line: index + 1, text, unclosedQuote: false });
  });
  if (open !== null) {
    const last: { line: number; parts: string[] } = open;
    records.push({ line: last.line, text: last.parts.join('\n'), unclosedQuote: true });
  }
  return records;
}

/** papaparse's findings in words an admin can act on. */
function explainParseError(error: Papa.ParseError): string {
  switch (error.code) {
    case 'InvalidQuotes':
      return 'A quoted value has text after its closing quote. Inside a quoted value write a quote as two quotes (""), or remove the quotes.';
    case 'MissingQuotes':
      return unclosedQuoteMessage();
    default:
      return `The line could not be read as CSV (${error.message.replace(/\.$/, '')}).`;
  }
}

function unclosedQuoteMessage(): string {
  return 'A quote (") opens a value that is never closed, so this line was skipped; the lines after it were read. Remove the stray quote or close the value.';
}

function cellsOf(text: string, delimiter: string): { cells: string[] } | { error: string } {
  const parsed = Papa.parse<string[]>(text, { delimiter, header: false, skipEmptyLines: false });
  if (parsed.errors.length > 0) return { error: explainParseError(parsed.errors[0]!) };
  return { cells: (parsed.data[0] ?? []).map((cell) => String(cell ?? '').trim()) };
}

interface Columns {
  delimiter: string;
  /** Index of the Domain, Type and Port cells. */
  index: readonly [number, number, number];
  /** The first record is the header (not a target). */
  headerLine: boolean;
}

const HEADERLESS: Columns = { delimiter: ',', index: [0, 1, 2], headerLine: false };

/** Does this first line read like a target row (so the list simply has no header)? */
function looksLikeTargetRow(cells: string[]): boolean {
  const [, type = '', port = ''] = cells;
  return TARGET_TYPES.includes(type.toUpperCase() as TargetType) || /^\d+$/.test(port) || typeof parseRow(cells) !== 'string';
}

/** The columns from the first line, or the sentence saying what the header should have been. */
function readHeader(record: CsvRecord): Columns | string {
  for (const delimiter of DELIMITERS) {
    const read = cellsOf(record.text, delimiter);
    if (!('cells' in read)) continue;
    const names = read.cells.map((cell) => cell.toLowerCase());
    if (!names.includes('domain')) continue;
    const missing = HEADER_NAMES.filter((name) => !names.includes(name));
    if (missing.length > 0) break;
    const [domain, type, port] = HEADER_NAMES.map((name) => names.indexOf(name)) as [number, number, number];
    return { delimiter, index: [domain, type, port], headerLine: true };
  }
  const asRow = cellsOf(record.text, ',');
  if ('cells' in asRow && !asRow.cells.map((c) => c.toLowerCase()).includes('domain') && looksLikeTargetRow(asRow.cells)) return HEADERLESS;
  return (
    `The first line is not the header ${EXPECTED_HEADER} (it reads "${quoteExcerpt(record.text)}"), so no rows were imported. ` +
    `Start the file with the line ${EXPECTED_HEADER} (any case), then one target per line, e.g. sip.contoso.com,DIR,5061 or contoso.com,FED,`
  );
}

/** Parse a target list file; bad rows become importErrors (with their 1-based line number), never exceptions. */
export function parseTargetList(fileName: string, text: string): ImportedList {
  const rows: TargetInput[] = [];
  const importErrors: ImportError[] = [];
  // One line ending for all: a CRLF header followed by LF rows (lists edited on two systems) is common.
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const records = splitRecords(source).filter((record) => record.unclosedQuote || record.text.trim() !== '');
  let columns: Columns = HEADERLESS;
  if (records.length > 0 && !records[0]!.unclosedQuote) {
    const header = readHeader(records[0]!);
    if (typeof header === 'string') return { fileName, rows, importErrors: [{ line: records[0]!.line, message: header }] };
    columns = header;
  }
  for (const record of columns.headerLine ? records.slice(1) : records) {
    const { line } = record;
    if (record.unclosedQuote) {
      importErrors.push({ line, message: unclosedQuoteMessage() });
      continue;
    }
    const read = cellsOf(record.text, columns.delimiter);
    if ('error' in read) {
      importErrors.push({ line, message: read.error });
      continue;
    }
    if (read.cells.every((cell) => cell === '')) continue;
    if (rows.length >= MAX_LIST_ROWS) {
      importErrors.push({ line, message: `Too many rows: only the first ${MAX_LIST_ROWS} are imported.` });
      break;
    }
    const row = parseRow(columns.index.map((i) => read.cells[i] ?? ''));
    if (typeof row === 'string') importErrors.push({ line, message: row });
    else rows.push(row);
  }
  return { fileName, rows, importErrors };
}

/** One CSV row -> a target, or the reason it is rejected (the original's rules). Quotes at most 80 characters of a cell. */
function parseRow([domain = '', typeCell = '', portCell = '']: string[]): TargetInput | string {
  if (domain === '') return 'No domain, FQDN or IP address in this row.';
  if (domain.length > MAX_DOMAIN_LENGTH) return `The domain "${quoteExcerpt(domain)}" is too long.`;
  const typeName = (typeCell === '' ? 'DIR' : typeCell.toUpperCase()) as TargetType;
  if (!TARGET_TYPES.includes(typeName)) return `Unknown Type "${quoteExcerpt(typeCell)}": use SIP, SIPINT, FED, DIR or leave it blank.`;

  let target: TargetInput;
  if (portCell === '') {
    if (typeName === 'DIR') return `A port is required for ${quoteExcerpt(domain)} (Type DIR or blank).`;
    target = { input: domain, type: typeName, port: null };
  } else {
    if (typeName !== 'DIR') return `Cannot have both Port and Domain type specified (${typeName} takes its port from the SRV record).`;
    const port = /^\d{1,5}$/.test(portCell) ? Number(portCell) : NaN;
    if (!(port >= 1 && port <= 65535)) return `Port "${quoteExcerpt(portCell)}" is not a number from 1 to 65535.`;
    target = { input: domain, type: 'DIR', port };
  }
  try {
    parseTarget(target);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // parseTarget quotes the whole domain; keep the quote short and escaped.
    return message.split(domain).join(quoteExcerpt(domain));
  }
  return target;
}
