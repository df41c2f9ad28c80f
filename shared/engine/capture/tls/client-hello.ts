// The ClientHello: broad enough that servers from TLS 1.0-era SBCs to TLS 1.3-only hosts answer it.
import { KEY_SHARE_GROUPS } from './key-exchange.ts';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { TlsVersion } from '../../../types.ts';
import { u16, u24, u8, vector } from './wire.ts';
import { concatBytes } from '../../../bytes.ts';
import {
  ContentType,
  ExtensionType,
  HandshakeType,
  LEGACY_SUITES,
  SIGNATURE_SCHEMES,
  SSL3_CODE,
  TLS13_SUITES,
  VERSION_CODES,
} from './constants.ts';

export interface ClientHelloParams {
  /** At least one version; the hello offers exactly these. */
  versions: readonly TlsVersion[];
  /** Host name for SNI (already checked with sniHostName), or null. */
  serverName: string | null;
  random: Uint8Array;
  sessionId: Uint8Array;
  /** TLS 1.3 key shares to send: group and public value. */
  keyShares: ReadonlyArray<{ group: number; publicKey: Uint8Array }>;
  /** Echoed from a HelloRetryRequest. */
  cookie?: Uint8Array | null;
  /** TLS 1.0-1.2 suites to offer instead of the broad default list (a per-suite probe). */
  cipherSuites?: readonly number[];
}

/** Every group we can answer a HelloRetryRequest for (RFC 7919 ffdhe included: some TLS 1.3 servers offer nothing else). */
const SUPPORTED_GROUPS = KEY_SHARE_GROUPS;

/**
 * The SNI value for a target name: ASCII (punycode) form without a trailing dot, or null for IP
 * literals and names that cannot be sent (RFC 6066 forbids IP addresses in SNI).
 */
export function sniHostName(servername: string | null): string | null {
  if (!servername) return null;
  const name = servername.trim().replace(/\.$/, '');
  if (!name || isIP(name) || isIP(name.replace(/^\[|\]$/g, ''))) return null;
  const ascii = domainToASCII(name).toLowerCase();
  return ascii && ascii.length <= 253 ? ascii : null;
}

/** The ClientHello handshake message (4-byte header included), as it enters the transcript. */
export function buildClientHello(params: ClientHelloParams): Uint8Array {
  const codes = params.versions.map((version) => VERSION_CODES[version]).sort((a, b) => b - a);
  const offersTls13 = codes.includes(VERSION_CODES['TLSv1.3']);
  const offersLegacy = codes.some((code) => code < VERSION_CODES['TLSv1.3']);
  const highest = codes[0] ?? VERSION_CODES['TLSv1.2'];
  // With TLS 1.3 the real list travels in supported_versions and legacy_version stays at TLS 1.2.
  const legacyVersion = Math.min(highest, VERSION_CODES['TLSv1.2']);

  const suites = [...(offersTls13 ? TLS13_SUITES : []), ...(offersLegacy ? (params.cipherSuites ?? LEGACY_SUITES) : [])];
  const extensions = clientExtensions(params, codes, offersTls13, offersLegacy, highest);

  const bodyWithoutPadding = (padding: Uint8Array[]) =>
    concatBytes(
      u16(legacyVersion),
      params.random,
      vector(1, params.sessionId),
      vector(2, ...suites.map(u16)),
      vector(1, u8(0)), // compression: null only
      vector(2, ...extensions, ...padding),
    );
  let body = bodyWithoutPadding([]);
  const padding = paddingExtension(body.length + 4);
  if (padding) body = bodyWithoutPadding([padding]);
  return concatBytes(u8(HandshakeType.clientHello), u24(body.length), body);
}

/** One plaintext record; 0x0301 is the record version TLS clients use for their first flight. */
export function plaintextRecord(contentType: number, fragment: Uint8Array, recordVersion = 0x0301): Uint8Array {
  return concatBytes(u8(contentType), u16(recordVersion), vector(2, fragment));
}

export function clientHelloRecord(clientHello: Uint8Array): Uint8Array {
  return plaintextRecord(ContentType.handshake, clientHello);
}

function extension(type: number, ...data: Uint8Array[]): Uint8Array {
  return concatBytes(u16(type), vector(2, ...data));
}

