// The user's own trusted roots, kept on disk across restarts: one PEM file per certificate, named by
// its SHA-1 thumbprint, in <dataDir>/trusted-roots. Every check run adds them to the trust anchors.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toPem } from '../bytes.ts';
import { decodeCertificate } from '../engine/decode/index.ts';
import { readCertificates } from '../formats/certfile.ts';
import type { AddTrustedRootsResult, TrustedRoot } from '../ipc.ts';
import { ApiInputError } from './validation.ts';

const ROOT_FILE_PATTERN = /^[0-9A-F]{40}\.pem$/;

export interface StoredRoot {
  root: TrustedRoot;
  pem: string;
}

export interface TrustedRootStore {
  /** Every readable root with its PEM, sorted by subject. */
  stored(): Promise<StoredRoot[]>;
  list(): Promise<TrustedRoot[]>;
  /**
   * Adds every certificate of the files (all or nothing) and answers with the list afterwards; when one is
   * not a CA and confirm is not set, adds nothing and answers that it needs confirmation.
   */
  addFiles(files: { name: string; bytes: Uint8Array }[], options?: { confirm?: boolean }): Promise<AddTrustedRootsResult>;
  /** Removes one by its (validated, upper-case) thumbprint; the list afterwards. */
  remove(thumbprint: string): Promise<TrustedRoot[]>;
}

export function createTrustedRootStore(dataDir: string): TrustedRootStore {
  const rootsDir = join(dataDir, 'trusted-roots');

  async function stored(): Promise<StoredRoot[]> {
    let names: string[];
    try {
      names = await readdir(rootsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const roots: StoredRoot[] = [];
    for (const name of names.filter((n) => ROOT_FILE_PATTERN.test(n)).sort()) {
      const pem = await readFile(join(rootsDir, name), 'utf8').catch(() => null);
      if (pem === null) continue;
      const der: Uint8Array | undefined = readCertificates(new TextEncoder().encode(pem), name).certificates[0];
      const root = der ? describeRoot(der) : null;
      if (root) roots.push({ root, pem });
    }
    return roots.sort((a, b) => a.root.subject.localeCompare(b.root.subject) || a.root.thumbprint.localeCompare(b.root.thumbprint));
  }

  async function list(): Promise<TrustedRoot[]> {
    return (await stored()).map((r) => r.root);
  }

  async function addFiles(files: { name: string; bytes: Uint8Array }[], options: { confirm?: boolean } = {}): Promise<AddTrustedRootsResult> {
    const found: Uint8Array[] = [];
    const problems: string[] = [];
    for (const file of files) {
      const { certificates, errors } = readCertificates(file.bytes, file.name);
      const usable = certificates.filter((der) => describeRoot(der) !== null);
      if (usable.length === 0) {
        problems.push(`${file.name}: ${errors[0] ?? 'no certificate found in this file'}`);
      }
      found.push(...usable);
    }
    // All or nothing: a half-imported selection would be confusing to undo.
    if (problems.length > 0) throw new ApiInputError(`Could not add trusted roots. ${problems.join('; ')}`);
    const notCa = found.flatMap((der) => {
      const reason = notACertificateAuthority(der);
      const root = describeRoot(der);
      return reason && root ? [{ root, reason }] : [];
    });
    if (notCa.length > 0 && !options.confirm) {
      return { added: false, needsConfirmation: true, notCa, wouldAdd: found.flatMap((der) => describeRoot(der) ?? []), roots: await list() };
    }
    await mkdir(rootsDir, { recursive: true });
    for (const der of found) {
      const target = join(rootsDir, `${sha1Hex(der)}.pem`);
      const temporary = `${target}.${process.pid}.${randomUUID()}.tmp`;
      await writeFile(temporary, toPem(der));
      await rename(temporary, target);
    }
    return { added: true, roots: await list() };
  }

  async function remove(thumbprint: string): Promise<TrustedRoot[]> {
    await unlink(join(rootsDir, `${thumbprint}.pem`)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    return list();
  }

  return { stored, list, addFiles, remove };
}

/** What the dialog shows of a root; null when the bytes are not a certificate we can decode. */
export function describeRoot(der: Uint8Array): TrustedRoot | null {
  try {
    const info = decodeCertificate(der);
    if (info.parseError) return null;
    return { subject: info.subject, thumbprint: sha1Hex(der), notAfter: info.notAfter, derBase64: Buffer.from(der).toString('base64') };
  } catch {
    return null;
  }
}

function sha1Hex(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/**
 * Why this certificate cannot act as a root (it is not a CA: no basicConstraints cA=TRUE), or null when it can.
 * Trusting a server certificate as a root is a common slip (the wrong file of an export) and trusts that one server only.
 */
export function notACertificateAuthority(der: Uint8Array): string | null {
  const info = decodeCertificate(der);
  if (info.parseError || info.isCA) return null;
  return (
    `"${info.subject}" is not a CA certificate (its basic constraints do not say cA=TRUE): it looks like a server certificate. ` +
    'Trusting it trusts only that one certificate, and a chain cannot be built from it. Add the root CA certificate of the chain instead.'
  );
}
