// One capture engine for every server an admin meets: each kind of test/helpers/server-kinds.ts is
// checked end to end through `cli check --json`, and its served chain compared, certificate by
// certificate and in order, with what `openssl s_client -showcerts` reads from the same server.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { main } from '../cli/main.ts';
import { captureEndpoint } from '../shared/engine/capture/index.ts';
import { TestPki, bundle, type IssuedCert } from './helpers/pki.ts';
import { gnutlsAvailable, SERVER_KINDS, type ServerKind, type ServerKindContext } from './helpers/server-kinds.ts';
import { probeBoringssl } from './helpers/boringssl.ts';
import type { EndpointResult } from '../shared/types.ts';

const TIMEOUT_MS = 4000;
/** The ServerHello-then-silence server is checked with a short timeout, so the bound is quick to test. */
const SILENCE_TIMEOUT_MS = 1500;
/** Scheduling slack on a loaded 2-core machine, on top of 2 x the timeout. */
const MARGIN_MS = 1500;

let pki: TestPki;
let root: IssuedCert;
let ctx: ServerKindContext;
let rootFile: string;
/** The BoringSSL probe's answers for the rules preload, or null when it cannot run here. */
let probeFile: string | null = null;
let boringsslMissing: string | null = null;

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RULES = './test/helpers/boringssl-rules.ts';

before(() => {
  pki = new TestPki();
  const hierarchy = pki.hierarchy('Kinds');
  root = hierarchy.root;
  const leaf = pki.issue({ cn: 'sbc.contoso.test', sans: ['DNS:sbc.contoso.test'], issuer: hierarchy.ca });
  rootFile = join(pki.dir, 'kinds-root.pem');
  writeFileSync(rootFile, root.certPem);
  const chainFile = join(pki.dir, 'kinds-chain.pem');
  writeFileSync(chainFile, bundle(hierarchy.ca));
  const fullChainFile = join(pki.dir, 'kinds-full-chain.pem');
  writeFileSync(fullChainFile, bundle(leaf, hierarchy.ca));
  ctx = { leaf, ca: hierarchy.ca, chainFile, fullChainFile, dir: pki.dir };
  const probed = probeBoringssl();
  if ('missing' in probed) boringsslMissing = probed.missing;
  else writeFileSync((probeFile = join(pki.dir, 'boringssl-probe.json')), JSON.stringify(probed));
});

/** The same `cli check --json` in a child process whose node:tls and node:crypto follow BoringSSL's rules. */
function checkUnderBoringssl(host: string, port: number, timeoutMs: number): Promise<EndpointResult> {
  const args = ['--import', 'tsx', '--import', RULES, 'cli/main.ts', 'check', `${host}:${port}`, '--json', '--timeout', String(timeoutMs), '--trust', rootFile];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO, env: { ...process.env, BORINGSSL_PROBE: probeFile! }, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      try {
        resolve((JSON.parse(stdout) as { results: EndpointResult[] }).results[0]!);
      } catch {
        reject(new Error(`cli check under the BoringSSL rules failed: ${error?.message ?? ''}\n${stderr}`));
      }
    });
  });
}

/** What the engine found out about the server itself: none of it may change with the runtime's TLS library. */
const serverFacts = (result: EndpointResult) => ({
  error: result.error?.code ?? null,
  source: result.certificateSource,
  served: result.served.map((cert) => cert.thumbprint),
  protocol: result.tls.protocol,
  cipher: result.tls.cipher,
  keyExchangeGroup: result.tls.keyExchangeGroup,
  encryptThenMac: result.tls.encryptThenMac,
  helloRetried: result.tls.helloRetried,
  firstHelloError: result.tls.firstHelloError?.code ?? null,
  handshakeError: result.tls.handshakeError?.code ?? null,
  versions: result.tls.versions,
  suites: result.tls.suites,
  comments: result.comments.map((c) => c.id).filter((id) => id !== 'runtime-client-failed').sort(),
});

const runtimeFacts = (result: EndpointResult) => ({ protocol: result.tls.runtimeClient?.protocol ?? null, cipher: result.tls.runtimeClient?.cipher ?? null, error: result.tls.runtimeClient?.error?.code ?? null });

