// Fuzzing the raw TLS client: parsers, record framing, the handshake session and the socket client
// against random, truncated and mutated server flights recorded from real servers.
// Deterministic (fixed seeds), bounded in iterations and time: nothing may throw, nothing may hang,
// and every outcome must be a classified result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect, createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { bundle, TestPki, type IssuedCert } from './helpers/pki.ts';
import { u16, u8, vector } from '../shared/engine/capture/tls/wire.ts';
import { HandshakeSession, type Capture, type SessionOptions } from '../shared/engine/capture/tls/handshake.ts';
import { createKeyShare, KEY_SHARE_GROUPS, type KeyShare } from '../shared/engine/capture/tls/key-exchange.ts';
import { RecordDecrypter, TLS13_SUITE_PARAMETERS } from '../shared/engine/capture/tls/key-schedule.ts';
import {
  parseCertificate12,
  parseCertificate13,
  parseCertificateRequest12,
  parseCertificateRequest13,
  parseCertificateStatus,
  parseCookie,
  parseEncryptedExtensions,
  parseExtensions,
  parseServerHello,
  parseServerKeyShare,
} from '../shared/engine/capture/tls/messages.ts';
import { describeNonTls, HandshakeAssembler, parseAlert, RecordStream, type Parsed } from '../shared/engine/capture/tls/records.ts';
import { rawHandshake, type RawHandshakeResult } from '../shared/engine/capture/tls/raw-client.ts';
import type { ErrorCode, TlsVersion } from '../shared/types.ts';
import { concatBytes } from '../shared/bytes.ts';

/** Codes a hostile or broken server may produce; anything else (INTERNAL above all) is a bug. */
const SESSION_CODES: ReadonlySet<ErrorCode> = new Set(['NOT_TLS', 'PROTOCOL_ERROR', 'TLS_ALERT', 'NO_CERTIFICATE', 'CONNECTION_RESET']);
const SOCKET_CODES: ReadonlySet<ErrorCode> = new Set([...SESSION_CODES, 'HANDSHAKE_TIMEOUT']);

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and mutations

class Rng {
  constructor(private state: number) {}

  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.int(256));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** One to four random edits; half of them aimed at the first 300 bytes, where headers and lengths are. */
function mutate(rng: Rng, input: Uint8Array): Uint8Array {
  let bytes: Uint8Array = input.slice();
  const edits = 1 + rng.int(4);
  for (let i = 0; i < edits; i++) {
    const span = rng.int(2) === 0 ? Math.min(bytes.length, 300) : bytes.length;
    const at = span > 0 ? rng.int(span) : 0;
    switch (rng.int(7)) {
      case 0:
        if (bytes.length) bytes[at] = bytes[at]! ^ (1 << rng.int(8));
        break;
      case 1:
        if (bytes.length) bytes[at] = rng.int(256);
        break;
      case 2:
        bytes = bytes.slice(0, at);
        break;
      case 3:
        bytes = concatBytes(bytes.subarray(0, at), bytes.subarray(at + 1 + rng.int(64)));
        break;
      case 4: {
        const copy = bytes.slice(at, at + 1 + rng.int(256));
        const to = rng.int(bytes.length + 1);
        bytes = concatBytes(bytes.subarray(0, to), copy, bytes.subarray(to));
        break;
      }
      case 5:
        bytes = concatBytes(bytes.subarray(0, at), rng.bytes(1 + rng.int(16)), bytes.subarray(at));
        break;
      case 6:
        // Length fields set to their extremes.
        if (at + 1 < bytes.length) bytes.set(rng.int(2) ? [0xff, 0xff] : [0x00, 0x00], at);
        break;
    }
  }
  return bytes;
}

