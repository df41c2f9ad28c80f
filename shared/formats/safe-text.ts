// Text from strangers (certificate fields, server messages, CSV cells) made safe to show or hand on:
// control characters written out as escapes, so a terminal, a clipboard or a spreadsheet shows them
// instead of obeying them, and spreadsheet cells that could start a formula neutralised.
// One helper for the text report, the CLI, the "Copy" text and the CSV export. Pure and browser-safe.

/**
 * C0 controls, DEL, C1 controls, and the invisible characters that reorder or hide text
 * (bidi overrides and isolates, line/paragraph separators, zero-width and BOM): a field could
 * otherwise fake a line ("OK"), move the cursor, set a window title or reverse what follows.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
const UNSAFE_KEEP_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  // \uHHHH above C0 keeps `--json` output valid JSON (JSON.stringify already escapes C0 itself).
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface EscapeOptions {
  /** Leave "\n" alone: for text whose line breaks the program itself wrote (a report, a multi-line cell). */
  keepNewlines?: boolean;
}

/** `text` with every control or invisible reordering character written as an escape (\x1b, \t, \u202e). */
export function escapeControls(text: string, options: EscapeOptions = {}): string {
  return text.replace(options.keepNewlines ? UNSAFE_KEEP_NEWLINE : UNSAFE, escapeOne);
}

/**
 * Could a spreadsheet read this cell as a formula? Excel and LibreOffice skip leading spaces and
 * controls (LibreOffice turned "\0=3+3" into 3+3) and accept the full-width ＝＋－＠ too.
 * A leading control character counts by itself (OWASP lists tab and carriage return).
 */
const FORMULA_START = /^(?:[\p{Cc}]|[\p{Cc}\s]*[=+\-@\uff1d\uff0b\uff0d\uff20])/u;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A cell for a spreadsheet: controls escaped (line breaks kept: a multi-line cell is fine in a
 * quoted CSV value), and a leading quote when it could start a formula (Excel then shows the text).
 */
export function spreadsheetCell(value: string): string {
  const neutralise = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
  const escaped = escapeControls(value, { keepNewlines: true });
  return neutralise ? `'${escaped}` : escaped;
}

/** At most `max` characters of a stranger's value, escaped, for quoting in an error message. */
export function quoteExcerpt(value: string, max = 80): string {
  const escaped = escapeControls(value);
  return escaped.length > max ? `${escaped.slice(0, max)}… (${value.length} characters)` : escaped;
}
