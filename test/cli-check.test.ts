// End to end: `npm run cli -- check` against real loopback servers and a real DNS server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import { openResultFiles } from '../cli/result-files.ts';
import { emptyResult } from '../shared/engine/pipeline.ts';
import { startWorld, at, type World } from './helpers/fixtures.ts';
import type { EndpointResult } from '../shared/types.ts';

let world: World;
let rootFile: string;
before(async () => {
  world = await startWorld();
  rootFile = join(world.pki.dir, 'trusted-root.pem');
  writeFileSync(rootFile, world.root.certPem);
});
after(() => world.close());

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(argv, (text) => {
    out += text;
  }, () => {});
  return { code, out };
}

async function json(...argv: string[]): Promise<{ code: number; results: EndpointResult[] }> {
  const { code, out } = await cli('check', ...argv, '--json', '--timeout', '1500');
  return { code, results: JSON.parse(out).results };
}

const ids = (r: EndpointResult) => r.comments.map((c) => c.id);

test('a good server: the served chain exactly as sent, every field as openssl reports it', async () => {
  const { code, results } = await json(`127.0.0.2:${world.servers.good.port}`, '--trust', rootFile);
  assert.equal(code, 0);
  assert.equal(results.length, 1);
  const [r] = results;
  assert.equal(r.error, null);
  assert.equal(r.host, '127.0.0.2');
  assert.equal(r.ip, '127.0.0.2');
  assert.equal(r.port, world.servers.good.port);
  assert.equal(r.poolMember, false);
  assert.equal(r.srv, null);
  assert.deepEqual(r.served.map((c) => c.thumbprint), [world.certs.good.thumbprint, world.ca.thumbprint]);
  const leaf = r.served[0];
  assert.equal(leaf.serialNumber, world.certs.good.serial);
  assert.equal(new Date(leaf.notBefore).getTime(), world.certs.good.notBefore.getTime());
  assert.equal(new Date(leaf.notAfter).getTime(), world.certs.good.notAfter.getTime());
  assert.equal(leaf.subject, 'CN=sip.contoso.com');
  assert.equal(leaf.signatureAlgorithm, 'sha256RSA');
  assert.equal(leaf.version, 'V3');
  assert.deepEqual(leaf.publicKey, { algorithm: 'RSA', size: 2048, curve: null });
  assert.deepEqual(leaf.san, ['sip.contoso.com']);
  assert.ok(leaf.extensions.some((e) => e.oid === '2.5.29.37' && /Server Authentication \(1\.3\.6\.1\.5\.5\.7\.3\.1\)/.test(e.data)));
  assert.match(r.tls.protocol ?? '', /^TLSv1\.[23]$/);
  assert.ok(r.tls.cipher);
  // Built chain ends at the root the admin trusted.
  assert.deepEqual(r.chain.map((c) => c.cert.thumbprint), [world.certs.good.thumbprint, world.ca.thumbprint, world.root.thumbprint]);
  assert.ok(r.chain.every((c) => c.valid));
  assert.deepEqual(r.trust && { trusted: r.trust.trusted, store: r.trust.store }, { trusted: true, store: 'user' });
  assert.ok(ids(r).includes('ip-target'));
  assert.ok(!r.comments.some((c) => c.severity === 'error'), JSON.stringify(r.comments));
});

