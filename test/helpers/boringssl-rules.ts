// Preload (`node --import tsx --import ./test/helpers/boringssl-rules.ts ...`): makes node:tls and
// node:crypto refuse what the real BoringSSL refused when test/helpers/boringssl-probe.py asked it
// (the probe's JSON is in the file named by BORINGSSL_PROBE). Anything the probe was not asked
// about is refused too, so a new need that bypasses shared/tls/runtime-needs.ts fails here first.
// The TLS handshake itself stays OpenSSL's; its groups and key-exchange families are narrowed to
// those BoringSSL accepts (no X448 or ffdhe groups, no DHE suites).
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import tls from 'node:tls';
import { KEY_TYPE_SHORT_NAMES, SUITE_FAMILIES, type BoringsslProbe } from './boringssl.ts';

const probePath = process.env.BORINGSSL_PROBE;
if (!probePath) throw new Error('boringssl-rules.ts needs BORINGSSL_PROBE=<the probe JSON file>');
const probe = JSON.parse(readFileSync(probePath, 'utf8')) as BoringsslProbe;

function refusal(message: string, code: string): Error {
  return Object.assign(new Error(`${message} (BoringSSL rules)`), { code });
}

const accepted = (table: Record<string, boolean>, name: string) => table[name] === true || table[name.toLowerCase()] === true;

function checkDigest(name: string | null | undefined): void {
  if (name !== null && name !== undefined && !accepted(probe.digests, name)) throw refusal(`Invalid digest: ${name}`, 'ERR_CRYPTO_INVALID_DIGEST');
}

function checkKeyType(type: string | undefined, details?: crypto.AsymmetricKeyDetails): void {
  if (!type) return;
  const shortName = KEY_TYPE_SHORT_NAMES[type];
  const refused =
    (shortName !== undefined && !accepted(probe.keyTypes, shortName)) ||
    (type === 'rsa-pss' && !probe.publicKeys['rsa-pss']) ||
    (type === 'ec' && details?.namedCurve !== undefined && !accepted(probe.ecdhCurves, details.namedCurve)) ||
    !['rsa', 'rsa-pss', 'ec', ...Object.keys(KEY_TYPE_SHORT_NAMES)].includes(type);
  if (refused) throw refusal(`error:06000066:public key routines:OPENSSL_internal:UNSUPPORTED_ALGORITHM ${type}`, 'ERR_OSSL_EVP_UNSUPPORTED_ALGORITHM');
}

const acceptedGroups = Object.keys(probe.groups).filter((group) => probe.groups[group]);
/** Key-exchange families BoringSSL's TLS lacks (DHE): OpenSSL's handshake must not offer them either. */
const refusedFamilies = Object.entries(SUITE_FAMILIES).filter(([, suite]) => probe.suites?.[suite] === false).map(([family]) => `!${family}`);

const original = {
  createSecureContext: tls.createSecureContext,
  createCipheriv: crypto.createCipheriv,
  createDecipheriv: crypto.createDecipheriv,
  createECDH: crypto.createECDH,
  generateKeyPairSync: crypto.generateKeyPairSync,
  generateKeyPair: crypto.generateKeyPair,
  createPublicKey: crypto.createPublicKey,
  createPrivateKey: crypto.createPrivateKey,
  createHash: crypto.createHash,
  createHmac: crypto.createHmac,
  createSign: crypto.createSign,
  createVerify: crypto.createVerify,
  sign: crypto.sign,
  verify: crypto.verify,
  getCiphers: crypto.getCiphers,
  getCurves: crypto.getCurves,
  getHashes: crypto.getHashes,
};

tls.createSecureContext = (options: tls.SecureContextOptions = {}) => {
  if (options.ciphers !== undefined && !accepted(probe.cipherStrings, options.ciphers)) throw refusal('No cipher match', 'ERR_SSL_NO_CIPHER_MATCH');
  if (options.minVersion !== undefined && options.minVersion !== 'TLSv1.2' && options.minVersion !== 'TLSv1.3' && !probe.minVersion) throw refusal('Unsupported protocol', 'ERR_SSL_UNSUPPORTED_PROTOCOL');
  const groups = options.ecdhCurve?.split(':') ?? acceptedGroups;
  if (groups.some((group) => !accepted(probe.groups, group))) throw refusal('Failed to set ECDH curve', 'ERR_CRYPTO_OPERATION_FAILED');
  // BoringSSL has no security levels (it refuses every @-command, the probe shows; its compatibility API
  // reports level 0, nodejs/node commit 8029383): its 'ALL' reaches TLS 1.0 suites, so OpenSSL's must too.
  const ciphers = [options.ciphers ?? 'DEFAULT', ...refusedFamilies, '@SECLEVEL=0'].join(':');
  return original.createSecureContext({ ...options, ciphers, ecdhCurve: groups.join(':') });
};

/** The same function, checking its first argument (a cipher, curve or digest name) first. */
function guardFirst<T>(make: T, check: (name: string | null | undefined) => void): T {
  return ((...args: unknown[]) => {
    check(args[0] as string | null | undefined);
    return (make as (...args: unknown[]) => unknown)(...args);
  }) as T;
}

const checkCipher = (name: string | null | undefined) => {
  if (!name || !accepted(probe.cipherNames, name)) throw refusal(`Unknown cipher: ${name}`, 'ERR_CRYPTO_UNKNOWN_CIPHER');
};
crypto.createCipheriv = guardFirst(original.createCipheriv, checkCipher);
crypto.createDecipheriv = guardFirst(original.createDecipheriv, checkCipher);
crypto.createECDH = guardFirst(original.createECDH, (curve) => {
  if (!curve || !accepted(probe.ecdhCurves, curve)) throw refusal(`Invalid EC curve name: ${curve}`, 'ERR_CRYPTO_INVALID_CURVE');
});

crypto.generateKeyPairSync = ((type: string, options?: { namedCurve?: string }) => {
  checkKeyType(type, options?.namedCurve ? { namedCurve: options.namedCurve } : undefined);
  return (original.generateKeyPairSync as (type: string, options?: object) => unknown)(type, options);
}) as typeof crypto.generateKeyPairSync;
crypto.generateKeyPair = ((type: string, options: { namedCurve?: string } | undefined, callback: (error: Error | null) => void) => {
  try {
    checkKeyType(type, options?.namedCurve ? { namedCurve: options.namedCurve } : undefined);
  } catch (error) {
    return process.nextTick(() => callback(error as Error));
  }
  return (original.generateKeyPair as (type: string, options: unknown, callback: unknown) => void)(type, options, callback);
}) as typeof crypto.generateKeyPair;

const keyGuard =
  <T extends (...args: never[]) => crypto.KeyObject>(make: T): T =>
  ((...args: never[]) => {
    const key = make(...args);
    checkKeyType(key.asymmetricKeyType, key.asymmetricKeyDetails);
    return key;
  }) as T;
crypto.createPublicKey = keyGuard(original.createPublicKey);
crypto.createPrivateKey = keyGuard(original.createPrivateKey);

for (const name of ['createHash', 'createHmac', 'createSign', 'createVerify', 'sign', 'verify'] as const) {
  (crypto as Record<typeof name, unknown>)[name] = guardFirst(original[name], checkDigest);
}

crypto.getCiphers = () => original.getCiphers().filter((name) => accepted(probe.cipherNames, name));
crypto.getCurves = () => original.getCurves().filter((name) => accepted(probe.ecdhCurves, name));
crypto.getHashes = () => original.getHashes().filter((name) => accepted(probe.digests, name));

syncBuiltinESMExports();
