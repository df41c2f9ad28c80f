// What `check` and `inspect` write to files besides their output: the CSV export (--export) and the
// chain certificates (--save-chain), each written as every result arrives, so that a bulk run of
// thousands of endpoints does not hold its results until it ends.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '../shared/bytes.ts';
import type { EndpointResult } from '../shared/types.ts';
import { certFileName } from '../shared/formats/certfile.ts';
import { resultsCsvWriter } from '../shared/formats/csv-export.ts';
import { cannotWriteMessage, shownPath } from '../shared/formats/file-errors.ts';
import { InputFileError } from './input-files.ts';

export interface ResultFiles {
  add(result: EndpointResult): void;
  /**
   * Closes the files. A finished run's export replaces the file named; an unfinished one leaves an
   * earlier file of that name as it was (its rows so far, if any, stay beside it as NAME.partial).
   */
  end(finished: boolean): void;
}

/**
 * Opens the export before anything is checked (a folder that cannot be written is said at once, not
 * after the run) and makes the chain folder. `say` tells which files were written.
 */
export function openResultFiles(files: { exportPath?: string; chainDir?: string }, say: (text: string) => void): ResultFiles {
  const sinks: ResultFiles[] = [];
  if (files.exportPath) sinks.push(csvExportFile(files.exportPath, say));
  if (files.chainDir) sinks.push(chainFolder(files.chainDir, say));
  return {
    add: (result) => sinks.forEach((sink) => sink.add(result)),
    end: (finished) => sinks.forEach((sink) => sink.end(finished)),
  };
}

/** The export, written to NAME.partial as results arrive and renamed to NAME when the run finishes. */
function csvExportFile(path: string, say: (text: string) => void): ResultFiles {
  const partial = `${path}.partial`;
  const failure = (error: unknown) => new InputFileError(`--export: ${cannotWriteMessage(path, error)}`);
  let fd: number;
  try {
    fd = openSync(partial, 'w');
  } catch (error) {
    throw failure(error);
  }
  let rows = 0;
  const write = (text: string) => {
    try {
      writeSync(fd, text);
    } catch (error) {
      throw failure(error);
    }
  };
  const csv = resultsCsvWriter(write);
  return {
    add(result) {
      csv.add(result);
      rows++;
    },
    end(finished) {
      closeSync(fd);
      if (finished) {
        renameSync(partial, path);
      } else if (rows > 0) {
        say(`The run did not finish: the ${rows === 1 ? 'row' : `${rows} rows`} it wrote ${rows === 1 ? 'is' : 'are'} in ${shownPath(partial)}; ${shownPath(path)} was not changed.\n`);
      } else {
        rmSync(partial, { force: true });
      }
    },
  };
}

/** Each distinct certificate of the built chains, once, as .cer and .pem. */
function chainFolder(dir: string, say: (text: string) => void): ResultFiles {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new InputFileError(`--save-chain: ${cannotWriteMessage(dir, error)}`);
  }
  const seen = new Set<string>();
  return {
    add(result) {
      for (const item of result.chain) {
        if (seen.has(item.cert.thumbprint) || !item.cert.derBase64) continue;
        seen.add(item.cert.thumbprint);
        const der = Buffer.from(item.cert.derBase64, 'base64');
        // The thumbprint keeps two certificates with the same name (a cross-signed CA) apart.
        const base = `${certFileName(item.cert, 'cer').replace(/\.cer$/, '')}-${item.cert.thumbprint.slice(0, 8)}`;
        writeFileSync(join(dir, `${base}.cer`), der);
        writeFileSync(join(dir, `${base}.pem`), toPem(der));
        say(`saved ${join(dir, base)}.cer and .pem\n`);
      }
    },
    end: () => {},
  };
}