test('a DNSLB pool: every address tested, pool members marked, different certificates flagged on every member', async () => {
  const { code, results } = await json(`sip.contoso.com:${world.servers.good.port}`, '--dns-server', world.dns.address, '--trust', rootFile);
  assert.equal(code, 0);
  assert.deepEqual(results.map((r) => `${r.ip} ${r.poolMember}`), ['127.0.0.2 false', '127.0.0.3 true', '127.0.0.4 true']);
  assert.deepEqual(results[0].poolAddresses, ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  for (const r of results) {
    assert.ok(ids(r).includes('pool-mismatch'), `pool-mismatch on ${r.ip}`);
    assert.ok(ids(r).includes('name-match'));
  }
  assert.equal(results[2].served[0].thumbprint, world.certs.pool2.thumbprint);
  const { results: single } = await json(`sip.contoso.com:${world.servers.good.port}`, '--dns-server', world.dns.address, '--no-dnslb');
  assert.equal(single.length, 1);
});

test('FED SRV: the record, its target and the pool', async () => {
  const { results } = await json('contoso.com', '--type', 'FED', '--dns-server', world.dns.address, '--trust', rootFile);
  assert.equal(results.length, 3);
  for (const r of results) {
    assert.equal(r.type, 'FED');
    assert.equal(r.srv, '_sipfederationtls._tcp.contoso.com');
    assert.equal(r.host, 'sip.contoso.com');
    assert.equal(r.target, 'contoso.com');
    assert.ok(!ids(r).includes('srv-target-name'));
  }
  const { results: sip } = await json('contoso.com', '--type', 'SIP', '--dns-server', world.dns.address, '--trust', rootFile);
  assert.equal(sip.length, 1);
  assert.ok(ids(sip[0]).includes('srv-target-name'));
  // One problem, one comment: for an SRV target the SRV rule speaks, not the generic name rule.
  assert.ok(!ids(sip[0]).includes('name-mismatch'));
});

test('the served order is kept: wrong order, an unrelated extra certificate, the root sent', async () => {
  const { results: [wrong] } = await json(at(world.servers.wrongOrder), '--trust', rootFile);
  assert.deepEqual(wrong.served.map((c) => c.thumbprint), [world.certs.good.thumbprint, world.root.thumbprint, world.ca.thumbprint]);
  assert.ok(ids(wrong).includes('chain-order'));
  const { results: [extra] } = await json(at(world.servers.extraCert), '--trust', rootFile);
  assert.deepEqual(extra.served.map((c) => c.thumbprint), [world.certs.good.thumbprint, world.ca.thumbprint, world.certs.unrelated.thumbprint]);
  assert.ok(ids(extra).includes('extra-cert'));
  const { results: [withRoot] } = await json(at(world.servers.withRoot), '--trust', rootFile);
  assert.equal(withRoot.served.length, 3);
  assert.ok(ids(withRoot).includes('root-sent'));
});

test('certificate faults: expired, self-signed, missing intermediate, SHA-1, untrusted root, expiring soon', async () => {
  const check = async (name: string, trust = true) => (await json(at(world.servers[name]), ...(trust ? ['--trust', rootFile] : []))).results[0];
  const expired = await check('expired');
  assert.equal(expired.error, null, 'an expired certificate is still captured');
  assert.ok(ids(expired).includes('expired'));
  assert.ok(ids(await check('selfSigned')).includes('self-signed'));
  const missing = await check('noIntermediate');
  assert.deepEqual(missing.served.map((c) => c.thumbprint), [world.certs.good.thumbprint]);
  assert.ok(ids(missing).includes('incomplete-chain'));
  assert.ok(ids(await check('sha1')).includes('weak-signature'));
  assert.ok(ids(await check('good', false)).includes('untrusted-root'));
  assert.ok(ids(await check('soon')).includes('expires-soon'));
});

test('a server that demands a client certificate still shows its certificate', async () => {
  const { code, results: [r] } = await json(at(world.servers.clientCert), '--trust', rootFile);
  assert.equal(code, 0);
  assert.equal(r.error, null);
  assert.equal(r.served[0].thumbprint, world.certs.good.thumbprint);
  assert.equal(r.tls.clientCertRequested, true);
});

test('TLS 1.2-only and TLS 1.3-only servers', async () => {
  const { results: [t12] } = await json(at(world.servers.tls12));
  assert.equal(t12.tls.protocol, 'TLSv1.2');
  assert.equal(t12.served.length, 2);
  const { results: [t13] } = await json(at(world.servers.tls13));
  assert.equal(t13.tls.protocol, 'TLSv1.3');
  assert.deepEqual(t13.served.map((c) => c.thumbprint), [world.certs.good.thumbprint, world.ca.thumbprint]);
});

test('hostile endpoints are classified within the timeout and the run moves on', async () => {
  const started = Date.now();
  const { code, results } = await json(
    at(world.servers.silent),
    `127.0.0.23:${world.closedPort}`,
    at(world.servers.http),
    at(world.servers.garbage),
    'slow.contoso.com:5061',
    at(world.servers.good),
    '--dns-server',
    world.dns.address,
  );
  assert.equal(code, 1);
  assert.deepEqual(
    results.map((r) => r.error?.code ?? 'ok'),
    ['HANDSHAKE_TIMEOUT', 'CONNECT_REFUSED', 'NOT_TLS', results[3].error?.code, 'DNS_TIMEOUT', 'ok'],
  );
  assert.match(results[3].error?.code ?? '', /NOT_TLS|PROTOCOL_ERROR/);
  for (const r of results.slice(0, 5)) assert.ok(r.error!.message.length > 20, r.error!.message);
  assert.ok(Date.now() - started < 8000, 'bounded by the timeout, not by the slowest server');
});

test('text output follows the old layout and ends with Comments', async () => {
  const { code, out } = await cli('check', 'contoso.com', '--type', 'FED', '--dns-server', world.dns.address, '--no-dnslb', '--advanced', '--chain', '--trust', rootFile);
  assert.equal(code, 0);
  for (const line of [
    'SRV Record: FED contoso.com',
    `Checking FQDN: sip.contoso.com:${world.servers.good.port}`,
    `Checking IP Address: 127.0.0.2:${world.servers.good.port}`,
    'Certificate Response:',
    'Subject: CN=sip.contoso.com',
    `Thumbprint: ${world.certs.good.thumbprint}`,
    'Extension Type: Enhanced Key Usage',
    'Certificate Chain (as built):',
    'Chain is valid: True',
    'Comments:',
  ]) {
    assert.ok(out.includes(line), `missing "${line}" in:\n${out}`);
  }
});

test('usage errors exit 2 with a clear message', async () => {
  for (const argv of [['check'], ['check', 'bad host'], ['check', 'x.com', '--type', 'XYZ'], ['check', 'x.com:99999'], ['check', 'x.com', '--type', 'FED', '--port', '5061'], ['check', 'x.com', '--dns-server', 'nope'], ['check', 'x.com', '--bogus'], ['frobnicate']]) {
    assert.equal((await cli(...argv)).code, 2, argv.join(' '));
  }
});

test('npm run cli works as a command, with exit status 0 and 1', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: join(import.meta.dirname, '..') }, (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
  const ok = await run(['check', at(world.servers.good), '--json', '--trust', rootFile]);
  assert.equal(ok.code, 0);
  assert.equal(JSON.parse(ok.stdout).results[0].served[0].thumbprint, world.certs.good.thumbprint);
  const bad = await run(['check', `127.0.0.23:${world.closedPort}`, '--json']);
  assert.equal(bad.code, 1);
  assert.equal(JSON.parse(bad.stdout).results[0].error.code, 'CONNECT_REFUSED');
});

