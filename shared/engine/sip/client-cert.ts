// The admin's own certificate ("My certificate"), presented as a TLS client certificate: a PEM file
// (certificate and key together, or the key in a second file) or a PFX/P12 with its password.
// The key and password live only inside this process: in a private field handed to Node's TLS
// context, never in a result, an error message, JSON or a log.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { pemBlocks } from '../../bytes.ts';
import { decodeCertificate } from '../decode/index.ts';
import { cannotReadMessage } from '../../formats/file-errors.ts';
import type { ClientCertificateFiles, ClientCertificateInfo } from './types.ts';

export type { ClientCertificateFiles } from './types.ts';

/** A certificate file that cannot be used, with the reason in admin words (no key material in it). */
export class ClientCertificateError extends Error {
  override name = 'ClientCertificateError';
}

/** Key blocks of any PEM flavour: PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC. */
const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:ENCRYPTED |RSA |EC )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/;

/** A loaded certificate and key. Serialises to its public names only. */
export class ClientCredential {
  /** Null for a PFX whose certificate the TLS library does not show before a connection. */
  readonly info: ClientCertificateInfo | null;
  readonly #options: tls.SecureContextOptions;

  constructor(options: tls.SecureContextOptions, info: ClientCertificateInfo | null) {
    this.#options = options;
    this.info = info;
  }

  /** The options for Node's TLS context (cert/key or pfx, and the passphrase): for the TLS context only. */
  secureContextOptions(): tls.SecureContextOptions {
    return this.#options;
  }

  toJSON(): ClientCertificateInfo | null {
    return this.info;
  }
}

/** Public facts of our certificate: the leaf's names and every issuer name we can send. */
export function describeClientCertificate(chainDer: Uint8Array[]): ClientCertificateInfo | null {
  const decoded = chainDer.flatMap((der) => {
    try {
      return [decodeCertificate(der)];
    } catch {
      return [];
    }
  });
  const leaf = decoded[0];
  if (!leaf) return null;
  return {
    subject: leaf.subject,
    issuer: leaf.issuer,
    thumbprint: leaf.thumbprint,
    notAfter: leaf.notAfter,
    issuerNames: [...new Set(decoded.map((cert) => cert.issuer))],
  };
}

/** Node's TLS errors reworded; their text names the failing step, never the key. */
function explainLoadError(error: unknown, kind: 'pem' | 'pfx'): ClientCertificateError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/mac verify|bad decrypt|bad password|wrong password|decrypt/i.test(detail)) {
    return new ClientCertificateError(`The ${kind === 'pfx' ? 'PFX' : 'key'} could not be opened with the password given: check the password (${detail}).`);
  }
  if (kind === 'pfx' && /unsupported/i.test(detail)) {
    return new ClientCertificateError(
      `This app's TLS library cannot read this PFX (${detail}): it is probably protected with an old algorithm (RC2 or 3DES). ` +
        'Export it again with AES-256 encryption, or convert it to PEM (openssl pkcs12 -legacy -in FILE -nodes) and give the certificate and key.',
    );
  }
  if (/key values mismatch/i.test(detail)) return new ClientCertificateError('The private key does not belong to the certificate: give the key that was made with it.');
  return new ClientCertificateError(`The certificate or key could not be loaded (${detail}).`);
}

/** Loads and checks (by building a TLS context once) a certificate with its key; throws ClientCertificateError. */
export function clientCredentialFromBytes(cert: Uint8Array, key?: Uint8Array | null, password?: string | null): ClientCredential {
  const passphrase = password ?? undefined;
  const certText = Buffer.from(cert).toString('latin1');
  if (!certText.includes('-----BEGIN')) return pfxCredential(Buffer.from(cert), passphrase);
  const chain = pemBlocks(certText);
  if (chain.length === 0) throw new ClientCertificateError('The file holds no PEM certificate (-----BEGIN CERTIFICATE-----).');
  const keyPem = PRIVATE_KEY_BLOCK.exec(key ? Buffer.from(key).toString('latin1') : certText)?.[0];
  if (!keyPem) {
    throw new ClientCertificateError(key ? 'The key file holds no PEM private key.' : 'The certificate file holds no private key: give the key file too (--client-key), or use a PFX.');
  }
  const options: tls.SecureContextOptions = { cert: certText, key: keyPem, passphrase };
  try {
    tls.createSecureContext(options);
  } catch (error) {
    throw explainLoadError(error, 'pem');
  }
  return new ClientCredential(options, describeClientCertificate(chain));
}

function pfxCredential(pfx: Buffer, passphrase: string | undefined): ClientCredential {
  const options: tls.SecureContextOptions = { pfx, passphrase };
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext(options);
  } catch (error) {
    throw explainLoadError(error, 'pfx');
  }
  return new ClientCredential(options, describeClientCertificate(contextCertificates(context)));
}

/**
 * The certificate (and its issuer, when the PFX carries it) a context will present. Node's SecureContext
 * has getCertificate/getIssuer but does not document them, so a runtime without them gets the names
 * after the handshake instead (TLSSocket.getCertificate).
 */
function contextCertificates(context: tls.SecureContext): Uint8Array[] {
  const native = (context as unknown as { context?: { getCertificate?: () => Buffer | null; getIssuer?: () => Buffer | null } }).context;
  try {
    return [native?.getCertificate?.(), native?.getIssuer?.()].filter((der): der is Buffer => Buffer.isBuffer(der)).map((der) => new Uint8Array(der));
  } catch {
    return [];
  }
}

/** Reads the files (in this process: the key is never sent anywhere) and loads them. */
export function loadClientCertificate(files: ClientCertificateFiles): ClientCredential {
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ClientCertificateError(cannotReadMessage(path, error));
    }
  };
  return clientCredentialFromBytes(read(files.certFile), files.keyFile ? read(files.keyFile) : null, files.password);
}
