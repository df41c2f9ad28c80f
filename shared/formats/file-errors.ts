// Why a file could not be read, in words an admin can act on instead of an errno code: the command
// line's input files and the SIP client certificate (read in whichever process checks) say it alike.
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
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return `Cannot read ${shownPath(file)}: ${READ_FAILURES[code] ?? `the system refused (${code || String(error)})`}.`;
}