/** A TLS 1.2 server flight (ServerHello, Certificate, ServerHelloDone) whose certificate is not DER at all. */
function flightWithBrokenCertificate(): Buffer {
  const handshake = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
  const serverHello = handshake(2, Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0, 0xc0, 0x2f, 0])]));
  const junk = Buffer.from('this is not a certificate, just bytes');
  const certificate = handshake(11, Buffer.concat([u24(junk.length + 3), u24(junk.length), junk]));
  const body = Buffer.concat([serverHello, certificate, handshake(14, Buffer.alloc(0))]);
  return Buffer.concat([Buffer.from([0x16, 3, 3, body.length >> 8, body.length & 0xff]), body]);
}

test('a certificate that will not parse is reported, not a crash', async () => {
  const { startRawServer } = await import('./helpers/servers.ts');
  const broken = await startRawServer(flightWithBrokenCertificate(), '127.0.0.30');
  try {
    const { code, results: [r] } = await json(at(broken));
    assert.equal(code, 1, 'the endpoint was reached, and an unreadable certificate is an error (--fail-on error)');
    assert.equal(r.served.length, 1);
    assert.match(r.served[0].parseError ?? '', /could not be decoded/);
    assert.match(r.served[0].thumbprint, /^[0-9A-F]{40}$/);
    assert.deepEqual(ids(r).filter((id) => id === 'unparseable-certificate'), ['unparseable-certificate']);
  } finally {
    await broken.close();
  }
});

