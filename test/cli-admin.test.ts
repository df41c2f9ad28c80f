// The command line for admins and their scripts: results in the order typed (streamed), --fail-on,
// messages for every mistake, progress on stderr. Loopback servers only (the shared test world).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { main } from '../cli/main.ts';
import { startWorld, at, trustedRootFile, type World } from './helpers/fixtures.ts';
import type { EndpointResult } from '../shared/types.ts';

let world: World;
let rootFile: string;
before(async () => {
  world = await startWorld();
  rootFile = trustedRootFile(world);
});
after(() => world.close());

interface Run {
  code: number;
  out: string;
  err: string;
  progress: string;
  /** When each stdout write happened, ms after the start. */
  writes: number[];
}

async function cli(argv: string[], progressTerminal = false): Promise<Run> {
  const run: Run = { code: 0, out: '', err: '', progress: '', writes: [] };
  const start = Date.now();
  run.code = await main(
    argv,
    (text) => {
      run.out += text;
      run.writes.push(Date.now() - start);
    },
    (text) => {
      run.err += text;
    },
    { write: (text) => (run.progress += text), terminal: progressTerminal },
  );
  return run;
}

const pool = () => `sip.contoso.com:${world.servers.good.port}`;
const key = (r: EndpointResult) => `${r.inputIndex}.${r.memberIndex} ${r.ip}`;

test('results keep the order typed, pool members after their host, whichever finishes first', async () => {
  // The silent server is first and finishes last (its handshake times out); the comma-separated argument counts as two.
  const silent = at(world.servers.silent);
  const closed = `127.0.0.23:${world.closedPort}`;
  const exported = join(world.pki.dir, 'order.csv');
  const listFile = join(world.pki.dir, 'order-list.csv');
  writeFileSync(listFile, `Domain,Type,Port\n${world.servers.expired.host},DIR,${world.servers.expired.port}\n`);
  const argv = ['check', silent, `${pool()}, ${closed}`, '--import', listFile, '--dns-server', world.dns.address, '--timeout', '1200', '--export', exported];
  const run = await cli([...argv, '--ndjson']);
  const results = run.out.trim().split('\n').map((line) => JSON.parse(line) as EndpointResult);
  assert.deepEqual(results.map(key), ['0.0 127.0.0.20', '1.0 127.0.0.2', '1.1 127.0.0.3', '1.2 127.0.0.4', '2.0 127.0.0.23', '3.0 127.0.0.5']);
  assert.deepEqual(results.map((r) => r.memberCount), [1, 3, 3, 3, 1, 1]);
  assert.deepEqual(results.map((r) => r.poolMember), [false, false, true, true, false, false]);
  // Streamed: one write per result, not one at the end.
  assert.equal(run.writes.length, results.length);
  const csvIps = Papa.parse<Record<string, string>>(readFileSync(exported, 'utf8').replace(/^\ufeff/, ''), { header: true, skipEmptyLines: true }).data.map((row) => row['IP Address']);
  assert.deepEqual(csvIps, results.map((r) => r.ip));
  const text = await cli(argv);
  const checked = [...text.out.matchAll(/^Checking IP Address: (127\.0\.0\.\d+)/gm)].map((m) => m[1]);
  assert.deepEqual(checked, results.map((r) => r.ip));
  // An unreachable endpoint's text block says what to try after its error.
  assert.match(text.out, /ERROR: Connection refused by 127\.0\.0\.23:\d+.*\nComments:\n- \[INFO\] No certificate was received, so the certificate checks did not run\. Check that the service is running/);
  assert.match(text.out, /ERROR: 127\.0\.0\.20:\d+ accepted the connection .*\nComments:\n- \[INFO\] .*load balancer with no healthy server/);
});

test('--fail-on: an error comment (expired) exits 1 by default; warning and never change the threshold', async () => {
  const expired = at(world.servers.expired);
  assert.equal((await cli(['check', expired, '--trust', rootFile, '--json'])).code, 1, 'expired is an error');
  assert.equal((await cli(['check', expired, '--trust', rootFile, '--json', '--fail-on', 'never'])).code, 0);
  assert.equal((await cli(['check', at(world.servers.good), '--trust', rootFile, '--json'])).code, 0, 'a good server passes');
  const soon = await cli(['check', at(world.servers.soon), '--trust', rootFile, '--json', '--fail-on', 'warning']);
  assert.ok(JSON.parse(soon.out).results[0].comments.some((c: { severity: string }) => c.severity === 'warning'));
  assert.equal(soon.code, 1, 'expiring soon is a warning, and --fail-on warning fails on it');
  assert.equal((await cli(['check', at(world.servers.soon), '--trust', rootFile, '--json'])).code, 0, 'a warning alone passes the default');
  const bad = await cli(['check', expired, '--fail-on', 'sometimes']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--fail-on takes error, warning, never/);
});

