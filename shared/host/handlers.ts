// The API both hosts serve (Electron main over IPC, the local web server over HTTP): check runs and
// their events, native file dialogs, the link allowlist, the trusted roots. Arguments are checked in
// validation.ts; only the truly host-specific parts (dialogs, opening a browser, where events go) come
// in through HostServices.
import { randomUUID } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { runChecks } from '../engine/pipeline.ts';
import { parseTargetList } from '../formats/csv-import.ts';
import { decodeTextFile } from '../formats/text-file.ts';
import type { ApiHandlers, AppInfo, CheckEvent, ImportedList, SaveFileResult } from '../ipc.ts';
import type { CheckRequest, EndpointResult } from '../types.ts';
import { createTrustedRootStore } from './trusted-roots.ts';
import { createMyCertificateStore, type SecretProtector } from './my-certificate.ts';
import {
  ApiInputError,
  decodeBase64,
  httpUrl,
  LIMITS,
  requireString,
  validateAddRootsOptions,
  validateCertificateFiles,
  validateCheckRequest,
  validateMyCertificateRequest,
  validateRunId,
  validateSaveFileRequest,
  validateThumbprint,
} from './validation.ts';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface OpenDialogOptions {
  title: string;
  filters: FileFilter[];
  multiple: boolean;
}

/** What a host provides; the optional dialogs exist only where there is a native UI (Electron). */
export interface HostServices {
  /** Per-user directory for state that survives restarts (trusted roots). */
  dataDir: string;
  app: AppInfo;
  /** Deliver a check event to the renderer. */
  emit(event: CheckEvent): void;
  /** Open an (already allowlisted) http(s) URL in the user's browser. */
  openExternal(url: string): void | Promise<void>;
  /** Ask for files to open; the chosen paths, or null when cancelled. */
  showOpenDialog?(options: OpenDialogOptions): Promise<string[] | null>;
  /** Ask where to save; the chosen path, or null when cancelled. */
  showSaveDialog?(options: { defaultName: string; filters: FileFilter[] }): Promise<string | null>;
  /** Encrypts the "My certificate" password for the disk (Electron: safeStorage); without one it is kept for the session only. */
  secretProtector?: SecretProtector | null;
}

export interface ApiHostDependencies {
  /** The engine; replaceable so tests can drive events without a network. */
  runChecks?: typeof runChecks;
}

export type SharedApiHandlers = ApiHandlers & {
  /** Abort every running check (host shutting down). */
  cancelAll(): void;
};

/** A method that needs a native dialog the host does not have (the browser bridge does these itself). */
export class NotAvailableError extends Error {
  override name = 'NotAvailableError';
}

const CERT_FILE_FILTERS: FileFilter[] = [{ name: 'Certificates', extensions: ['cer', 'crt', 'pem', 'der', 'p7b', 'p7c'] }];
const LIST_FILE_FILTERS: FileFilter[] = [
  { name: 'Target lists', extensions: ['csv', 'txt'] },
  { name: 'All files', extensions: ['*'] },
];