test('--export: a folder that cannot be written is said before anything is checked; an unfinished run leaves the old file', async () => {
  let out = '';
  const errors: string[] = [];
  const run = (...argv: string[]) => main(argv, (t) => (out += t), (t) => errors.push(t));
  const target = `127.0.0.2:${world.servers.good.port}`;
  assert.equal(await run('check', target, '--export', join(world.pki.dir, 'no-such-folder', 'out.csv'), '--trust', rootFile), 2);
  assert.match(errors.join(''), /--export: Cannot write .*no-such-folder.*out\.csv: the folder does not exist/);
  assert.equal(out, '', 'nothing was checked');
  // A run that stops before its end (here: the client certificate cannot be read) keeps an earlier export.
  const exported = join(world.pki.dir, 'kept.csv');
  writeFileSync(exported, 'an earlier export\r\n');
  assert.equal(await run('check', target, '--export', exported, '--client-cert', join(world.pki.dir, 'missing.pem')), 2);
  assert.equal(readFileSync(exported, 'utf8'), 'an earlier export\r\n');
  assert.equal(existsSync(`${exported}.partial`), false, 'an empty partial file is not left behind');
  // A finished run replaces it, through the .partial file.
  assert.equal(await run('check', target, '--export', exported, '--trust', rootFile, '--timeout', '1500'), 0);
  assert.match(readFileSync(exported, 'utf8'), /^\uFEFF"Target",/);
  assert.equal(existsSync(`${exported}.partial`), false);
});

test('--export: the rows of a run that did not finish stay beside the file, as NAME.partial', () => {
  const exported = join(world.pki.dir, 'interrupted.csv');
  writeFileSync(exported, 'an earlier export\r\n');
  const said: string[] = [];
  const files = openResultFiles({ exportPath: exported }, (t) => said.push(t));
  const base = { target: 'a.contoso.com', type: 'DIR' as const, host: 'a.contoso.com', ip: '127.0.0.2', port: 5061, poolMember: false, srv: null, srvRecord: null, poolAddresses: [] };
  files.add(emptyResult(base));
  files.add(emptyResult({ ...base, target: 'b.contoso.com', host: 'b.contoso.com' }));
  files.end(false);
  assert.equal(readFileSync(exported, 'utf8'), 'an earlier export\r\n');
  const partial = readFileSync(`${exported}.partial`, 'utf8').split('\r\n');
  assert.deepEqual(partial.map((line) => line.split(',')[0]), ['\uFEFF"Target"', '"a.contoso.com"', '"b.contoso.com"', '']);
  assert.match(said.join(''), /did not finish: the 2 rows it wrote are in .*interrupted\.csv\.partial; .*interrupted\.csv was not changed/);
});

test('--import runs every valid row, reports bad ones by line, and --export writes a CSV Python reads back', async () => {
  const list = join(world.pki.dir, 'partners.csv');
  const exported = join(world.pki.dir, 'results.csv');
  writeFileSync(list, ['Domain,Type,Port', `"127.0.0.2","DIR","${world.servers.good.port}",`, '"contoso.com","FED","5061",', `127.0.0.5,,${world.servers.expired.port}`, 'bad host,DIR,443', ''].join('\r\n'));
  let out = '';
  const errors: string[] = [];
  const code = await main(['check', '--import', list, '--export', exported, '--json', '--trust', rootFile, '--timeout', '1500'], (t) => {
    out += t;
  }, (t) => errors.push(t));
  assert.equal(code, 1, 'rejected rows make the run incomplete');
  const doc = JSON.parse(out);
  assert.deepEqual(doc.results.map((r: EndpointResult) => r.ip), ['127.0.0.2', '127.0.0.5']);
  assert.deepEqual(doc.importErrors.map((e: { line: number }) => e.line), [3, 5]);
  assert.match(errors.join(''), /partners\.csv:3: Cannot have both Port and Domain type/);
  const rows = JSON.parse(
    execFileSync('python3', ['-c', 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))', exported], { encoding: 'utf8' }),
  ) as string[][];
  assert.equal(rows.length, 3);
  assert.ok(rows.every((row) => row.length === rows[0].length));
  assert.equal(rows[2][rows[0].indexOf('Thumbprint')], world.certs.expired.thumbprint);
  assert.match(rows[2][rows[0].indexOf('Comment IDs')], /\bexpired\b/);
});
