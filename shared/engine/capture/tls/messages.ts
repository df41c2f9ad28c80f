// Parsers for the server's handshake messages (RFC 5246 section 7.4, RFC 8446 section 4).
// Each takes a message body and returns a value or a fault; none throws.
import { ByteReader } from './wire.ts';
import { ExtensionType, HELLO_RETRY_RANDOM } from './constants.ts';
import { malformed, parsed, type Parsed } from './records.ts';
import { bytesEqual } from '../../../bytes.ts';

export type Extensions = Map<number, Uint8Array>;

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: Extensions;
  isHelloRetryRequest: boolean;
  /** The version the server chose: supported_versions when present (TLS 1.3), else legacy_version. */
  selectedVersion: number;
}

export interface KeyShareEntry {
  group: number;
  /** Empty in a HelloRetryRequest, which only names the group. */
  keyExchange: Uint8Array;
}

export interface CertificateList {
  certificates: Uint8Array[];
  /** OCSP response stapled in the leaf's status_request entry extension (TLS 1.3). */
  stapledOcsp: Uint8Array | null;
}

export interface CertificateRequestInfo {
  /** DER of each DistinguishedName the server accepts client certificates from, in the order sent. */
  authorities: Uint8Array[];
}

const OCSP_STATUS_TYPE = 1;

/** An extensions block (type, opaque data) pairs; a repeated type is malformed (RFC 8446 4.2). */
export function parseExtensions(block: Uint8Array): Parsed<Extensions> {
  const reader = new ByteReader(block);
  const extensions: Extensions = new Map();
  while (reader.ok && reader.remaining > 0) {
    const type = reader.u16();
    const data = reader.vector(2);
    if (!reader.ok) break;
    if (extensions.has(type)) return malformed(`the extension ${type} twice`);
    extensions.set(type, data);
  }
  return reader.done ? parsed(extensions) : malformed('a truncated extensions block');
}

export function parseServerHello(body: Uint8Array): Parsed<ServerHello> {
  const reader = new ByteReader(body);
  const legacyVersion = reader.u16();
  const random = reader.bytesOf(32);
  const sessionId = reader.vector(1);
  const cipherSuite = reader.u16();
  const compressionMethod = reader.u8();
  // TLS 1.0-1.2 servers may omit the extensions block entirely.
  const extensionBlock = reader.ok && reader.remaining > 0 ? reader.vector(2) : new Uint8Array(0);
  if (!reader.done) return malformed('a malformed ServerHello');
  if (sessionId.length > 32) return malformed('a ServerHello with an oversized session id');
  const extensions = parseExtensions(extensionBlock);
  if (!extensions.ok) return extensions;

  let selectedVersion = legacyVersion;
  const supportedVersions = extensions.value.get(ExtensionType.supportedVersions);
  if (supportedVersions) {
    const versionReader = new ByteReader(supportedVersions);
    selectedVersion = versionReader.u16();
    if (!versionReader.done) return malformed('a malformed supported_versions extension in its ServerHello');
  }
  return parsed({
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions: extensions.value,
    isHelloRetryRequest: bytesEqual(random, HELLO_RETRY_RANDOM),
    selectedVersion,
  });
}

/** The key_share of a ServerHello, or of a HelloRetryRequest (group only). */
export function parseServerKeyShare(data: Uint8Array, helloRetry: boolean): Parsed<KeyShareEntry> {
  const reader = new ByteReader(data);
  const group = reader.u16();
  const keyExchange = helloRetry ? new Uint8Array(0) : reader.vector(2);
  if (!reader.done || (!helloRetry && keyExchange.length === 0)) return malformed('a malformed key_share extension');
  return parsed({ group, keyExchange });
}

/** The cookie a HelloRetryRequest asks to be echoed. */
export function parseCookie(data: Uint8Array): Parsed<Uint8Array> {
  const reader = new ByteReader(data);
  const cookie = reader.vector(2);
  return reader.done && cookie.length > 0 ? parsed(cookie) : malformed('a malformed cookie extension');
}