export function createApiHandlers(host: HostServices, deps: ApiHostDependencies = {}): SharedApiHandlers {
  const runEngine = deps.runChecks ?? runChecks;
  const runs = new Map<string, AbortController>();
  const allowedLinks = new Set<string>();
  const roots = createTrustedRootStore(host.dataDir);
  const myCertificate = createMyCertificateStore(host.dataDir, host.secretProtector ?? null);

  function emit(event: CheckEvent): void {
    try {
      host.emit(event);
    } catch {
      // A window that went away must not take the run down with it.
    }
  }

  function allowLinksOf(result: EndpointResult): void {
    for (const link of result.rootLinks ?? []) {
      const href = httpUrl(link?.url);
      if (!href) continue;
      allowedLinks.delete(href);
      allowedLinks.add(href);
      if (allowedLinks.size > LIMITS.allowedLinks) allowedLinks.delete(allowedLinks.values().next().value as string);
    }
  }

  async function run(runId: string, request: CheckRequest, controller: AbortController): Promise<void> {
    let finished = false;
    let error: string | null = null;
    try {
      // Cancelled before it started: nothing to run.
      if (controller.signal.aborted) return;
      await runEngine(request, {
        signal: controller.signal,
        onResult(result) {
          if (finished) return;
          allowLinksOf(result);
          emit({ kind: 'result', runId, result });
        },
        onProgress(progress) {
          if (!finished) emit({ kind: 'progress', runId, ...progress });
        },
      });
    } catch (err) {
      if (!controller.signal.aborted) error = errorMessage(err);
    } finally {
      finished = true;
      runs.delete(runId);
      emit({ kind: 'done', runId, cancelled: controller.signal.aborted, error });
    }
  }

  async function readPickedFiles(paths: string[]): Promise<{ name: string; bytes: Uint8Array }[]> {
    const files: { name: string; bytes: Uint8Array }[] = [];
    for (const path of paths.slice(0, LIMITS.files)) {
      const size = (await stat(path)).size;
      if (size > LIMITS.fileBytes) throw new ApiInputError(`${basename(path)} is too large (${size} bytes; at most ${LIMITS.fileBytes}).`);
      files.push({ name: basename(path), bytes: new Uint8Array(await readFile(path)) });
    }
    return files;
  }

  const handlers: SharedApiHandlers = {
    startCheck(rawRequest: unknown) {
      const request = validateCheckRequest(rawRequest);
      if (runs.size >= LIMITS.runningChecks) {
        throw new ApiInputError(`${runs.size} checks are already running: cancel one or wait for it to finish.`);
      }
      const runId = randomUUID();
      const controller = new AbortController();
      runs.set(runId, controller);
      // Start on a later turn, so the caller has the runId before the first event can reach it.
      setImmediate(() => {
        void Promise.all([roots.stored(), myCertificate.forRun()])
          .then(([stored, clientCert]) => {
            const extra = [...(request.options.extraRootsPem ?? []), ...stored.map((r) => r.pem)];
            // Only the host's own "My certificate": a page must not name files for the engine to read.
            const { clientCert: _fromPage, ...options } = request.options;
            // Roots marked "my Edge's root" are looked for in a federation partner's CA list.
            const marked = new Set(options.myRootThumbprints ?? []);
            const mine = [...(options.myRootsPem ?? []), ...stored.filter((r) => marked.has(r.root.thumbprint)).map((r) => r.pem)];
            const withStored: CheckRequest = {
              ...request,
              options: { ...options, extraRootsPem: extra, ...(clientCert ? { clientCert } : {}), ...(mine.length ? { myRootsPem: mine } : {}) },
            };
            return run(runId, withStored, controller);
          })
          .catch((err: unknown) => {
            runs.delete(runId);
            emit({ kind: 'done', runId, cancelled: false, error: `Could not read the trusted roots or My certificate: ${errorMessage(err)}` });
          });
      });
      return { runId };
    },

    cancelCheck(rawRunId: unknown) {
      const controller = runs.get(validateRunId(rawRunId));
      controller?.abort();
      return { cancelled: controller !== undefined };
    },

    async importList() {
      if (!host.showOpenDialog) throw new NotAvailableError('importList needs a native file dialog: the browser page picks the file itself and calls parseList.');
      const paths = await host.showOpenDialog({ title: 'Import target list', filters: LIST_FILE_FILTERS, multiple: false });
      if (!paths || paths.length === 0) return null;
      const [file] = await readPickedFiles(paths.slice(0, 1));
      return parseTargetList(file.name, decodeTextFile(file.bytes));
    },

    parseList(rawFileName: unknown, rawContent: unknown): ImportedList {
      const fileName = requireString(rawFileName, 'fileName', LIMITS.fileNameLength);
      const content = requireString(rawContent, 'content', LIMITS.fileBytes);
      return parseTargetList(fileName, content);
    },

    async saveFile(rawRequest: unknown): Promise<SaveFileResult> {
      const request = validateSaveFileRequest(rawRequest);
      if (!host.showSaveDialog) throw new NotAvailableError('saveFile needs a native save dialog: the browser page downloads the file itself.');
      const path = await host.showSaveDialog({ defaultName: request.defaultName, filters: request.filters });
      if (!path) return { saved: false, path: null };
      const bytes = request.encoding === 'base64' ? decodeBase64(request.content, 'content') : Buffer.from(request.content, 'utf8');
      await writeFile(path, bytes);
      return { saved: true, path };
    },

    async openExternal(rawUrl: unknown) {
      const href = httpUrl(requireString(rawUrl, 'url', LIMITS.urlLength));
      if (!href || !allowedLinks.has(href)) return { opened: false };
      await host.openExternal(href);
      return { opened: true };
    },

    listTrustedRoots: () => roots.list(),

    async addTrustedRootsFromDialog() {
      if (!host.showOpenDialog) throw new NotAvailableError('addTrustedRootsFromDialog needs a native file dialog: the browser page picks the files itself and calls addTrustedRoots.');
      const paths = await host.showOpenDialog({ title: 'Add trusted root certificates', filters: CERT_FILE_FILTERS, multiple: true });
      if (!paths || paths.length === 0) return { added: true, roots: await roots.list() };
      return roots.addFiles(await readPickedFiles(paths));
    },

    addTrustedRoots(rawFiles: unknown, rawOptions?: unknown) {
      return roots.addFiles(validateCertificateFiles(rawFiles), validateAddRootsOptions(rawOptions));
    },

    removeTrustedRoot(rawThumbprint: unknown) {
      return roots.remove(validateThumbprint(rawThumbprint));
    },

    getMyCertificate: () => myCertificate.get(),

    setMyCertificate(rawRequest: unknown) {
      return myCertificate.set(validateMyCertificateRequest(rawRequest));
    },

    removeMyCertificate: () => myCertificate.remove(),

    appInfo() {
      return { ...host.app };
    },

    cancelAll() {
      for (const controller of runs.values()) controller.abort();
    },
  };
  return handlers;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
