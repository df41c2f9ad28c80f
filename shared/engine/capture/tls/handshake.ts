// The client side of a TLS handshake, far enough to read the server's first flight, with no I/O:
// bytes in, bytes to send out. TLS 1.0-1.2 flights are read in clear up to ServerHelloDone; for
// TLS 1.3 the handshake keys are derived and the encrypted flight is read up to the Certificate.
// This file is the session (records, hellos, HelloRetryRequest, keys, failures); flight.ts reads
// what each message of the server's flight says.
import { randomBytes } from 'node:crypto';
import type { CheckError, TlsVersion } from '../../../types.ts';
import { TLS_VERSIONS } from '../../../types.ts';
import { checkError } from '../../errors.ts';
import { u24, u8 } from './wire.ts';
import { buildClientHello, clientHelloRecord, sniHostName, sslv2CompatibleHello } from './client-hello.ts';
import { cipherSuiteName, ContentType, describeVersionCode, ExtensionType, HandshakeType, SSL3_CODE, VERSION_CODES, versionFromCode } from './constants.ts';
import { createKeyShare, INITIAL_KEY_SHARE_GROUPS, KEY_SHARE_GROUPS, type KeyShare } from './key-exchange.ts';
import { RecordDecrypter, serverHandshakeTrafficSecret, TLS13_SUITE_PARAMETERS, transcriptHash, type Tls13Suite } from './key-schedule.ts';
import { parseCookie, parseServerHello, parseServerKeyShare, type ServerHello } from './messages.ts';
import { emptyCapture, readTls12Message, readTls13Message, type Capture, type FlightOutcome } from './flight.ts';
import { HandshakeAssembler, parseAlert, RecordStream, type Alert, type HandshakeMessage, type TlsFault, type TlsRecord } from './records.ts';
import { concatBytes } from '../../../bytes.ts';

export type { Capture } from './flight.ts';

export interface SessionOptions {
  /** Versions to offer; empty or omitted means all of TLS 1.0-1.3. */
  versions?: readonly TlsVersion[];
  /** Host name for SNI; IP literals and null send no SNI. */
  servername: string | null;
  /** How the server is named in error messages, e.g. "sip.contoso.com (192.0.2.10:5061)". */
  where: string;
  /** Source of the client random and session id (tests make it deterministic). */
  randomBytes?: (length: number) => Uint8Array;
  /** Makes TLS 1.3 key shares (tests use fixed keys to replay a recorded flight). */
  createKeyShare?: (group: number) => KeyShare | null;
  /** Send an SSL 2.0-format hello offering SSL 3.0 instead (the legacy probe); `versions` is then ignored. */
  legacySsl?: boolean;
  /** TLS 1.0-1.2 suites to offer instead of the default list. */
  cipherSuites?: readonly number[];
}

export interface SessionStep {
  /** Bytes to write to the server, in order. */
  send: Uint8Array[];
  /** True once there is nothing more to read: the capture is complete or failed. */
  finished: boolean;
}

type Phase = 'server-hello' | 'tls12-flight' | 'tls13-flight' | 'finished';

/** Far more than any certificate flight; past this the peer is hostile or not TLS. */
const MAX_FLIGHT_BYTES = 4 << 20;
const ALERT_LEVEL_WARNING = 1;
const ALERT_CLOSE_NOTIFY = 0;

/** What an admin can make of the usual alerts. */
const ALERT_HINTS: Record<string, string> = {
  handshake_failure: 'no protocol version or cipher suite in common, or it requires something this client did not offer',
  protocol_version: 'it does not accept the offered TLS version',
  insufficient_security: 'it requires stronger cipher suites than were offered',
  unrecognized_name: 'it does not recognise the server name sent in SNI',
  certificate_required: 'it demands a client certificate',
  access_denied: 'it refuses this client',
  internal_error: 'the server had an internal error',
  decode_error: 'it could not parse the ClientHello',
  illegal_parameter: 'it rejected a value in the ClientHello',
  inappropriate_fallback: 'it treated the connection as a downgrade attack',
  close_notify: 'it closed the session before sending its certificate',
};

export class HandshakeSession {
  readonly capture: Capture = emptyCapture();

