// --json and --ndjson, written one result at a time: a bulk run's results together can be longer
// than the longest string JavaScript can hold (hundreds of endpoints with large certificates).
import type { EndpointResult } from '../shared/types.ts';
import type { ImportError } from '../shared/ipc.ts';

type Writer = (text: string) => void;

/** Indent every line after the first, as JSON.stringify does for a nested value (JSON text has no raw newlines in strings). */
function nested(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

/** The same document, byte for byte, as JSON.stringify({ results, importErrors }, null, 2), in pieces. */
export function writeJsonDocument(out: Writer, results: EndpointResult[], importErrors?: ImportError[]): void {
  if (results.length === 0) out('{\n  "results": []');
  else {
    out('{\n  "results": [\n');
    results.forEach((result, index) => out(`    ${nested(result, '    ')}${index < results.length - 1 ? ',' : ''}\n`));
    out('  ]');
  }
  if (importErrors) out(`,\n  "importErrors": ${nested(importErrors, '  ')}`);
  out('\n}\n');
}

/** One result per line, for tools that read a stream (jq -c, log shippers). */
export function writeNdjson(out: Writer, results: EndpointResult[]): void {
  for (const result of results) out(`${JSON.stringify(result)}\n`);
}
