// --json and --ndjson, written one result at a time: a bulk run's results together can be longer
// than the longest string JavaScript can hold (hundreds of endpoints with large certificates), and a
// script reading the stream gets each result as soon as it is next in the input order.
import type { EndpointResult } from '../shared/types.ts';
import type { ImportError } from '../shared/ipc.ts';

type Writer = (text: string) => void;

/** Results written as they come; end() closes the output. */
export interface ResultWriter {
  write(result: EndpointResult): void;
  end(): void;
}

/** Indent every line after the first, as JSON.stringify does for a nested value (JSON text has no raw newlines in strings). */
function nested(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

/** The same document, byte for byte, as JSON.stringify({ results, importErrors }, null, 2), in pieces. */
export function jsonDocumentWriter(out: Writer, importErrors?: ImportError[]): ResultWriter {
  let count = 0;
  return {
    write(result) {
      out(`${count++ === 0 ? '{\n  "results": [\n' : ',\n'}    ${nested(result, '    ')}`);
    },
    end() {
      out(count === 0 ? '{\n  "results": []' : '\n  ]');
      if (importErrors) out(`,\n  "importErrors": ${nested(importErrors, '  ')}`);
      out('\n}\n');
    },
  };
}

/** One result per line, for tools that read a stream (jq -c, log shippers). */
export function ndjsonWriter(out: Writer): ResultWriter {
  return { write: (result) => out(`${JSON.stringify(result)}\n`), end: () => {} };
}

export function writeJsonDocument(out: Writer, results: EndpointResult[], importErrors?: ImportError[]): void {
  writeAll(jsonDocumentWriter(out, importErrors), results);
}

export function writeNdjson(out: Writer, results: EndpointResult[]): void {
  writeAll(ndjsonWriter(out), results);
}

function writeAll(writer: ResultWriter, results: EndpointResult[]): void {
  for (const result of results) writer.write(result);
  writer.end();
}