  private phase: Phase = 'server-hello';
  private readonly records: RecordStream;
  private readonly handshake = new HandshakeAssembler();
  private readonly versions: readonly TlsVersion[];
  private readonly serverName: string | null;
  private readonly where: string;
  private readonly random: Uint8Array;
  private readonly sessionId: Uint8Array;
  private keyShares: KeyShare[] = [];
  /** Handshake messages of the transcript so far (ClientHello1, HelloRetryRequest, ClientHello2). */
  private transcript: Uint8Array[] = [];
  private helloRetry: ServerHello | null = null;
  private decrypter: RecordDecrypter | null = null;
  private bytesReceived = 0;
  private readonly firstHello: Uint8Array;
  private readonly newKeyShare: (group: number) => KeyShare | null;
  private readonly legacySsl: boolean;
  private readonly cipherSuites: readonly number[] | undefined;
  /** TLS 1.0-1.2 DHE suite chosen: its ServerKeyExchange names no group, only a prime. */
  private finiteFieldDhe = false;

  constructor(options: SessionOptions) {
    const wanted = new Set<string>(options.versions ?? []);
    const offered = TLS_VERSIONS.filter((version) => wanted.has(version));
    this.versions = offered.length ? offered : TLS_VERSIONS;
    this.serverName = sniHostName(options.servername);
    this.where = options.where;
    const random = options.randomBytes ?? ((length: number) => new Uint8Array(randomBytes(length)));
    this.random = random(32);
    // A non-empty session id keeps TLS 1.3 in "middlebox compatibility mode" (RFC 8446 D.4).
    this.sessionId = random(32);
    this.newKeyShare = options.createKeyShare ?? ((group) => createKeyShare(group));
    this.legacySsl = options.legacySsl ?? false;
    this.cipherSuites = options.cipherSuites;
    this.records = new RecordStream(this.legacySsl);
    if (this.versions.includes('TLSv1.3') && !this.legacySsl) {
      this.keyShares = INITIAL_KEY_SHARE_GROUPS.map(this.newKeyShare).filter((share): share is KeyShare => share !== null);
    }
    this.firstHello = this.clientHello(null);
    this.transcript.push(this.firstHello);
  }

  get receivedAnything(): boolean {
    return this.bytesReceived > 0;
  }

  get finished(): boolean {
    return this.phase === 'finished';
  }

  /** The record to send first. */
  firstFlight(): Uint8Array {
    return this.legacySsl ? sslv2CompatibleHello(this.random) : clientHelloRecord(this.firstHello);
  }

  receive(chunk: Uint8Array): SessionStep {
    const send: Uint8Array[] = [];
    if (this.finished) return { send, finished: true };
    this.bytesReceived += chunk.length;
    if (this.bytesReceived > MAX_FLIGHT_BYTES) {
      this.fail(this.protocolError(`more than ${MAX_FLIGHT_BYTES >> 20} MiB without finishing its hello`));
      return { send, finished: true };
    }
    this.records.push(chunk);
    while (!this.finished) {
      const record = this.records.next();
      if (record === null) break;
      if (!record.ok) this.failWith(record.fault);
      else this.handleRecord(record.value, send);
    }
    return { send, finished: this.finished };
  }

  /** The server closed the connection. */
  peerClosed(): void {
    if (this.finished) return;
    this.fail(
      this.bytesReceived === 0
        ? checkError('CONNECTION_RESET', `${this.where} closed the connection without answering the TLS ClientHello: it may not speak TLS on this port, or it refuses every offered protocol version.`)
        : checkError('CONNECTION_RESET', `${this.where} closed the connection during the TLS handshake, before sending its certificate.`),
    );
  }

  /** Stop reading (timeout, socket error, cancel); the error stands only if no certificate arrived. */
  abandon(error: CheckError): void {
    if (!this.finished) this.fail(error);
  }

  private handleRecord(record: TlsRecord, send: Uint8Array[]): void {
    switch (record.type) {
      case ContentType.alert:
        return this.handleAlertRecord(record.fragment);
      case ContentType.changeCipherSpec:
        // Only TLS 1.3's compatibility-mode dummy can arrive before our Finished; it carries nothing.
        return;
      case ContentType.handshake:
        if (this.decrypter) return this.fail(this.protocolError('unencrypted handshake data after its TLS 1.3 ServerHello'));
        this.handshake.push(record.fragment);
        return this.drainHandshake(send);
      case ContentType.applicationData:
        if (!this.decrypter) return this.fail(this.protocolError('encrypted data before the handshake was agreed'));
        return this.handleProtectedRecord(record, send);
    }
  }

  private handleProtectedRecord(record: TlsRecord, send: Uint8Array[]): void {
    const inner = this.decrypter!.decrypt(record.header, record.fragment);
    if (!inner) return this.fail(this.protocolError('TLS 1.3 records that could not be decrypted'));
    if (inner.contentType === ContentType.alert) return this.handleAlertRecord(inner.content);
    if (inner.contentType !== ContentType.handshake) {
      return this.fail(this.protocolError(`an encrypted record of unexpected type ${inner.contentType} during the handshake`));
    }
    this.handshake.push(inner.content);
    this.drainHandshake(send);
  }