function clientExtensions(
  params: ClientHelloParams,
  codes: number[],
  offersTls13: boolean,
  offersLegacy: boolean,
  highest: number,
): Uint8Array[] {
  const extensions: Uint8Array[] = [];
  if (params.serverName) {
    const hostName = Buffer.from(params.serverName, 'ascii');
    extensions.push(extension(ExtensionType.serverName, vector(2, u8(0), vector(2, hostName))));
  }
  if (offersLegacy) extensions.push(extension(ExtensionType.ecPointFormats, vector(1, u8(0))));
  extensions.push(extension(ExtensionType.supportedGroups, vector(2, ...SUPPORTED_GROUPS.map(u16))));
  // OCSP status request with no responder ids and no request extensions: asks for a stapled response.
  extensions.push(extension(ExtensionType.statusRequest, u8(1), u16(0), u16(0)));
  // RFC 5246: only hellos that offer TLS 1.2 or later may carry signature_algorithms.
  if (highest >= VERSION_CODES['TLSv1.2']) {
    extensions.push(extension(ExtensionType.signatureAlgorithms, vector(2, ...SIGNATURE_SCHEMES.map(u16))));
  }
  if (offersLegacy) {
    extensions.push(extension(ExtensionType.renegotiationInfo, vector(1)));
    // GnuTLS with %FORCE_ETM (and other hardened CBC-only servers) refuse a hello without it (RFC 7366).
    extensions.push(extension(ExtensionType.encryptThenMac));
  }
  if (offersTls13) {
    extensions.push(extension(ExtensionType.supportedVersions, vector(1, ...codes.map(u16))));
    if (params.cookie) extensions.push(extension(ExtensionType.cookie, vector(2, params.cookie)));
    const shares = params.keyShares.map((share) => concatBytes(u16(share.group), vector(2, share.publicKey)));
    extensions.push(extension(ExtensionType.keyShare, vector(2, ...shares)));
  }
  return extensions;
}

/**
 * Some old load balancers hang on ClientHellos of 256-511 bytes (RFC 7685 section 1);
 * padding such a hello to 512 bytes avoids that, as browsers do.
 */
function paddingExtension(helloLength: number): Uint8Array | null {
  if (helloLength <= 0xff || helloLength >= 0x200) return null;
  const missing = 0x200 - helloLength;
  const dataLength = missing >= 5 ? missing - 4 : 1;
  return extension(ExtensionType.padding, new Uint8Array(dataLength));
}

/**
 * An SSL 2.0-format CLIENT-HELLO that offers SSL 3.0 (RFC 6101 appendix E.1), as SSL-era clients sent:
 * an SSL 3.0 server answers it with an SSL 3.0 ServerHello, an SSL 2.0-only server with a SERVER-HELLO,
 * so one connection names either. Never sent by the TLS probes.
 */
export function sslv2CompatibleHello(challenge: Uint8Array): Uint8Array {
  const cipherSpecs = [...SSL2_CIPHER_SPECS, ...SSL3_SUITES.map((suite) => [0, suite >> 8, suite & 0xff])].flat();
  const body = concatBytes(
    u8(SSL2_CLIENT_HELLO),
    u16(SSL3_CODE),
    u16(cipherSpecs.length),
    u16(0), // no session id
    u16(challenge.length),
    Uint8Array.from(cipherSpecs),
    challenge,
  );
  // Two-byte SSL 2.0 record header: high bit set, 15-bit length.
  return concatBytes(u16(0x8000 | body.length), body);
}

const SSL2_CLIENT_HELLO = 1;
/** SSL 2.0 cipher kinds (RC4, RC2, IDEA, DES, 3DES): offered so that an SSL 2.0-only server answers. */
const SSL2_CIPHER_SPECS: number[][] = [
  [0x01, 0x00, 0x80],
  [0x02, 0x00, 0x80],
  [0x03, 0x00, 0x80],
  [0x04, 0x00, 0x80],
  [0x05, 0x00, 0x80],
  [0x06, 0x00, 0x40],
  [0x07, 0x00, 0xc0],
];
/** The suites SSL 3.0 servers had: AES and 3DES/RC4 with RSA or DHE. */
const SSL3_SUITES: readonly number[] = [0x0035, 0x002f, 0x0039, 0x0033, 0x000a, 0x0016, 0x0013, 0x0005, 0x0004, 0x0009, 0x00ff];