async function assertSameUnderBoringssl(kind: ServerKind, host: string, port: number, timeoutMs: number, plain: EndpointResult): Promise<void> {
  const ruled = await checkUnderBoringssl(host, port, timeoutMs);
  const summary = JSON.stringify({ error: ruled.error, tls: ruled.tls, comments: ruled.comments.map((c) => c.id) }, null, 1);
  assert.notEqual(ruled.error?.code, 'INTERNAL', summary);
  assert.notEqual(ruled.tls.handshakeError?.code, 'INTERNAL', summary);
  assert.ok(!ruled.comments.some((c) => c.id === 'internal'), summary);
  assert.deepEqual(serverFacts(ruled), serverFacts(plain), 'under the BoringSSL rules: the same chain (wire, in order), version matrix and verdicts');
  if (kind.expect.boringsslClientFails) {
    // BoringSSL's client lacks what this server insists on: said of the runtime client, not of the server.
    assert.equal(plain.tls.runtimeClient?.error, null, 'under OpenSSL, Node connects');
    assert.ok(ruled.tls.runtimeClient?.error, `under BoringSSL, Node's handshake fails: ${summary}`);
    assert.ok(ruled.comments.some((c) => c.id === 'runtime-client-failed'), `labelled runtime-client-failed: ${summary}`);
    assert.ok(!ruled.comments.some((c) => c.id === 'handshake-failed'), `not blamed on the server: ${summary}`);
  } else {
    assert.deepEqual(runtimeFacts(ruled), runtimeFacts(plain), `Node's own handshake as under OpenSSL: ${summary}`);
  }
}

async function check(host: string, port: number, timeoutMs: number): Promise<{ result: EndpointResult; elapsedMs: number }> {
  let out = '';
  const started = performance.now();
  await main(['check', `${host}:${port}`, '--json', '--timeout', String(timeoutMs), '--trust', rootFile], (text) => {
    out += text;
  }, () => {});
  return { result: JSON.parse(out).results[0], elapsedMs: performance.now() - started };
}

/** SHA-1 thumbprints, in order, of the certificates `openssl s_client -showcerts` prints. */
function sClientThumbprints(host: string, port: number, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', ['s_client', '-connect', `${host}:${port}`, '-showcerts', ...args], { timeout: 15_000 }, (error, stdout) => {
      const pems = stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
      if (pems.length === 0) return reject(new Error(`s_client read no certificate${error ? `: ${error.message}` : ''}`));
      resolve(pems.map((pem) => new X509Certificate(pem).fingerprint.replace(/:/g, '')));
    });
    child.stdin?.end();
  });
}

/** An exact name, or a pattern. */
const pattern = (expected: string | RegExp) => (typeof expected === 'string' ? new RegExp(`^${expected}$`) : expected);

for (const kind of SERVER_KINDS) {
  test(`server kind: ${kind.name}`, async (t) => {
    if (kind.needs === 'gnutls-serv' && !gnutlsAvailable()) {
      // CI installs gnutls-bin (.ci/run): there a missing tool is a failure, never a silent skip.
      assert.ok(process.env.CI !== 'true', 'gnutls-serv (or unshare, which fences it to loopback) is missing');
      t.skip('gnutls-serv or unshare -rn unavailable');
      return;
    }
    const server = await kind.start(ctx);
    try {
      const expect = kind.expect;
      const timeoutMs = expect.error === 'HANDSHAKE_TIMEOUT' ? SILENCE_TIMEOUT_MS : TIMEOUT_MS;
      const { result, elapsedMs } = await check(server.host, server.port, timeoutMs);
      const summary = JSON.stringify({ error: result.error, tls: result.tls, source: result.certificateSource, comments: result.comments.map((c) => c.id) }, null, 1);

      assert.notEqual(result.error?.code, 'INTERNAL', summary);
      assert.ok(!result.comments.some((c) => c.id === 'internal'), summary);
      // Whatever the server does, one endpoint ends within 2 x the timeout.
      assert.ok(elapsedMs < 2 * timeoutMs + MARGIN_MS, `took ${Math.round(elapsedMs)} ms with --timeout ${timeoutMs}`);
      for (const id of expect.comments ?? []) assert.ok(result.comments.some((c) => c.id === id), `comment ${id} expected: ${summary}`);
      for (const id of expect.withoutComments ?? []) assert.ok(!result.comments.some((c) => c.id === id), `comment ${id} unexpected: ${summary}`);

      if (expect.error) {
        assert.equal(result.error?.code, expect.error, summary);
        if (expect.error === 'HANDSHAKE_TIMEOUT') assert.match(result.error!.message, new RegExp(`${timeoutMs} ms`), 'the message states the bound');
        assert.equal(result.certificateSource, null);
      } else {
        assert.equal(result.error, null, summary);
        assert.equal(result.certificateSource, 'wire', summary);
        const served = result.served.map((cert) => cert.thumbprint);
        assert.deepEqual(served, [ctx.leaf.thumbprint, ctx.ca.thumbprint], 'the chain exactly as configured, in order');
        if (kind.sClientArgs) assert.deepEqual(served, await sClientThumbprints(server.host, server.port, kind.sClientArgs), 'the chain s_client reads');
        assert.ok(result.tls.versions, `version matrix present: ${summary}`);
        // Node's negotiation is reported apart, labelled; protocol and cipher are the raw client's.
        assert.ok(result.tls.runtimeClient, summary);
        if (result.tls.protocol && result.tls.cipher) assert.equal(result.tls.suites?.[result.tls.protocol as 'TLSv1.2'], result.tls.cipher, 'tls.cipher agrees with tls.suites');
      }
      if (expect.protocol) assert.equal(result.tls.protocol, expect.protocol, summary);
      if (expect.cipher) assert.match(result.tls.cipher ?? '', pattern(expect.cipher), summary);
      if (expect.keyExchangeGroup) assert.match(result.tls.keyExchangeGroup ?? '', pattern(expect.keyExchangeGroup), summary);
      if (expect.encryptThenMac !== undefined) assert.equal(result.tls.encryptThenMac, expect.encryptThenMac, summary);
      if (expect.helloRetried !== undefined) assert.equal(result.tls.helloRetried, expect.helloRetried, summary);
      for (const version of expect.accepts ?? []) assert.equal(result.tls.versions?.[version], true, `accepts ${version}: ${summary}`);
      assert.equal(Boolean(result.tls.firstHelloError), Boolean(expect.firstHelloFailed), summary);

      // The same server, once more, under BoringSSL's rules (android-libboringssl; CI installs it).
      if (probeFile) await assertSameUnderBoringssl(kind, server.host, server.port, timeoutMs, result);
      else assert.ok(process.env.CI !== 'true', `the BoringSSL probe cannot run: ${boringsslMissing}`);
    } finally {
      await server.close();
    }
  });
}