  private handleAlertRecord(fragment: Uint8Array): void {
    const alert = parseAlert(fragment);
    if (!alert.ok) return this.failWith(alert.fault);
    this.capture.alert = alert.value;
    // Warnings (an unrecognized_name after SNI, say) do not end a handshake; close_notify does.
    if (alert.value.level === ALERT_LEVEL_WARNING && alert.value.description !== ALERT_CLOSE_NOTIFY) return;
    const hint = ALERT_HINTS[alert.value.name];
    this.fail(checkError('TLS_ALERT', `${this.where} ended the TLS handshake with the alert "${alert.value.name}"${hint ? `: ${hint}` : ''}.`));
  }

  private drainHandshake(send: Uint8Array[]): void {
    while (!this.finished) {
      const message = this.handshake.next();
      if (message === null) return;
      if (!message.ok) return this.failWith(message.fault);
      this.handleMessage(message.value, send);
    }
  }

  private handleMessage(message: HandshakeMessage, send: Uint8Array[]): void {
    if (message.type === HandshakeType.helloRequest && this.phase !== 'tls13-flight') return;
    switch (this.phase) {
      case 'server-hello':
        if (message.type !== HandshakeType.serverHello) return this.fail(this.unexpected(message.type, 'ServerHello'));
        return this.handleServerHello(message, send);
      case 'tls12-flight':
        return this.follow(readTls12Message(this.capture, message, this.finiteFieldDhe), message);
      case 'tls13-flight':
        return this.follow(readTls13Message(this.capture, message), message);
    }
  }

  /** Acts on what a message of the server's flight meant. */
  private follow(outcome: FlightOutcome, message: HandshakeMessage): void {
    if (outcome === 'more') return;
    if (outcome === 'done') this.phase = 'finished';
    else if (outcome === 'no-certificate') this.fail(this.noCertificate());
    else if (outcome === 'unexpected') this.fail(this.unexpected(message.type, 'its certificate'));
    else this.failWith(outcome.fault);
  }

  private handleServerHello(message: HandshakeMessage, send: Uint8Array[]): void {
    const hello = parseServerHello(message.body);
    if (!hello.ok) return this.failWith(hello.fault);
    const serverHello = hello.value;
    this.capture.serverHelloRead = true;
    if (serverHello.isHelloRetryRequest) return this.handleHelloRetry(serverHello, message, send);

    const version = this.legacySsl && serverHello.selectedVersion === SSL3_CODE ? 'SSLv3' : versionFromCode(serverHello.selectedVersion);
    if (!version) {
      return this.fail(this.protocolError(`a ServerHello for ${describeVersionCode(serverHello.selectedVersion)}, a protocol version this check does not speak`));
    }
    this.capture.version = version;
    this.capture.cipherSuiteId = serverHello.cipherSuite;
    if (version !== 'TLSv1.3') {
      this.capture.encryptThenMac = serverHello.extensions.has(ExtensionType.encryptThenMac);
      this.finiteFieldDhe = /^TLS_DHE_/.test(cipherSuiteName(serverHello.cipherSuite));
      this.phase = 'tls12-flight';
      return;
    }
    this.startTls13(serverHello, message);
  }

  /** HelloRetryRequest: answer once with a ClientHello carrying the requested key share and cookie. */
  private handleHelloRetry(retry: ServerHello, message: HandshakeMessage, send: Uint8Array[]): void {
    if (this.helloRetry) return this.fail(this.protocolError('a second HelloRetryRequest'));
    if (retry.selectedVersion !== VERSION_CODES['TLSv1.3'] || !this.versions.includes('TLSv1.3')) {
      return this.fail(this.protocolError('a HelloRetryRequest outside TLS 1.3'));
    }
    if (!TLS13_SUITE_PARAMETERS[retry.cipherSuite]) return this.fail(this.protocolError('a HelloRetryRequest with a cipher suite that was not offered'));
    if (this.handshake.hasPartial) return this.fail(this.protocolError('handshake data after its HelloRetryRequest'));
    this.helloRetry = retry;
    this.capture.helloRetried = true;

    const keyShareData = retry.extensions.get(ExtensionType.keyShare);
    if (keyShareData) {
      const requested = parseServerKeyShare(keyShareData, true);
      if (!requested.ok) return this.failWith(requested.fault);
      const group = requested.value.group;
      const alreadySent = this.keyShares.some((share) => share.group === group);
      const share = KEY_SHARE_GROUPS.includes(group) && !alreadySent ? this.newKeyShare(group) : null;
      if (!share) return this.fail(this.protocolError(`a HelloRetryRequest for key exchange group ${group}, which was not offered`));
      this.keyShares = [share];
    }
    let cookie: Uint8Array | null = null;
    const cookieData = retry.extensions.get(ExtensionType.cookie);
    if (cookieData) {
      const parsedCookie = parseCookie(cookieData);
      if (!parsedCookie.ok) return this.failWith(parsedCookie.fault);
      cookie = parsedCookie.value;
    }
    const secondHello = this.clientHello(cookie);
    this.transcript.push(message.raw, secondHello);
    send.push(clientHelloRecord(secondHello));
  }