/** TLS 1.0-1.2 Certificate: a list of DER certificates. */
export function parseCertificate12(body: Uint8Array): Parsed<CertificateList> {
  const reader = new ByteReader(body);
  const list = reader.subReader(3);
  if (!reader.done) return malformed('a malformed Certificate message');
  const certificates: Uint8Array[] = [];
  while (list.ok && list.remaining > 0) {
    const der = list.vector(3);
    if (list.ok && der.length === 0) return malformed('an empty certificate in its Certificate message');
    if (list.ok) certificates.push(der);
  }
  return list.done ? parsed({ certificates, stapledOcsp: null }) : malformed('a truncated certificate in its Certificate message');
}

/** TLS 1.3 Certificate: a request context, then entries of certificate plus per-entry extensions. */
export function parseCertificate13(body: Uint8Array): Parsed<CertificateList> {
  const reader = new ByteReader(body);
  reader.vector(1); // certificate_request_context: empty in a server's Certificate
  const list = reader.subReader(3);
  if (!reader.done) return malformed('a malformed Certificate message');
  const certificates: Uint8Array[] = [];
  let stapledOcsp: Uint8Array | null = null;
  while (list.ok && list.remaining > 0) {
    const der = list.vector(3);
    const extensionBlock = list.vector(2);
    if (!list.ok) break;
    if (der.length === 0) return malformed('an empty certificate in its Certificate message');
    const extensions = parseExtensions(extensionBlock);
    if (!extensions.ok) return extensions;
    const status = extensions.value.get(ExtensionType.statusRequest);
    if (status && certificates.length === 0) {
      const ocsp = parseCertificateStatus(status);
      if (!ocsp.ok) return ocsp;
      stapledOcsp = ocsp.value;
    }
    certificates.push(der);
  }
  return list.done ? parsed({ certificates, stapledOcsp }) : malformed('a truncated certificate in its Certificate message');
}

/** CertificateStatus (TLS 1.2 message, and the TLS 1.3 entry extension): the stapled OCSP response. */
export function parseCertificateStatus(body: Uint8Array): Parsed<Uint8Array> {
  const reader = new ByteReader(body);
  const statusType = reader.u8();
  const response = reader.vector(3);
  if (!reader.done || response.length === 0) return malformed('a malformed stapled OCSP response');
  if (statusType !== OCSP_STATUS_TYPE) return malformed(`a certificate status of unknown type ${statusType}`);
  return parsed(response);
}

/** TLS 1.0-1.2 CertificateRequest; TLS 1.2 added the signature algorithm list. */
export function parseCertificateRequest12(body: Uint8Array, withSignatureAlgorithms: boolean): Parsed<CertificateRequestInfo> {
  const reader = new ByteReader(body);
  reader.vector(1); // certificate_types
  if (withSignatureAlgorithms) reader.vector(2);
  const names = reader.vector(2);
  if (!reader.done) return malformed('a malformed CertificateRequest');
  return parseDistinguishedNames(names);
}

/** TLS 1.3 CertificateRequest: context and extensions; the CA list is the certificate_authorities extension. */
export function parseCertificateRequest13(body: Uint8Array): Parsed<CertificateRequestInfo> {
  const reader = new ByteReader(body);
  reader.vector(1); // certificate_request_context
  const extensionBlock = reader.vector(2);
  if (!reader.done) return malformed('a malformed CertificateRequest');
  const extensions = parseExtensions(extensionBlock);
  if (!extensions.ok) return extensions;
  const authorities = extensions.value.get(ExtensionType.certificateAuthorities);
  if (!authorities) return parsed({ authorities: [] });
  const outer = new ByteReader(authorities);
  const names = outer.vector(2);
  if (!outer.done) return malformed('a malformed certificate_authorities extension');
  return parseDistinguishedNames(names);
}

/** EncryptedExtensions carries nothing we report, but it must be well formed. */
export function parseEncryptedExtensions(body: Uint8Array): Parsed<Extensions> {
  const reader = new ByteReader(body);
  const block = reader.vector(2);
  if (!reader.done) return malformed('a malformed EncryptedExtensions message');
  return parseExtensions(block);
}

function parseDistinguishedNames(list: Uint8Array): Parsed<CertificateRequestInfo> {
  const reader = new ByteReader(list);
  const authorities: Uint8Array[] = [];
  while (reader.ok && reader.remaining > 0) {
    const name = reader.vector(2);
    if (reader.ok) authorities.push(name);
  }
  return reader.done ? parsed({ authorities }) : malformed('a truncated list of acceptable CA names');
}
