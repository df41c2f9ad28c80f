// What each message of the server's first flight tells the capture: the certificates exactly as sent,
// a stapled OCSP response, a CertificateRequest and its CAs, the key exchange group. Pure: the session
// (handshake.ts) feeds the messages in and acts on the outcome.
import type { CheckError, ProtocolVersion } from '../../../types.ts';
import { ByteReader, copyBytes } from './wire.ts';
import { HandshakeType } from './constants.ts';
import {
  parseCertificate12,
  parseCertificate13,
  parseCertificateRequest12,
  parseCertificateRequest13,
  parseCertificateStatus,
  parseEncryptedExtensions,
  type CertificateList,
} from './messages.ts';
import type { Alert, HandshakeMessage, TlsFault } from './records.ts';

/** What was learned from the server so far. */
export interface Capture {
  version: ProtocolVersion | null;
  cipherSuiteId: number | null;
  certificates: Uint8Array[];
  /** A Certificate message was read (it may have held no certificate). */
  certificateReceived: boolean;
  certificateRequested: boolean;
  acceptableCAs: Uint8Array[];
  stapledOcsp: Uint8Array | null;
  /** The last alert the server sent, warnings included. */
  alert: Alert | null;
  /** Set when the flight could not be read up to the certificate. */
  error: CheckError | null;
  /** The (EC)DHE named group of the key exchange, when the server names one. */
  keyExchangeGroup: number | null;
  /** TLS 1.0-1.2 finite-field DHE: the size of the server's prime, in bits (it names no group). */
  dhePrimeBits: number | null;
  /** The server answered the first ClientHello with a HelloRetryRequest. */
  helloRetried: boolean;
  /** TLS 1.0-1.2 and SSL 3.0: whether the ServerHello accepted encrypt_then_mac; null before one or for TLS 1.3. */
  encryptThenMac: boolean | null;
  /** The server answered in SSL 2.0. */
  sslv2: boolean;
  /** A ServerHello (or HelloRetryRequest) was read, even one for a version this client does not speak. */
  serverHelloRead: boolean;
}

/** A capture before the server said anything. */
export function emptyCapture(): Capture {
  return {
    version: null,
    cipherSuiteId: null,
    certificates: [],
    certificateReceived: false,
    certificateRequested: false,
    acceptableCAs: [],
    stapledOcsp: null,
    alert: null,
    error: null,
    keyExchangeGroup: null,
    dhePrimeBits: null,
    helloRetried: false,
    encryptThenMac: null,
    sslv2: false,
    serverHelloRead: false,
  };
}

/** What a message meant: read on, the flight is complete, no certificate came, a message out of place, or a malformed one. */
export type FlightOutcome = 'more' | 'done' | 'no-certificate' | 'unexpected' | { fault: TlsFault };

/** One message of a TLS 1.0-1.2 (or SSL 3.0) flight, read in clear up to ServerHelloDone. */
export function readTls12Message(capture: Capture, message: HandshakeMessage, finiteFieldDhe: boolean): FlightOutcome {
  switch (message.type) {
    case HandshakeType.certificate: {
      const list = parseCertificate12(message.body);
      return list.ok ? acceptCertificates(capture, list.value) : { fault: list.fault };
    }
    case HandshakeType.certificateStatus: {
      const ocsp = parseCertificateStatus(message.body);
      if (!ocsp.ok) return { fault: ocsp.fault };
      capture.stapledOcsp = copyBytes(ocsp.value);
      return 'more';
    }
    case HandshakeType.serverKeyExchange:
      if (finiteFieldDhe) capture.dhePrimeBits = dhePrimeBits(message.body);
      else capture.keyExchangeGroup = namedCurveOf(message.body);
      return 'more';
    case HandshakeType.certificateRequest: {
      const request = parseCertificateRequest12(message.body, capture.version === 'TLSv1.2');
      if (!request.ok) return { fault: request.fault };
      capture.certificateRequested = true;
      capture.acceptableCAs = request.value.authorities.map((name) => copyBytes(name));
      return 'more';
    }
    case HandshakeType.serverHelloDone:
      return capture.certificateReceived ? 'done' : 'no-certificate';
    default:
      return 'unexpected';
  }
}

/** One message of the decrypted TLS 1.3 flight, read up to the Certificate. */
export function readTls13Message(capture: Capture, message: HandshakeMessage): FlightOutcome {
  switch (message.type) {
    case HandshakeType.encryptedExtensions: {
      const extensions = parseEncryptedExtensions(message.body);
      return extensions.ok ? 'more' : { fault: extensions.fault };
    }
    case HandshakeType.certificateRequest: {
      const request = parseCertificateRequest13(message.body);
      if (!request.ok) return { fault: request.fault };
      capture.certificateRequested = true;
      capture.acceptableCAs = request.value.authorities.map((name) => copyBytes(name));
      return 'more';
    }
    case HandshakeType.certificate: {
      const list = parseCertificate13(message.body);
      if (!list.ok) return { fault: list.fault };
      // The CertificateRequest, if any, came before the Certificate: nothing more to learn.
      return acceptCertificates(capture, list.value) === 'more' ? 'done' : 'no-certificate';
    }
    case HandshakeType.certificateVerify:
    case HandshakeType.finished:
      return 'no-certificate';
    default:
      return 'unexpected';
  }
}

function acceptCertificates(capture: Capture, list: CertificateList): FlightOutcome {
  if (list.certificates.length === 0) return 'no-certificate';
  // Copies, so results do not pin the whole received flight in memory.
  capture.certificates = list.certificates.map((der) => copyBytes(der));
  if (list.stapledOcsp) capture.stapledOcsp = copyBytes(list.stapledOcsp);
  capture.certificateReceived = true;
  return 'more';
}

/** The size of the prime of a DHE ServerKeyExchange (RFC 5246 7.4.3: dh_p comes first), in bits; null when unreadable. */
function dhePrimeBits(serverKeyExchange: Uint8Array): number | null {
  const reader = new ByteReader(serverKeyExchange);
  const prime = reader.vector(2);
  if (!reader.ok || prime.length === 0) return null;
  let leadingZeros = 0;
  while (leadingZeros < prime.length && prime[leadingZeros] === 0) leadingZeros++;
  const significant = prime.length - leadingZeros;
  return significant === 0 ? null : (significant - 1) * 8 + (32 - Math.clz32(prime[leadingZeros]!));
}

/** The named curve of an ECDHE ServerKeyExchange (RFC 8422 5.4: curve_type named_curve, then the group). */
function namedCurveOf(serverKeyExchange: Uint8Array): number | null {
  const NAMED_CURVE = 3;
  const reader = new ByteReader(serverKeyExchange);
  const curveType = reader.u8();
  const group = reader.u16();
  return reader.ok && curveType === NAMED_CURVE ? group : null;
}
