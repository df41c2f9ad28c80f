// Why a file could not be read or written, in words an admin can act on instead of an errno code: the
// command line's files and the SIP client certificate (read in whichever process checks) say it alike.
import { escapeControls } from './safe-text.ts';

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'there is no such file (check the path and the current folder)',
  EACCES: 'permission denied (the file is not readable by this user)',
  EPERM: 'permission denied (the file is not readable by this user)',
  EISDIR: 'it is a folder, not a file',
  EMFILE: 'too many files are open; try again',
};

/** A path for a message: escaped, since it may hold anything a shell passes. */
export function shownPath(file: string): string {
  return escapeControls(file);
}

/** "Cannot read FILE: why." for an error thrown by fs.readFileSync. */
export function cannotReadMessage(file: string, error: unknown): string {
  return `Cannot read ${shownPath(file)}: ${why(READ_FAILURES, error)}.`;
}

const WRITE_FAILURES: Record<string, string> = {
  ...READ_FAILURES,
  ENOENT: 'the folder does not exist (check the path and the current folder)',
  EACCES: 'permission denied (this user may not write there)',
  EPERM: 'permission denied (this user may not write there)',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
};

/** "Cannot write FILE: why." for an error thrown by fs.openSync or fs.writeSync. */
export function cannotWriteMessage(file: string, error: unknown): string {
  return `Cannot write ${shownPath(file)}: ${why(WRITE_FAILURES, error)}.`;
}

function why(table: Record<string, string>, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return table[code] ?? `the system refused (${code || String(error)})`;
}
