// The raw TLS client against real servers on loopback: openssl s_server (TLS 1.0-1.3, chosen
// chains, client-certificate requests, OCSP stapling) and Node's tls and http servers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import * as asn1js from 'asn1js';
import { bundle, TestPki, type IssuedCert } from './helpers/pki.ts';
import { freePort, startOpensslServer, type RunningServer } from './helpers/servers.ts';
import { probeVersions, rawHandshake, type RawHandshakeOptions, type RawHandshakeResult } from '../shared/engine/capture/tls/raw-client.ts';
import type { TlsVersion } from '../shared/types.ts';
import { ByteReader } from '../shared/engine/capture/tls/wire.ts';
import { buildClientHello, sniHostName } from '../shared/engine/capture/tls/client-hello.ts';
import { parseExtensions } from '../shared/engine/capture/tls/messages.ts';
import { KEY_SHARE_GROUPS } from '../shared/engine/capture/tls/key-exchange.ts';

const LOOPBACK = '127.0.0.1';
const SERVER_NAME = 'sip.contoso.test';
const TIMEOUT_MS = 4000;
const OLD_CIPHERS = ['-cipher', 'DEFAULT@SECLEVEL=0'];

const pki = new TestPki();
let root: IssuedCert;
let issuingCa: IssuedCert;
let leaf: IssuedCert;
let ecLeaf: IssuedCert;
let unrelated: IssuedCert;
let clientCaA: IssuedCert;
let clientCaB: IssuedCert;
let clientCasPath: string;
let ocspResponsePath: string;
let ocspResponse: Buffer;

const opensslServers: RunningServer[] = [];
const netServers: Server[] = [];

before(() => {
  // EC keys except for the leaf (RSA key transport needs an RSA key): RSA key generation is slow.
  root = pki.issue({ cn: 'Raw TLS Root CA', subjectPrefix: '/O=Contoso Test', ca: true, key: 'ec:P-256', days: 3650 });
  issuingCa = pki.issue({ cn: 'Raw TLS Issuing CA', subjectPrefix: '/O=Contoso Test', ca: true, issuer: root, key: 'ec:P-384' });
  leaf = pki.issue({ cn: SERVER_NAME, sans: [`DNS:${SERVER_NAME}`, 'IP:127.0.0.1'], issuer: issuingCa });
  ecLeaf = pki.issue({ cn: 'ec.contoso.test', sans: ['DNS:ec.contoso.test'], issuer: issuingCa, key: 'ec:P-256' });
  unrelated = pki.issue({ cn: 'Unrelated Self-Signed', subjectPrefix: '/O=Elsewhere', ca: true, key: 'ec:P-256' });
  clientCaA = pki.issue({ cn: 'Partner Client Root A', subjectPrefix: '/C=US/O=Fabrikam', ca: true, key: 'ec:P-256' });
  clientCaB = pki.issue({ cn: 'Partner Client Root B', subjectPrefix: '/O=Northwind', ca: true, key: 'ec:P-256' });
  clientCasPath = writeTemp('clientcas.pem', bundle(clientCaA, clientCaB));
  ocspResponsePath = makeOcspResponse(leaf, issuingCa);
  ocspResponse = readFileSync(ocspResponsePath);
});