test('mistakes get a message that says what is wrong and what to do', async () => {
  const unknown = await cli(['check', 'x.contoso.com', '--jsn']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /Unknown option "--jsn": did you mean --json\?/);
  assert.doesNotMatch(unknown.err, /positional argument|ERR_PARSE_ARGS/);
  const missingValue = await cli(['check', 'x.contoso.com', '--port']);
  assert.match(missingValue.err, /--port needs a value/);

  const missing = await cli(['inspect', join(world.pki.dir, 'no-such.cer')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /Cannot read .*no-such\.cer: there is no such file/);
  assert.doesNotMatch(missing.err, /ENOENT|Usage error/);

  const notCert = join(world.pki.dir, 'notes.txt');
  writeFileSync(notCert, 'hello');
  const notCertRun = await cli(['inspect', notCert]);
  assert.equal(notCertRun.code, 2);
  assert.match(notCertRun.err, /^Error: .*notes\.txt holds no certificate .*Give a \.cer, \.crt, \.pem or \.p7b file/);

  const binary = join(world.pki.dir, 'list.xlsx');
  writeFileSync(binary, Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe, 0, 1, 2, 3, 4, 5, 6, 7, 8]));
  const binaryRun = await cli(['check', '--import', binary]);
  assert.equal(binaryRun.code, 2);
  assert.match(binaryRun.err, /is not a text file/);
  assert.doesNotMatch(binaryRun.err, /PK|\[2J/, 'the file bytes are not echoed');

  const headerOnly = join(world.pki.dir, 'empty-list.csv');
  writeFileSync(headerOnly, 'Domain,Type,Port\r\n');
  const headerRun = await cli(['check', '--import', headerOnly]);
  assert.equal(headerRun.code, 2);
  assert.match(headerRun.err, /has a header but no targets/);
  assert.equal(headerRun.out, '', 'no blank report');

  const notCsv = join(world.pki.dir, 'notes.csv');
  writeFileSync(notCsv, '{"targets": ["a"]}\n');
  const notCsvRun = await cli(['check', '--import', notCsv]);
  assert.equal(notCsvRun.code, 1, 'a rejected row is status 1');
  assert.equal(notCsvRun.out, '', 'no blank report');
  assert.match(notCsvRun.err, /not the header Domain,Type,Port/);
  assert.match(notCsvRun.err, /nothing to check/);

  // A file name with an escape sequence in it reaches the terminal escaped.
  const hostile = await cli(['inspect', join(world.pki.dir, 'x\u001b[2Jy.cer')]);
  assert.doesNotMatch(hostile.err, /\u001b/);
});

test('--trust with a certificate that is not a CA warns and says what to add instead', async () => {
  const leafFile = join(world.pki.dir, 'leaf-as-root.pem');
  writeFileSync(leafFile, world.certs.good.certPem);
  const run = await cli(['check', at(world.servers.good), '--trust', leafFile, '--json']);
  assert.match(run.err, /Warning: --trust .*leaf-as-root\.pem: "CN=sip\.contoso\.com" is not a CA certificate/);
  assert.match(run.err, /Add the root CA certificate/);
  assert.doesNotMatch((await cli(['check', at(world.servers.good), '--trust', rootFile, '--json'])).err, /Warning/);
});

test('progress on stderr: endpoints counted as DNS expands the pool, what is checked and what it waits for', async () => {
  const run = await cli(['check', pool(), at(world.servers.silent), '--dns-server', world.dns.address, '--timeout', '1500', '--json', '--progress']);
  const lines = run.progress.split('\n').filter(Boolean);
  assert.ok(lines.length >= 2, run.progress);
  assert.match(lines[0], /^0\/2 endpoints/, 'before DNS a target counts as one endpoint');
  assert.ok(lines.some((line) => /\/4 endpoints/.test(line)), `the pool's three addresses are counted: ${run.progress}`);
  assert.ok(lines.some((line) => /checking (sip\.contoso\.com|127\.0\.0\.20):\d+/.test(line)), run.progress);
  assert.ok(lines.some((line) => /waiting .*for (DNS|the TLS handshake)/.test(line)), run.progress);
  assert.doesNotMatch(run.progress, /\r|\u001b/, 'not a terminal: plain lines');
  assert.equal(JSON.parse(run.out).results.length, 4, 'stdout carries only the report');
  const quiet = await cli(['check', at(world.servers.good), '--json']);
  assert.equal(quiet.progress, '', 'no progress when stderr is not a terminal and --progress is not given');
  const terminal = await cli(['check', at(world.servers.good), '--json'], true);
  assert.match(terminal.progress, /^\r\u001b\[K/, 'a terminal: the line is drawn in place');
  assert.match(terminal.progress, /\r\u001b\[K$/, 'and cleared at the end');
});
