// The files named on the command line, read with messages an admin can act on: what is wrong with
// which file and what to do, never a bare errno code, a usage hint or the file's bytes.
import { readFileSync } from 'node:fs';
import { readCertificates } from '../shared/formats/certfile.ts';
import { EXPECTED_HEADER, parseTargetList } from '../shared/formats/csv-import.ts';
import { decodeTextFile, looksBinary } from '../shared/formats/text-file.ts';
import { cannotReadMessage, shownPath } from '../shared/formats/file-errors.ts';
import type { ImportedList } from '../shared/ipc.ts';

/** A file that cannot be used: the CLI prints "Error: …" and exits 2, without the usage hint. */
export class InputFileError extends Error {
  override name = 'InputFileError';
}

export function readInputFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InputFileError(cannotReadMessage(file, err));
  }
}

/** The certificates of a .cer/.crt/.pem/.p7b file; what for names the option or command, for the message. */
export function readCertificateFile(file: string, what: string): Uint8Array[] {
  const { certificates, errors } = readCertificates(readInputFile(file), file);
  if (certificates.length > 0) return certificates;
  const why = errors.length ? ` (${errors.map((e) => e.replace(/^"[^"]*" is not a certificate file: /, '').replace(/\.$/, '')).join('; ')})` : '';
  throw new InputFileError(`${what}${shownPath(file)} holds no certificate${why}. Give a .cer, .crt, .pem or .p7b file, as exported from the certificate's "Copy to File" or your CA.`);
}

/** A target list (the old tool's CSV); a binary or empty file, or one with no targets, is an InputFileError. */
export function readTargetListFile(file: string): ImportedList {
  const text = decodeTextFile(readInputFile(file));
  const help = `Save the list as CSV (Excel: "CSV UTF-8") with the header ${EXPECTED_HEADER} and one target per line, e.g. sip.contoso.com,DIR,5061.`;
  if (looksBinary(text)) throw new InputFileError(`--import ${shownPath(file)} is not a text file (an Excel workbook or another binary file?). ${help}`);
  if (text.trim() === '') throw new InputFileError(`--import ${shownPath(file)} is empty. ${help}`);
  const list = parseTargetList(file, text);
  if (list.rows.length === 0 && list.importErrors.length === 0) throw new InputFileError(`--import ${shownPath(file)} has a header but no targets. ${help}`);
  return list;
}