test('without version probes, a TLS 1.3-intolerant front is still read through the fallback hellos, within 2 x timeout', async () => {
  const kind = SERVER_KINDS.find((candidate) => candidate.name.includes('goes silent on supported_versions'))!;
  const server = await kind.start(ctx);
  try {
    const started = performance.now();
    const capture = await captureEndpoint(
      { target: 'front', type: 'DIR', host: server.host, ip: server.host, port: server.port, poolMember: false, srv: null, srvRecord: null, poolAddresses: [server.host] },
      { timeoutMs: SILENCE_TIMEOUT_MS, probeVersions: false },
    );
    const elapsedMs = performance.now() - started;
    assert.equal(capture.certificateSource, 'wire');
    assert.deepEqual(capture.certificates.map((der) => new X509Certificate(der).fingerprint.replace(/:/g, '')), [ctx.leaf.thumbprint, ctx.ca.thumbprint]);
    assert.equal(capture.tls.protocol, 'TLSv1.2');
    assert.equal(capture.tls.firstHelloError?.code, 'HANDSHAKE_TIMEOUT');
    assert.ok(elapsedMs < 2 * SILENCE_TIMEOUT_MS + MARGIN_MS, `took ${Math.round(elapsedMs)} ms`);
  } finally {
    await server.close();
  }
});

/** A Node TLS server for the given versions, counting the TCP connections it accepts. */
async function countingTlsServer(minVersion: 'TLSv1.2' | 'TLSv1.3', maxVersion: 'TLSv1.2' | 'TLSv1.3') {
  const server = tls.createServer({ key: ctx.leaf.keyPem, cert: bundle(ctx.leaf, ctx.ca), minVersion, maxVersion });
  server.on('tlsClientError', () => {});
  const counter = { connections: 0 };
  server.on('connection', () => counter.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const endpoint = { target: 'counted', type: 'DIR' as const, host: '127.0.0.1', ip: '127.0.0.1', port, poolMember: false, srv: null, srvRecord: null, poolAddresses: ['127.0.0.1'] };
  return { counter, endpoint, close: () => new Promise<void>((done) => server.close(() => done())) };
}

test('the full hello answers "TLS 1.3?": no TLS 1.3-only probe when it was answered (6 connections, the matrix unchanged)', async () => {
  for (const [min, max, tls13] of [['TLSv1.3', 'TLSv1.3', true], ['TLSv1.2', 'TLSv1.2', false]] as const) {
    const server = await countingTlsServer(min, max);
    try {
      const capture = await captureEndpoint(server.endpoint, { timeoutMs: TIMEOUT_MS });
      assert.equal(capture.certificateSource, 'wire');
      assert.equal(capture.tls.versions?.['TLSv1.3'], tls13, `${max} server`);
      assert.equal(capture.tls.versions?.['TLSv1.2'], !tls13, `${max} server`);
      // Full hello, Node's handshake, the TLS 1.0 / 1.1 / 1.2 probes and the SSL 3.0/2.0 probe.
      assert.equal(server.counter.connections, 6, `${max} server`);
    } finally {
      await server.close();
    }
  }
});