/** Splits bytes into 1..8 random chunks, as TCP may deliver them. */
function chunked(rng: Rng, bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const pieces = 1 + rng.int(8);
  for (let i = 0; i < pieces - 1 && offset < bytes.length; i++) {
    const size = 1 + rng.int(Math.max(1, Math.ceil((bytes.length - offset) / 2)));
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  chunks.push(bytes.subarray(offset));
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// Deterministic sessions, so a recorded TLS 1.3 flight decrypts again on replay

const WHERE = 'fuzz.contoso.test (127.0.0.1:5061)';

const fixedShares = new Map<number, KeyShare | null>();

/** Fixed keys, made once and with memoised secrets: thousands of replays then cost no key agreement. */
function fixedKeyShare(group: number): KeyShare | null {
  if (!fixedShares.has(group)) {
    const scalarLength: Record<number, number> = { 29: 32, 23: 32, 24: 48 };
    const length = scalarLength[group];
    const share = length ? createKeyShare(group, new Uint8Array(length).fill(0x11 + group)) : null;
    const secrets = new Map<string, Uint8Array | null>();
    fixedShares.set(
      group,
      share && {
        group,
        publicKey: share.publicKey,
        sharedSecret(peer) {
          const key = hex(peer);
          if (!secrets.has(key)) secrets.set(key, share.sharedSecret(peer));
          return secrets.get(key)!;
        },
      },
    );
  }
  return fixedShares.get(group)!;
}

function sessionOptions(versions?: TlsVersion[]): SessionOptions {
  let counter = 0;
  return {
    versions,
    servername: 'fuzz.contoso.test',
    where: WHERE,
    randomBytes: (length) => new Uint8Array(length).fill(++counter),
    createKeyShare: fixedKeyShare,
  };
}

interface Recording {
  label: string;
  versions?: TlsVersion[];
  flight: Uint8Array;
  capture: Capture;
}

/** Runs a deterministic session against a live server and records every byte the server sent. */
function record(label: string, port: number, versions?: TlsVersion[]): Promise<Recording> {
  return new Promise((resolve, reject) => {
    const session = new HandshakeSession(sessionOptions(versions));
    const received: Uint8Array[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    const done = () => {
      socket.destroy();
      resolve({ label, versions, flight: concatBytes(...received), capture: session.capture });
    };
    socket.on('connect', () => socket.write(session.firstFlight()));
    socket.on('data', (chunk: Buffer) => {
      received.push(new Uint8Array(chunk));
      const step = session.receive(chunk);
      for (const bytes of step.send) socket.write(bytes);
      if (step.finished) done();
    });
    socket.on('error', reject);
    socket.on('close', () => (session.finished ? undefined : reject(new Error(`${label}: server closed early`))));
  });
}

/** Feeds a flight to a fresh deterministic session, then signals end of stream. */
function replay(recording: Recording, chunks: Uint8Array[]): Capture {
  const session = new HandshakeSession(sessionOptions(recording.versions));
  for (const chunk of chunks) {
    if (session.receive(chunk).finished) break;
  }
  session.peerClosed();
  assert.ok(session.finished);
  return session.capture;
}

function assertClassified(outcome: Pick<Capture, 'error' | 'certificates'>, codes: ReadonlySet<ErrorCode>, context: string): void {
  if (outcome.error === null) {
    assert.ok(outcome.certificates.length > 0, `${context}: no error but no certificate`);
    for (const der of outcome.certificates) assert.ok(der instanceof Uint8Array && der.length > 0);
  } else {
    assert.ok(codes.has(outcome.error.code), `${context}: unexpected code ${outcome.error.code}: ${outcome.error.message}`);
    assert.ok(outcome.error.message.length > 20, `${context}: message too short`);
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function summary(capture: Capture) {
  return {
    version: capture.version,
    suite: capture.cipherSuiteId,
    certificates: capture.certificates.map(hex),
    requested: capture.certificateRequested,
    cas: capture.acceptableCAs.map(hex),
    ocsp: capture.stapledOcsp && hex(capture.stapledOcsp),
    error: capture.error,
    group: capture.keyExchangeGroup,
    retried: capture.helloRetried,
  };
}

// ---------------------------------------------------------------------------------------------
// Fixtures: recorded flights from Node TLS servers

const pki = new TestPki();
let root: IssuedCert;
let issuingCa: IssuedCert;
let leaf: IssuedCert;
let clientCa: IssuedCert;
const FAKE_OCSP = Buffer.from('30030a0100', 'hex'); // OCSPResponse { responseStatus successful }: the server staples it unexamined
const recordings: Recording[] = [];
const servers: Server[] = [];

async function listenTls(options: TlsOptions): Promise<number> {
  const server = createTlsServer(options);
  server.on('tlsClientError', () => {});
  server.on('OCSPRequest', (_certificate: Buffer, _issuer: Buffer, callback: (err: Error | null, response: Buffer) => void) => callback(null, FAKE_OCSP));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  root = pki.issue({ cn: 'Fuzz Root CA', ca: true, key: 'ec:P-256' });
  issuingCa = pki.issue({ cn: 'Fuzz Issuing CA', ca: true, issuer: root, key: 'ec:P-256' });
  leaf = pki.issue({ cn: 'fuzz.contoso.test', sans: ['DNS:fuzz.contoso.test'], issuer: issuingCa, key: 'ec:P-256' });
  clientCa = pki.issue({ cn: 'Fuzz Client Root', subjectPrefix: '/O=Fabrikam', ca: true, key: 'ec:P-256' });
  const common: TlsOptions = { key: leaf.keyPem, cert: bundle(leaf, issuingCa, root), requestCert: true, ca: [clientCa.certPem] };
  const flights: Array<[string, TlsOptions, TlsVersion[] | undefined]> = [
    ['TLS 1.3', { ...common, minVersion: 'TLSv1.3' }, undefined],
    ['TLS 1.3 after HelloRetryRequest', { ...common, minVersion: 'TLSv1.3', ecdhCurve: 'secp384r1' }, undefined],
    ['TLS 1.2', { ...common, maxVersion: 'TLSv1.2' }, ['TLSv1.2']],
    ['TLS 1.0', { ...common, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, ['TLSv1']],
  ];
  for (const [label, options, versions] of flights) recordings.push(await record(label, await listenTls(options), versions));
});

after(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(pki.dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('TLS fuzzing', () => {
  it('records real flights to fuzz with (sanity check of the fixtures)', () => {
    assert.equal(recordings.length, 4);
    for (const recording of recordings) {
      const { capture, label } = recording;
      assert.equal(capture.error, null, `${label}: ${capture.error?.message}`);
      assert.deepEqual(capture.certificates.map(hex), [leaf, issuingCa, root].map((c) => c.der.toString('hex')), label);
      assert.equal(capture.certificateRequested, true, label);
      assert.equal(capture.acceptableCAs.length, 1, label);
      // Node's server staples nothing after a HelloRetryRequest (openssl s_server does; tls-raw tests that path).
      const stapled = !capture.helloRetried;
      assert.equal(capture.stapledOcsp && hex(capture.stapledOcsp), stapled ? FAKE_OCSP.toString('hex') : null, label);
    }
    assert.equal(recordings[1]!.capture.helloRetried, true);
    assert.equal(recordings[1]!.capture.keyExchangeGroup, 24);
  });

  it('replays every recorded flight to the same capture however TCP splits it', () => {
    const rng = new Rng(1);
    for (const recording of recordings) {
      const expected = summary(recording.capture);
      for (let i = 0; i < 60; i++) {
        const chunks = i === 0 ? Array.from(recording.flight, (byte) => Uint8Array.of(byte)) : chunked(rng, recording.flight);
        assert.deepEqual(summary(replay(recording, chunks)), expected, `${recording.label}, split #${i}`);
      }
    }
  });

  it('reads handshake messages split across records and packed several to a record', () => {
    const rng = new Rng(8);
    for (const recording of recordings.filter((r) => !r.label.startsWith('TLS 1.3'))) {
      const records = new RecordStream();
      records.push(recording.flight);
      const fragments: Uint8Array[] = [];
      for (let record = records.next(); record?.ok; record = records.next()) fragments.push(record.value.fragment);
      const handshakeStream = concatBytes(...fragments);
      const expected = summary(recording.capture);
      for (let i = 0; i < 40; i++) {
        // i = 0: the whole flight in one record; otherwise records of 1 to 300 bytes.
        const reframed: Uint8Array[] = [];
        for (let offset = 0; offset < handshakeStream.length; ) {
          const size = i === 0 ? handshakeStream.length : 1 + rng.int(300);
          reframed.push(concatBytes(Uint8Array.of(22, 3, 3), vector(2, handshakeStream.subarray(offset, offset + size))));
          offset += size;
        }
        const flight = concatBytes(...reframed);
        assert.deepEqual(summary(replay(recording, chunked(rng, flight))), expected, `${recording.label}, framing #${i}`);
      }
    }
  });

  it('classifies thousands of mutated and truncated flights without throwing', () => {
    const rng = new Rng(2);
    const started = Date.now();
    const seen = new Set<string>();
    for (const recording of recordings) {
      for (let i = 0; i < 2000; i++) {
        const flight = mutate(rng, recording.flight);
        const capture = replay(recording, chunked(rng, flight));
        assertClassified(capture, SESSION_CODES, `${recording.label} mutation #${i}`);
        seen.add(capture.error?.code ?? 'captured');
      }
    }
    // The mutations reach past the record layer into every outcome, not just one rejection path.
    for (const outcome of ['captured', 'PROTOCOL_ERROR', 'NOT_TLS', 'CONNECTION_RESET']) assert.ok(seen.has(outcome), `never saw ${outcome}`);
    assert.ok(Date.now() - started < 30_000);
  });

  it('classifies random bytes, with and without a plausible TLS record header', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1500; i++) {
      const body = rng.bytes(rng.int(400));
      const flight = i % 3 === 0 ? body : concatBytes(Uint8Array.of(rng.pick([20, 21, 22, 23]), 3, rng.int(5)), u16(rng.int(body.length + 20)), body);
      const capture = replay({ label: 'random', flight, capture: undefined as never }, chunked(rng, flight));
      assertClassified(capture, SESSION_CODES, `random flight #${i}`);
    }
  });

  it('message parsers return values or faults, never exceptions, for mutated real messages', () => {
    const rng = new Rng(4);
    const corpus = messageCorpus();
    const parsers: Array<(body: Uint8Array) => Parsed<unknown>> = [
      parseServerHello,
      parseCertificate12,
      parseCertificate13,
      parseCertificateStatus,
      (body) => parseCertificateRequest12(body, true),
      (body) => parseCertificateRequest12(body, false),
      parseCertificateRequest13,
      parseEncryptedExtensions,
      parseExtensions,
      (body) => parseServerKeyShare(body, false),
      (body) => parseServerKeyShare(body, true),
      parseCookie,
      parseAlert,
    ];
    let accepted = 0;
    for (let i = 0; i < 6000; i++) {
      const input = i % 10 === 0 ? rng.bytes(rng.int(64)) : mutate(rng, rng.pick(corpus));
      for (const parse of parsers) {
        const result = parse(input);
        assert.equal(typeof result.ok, 'boolean');
        if (result.ok) accepted++;
        else assert.ok(result.fault.detail.length > 0 && ['PROTOCOL_ERROR', 'NOT_TLS'].includes(result.fault.code));
      }
      assert.equal(typeof describeNonTls(input), 'string');
    }
    assert.ok(accepted > 0);
  });

  it('record framing and handshake reassembly terminate on any input', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 2000; i++) {
      const records = new RecordStream();
      const handshake = new HandshakeAssembler();
      const input = i % 2 ? mutate(rng, rng.pick(recordings).flight) : rng.bytes(rng.int(600));
      for (const chunk of chunked(rng, input)) {
        records.push(chunk);
        for (let steps = 0; ; steps++) {
          assert.ok(steps <= input.length, 'record stream made no progress');
          const record = records.next();
          if (record === null || !record.ok) break;
          handshake.push(record.value.fragment);
          for (let messages = 0; ; messages++) {
            assert.ok(messages <= input.length, 'assembler made no progress');
            const message = handshake.next();
            if (message === null || !message.ok) break;
          }
        }
      }
    }
  });

  it('key exchange and record decryption reject hostile values without throwing', () => {
    const rng = new Rng(6);
    for (const group of KEY_SHARE_GROUPS) {
      const share = createKeyShare(group)!;
      const length = share.publicKey.length;
      for (let i = 0; i < 50; i++) {
        const peer = i === 0 ? new Uint8Array(length) : i === 1 ? Uint8Array.of(4, ...rng.bytes(length - 1)) : rng.bytes(rng.int(2) ? length : rng.int(200));
        const secret = share.sharedSecret(peer);
        assert.ok(secret === null || secret instanceof Uint8Array);
      }
    }
    for (const suite of Object.values(TLS13_SUITE_PARAMETERS)) {
      const decrypter = new RecordDecrypter(suite, rng.bytes(suite.hashLength));
      for (let i = 0; i < 100; i++) {
        const body = rng.bytes(rng.int(80));
        assert.equal(decrypter.decrypt(concatBytes(Uint8Array.of(23, 3, 3), u16(body.length)), body), null);
      }
    }
  });

  it('the socket client classifies mutated flights replayed by a loopback server, within its timeout', { timeout: 60_000 }, async () => {
    const rng = new Rng(7);
    const TIMEOUT_MS = 250;
    let nextFlight: Uint8Array[] = [];
    let keepOpen = false;
    const server = createNetServer((socket) => {
      const flight = nextFlight;
      const stayOpen = keepOpen;
      socket.on('error', () => {});
      socket.once('data', () => {
        for (const chunk of flight) socket.write(chunk);
        if (!stayOpen) socket.end();
      });
      socket.resume();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;

    for (let i = 0; i < 48; i++) {
      const recording = recordings[i % recordings.length]!;
      nextFlight = chunked(rng, i < 4 ? recording.flight : mutate(rng, recording.flight));
      keepOpen = i % 8 === 7;
      const started = Date.now();
      const result: RawHandshakeResult = await rawHandshake({ ip: '127.0.0.1', port, servername: 'fuzz.contoso.test', timeoutMs: TIMEOUT_MS });
      assert.ok(Date.now() - started < TIMEOUT_MS * 2 + 1500, `attempt #${i} took too long`);
      assertClassified(result, SOCKET_CODES, `socket attempt #${i}`);
      // The unmutated TLS 1.0-1.2 flights need no keys of ours: they capture over the socket too.
      if (i < 4 && !recording.label.startsWith('TLS 1.3')) assert.equal(result.error, null, result.error?.message);
    }
  });
});

/** Real and hand-built message bodies: plaintext TLS 1.2 messages from the recordings, TLS 1.3 ones built here. */
function messageCorpus(): Uint8Array[] {
  const corpus: Uint8Array[] = [];
  for (const recording of recordings.filter((r) => !r.label.startsWith('TLS 1.3'))) {
    const records = new RecordStream();
    const handshake = new HandshakeAssembler();
    records.push(recording.flight);
    for (let record = records.next(); record?.ok; record = records.next()) {
      if (record.value.type === 21) corpus.push(record.value.fragment);
      if (record.value.type !== 22) continue;
      handshake.push(record.value.fragment);
      for (let message = handshake.next(); message?.ok; message = handshake.next()) corpus.push(message.value.body);
    }
  }
  const ders = [leaf, issuingCa, root].map((cert) => new Uint8Array(cert.der));
  const statusEntry = concatBytes(u16(5), vector(2, u8(1), vector(3, FAKE_OCSP)));
  corpus.push(
    // TLS 1.3 Certificate with a stapled OCSP entry extension on the leaf
    concatBytes(vector(1), vector(3, ...ders.map((der, index) => concatBytes(vector(3, der), vector(2, index === 0 ? statusEntry : new Uint8Array(0)))))),
    // TLS 1.3 CertificateRequest with signature_algorithms and certificate_authorities
    concatBytes(vector(1), vector(2, concatBytes(u16(13), vector(2, vector(2, u16(0x0403), u16(0x0804)))), concatBytes(u16(47), vector(2, vector(2, vector(2, Uint8Array.of(0x30, 0x00))))))),
    // EncryptedExtensions with server_name and supported_groups
    vector(2, concatBytes(u16(0), vector(2)), concatBytes(u16(10), vector(2, vector(2, u16(29), u16(23))))),
    // key_share and cookie extension data
    concatBytes(u16(29), vector(2, new Uint8Array(32).fill(9))),
    vector(2, new Uint8Array(40).fill(7)),
  );
  return corpus;
}