  private startTls13(serverHello: ServerHello, message: HandshakeMessage): void {
    if (!this.versions.includes('TLSv1.3')) return this.fail(this.protocolError('a TLS 1.3 ServerHello although TLS 1.3 was not offered'));
    const suite = TLS13_SUITE_PARAMETERS[serverHello.cipherSuite];
    if (!suite) return this.fail(this.protocolError('a TLS 1.3 cipher suite that was not offered'));
    if (this.helloRetry && this.helloRetry.cipherSuite !== serverHello.cipherSuite) {
      return this.fail(this.protocolError('a ServerHello whose cipher suite differs from its HelloRetryRequest'));
    }
    // A key change follows the ServerHello, so no handshake message may straddle it.
    if (this.handshake.hasPartial) return this.fail(this.protocolError('handshake data in clear after its TLS 1.3 ServerHello'));
    const keyShareData = serverHello.extensions.get(ExtensionType.keyShare);
    if (!keyShareData) return this.fail(this.protocolError('a TLS 1.3 ServerHello without a key share (a resumption this client never offered)'));
    const serverShare = parseServerKeyShare(keyShareData, false);
    if (!serverShare.ok) return this.failWith(serverShare.fault);
    const ourShare = this.keyShares.find((share) => share.group === serverShare.value.group);
    if (!ourShare) return this.fail(this.protocolError(`a key share for group ${serverShare.value.group}, which was not offered`));
    const sharedSecret = ourShare.sharedSecret(serverShare.value.keyExchange);
    if (!sharedSecret) return this.fail(this.protocolError('an invalid key share'));
    this.capture.keyExchangeGroup = ourShare.group;

    const helloHash = transcriptHash(suite, ...this.transcriptFor(suite), message.raw);
    this.decrypter = new RecordDecrypter(suite, serverHandshakeTrafficSecret(suite, sharedSecret, helloHash));
    this.phase = 'tls13-flight';
  }

  /** After a HelloRetryRequest, ClientHello1 enters the transcript as a message_hash (RFC 8446 4.4.1). */
  private transcriptFor(suite: Tls13Suite): Uint8Array[] {
    if (!this.helloRetry) return this.transcript;
    const [firstHello, ...rest] = this.transcript;
    const messageHash = concatBytes(u8(HandshakeType.messageHash), u24(suite.hashLength), transcriptHash(suite, firstHello!));
    return [messageHash, ...rest];
  }

  private clientHello(cookie: Uint8Array | null): Uint8Array {
    return buildClientHello({
      versions: this.versions,
      serverName: this.serverName,
      random: this.random,
      sessionId: this.sessionId,
      keyShares: this.keyShares,
      cookie,
      cipherSuites: this.cipherSuites,
    });
  }

  /** Ends the session. Once certificates are in hand a later failure is not an error of the capture. */
  private fail(error: CheckError): void {
    if (!this.capture.certificateReceived) this.capture.error = error;
    this.phase = 'finished';
  }

  private failWith(fault: TlsFault): void {
    if (fault.code === 'SSL2') {
      this.capture.sslv2 = true;
      return this.fail(
        checkError('SSL2_ONLY', `${this.where} answered in SSL 2.0, a protocol broken for decades that no current client speaks (RFC 6176 forbids it): replace or reconfigure this server for TLS 1.2.`),
      );
    }
    this.fail(
      fault.code === 'NOT_TLS'
        ? checkError('NOT_TLS', `${this.where} answered with ${fault.detail}, not TLS.`)
        : this.protocolError(fault.detail),
    );
  }

  private protocolError(detail: string): CheckError {
    return checkError('PROTOCOL_ERROR', `${this.where} sent ${detail}; the TLS handshake could not be read.`);
  }

  private unexpected(type: number, expected: string): CheckError {
    return this.protocolError(`an unexpected handshake message (type ${type}) where ${expected} was due`);
  }

  private noCertificate(): CheckError {
    return checkError('NO_CERTIFICATE', `${this.where} went through its part of the TLS handshake without sending a certificate.`);
  }
}

