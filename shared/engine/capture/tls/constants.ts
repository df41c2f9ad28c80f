// TLS code points (IANA TLS parameters registry, RFC 8446 and RFC 5246) and their names.
import type { TlsVersion } from '../../../types.ts';

export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  finished: 20,
  certificateStatus: 22,
  /** The synthetic message that replaces ClientHello1 in the transcript after a HelloRetryRequest. */
  messageHash: 254,
} as const;

export const ExtensionType = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  padding: 21,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  supportedVersions: 43,
  cookie: 44,
  certificateAuthorities: 47,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

export const VERSION_CODES: Record<TlsVersion, number> = {
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};

/** SSL 3.0's version code; offered only by the dedicated legacy probe, never in a TLS hello. */
export const SSL3_CODE = 0x0300;

export function versionFromCode(code: number): TlsVersion | null {
  for (const [name, value] of Object.entries(VERSION_CODES)) if (value === code) return name as TlsVersion;
  return null;
}

/** How a version code is written for an admin: "TLS 1.2", "SSL 3.0", "0x7f1c". */
export function describeVersionCode(code: number): string {
  if (code === 0x0300) return 'SSL 3.0';
  if (code === 0x0002) return 'SSL 2.0';
  if (code >= 0x0301 && code <= 0x0304) return `TLS 1.${code - 0x0301}`;
  return `0x${code.toString(16).padStart(4, '0')}`;
}

export const NamedGroup = {
  secp256r1: 23,
  secp384r1: 24,
  secp521r1: 25,
  x25519: 29,
  x448: 30,
  ffdhe2048: 256,
  ffdhe3072: 257,
  ffdhe4096: 258,
} as const;

export const GROUP_NAMES: Record<number, string> = {
  23: 'secp256r1',
  24: 'secp384r1',
  25: 'secp521r1',
  29: 'x25519',
  30: 'x448',
  256: 'ffdhe2048',
  257: 'ffdhe3072',
  258: 'ffdhe4096',
};

export function groupName(group: number): string {
  return GROUP_NAMES[group] ?? `group_${group}`;
}

/** Alert descriptions (RFC 8446 section 6 and RFC 5246 section 7.2). */
export const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  111: 'certificate_unobtainable',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  114: 'bad_certificate_hash_value',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `unknown_alert_${description}`;
}

/** IANA names of the cipher suites a server may plausibly choose. */
export const CIPHER_SUITE_NAMES: Record<number, string> = {
  // TLS 1.3
  0x1301: 'TLS_AES_128_GCM_SHA256',
  0x1302: 'TLS_AES_256_GCM_SHA384',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
  // ECDHE with ECDSA certificates
  0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  0xc0ac: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM',
  0xc0ad: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  0xc024: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc008: 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA',
  0xc007: 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  // ECDHE with RSA certificates
  0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  0xc028: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc012: 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  0xc011: 'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  // Finite-field DHE
  0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xc09e: 'TLS_DHE_RSA_WITH_AES_128_CCM',
  0xc09f: 'TLS_DHE_RSA_WITH_AES_256_CCM',
  0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  0x0045: 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA',
  0x0088: 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA',
  0x0016: 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA',
  0x0015: 'TLS_DHE_RSA_WITH_DES_CBC_SHA',
  0x00a2: 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256',
  0x00a3: 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384',
  0x0040: 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
  0x006a: 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
  0x0032: 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
  0x0038: 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
  0x0013: 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
  // Static ECDH
  0xc004: 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA',
  0xc005: 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA',
  0xc00e: 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA',
  0xc00f: 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA',
  // RSA key transport
  0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0xc09c: 'TLS_RSA_WITH_AES_128_CCM',
  0xc09d: 'TLS_RSA_WITH_AES_256_CCM',
  0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x0041: 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA',
  0x0084: 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA',
  0x0096: 'TLS_RSA_WITH_SEED_CBC_SHA',
  0x0007: 'TLS_RSA_WITH_IDEA_CBC_SHA',
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x0009: 'TLS_RSA_WITH_DES_CBC_SHA',
  0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
  0x0004: 'TLS_RSA_WITH_RC4_128_MD5',
  0x0003: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
  0x0008: 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA',
  0x0001: 'TLS_RSA_WITH_NULL_MD5',
  0x0002: 'TLS_RSA_WITH_NULL_SHA',
  // Signalling values (never chosen by a correct server)
  0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  0x5600: 'TLS_FALLBACK_SCSV',
};

export function cipherSuiteName(id: number): string {
  return CIPHER_SUITE_NAMES[id] ?? `UNKNOWN_0x${id.toString(16).padStart(4, '0').toUpperCase()}`;
}

/** Offered in TLS 1.3 ClientHellos, in preference order. */
export const TLS13_SUITES: readonly number[] = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];

/**
 * Offered for TLS 1.0-1.2, strongest first. Deliberately broad, weak suites included, so that old
 * servers (RSA key transport, 3DES, RC4) still answer with their certificate. We never finish these
 * handshakes, so offering a weak suite costs nothing. Never TLS_FALLBACK_SCSV: one-version probes
 * would be refused as downgrades by servers that support a higher version.
 */
export const LEGACY_SUITES: readonly number[] = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
  0x009e, 0x009f, 0xccaa,
  0xc023, 0xc027, 0xc024, 0xc028,
  0xc009, 0xc013, 0xc00a, 0xc014,
  0x0067, 0x006b, 0x0033, 0x0039,
  0x00a2, 0x00a3, 0x0040, 0x006a, 0x0032, 0x0038,
  0xc0ac, 0xc0ad, 0xc09e, 0xc09f, 0xc09c, 0xc09d,
  0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035,
  0x0045, 0x0088, 0x0041, 0x0084, 0x0096,
  0xc004, 0xc005, 0xc00e, 0xc00f,
  0xc008, 0xc012, 0x0016, 0x0013, 0x000a,
  0xc007, 0xc011, 0x0005, 0x0004,
];

/** signature_algorithms, broad so that servers with SHA-1, PSS or DSA certificates all answer. */
export const SIGNATURE_SCHEMES: readonly number[] = [
  0x0403, // ecdsa_secp256r1_sha256
  0x0804, // rsa_pss_rsae_sha256
  0x0401, // rsa_pkcs1_sha256
  0x0503, // ecdsa_secp384r1_sha384
  0x0805, // rsa_pss_rsae_sha384
  0x0501, // rsa_pkcs1_sha384
  0x0603, // ecdsa_secp521r1_sha512
  0x0806, // rsa_pss_rsae_sha512
  0x0601, // rsa_pkcs1_sha512
  0x0807, // ed25519
  0x0808, // ed448
  0x0809, // rsa_pss_pss_sha256
  0x080a, // rsa_pss_pss_sha384
  0x080b, // rsa_pss_pss_sha512
  0x0303, // ecdsa_sha224
  0x0301, // rsa_pkcs1_sha224
  0x0203, // ecdsa_sha1
  0x0201, // rsa_pkcs1_sha1
  0x0402, // dsa_sha256
  0x0202, // dsa_sha1
];

/** The random value that marks a ServerHello as a HelloRetryRequest (RFC 8446 section 4.1.3). */
export const HELLO_RETRY_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);
