// CLI output and options: --json and --ndjson are written one result at a time, so no single string
// holds every result; option conflicts are usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonDocument, writeNdjson } from '../cli/json-output.ts';
import { main } from '../cli/main.ts';
import { fakeResult } from './helpers/fake-results.ts';
import { TestPki } from './helpers/pki.ts';

const results = [fakeResult({ host: 'a.contoso.com' }), fakeResult({ host: 'b.contoso.com', comments: [{ id: 'expired', severity: 'error', text: 'line\nbreak "quoted"' }] }), fakeResult({ host: 'c.contoso.com' })];

function collect(write: (out: (text: string) => void) => void): string[] {
  const chunks: string[] = [];
  write((text) => chunks.push(text));
  return chunks;
}

test('--json: the same document as one JSON.stringify, written in pieces of at most one result', () => {
  for (const [list, importErrors] of [[results, undefined], [results, [{ line: 3, message: 'bad type' }]], [[], undefined], [[], []]] as const) {
    const chunks = collect((out) => writeJsonDocument(out, [...list], importErrors && [...importErrors]));
    const whole = JSON.stringify(importErrors ? { results: list, importErrors } : { results: list }, null, 2) + '\n';
    assert.equal(chunks.join(''), whole);
    for (const chunk of chunks) assert.ok((chunk.match(/"checkedAt"/g) ?? []).length <= 1, 'one result per write');
  }
});

test('--ndjson: one result per line', () => {
  const lines = collect((out) => writeNdjson(out, results)).join('').split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.map((line) => JSON.parse(line).host), ['a.contoso.com', 'b.contoso.com', 'c.contoso.com']);
});

test('the CLI streams --json and --ndjson, and refuses both at once', async () => {
  const pki = new TestPki();
  try {
    const file = join(pki.dir, 'leaf.pem');
    writeFileSync(file, pki.issue({ cn: 'a.contoso.com', key: 'ec:prime256v1' }).certPem);
    const run = async (...argv: string[]) => {
      const chunks: string[] = [];
      const code = await main(['inspect', file, ...argv], (text) => chunks.push(text), () => {});
      return { code, chunks };
    };
    const json = await run('--json');
    assert.ok(json.chunks.length > 1, 'the envelope and the result are separate writes');
    assert.equal(JSON.parse(json.chunks.join('')).results.length, 1);
    const ndjson = await run('--ndjson');
    assert.equal(JSON.parse(ndjson.chunks.join('').trim()).served.length, 1);
    assert.equal((await run('--json', '--ndjson')).code, 2);
  } finally {
    rmSync(pki.dir, { recursive: true, force: true });
  }
});

test('contradicting or out-of-range options are usage errors', async () => {
  const codeOf = (...argv: string[]) => main(['check', '127.0.0.1:9', ...argv], () => {}, () => {});
  assert.equal(await codeOf('--allow-private-fetch', '--public-fetch-only'), 2);
  assert.equal(await codeOf('--max-endpoints', '0'), 2);
  assert.equal(await codeOf('--max-endpoints', 'many'), 2);
});
