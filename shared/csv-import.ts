// Target lists in the original tool's CSV format: header `Domain,Type,Port`, Type SIP/SIPINT/FED/DIR or
// blank (= DIR), values optionally quoted, rows may end with a trailing comma.
// The header row is optional; a row whose Domain is not a valid host, IP or SIP domain is rejected here, with
// its line number, so that one bad row never stops the run of the others.
import Papa from 'papaparse';
import type { ImportedList, ImportError } from './ipc.ts';
import { TARGET_TYPES, type TargetInput, type TargetType } from './types.ts';
import { parseTarget } from './target.ts';

/** More rows than any real estate; keeps a hostile file from building an enormous list. */
export const MAX_LIST_ROWS = 20_000;
const MAX_DOMAIN_LENGTH = 1024;

/** Parse a target list file; bad rows become importErrors (with their 1-based line number), never exceptions. */
export function parseTargetList(fileName: string, text: string): ImportedList {
  const rows: TargetInput[] = [];
  const importErrors: ImportError[] = [];
  let truncated = false;
  const source = text.replace(/^\uFEFF/, '');
  // Line number of each row from where the parser found it, so a quoted value spanning lines
  // (or an unterminated quote) does not shift the numbers of the rows after it.
  const lineStarts: number[] = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  let rowStart = 0;
  let index = 0;
  Papa.parse<string[]>(source, {
    header: false,
    skipEmptyLines: false,
    step: (step) => {
      const line = lineAt(rowStart);
      rowStart = step.meta.cursor;
      const first = index++ === 0;
      if (step.errors.length > 0) {
        importErrors.push({ line, message: `Unreadable line: ${step.errors[0].message}.` });
        return;
      }
      const cells = step.data.map((cell) => String(cell ?? '').trim());
      if (cells.every((cell) => cell === '')) return;
      if (first && cells[0]?.toLowerCase() === 'domain') return;
      if (rows.length >= MAX_LIST_ROWS) {
        if (!truncated) importErrors.push({ line, message: `Too many rows: only the first ${MAX_LIST_ROWS} are imported.` });
        truncated = true;
        return;
      }
      const row = parseRow(cells);
      if (typeof row === 'string') importErrors.push({ line, message: row });
      else rows.push(row);
    },
  });

  return { fileName, rows, importErrors };
}

/** One CSV row -> a target, or the reason it is rejected (the original's rules). */
function parseRow([domain = '', typeCell = '', portCell = '']: string[]): TargetInput | string {
  if (domain === '') return 'No domain, FQDN or IP address in this row.';
  if (domain.length > MAX_DOMAIN_LENGTH) return 'The domain is too long.';
  const typeName = (typeCell === '' ? 'DIR' : typeCell.toUpperCase()) as TargetType;
  if (!TARGET_TYPES.includes(typeName)) return `Unknown Type "${typeCell}": use SIP, SIPINT, FED, DIR or leave it blank.`;

  let target: TargetInput;
  if (portCell === '') {
    if (typeName === 'DIR') return `A port is required for ${domain} (Type DIR or blank).`;
    target = { input: domain, type: typeName, port: null };
  } else {
    if (typeName !== 'DIR') return `Cannot have both Port and Domain type specified (${typeName} takes its port from the SRV record).`;
    const port = /^\d{1,5}$/.test(portCell) ? Number(portCell) : NaN;
    if (!(port >= 1 && port <= 65535)) return `Port "${portCell}" is not a number from 1 to 65535.`;
    target = { input: domain, type: 'DIR', port };
  }
  try {
    parseTarget(target);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return target;
}
