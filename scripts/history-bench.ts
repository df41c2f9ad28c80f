// `tsx scripts/history-bench.ts [--endpoints N] [--runs N] [--json]`: what recording the run history
// costs per endpoint, on synthetic results whose certificates have a real certificate's size
// (scripts/bench.ts can pass its own real results to measureRecording instead).
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { measureRecording } from '../shared/history/bench.ts';
import { syntheticResult } from '../test/helpers/history-fixtures.ts';

const { values } = parseArgs({ options: { endpoints: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' }, batch: { type: 'string', default: '1' }, json: { type: 'boolean', default: false } } });

/** A leaf of 1,500 bytes (an RSA-2048 Edge certificate with a few SANs is 1.3 - 1.8 KB). */
function realisticSize(i: number) {
  const result = syntheticResult(i);
  const der = randomBytes(1500);
  const leaf = { ...result.served[0]!, derBase64: der.toString('base64'), sha256: createHash('sha256').update(der).digest('hex').toUpperCase() };
  return { ...result, served: [leaf], chain: [{ ...result.chain[0]!, cert: leaf }, ...result.chain.slice(1)] };
}

const cost = measureRecording(Array.from({ length: Number(values.endpoints) }, (_, i) => realisticSize(i)), Number(values.runs), Number(values.batch));
if (values.json) {
  process.stdout.write(`${JSON.stringify(cost)}\n`);
} else {
  process.stdout.write(
    [
      `history recording, ${cost.endpoints} endpoints x ${cost.runs} runs (node-sqlite3-wasm, ${cost.batchSize} endpoint(s) per transaction)`,
      `  time per endpoint: ${cost.msPerEndpointFirstRun} ms (first run), ${cost.msPerEndpointLaterRuns} ms (later runs, certificates already stored); CPU ${cost.cpuMsPerEndpoint} ms, the rest is waiting for fsync`,
      `  bytes per endpoint: ${cost.bytesPerEndpointFirstRun} (first run), ${cost.bytesPerEndpointLaterRuns} (later runs); the JSON result is ${cost.jsonBytesPerEndpoint}`,
      `  finishRun (retention): ${cost.msFinishRun} ms; file: ${cost.fileBytes} bytes`,
      '',
    ].join('\n'),
  );
}
