// Runs test/helpers/boringssl-probe.py: asks the real BoringSSL (Debian's android-libboringssl, the
// library family Electron builds Node with) about every item of shared/tls/runtime-needs.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CIPHER_NAMES, DIGESTS, ECDH_CURVES, KEY_TYPES, NOBLE_INSTEAD, TLS_CIPHER_STRINGS, TLS_MIN_VERSION } from '../../shared/engine/capture/tls/runtime-needs.ts';

export interface BoringsslProbe {
  library: string;
  cipherStrings: Record<string, boolean>;
  strictCipherStrings: Record<string, boolean>;
  /** Whether the library's TLS knows one suite of each key-exchange family (SUITE_FAMILIES), by OpenSSL name. */
  suites: Record<string, boolean>;
  cipherNames: Record<string, boolean>;
  groups: Record<string, boolean>;
  ecdhCurves: Record<string, boolean>;
  digests: Record<string, boolean>;
  /** By OpenSSL short name: X25519, X448, ED25519, ED448. */
  keyTypes: Record<string, boolean>;
  minVersion: boolean;
  /** Does EVP_DigestVerify accept a real signature made by OpenSSL? By "<key>-<digest>". */
  signatures: Record<string, boolean>;
  /** Does d2i_PUBKEY read this kind of SubjectPublicKeyInfo (as certificates carry it)? */
  publicKeys: Record<string, boolean>;
}

const PROBE = fileURLToPath(new URL('./boringssl-probe.py', import.meta.url));
const PROTOCOL_CODES: Record<string, number> = { TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };

/** One TLS 1.2 suite per key-exchange family, by the OpenSSL cipher-string key-exchange alias it stands for. */
export const SUITE_FAMILIES: Record<string, string> = { kDHE: 'DHE-RSA-AES128-GCM-SHA256', kECDHE: 'ECDHE-RSA-AES128-GCM-SHA256' };

/** Raw private key lengths, by the short name the probe looks up. */
const RAW_KEY_LENGTHS: Record<string, number> = { X25519: 32, X448: 56, ED25519: 32, ED448: 57 };
export const KEY_TYPE_SHORT_NAMES: Record<string, string> = { x25519: 'X25519', x448: 'X448', ed25519: 'ED25519', ed448: 'ED448' };

/** The TLS groups Node's handshake may negotiate, by the names createSecureContext's ecdhCurve takes. */
const TLS_GROUPS = ['X25519', 'P-256', 'P-384', 'P-521', ...NOBLE_INSTEAD.curveNames];

/** Real signatures made with OpenSSL, so the probe can tell whether BoringSSL verifies each kind. */
function signatureCases() {
  const data = Buffer.from('tbsCertificate stand-in');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cases = [
    ...Object.values(DIGESTS).map((digest) => ({ name: `rsa-${digest}`, digest, keys: rsa })),
    { name: 'ec-sha256', digest: DIGESTS.sha256, keys: generateKeyPairSync('ec', { namedCurve: ECDH_CURVES.secp256r1 }) },
    { name: 'ec-sha384', digest: DIGESTS.sha384, keys: generateKeyPairSync('ec', { namedCurve: ECDH_CURVES.secp384r1 }) },
    { name: 'ec-sha512', digest: DIGESTS.sha512, keys: generateKeyPairSync('ec', { namedCurve: ECDH_CURVES.secp521r1 }) },
    { name: 'ed25519', digest: null, keys: generateKeyPairSync('ed25519') },
    { name: 'ed448', digest: null, keys: generateKeyPairSync('ed448') },
  ];
  return cases.map(({ name, digest, keys }) => ({
    name,
    digest,
    spki: keys.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
    data: data.toString('hex'),
    signature: sign(digest, data, keys.privateKey).toString('hex'),
  }));
}

/** SubjectPublicKeyInfo of each key kind a certificate may carry. */
function publicKeyCases(): Record<string, string> {
  const spki = (keys: { publicKey: import('node:crypto').KeyObject }) => keys.publicKey.export({ format: 'der', type: 'spki' }).toString('hex');
  return {
    rsa: spki(generateKeyPairSync('rsa', { modulusLength: 1024 })),
    'rsa-pss': spki(generateKeyPairSync('rsa-pss', { modulusLength: 1024 })),
    'ec-p256': spki(generateKeyPairSync('ec', { namedCurve: 'prime256v1' })),
    'ec-secp256k1': spki(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })),
    ed25519: spki(generateKeyPairSync('ed25519')),
    ed448: spki(generateKeyPairSync('ed448')),
    x448: spki(generateKeyPairSync('x448')),
  };
}

export function probeRequest() {
  return {
    cipherStrings: [...TLS_CIPHER_STRINGS],
    suites: Object.values(SUITE_FAMILIES),
    cipherNames: [...Object.values(CIPHER_NAMES), ...NOBLE_INSTEAD.cipherNames],
    groups: TLS_GROUPS,
    ecdhCurves: [...Object.values(ECDH_CURVES), 'X448'],
    digests: Object.values(DIGESTS),
    keyTypes: Object.fromEntries([...Object.values(KEY_TYPES), ...NOBLE_INSTEAD.keyTypes].filter((type) => KEY_TYPE_SHORT_NAMES[type]).map((type) => [KEY_TYPE_SHORT_NAMES[type]!, RAW_KEY_LENGTHS[KEY_TYPE_SHORT_NAMES[type]!]!])),
    minVersion: PROTOCOL_CODES[TLS_MIN_VERSION]!,
    signatures: signatureCases(),
    publicKeys: publicKeyCases(),
  };
}

/** The probe's answers, or why it could not run (no python3, no libboringssl). */
export function probeBoringssl(): BoringsslProbe | { missing: string } {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return { missing: 'python3 is not installed' };
  }
  const run = spawnSync('python3', [PROBE], { input: JSON.stringify(probeRequest()), encoding: 'utf8', timeout: 30_000 });
  if (run.status === 2) return { missing: run.stderr.trim() };
  if (run.status !== 0) throw new Error(`boringssl-probe.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as BoringsslProbe;
}
