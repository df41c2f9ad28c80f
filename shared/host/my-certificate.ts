// "My certificate": the admin's own certificate, kept across restarts like the trusted roots, in
// <dataDir>/my-certificate: the files as given (owner-only), and setting.json with the names shown in
// the dialog. The password is never written in plain: encrypted by the host's protector (Electron's
// safeStorage, the OS key store) when it has one, else kept in memory for this host's session only.
// A run gets file paths and the password (CheckOptions.clientCert); the engine reads the files itself.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClientCertificateError, clientCredentialFromBytes } from '../engine/sip/client-cert.ts';
import type { ClientCertificateFiles } from '../types.ts';
import type { MyCertificate } from '../ipc.ts';
import { ApiInputError } from './validation.ts';

/** Encrypts a secret for storage on disk with the operating system's key store (Electron: safeStorage). */
export interface SecretProtector {
  /** False where there is no real key store (Linux without one: safeStorage's fixed-key basic_text). */
  available(): Promise<boolean>;
  encrypt(secret: string): Promise<Uint8Array>;
  decrypt(sealed: Uint8Array): Promise<string>;
}

interface Setting {
  shown: Omit<MyCertificate, 'password'>;
  /** base64 of the protector's output; null without a password or when it is kept for the session only. */
  encryptedPassword: string | null;
  hasPassword: boolean;
}

export interface MyCertificateStore {
  get(): Promise<MyCertificate | null>;
  set(files: { cert: { name: string; bytes: Uint8Array }; key: { name: string; bytes: Uint8Array } | null; password: string | null }): Promise<MyCertificate>;
  remove(): Promise<null>;
  /** What a run needs (paths and password), or null when there is no usable certificate. */
  forRun(): Promise<ClientCertificateFiles | null>;
}

const CERT_FILE = 'certificate';
const KEY_FILE = 'key.pem';
const SETTING_FILE = 'setting.json';

export function createMyCertificateStore(dataDir: string, protector: SecretProtector | null): MyCertificateStore {
  const dir = join(dataDir, 'my-certificate');
  /** The password when it cannot be stored encrypted: this session only. */
  let sessionPassword: string | null = null;

  async function readSetting(): Promise<Setting | null> {
    try {
      return JSON.parse(await readFile(join(dir, SETTING_FILE), 'utf8')) as Setting;
    } catch {
      return null;
    }
  }

  async function password(setting: Setting): Promise<{ text: string | null; state: MyCertificate['password'] }> {
    if (!setting.hasPassword) return { text: null, state: 'none' };
    if (setting.encryptedPassword && protector) {
      try {
        return { text: await protector.decrypt(Buffer.from(setting.encryptedPassword, 'base64')), state: 'encrypted' };
      } catch {
        return { text: null, state: 'missing' };
      }
    }
    return sessionPassword !== null ? { text: sessionPassword, state: 'session' } : { text: null, state: 'missing' };
  }

  async function writePrivate(name: string, bytes: Uint8Array | string): Promise<void> {
    const target = join(dir, name);
    const temporary = `${target}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes, { mode: 0o600 });
    await rename(temporary, target);
  }

  return {
    async get() {
      const setting = await readSetting();
      return setting ? { ...setting.shown, password: (await password(setting)).state } : null;
    },

    async set({ cert, key, password: given }) {
      let info;
      try {
        info = clientCredentialFromBytes(cert.bytes, key?.bytes ?? null, given).info;
      } catch (error) {
        if (error instanceof ClientCertificateError) throw new ApiInputError(error.message);
        throw error;
      }
      const shown: Setting['shown'] = {
        subject: info?.subject ?? '(shown after the first check)',
        issuer: info?.issuer ?? '',
        notAfter: info?.notAfter ?? '',
        thumbprint: info?.thumbprint ?? '',
        certFileName: cert.name,
        keyFileName: key?.name ?? null,
      };
      const sealing = given !== null && protector && (await protector.available()) ? protector : null;
      const encryptedPassword = sealing && given !== null ? Buffer.from(await sealing.encrypt(given)).toString('base64') : null;
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writePrivate(CERT_FILE, cert.bytes);
      if (key) await writePrivate(KEY_FILE, key.bytes);
      await writePrivate(SETTING_FILE, JSON.stringify({ shown, encryptedPassword, hasPassword: given !== null } satisfies Setting, null, 2));
      sessionPassword = given !== null && !sealing ? given : null;
      return { ...shown, password: given === null ? 'none' : sealing ? 'encrypted' : 'session' };
    },

    async remove() {
      sessionPassword = null;
      await rm(dir, { recursive: true, force: true });
      return null;
    },

    async forRun() {
      const setting = await readSetting();
      if (!setting) return null;
      const { text, state } = await password(setting);
      // Without its password the certificate cannot be opened: the dialog says to load it again.
      if (state === 'missing') return null;
      return { certFile: join(dir, CERT_FILE), keyFile: setting.shown.keyFileName ? join(dir, KEY_FILE) : null, password: text };
    },
  };
}