after(async () => {
  await Promise.all(opensslServers.map((server) => server.close()));
  await Promise.all(netServers.map((server) => new Promise((r) => server.close(r))));
  rmSync(pki.dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

function writeTemp(name: string, content: string): string {
  const path = join(pki.dir, name);
  writeFileSync(path, content);
  return path;
}

/** A real OCSP response for the leaf, signed by its issuer, for s_server -status_file. */
function makeOcspResponse(subject: IssuedCert, issuer: IssuedCert): string {
  const index = join(pki.dir, `${subject.name}.ca`, 'index.txt'); // the database `openssl ca` kept for this leaf
  const request = join(pki.dir, 'ocsp-request.der');
  const response = join(pki.dir, 'ocsp-response.der');
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  run(['ocsp', '-issuer', issuer.certPath, '-cert', subject.certPath, '-no_nonce', '-reqout', request]);
  run(['ocsp', '-index', index, '-rsigner', issuer.certPath, '-rkey', issuer.keyPath, '-CA', issuer.certPath, '-reqin', request, '-respout', response, '-ndays', '1']);
  return response;
}


/** Starts `openssl s_server` with the leaf and the given chain file; resolves once it prints ACCEPT. */
async function startOpenssl(args: string[], certificate: IssuedCert = leaf): Promise<number> {
  const server = await startOpensslServer({ host: LOOPBACK, certPath: certificate.certPath, keyPath: certificate.keyPath, args });
  opensslServers.push(server);
  return server.port;
}

function chainFile(...certs: IssuedCert[]): string[] {
  return ['-cert_chain', writeTemp(`chain-${certs.map((c) => c.name).join('+')}.pem`, bundle(...certs))];
}

function handshake(port: number, extra: Partial<RawHandshakeOptions> = {}): Promise<RawHandshakeResult> {
  return rawHandshake({ ip: LOOPBACK, port, servername: SERVER_NAME, timeoutMs: TIMEOUT_MS, ...extra });
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function assertChain(result: RawHandshakeResult, expected: IssuedCert[]): void {
  assert.equal(result.error, null, result.error?.message);
  assert.deepEqual(
    result.certificates.map(hex),
    expected.map((cert) => cert.der.toString('hex')),
    `expected ${expected.map((c) => c.subject).join(' | ')}`,
  );
}

/** The subject Name of a certificate, DER, as it appears in a CertificateRequest. */
function subjectDer(cert: IssuedCert): string {
  const decoded = asn1js.fromBER(new Uint8Array(cert.der));
  const tbs = (decoded.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const fields = tbs.valueBlock.value;
  const hasVersion = fields[0]!.idBlock.tagClass === 3;
  const subject = fields[(hasVersion ? 1 : 0) + 4]!;
  return Buffer.from(subject.valueBeforeDecodeView).toString('hex');
}

/** A loopback TCP server whose connections are handled by `onConnection`. */
async function listenRaw(onConnection: (socket: Socket) => void, host = LOOPBACK): Promise<number> {
  const server = createNetServer((socket) => {
    socket.on('error', () => {});
    onConnection(socket);
    socket.resume(); // keep reading, so the client's close is seen and the server can shut down
  });
  netServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function listenTls(options: Parameters<typeof createTlsServer>[0], host = LOOPBACK): Promise<number> {
  const server = createTlsServer(options);
  server.on('tlsClientError', () => {}); // the raw client hangs up mid-handshake by design
  netServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

// ---------------------------------------------------------------------------------------------

describe('ClientHello', () => {
  function parseHello(versions: TlsVersion[], serverName: string | null) {
    const hello = buildClientHello({
      versions,
      serverName,
      random: new Uint8Array(32),
      sessionId: new Uint8Array(32).fill(1),
      keyShares: [
        { group: 29, publicKey: new Uint8Array(32).fill(2) },
        { group: 23, publicKey: new Uint8Array(65).fill(4) },
      ],
    });
    const reader = new ByteReader(hello);
    assert.equal(reader.u8(), 1);
    assert.equal(reader.u24(), hello.length - 4);
    const legacyVersion = reader.u16();
    reader.bytesOf(32);
    reader.vector(1);
    const suiteReader = new ByteReader(reader.vector(2));
    const suites: number[] = [];
    while (suiteReader.remaining > 0) suites.push(suiteReader.u16());
    reader.vector(1);
    const extensions = parseExtensions(reader.vector(2));
    assert.ok(reader.done && extensions.ok);
    return { length: hello.length, legacyVersion, suites, extensions: extensions.value };
  }

  it('offers TLS 1.3 through supported_versions, with x25519 and P-256 key shares and SNI', () => {
    const hello = parseHello(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], SERVER_NAME);
    assert.equal(hello.legacyVersion, 0x0303);
    assert.equal(Buffer.from(hello.extensions.get(43)!).toString('hex'), '080304030303020301');
    assert.deepEqual([...hello.extensions.keys()].sort((a, b) => a - b), [0, 5, 10, 11, 13, 21, 22, 43, 51, 0xff01]);
    assert.ok(Buffer.from(hello.extensions.get(0)!).includes(Buffer.from(SERVER_NAME)));
    assert.deepEqual(hello.suites.slice(0, 3), [0x1301, 0x1302, 0x1303]);
    assert.ok(hello.suites.includes(0x000a) && hello.suites.includes(0x0005), 'old 3DES and RC4 suites for old servers');
    assert.ok(!hello.suites.includes(0x5600), 'never TLS_FALLBACK_SCSV');
    assert.ok(hello.length >= 512, 'padded past the 256-511 byte range some old load balancers hang on');
  });

  it('names in supported_groups every group a HelloRetryRequest may ask a share for, ffdhe included; asks for encrypt_then_mac', () => {
    const hello = parseHello(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], SERVER_NAME);
    const reader = new ByteReader(hello.extensions.get(10)!);
    const list = new ByteReader(reader.vector(2));
    const groups: number[] = [];
    while (list.ok && list.remaining > 0) groups.push(list.u16());
    for (const group of KEY_SHARE_GROUPS) assert.ok(groups.includes(group), `group ${group} offered`);
    assert.ok(groups.includes(256), 'ffdhe2048');
    assert.equal(hello.extensions.get(22)?.length, 0, 'encrypt_then_mac, empty');
    assert.ok(!parseHello(['TLSv1.3'], SERVER_NAME).extensions.has(22), 'not in a TLS 1.3-only hello');
  });

  it('a TLS 1.0-only hello says TLS 1.0, without TLS 1.2/1.3 extensions or suites', () => {
    const hello = parseHello(['TLSv1'], null);
    assert.equal(hello.legacyVersion, 0x0301);
    for (const absent of [0, 13, 43, 51]) assert.ok(!hello.extensions.has(absent), `extension ${absent}`);
    assert.ok(!hello.suites.includes(0x1301));
  });

  it('SNI is the ASCII host name, never an IP address', () => {
    assert.equal(sniHostName('SIP.Contoso.COM.'), 'sip.contoso.com');
    assert.equal(sniHostName('bücher.example'), 'xn--bcher-kva.example');
    assert.equal(sniHostName('192.0.2.10'), null);
    assert.equal(sniHostName('2001:db8::1'), null);
    assert.equal(sniHostName('[2001:db8::1]'), null);
    assert.equal(sniHostName(null), null);
  });
});

describe('raw TLS capture from openssl s_server', () => {
  it('TLS 1.3 (AES-128-GCM, x25519): leaf and issuing CA, in order', async () => {
    const port = await startOpenssl(['-tls1_3', ...chainFile(issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.version, 'TLSv1.3');
    assert.equal(result.cipherSuite, 'TLS_AES_128_GCM_SHA256');
    assert.equal(result.cipherSuiteId, 0x1301);
    assert.equal(result.keyExchangeGroup, 'x25519');
    assert.equal(result.helloRetried, false);
    assert.equal(result.certificateRequested, false);
    assert.equal(result.alert, null);
    assert.ok(result.handshakeMs !== null && result.handshakeMs >= 0 && result.handshakeMs < TIMEOUT_MS);
  });

  it('TLS 1.3 with ChaCha20-Poly1305, a wrong-order chain that includes the root', async () => {
    const port = await startOpenssl(['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256', ...chainFile(root, issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, root, issuingCa]);
    assert.equal(result.cipherSuite, 'TLS_CHACHA20_POLY1305_SHA256');
  });

  it('TLS 1.3 with AES-256-GCM (SHA-384 key schedule) and an unrelated extra certificate', async () => {
    const port = await startOpenssl(['-tls1_3', '-ciphersuites', 'TLS_AES_256_GCM_SHA384', ...chainFile(issuingCa, unrelated)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa, unrelated]);
    assert.equal(result.cipherSuite, 'TLS_AES_256_GCM_SHA384');
  });

  it('TLS 1.3 with AES-128-CCM', async () => {
    const port = await startOpenssl(['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_SHA256', ...chainFile(issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.cipherSuite, 'TLS_AES_128_CCM_SHA256');
  });

  it('TLS 1.3 on P-256 uses the P-256 key share of the first ClientHello', async () => {
    const port = await startOpenssl(['-tls1_3', '-groups', 'P-256', ...chainFile(issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.keyExchangeGroup, 'secp256r1');
    assert.equal(result.helloRetried, false);
  });

  it('TLS 1.3 on P-384 answers the HelloRetryRequest with a second ClientHello (OCSP still stapled)', async () => {
    const port = await startOpenssl(['-tls1_3', '-groups', 'P-384', '-status_file', ocspResponsePath, ...chainFile(issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.keyExchangeGroup, 'secp384r1');
    assert.equal(result.helloRetried, true);
    assert.equal(result.stapledOcsp && hex(result.stapledOcsp), ocspResponse.toString('hex'));
  });

  it('TLS 1.3 HelloRetryRequest carrying only a cookie (stateless server) is answered with the cookie', async () => {
    const port = await startOpenssl(['-tls1_3', '-stateless', ...chainFile(issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.helloRetried, true);
    assert.equal(result.keyExchangeGroup, 'x25519');
  });

  it('TLS 1.2 with a wrong-order chain: the order sent is kept', async () => {
    const port = await startOpenssl(['-tls1_2', ...chainFile(root, issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, root, issuingCa]);
    assert.equal(result.version, 'TLSv1.2');
    assert.equal(result.cipherSuite, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    assert.equal(result.keyExchangeGroup, 'x25519');
  });

  it('TLS 1.2 with an unrelated certificate between the CA and the root', async () => {
    const port = await startOpenssl(['-tls1_2', ...chainFile(issuingCa, unrelated, root)]);
    assertChain(await handshake(port), [leaf, issuingCa, unrelated, root]);
  });

  it('TLS 1.2 with a ChaCha20 suite and an ECDSA leaf', async () => {
    const port = await startOpenssl(['-tls1_2', '-cipher', 'ECDHE-ECDSA-CHACHA20-POLY1305', ...chainFile(issuingCa)], ecLeaf);
    const result = await handshake(port);
    assertChain(result, [ecLeaf, issuingCa]);
    assert.equal(result.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
  });

  it('TLS 1.0 with a chain including its root', async () => {
    const port = await startOpenssl(['-tls1', ...OLD_CIPHERS, ...chainFile(issuingCa, root)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa, root]);
    assert.equal(result.version, 'TLSv1');
    assert.match(result.cipherSuite ?? '', /_CBC_SHA$/);
  });

  it('TLS 1.0 with an old RSA key-transport suite', async () => {
    // (this OpenSSL build has no 3DES or RC4 left to test with)
    const port = await startOpenssl(['-tls1', '-cipher', 'AES128-SHA@SECLEVEL=0', ...chainFile(issuingCa)]);
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.cipherSuite, 'TLS_RSA_WITH_AES_128_CBC_SHA');
    assert.equal(result.keyExchangeGroup, null);
  });

  it('a server that sends only its leaf', async () => {
    const port = await startOpenssl(['-tls1_2']);
    assertChain(await handshake(port), [leaf]);
  });

  for (const [label, versionArgs] of [
    ['TLS 1.3', ['-tls1_3']],
    ['TLS 1.2', ['-tls1_2']],
    ['TLS 1.0', ['-tls1', ...OLD_CIPHERS]],
  ] as const) {
    it(`${label} CertificateRequest: acceptable CA names are the client CA subjects, in order`, async () => {
      const port = await startOpenssl([...versionArgs, '-Verify', '1', '-CAfile', clientCasPath, ...chainFile(issuingCa)]);
      const result = await handshake(port);
      assertChain(result, [leaf, issuingCa]);
      assert.equal(result.certificateRequested, true);
      assert.deepEqual(result.acceptableCAs.map(hex), [subjectDer(clientCaA), subjectDer(clientCaB)]);
    });
  }

  for (const [label, versionArgs] of [
    ['TLS 1.3', ['-tls1_3']],
    ['TLS 1.2', ['-tls1_2']],
  ] as const) {
    it(`${label} stapled OCSP response is returned byte for byte`, async () => {
      const port = await startOpenssl([...versionArgs, '-status_file', ocspResponsePath, ...chainFile(issuingCa)]);
      const result = await handshake(port);
      assertChain(result, [leaf, issuingCa]);
      assert.ok(result.stapledOcsp, 'a stapled response');
      assert.equal(hex(result.stapledOcsp), ocspResponse.toString('hex'));
    });
  }

  it('a server without OCSP stapling gives no stapled response', async () => {
    const port = await startOpenssl(['-tls1_3']);
    assert.equal((await handshake(port)).stapledOcsp, null);
  });

  it('a TLS 1.3-only server refuses a TLS 1.2 hello with the protocol_version alert', async () => {
    const port = await startOpenssl(['-tls1_3']);
    const result = await handshake(port, { versions: ['TLSv1.2'] });
    assert.equal(result.error?.code, 'TLS_ALERT');
    assert.match(result.error.message, /protocol_version/);
    assert.deepEqual(result.alert, { level: 2, description: 70, name: 'protocol_version' });
    assert.deepEqual(result.certificates, []);
    assert.equal(result.handshakeMs, null);
  });

  it('no cipher suite in common gives the handshake_failure alert', async () => {
    const port = await startOpenssl(['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256']); // RSA key: no usable suite
    const result = await handshake(port);
    assert.equal(result.error?.code, 'TLS_ALERT');
    assert.match(result.error.message, /"handshake_failure"/);
    assert.equal(result.alert?.name, 'handshake_failure');
  });
});

describe('version probing', () => {
  const ALL_FALSE: Record<TlsVersion, boolean> = { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false };
  const cases: Array<[TlsVersion, string[]]> = [
    ['TLSv1', ['-tls1', ...OLD_CIPHERS]],
    ['TLSv1.1', ['-tls1_1', ...OLD_CIPHERS]],
    ['TLSv1.2', ['-tls1_2']],
    ['TLSv1.3', ['-tls1_3']],
  ];
  for (const [version, args] of cases) {
    it(`a server limited to ${version} shows exactly ${version}`, async () => {
      const port = await startOpenssl([...args, ...chainFile(issuingCa)]);
      const probe = await probeVersions({ ip: LOOPBACK, port, servername: SERVER_NAME, timeoutMs: TIMEOUT_MS });
      assert.deepEqual(probe.versions, { ...ALL_FALSE, [version]: true });
      for (const other of Object.keys(ALL_FALSE) as TlsVersion[]) {
        if (other === version) assert.match(probe.suites[other] ?? '', /^TLS_/);
        else assert.equal(probe.suites[other], null);
      }
      assert.equal(probe.best?.version, version);
      assertChain(probe.best!, [leaf, issuingCa]);
      assert.equal(Object.keys(probe.results).length, 4);
    });
  }

  it('a Node server for TLS 1.2 and 1.3 shows both', async () => {
    const port = await listenTls({ key: leaf.keyPem, cert: bundle(leaf, issuingCa), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    const probe = await probeVersions({ ip: LOOPBACK, port, servername: SERVER_NAME, timeoutMs: TIMEOUT_MS });
    assert.deepEqual(probe.versions, { ...ALL_FALSE, 'TLSv1.2': true, 'TLSv1.3': true });
    assert.equal(probe.best?.version, 'TLSv1.3');
    assert.equal(probe.results.TLSv1?.error?.code, 'TLS_ALERT');
  });

  it('a closed port: every version refused, nothing captured', async () => {
    const port = await freePort();
    const probe = await probeVersions({ ip: LOOPBACK, port, servername: null, timeoutMs: TIMEOUT_MS });
    assert.deepEqual(probe.versions, ALL_FALSE);
    assert.equal(probe.best, null);
    for (const version of Object.keys(ALL_FALSE) as TlsVersion[]) assert.equal(probe.results[version]?.error?.code, 'CONNECT_REFUSED');
  });

  it('reuses a handshake already made with every version offered instead of repeating it', async () => {
    let connections = 0;
    const port = await listenTls({ key: leaf.keyPem, cert: bundle(leaf, issuingCa), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    netServers[netServers.length - 1]!.on('connection', () => connections++);
    const full = await handshake(port);
    assert.equal(full.version, 'TLSv1.3');
    connections = 0;
    const probe = await probeVersions({ ip: LOOPBACK, port, servername: SERVER_NAME, timeoutMs: TIMEOUT_MS }, full);
    assert.deepEqual(probe.versions, { ...ALL_FALSE, 'TLSv1.2': true, 'TLSv1.3': true });
    assert.equal(probe.results['TLSv1.3'], full);
    assert.equal(connections, 3, 'TLS 1.3 was not asked again');
  });
});

describe('raw TLS capture from Node servers', () => {
  it('keeps the configured chain order (leaf, root, CA) for TLS 1.2 and 1.3', async () => {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const port = await listenTls({ key: leaf.keyPem, cert: bundle(leaf, root, issuingCa), minVersion: version, maxVersion: version });
      const result = await handshake(port);
      assertChain(result, [leaf, root, issuingCa]);
      assert.equal(result.version, version);
    }
  });

  it('sends SNI for a host name and none for an IP target', async () => {
    const seen: string[] = [];
    const port = await listenTls({
      key: leaf.keyPem,
      cert: bundle(leaf, issuingCa),
      SNICallback: (name, callback) => {
        seen.push(name);
        callback(null, undefined);
      },
    });
    assertChain(await handshake(port, { servername: 'SIP.Contoso.Test.' }), [leaf, issuingCa]);
    assertChain(await handshake(port, { servername: LOOPBACK }), [leaf, issuingCa]);
    assertChain(await handshake(port, { servername: null }), [leaf, issuingCa]);
    assert.deepEqual(seen, [SERVER_NAME]);
  });

  it('reads the CertificateRequest CA list of a Node server that requires client certificates', async () => {
    const port = await listenTls({
      key: leaf.keyPem,
      cert: bundle(leaf, issuingCa),
      requestCert: true,
      rejectUnauthorized: true,
      ca: [clientCaA.certPem, clientCaB.certPem],
      maxVersion: 'TLSv1.2',
    });
    const result = await handshake(port);
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.certificateRequested, true);
    assert.deepEqual(result.acceptableCAs.map(hex), [subjectDer(clientCaA), subjectDer(clientCaB)]);
  });

  it('works over IPv6 (::1)', async () => {
    const port = await listenTls({ key: leaf.keyPem, cert: bundle(leaf, issuingCa) }, '::1');
    const result = await rawHandshake({ ip: '::1', port, servername: SERVER_NAME, timeoutMs: TIMEOUT_MS });
    assertChain(result, [leaf, issuingCa]);
    assert.equal(result.version, 'TLSv1.3');
  });
});

describe('raw TLS error classification', () => {
  it('CONNECT_REFUSED for a closed port', async () => {
    const port = await freePort();
    const result = await handshake(port);
    assert.equal(result.error?.code, 'CONNECT_REFUSED');
    assert.match(result.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it('HANDSHAKE_TIMEOUT within the timeout for a listener that never speaks', async () => {
    const port = await listenRaw(() => {});
    const started = Date.now();
    const result = await handshake(port, { timeoutMs: 300 });
    const elapsed = Date.now() - started;
    assert.equal(result.error?.code, 'HANDSHAKE_TIMEOUT');
    assert.ok(elapsed >= 250 && elapsed < 2000, `took ${elapsed} ms`);
  });

  it('HANDSHAKE_TIMEOUT for a server that stops in the middle of its flight', async () => {
    const port = await listenRaw((socket) => socket.once('data', () => socket.write(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40, 0x02]))));
    const result = await handshake(port, { timeoutMs: 300 });
    assert.equal(result.error?.code, 'HANDSHAKE_TIMEOUT');
    assert.match(result.error.message, /started the TLS handshake/);
  });

  it('NOT_TLS for a plain HTTP server, quoting its answer', async () => {
    const server = createHttpServer((_request, response) => response.end('hello'));
    netServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const result = await handshake((server.address() as AddressInfo).port);
    assert.equal(result.error?.code, 'NOT_TLS');
    assert.match(result.error.message, /plain HTTP answer \("HTTP\/1\.1 400 Bad Request"\)/);
  });

  it('NOT_TLS for a plain SIP answer', async () => {
    const port = await listenRaw((socket) => socket.once('data', () => socket.end('SIP/2.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
    const result = await handshake(port);
    assert.equal(result.error?.code, 'NOT_TLS');
    assert.match(result.error.message, /SIP/);
  });

  it('NOT_TLS for an SSH banner sent before the client speaks', async () => {
    const port = await listenRaw((socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n'));
    const result = await handshake(port);
    assert.equal(result.error?.code, 'NOT_TLS');
    assert.match(result.error.message, /SSH banner/);
  });

  it('NOT_TLS for garbage bytes', async () => {
    const garbage = Buffer.from('9be1ff0034a5c3d200117f80ee', 'hex');
    const port = await listenRaw((socket) => socket.once('data', () => socket.write(garbage)));
    const result = await handshake(port);
    assert.equal(result.error?.code, 'NOT_TLS');
    assert.match(result.error.message, /9b e1 ff 00/);
  });

  it('CONNECTION_RESET for a server that resets the connection', async () => {
    const port = await listenRaw((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const result = await handshake(port);
    assert.equal(result.error?.code, 'CONNECTION_RESET');
  });

  it('CONNECTION_RESET for a server that closes without answering', async () => {
    const port = await listenRaw((socket) => socket.once('data', () => socket.end()));
    const result = await handshake(port);
    assert.equal(result.error?.code, 'CONNECTION_RESET');
    assert.match(result.error.message, /without answering the TLS ClientHello/);
  });

  it('PROTOCOL_ERROR for a TLS record holding a malformed ServerHello', async () => {
    const port = await listenRaw((socket) =>
      socket.once('data', () => socket.write(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x06, 0x02, 0x00, 0x00, 0x02, 0x03, 0x03]))),
    );
    const result = await handshake(port);
    assert.equal(result.error?.code, 'PROTOCOL_ERROR');
    assert.match(result.error.message, /malformed ServerHello/);
  });

  it('CANCELLED at once when the signal aborts, and before connecting when already aborted', async () => {
    const port = await listenRaw(() => {});
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const result = await handshake(port, { signal: controller.signal, timeoutMs: 5000 });
    assert.equal(result.error?.code, 'CANCELLED');
    assert.ok(Date.now() - started < 1000);
    const again = await handshake(port, { signal: controller.signal });
    assert.equal(again.error?.code, 'CANCELLED');
  });

  it('refuses a host name instead of an IP address (no DNS from the raw client)', async () => {
    const result = await rawHandshake({ ip: 'sip.contoso.test', port: 5061, servername: null, timeoutMs: 100 });
    assert.equal(result.error?.code, 'INTERNAL');
  });
});
