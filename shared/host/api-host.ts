// The API both hosts serve (Electron main over IPC, the local web server over HTTP): argument validation,
// check runs and their events, the user's trusted roots on disk, the link allowlist. Only the truly
// host-specific parts (dialogs, opening a browser, where events go) come in through HostServices.
import { toPem } from '../bytes.ts';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readCertificates } from '../formats/certfile.ts';
import { parseTargetList } from '../formats/csv-import.ts';
import { decodeTextFile } from '../formats/text-file.ts';
import { decodeCertificate } from '../engine/decode/index.ts';
import { runChecks } from '../engine/pipeline.ts';
import type { ApiHandlers, AppInfo, CheckEvent, ImportedList, SaveFileRequest, SaveFileResult, TrustedRoot } from '../ipc.ts';
import { TARGET_TYPES, type CheckOptions, type CheckRequest, type EndpointResult, type InternalFetchMode, type TargetInput, type TargetType } from '../types.ts';
import { isInternalAddress } from '../engine/net/fetch-policy.ts';

const INTERNAL_FETCH_MODES: readonly InternalFetchMode[] = ['auto', 'allow', 'refuse'];

/** The page policy both hosts send: nothing but our own script, style and data: images; no framing. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const STATIC_CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
};

/** Content-Type for a file of the built renderer (both hosts serve it). */
export function contentTypeOf(fileName: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return STATIC_CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

export const LIMITS = {
  targets: 20_000,
  targetInputLength: 1024,
  dnsServerLength: 100,
  timeoutMs: { min: 100, max: 120_000 },
  concurrency: { min: 1, max: 64 },
  maxEndpointsPerTarget: { min: 1, max: 10_000 },
  extraRoots: 1000,
  pemLength: 1_000_000,
  /** One list or certificate file, and all certificate files of one call together. */
  fileBytes: 20 * 1024 * 1024,
  files: 100,
  fileNameLength: 260,
  urlLength: 4096,
  saveContentLength: 64 * 1024 * 1024,
  runningChecks: 4,
  allowedLinks: 10_000,
} as const;

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
}

export interface ApiHostDependencies {
  /** The engine; replaceable so tests can drive events without a network. */
  runChecks?: typeof runChecks;
}

export type SharedApiHandlers = ApiHandlers & {
  /** Abort every running check (host shutting down). */
  cancelAll(): void;
};

/** Malformed arguments from the renderer: the web server answers these with 400. */
export class ApiInputError extends Error {
  override name = 'ApiInputError';
}

/** A method that needs a native dialog the host does not have (the browser bridge does these itself). */
export class NotAvailableError extends Error {
  override name = 'NotAvailableError';
}

const RUN_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const THUMBPRINT_PATTERN = /^[0-9A-Fa-f]{40}$/;
const ROOT_FILE_PATTERN = /^[0-9A-F]{40}\.pem$/;
const CERT_FILE_FILTERS: FileFilter[] = [{ name: 'Certificates', extensions: ['cer', 'crt', 'pem', 'der', 'p7b', 'p7c'] }];
const LIST_FILE_FILTERS: FileFilter[] = [
  { name: 'Target lists', extensions: ['csv', 'txt'] },
  { name: 'All files', extensions: ['*'] },
];

export function createApiHandlers(host: HostServices, deps: ApiHostDependencies = {}): SharedApiHandlers {
  const runEngine = deps.runChecks ?? runChecks;
  const runs = new Map<string, AbortController>();
  const allowedLinks = new Set<string>();
  const rootsDir = join(host.dataDir, 'trusted-roots');

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
        onProgress({ done, total, current }) {
          if (!finished) emit({ kind: 'progress', runId, done, total, current });
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

  async function storedRoots(): Promise<{ root: TrustedRoot; pem: string }[]> {
    let names: string[];
    try {
      names = await readdir(rootsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const roots: { root: TrustedRoot; pem: string }[] = [];
    for (const name of names.filter((n) => ROOT_FILE_PATTERN.test(n)).sort()) {
      const pem = await readFile(join(rootsDir, name), 'utf8').catch(() => null);
      if (pem === null) continue;
      const der: Uint8Array | undefined = readCertificates(new TextEncoder().encode(pem), name).certificates[0];
      const root = der ? describeRoot(der) : null;
      if (root) roots.push({ root, pem });
    }
    return roots.sort((a, b) => a.root.subject.localeCompare(b.root.subject) || a.root.thumbprint.localeCompare(b.root.thumbprint));
  }

  async function listTrustedRoots(): Promise<TrustedRoot[]> {
    return (await storedRoots()).map((r) => r.root);
  }

  async function addCertificateFiles(files: { name: string; bytes: Uint8Array }[]): Promise<TrustedRoot[]> {
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
    await mkdir(rootsDir, { recursive: true });
    for (const der of found) {
      const thumbprint = sha1Hex(der);
      const target = join(rootsDir, `${thumbprint}.pem`);
      const temporary = `${target}.${process.pid}.${randomUUID()}.tmp`;
      await writeFile(temporary, toPem(der));
      await rename(temporary, target);
    }
    return listTrustedRoots();
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
        void storedRoots()
          .then((roots) => {
            const extra = [...(request.options.extraRootsPem ?? []), ...roots.map((r) => r.pem)];
            const withRoots: CheckRequest = { ...request, options: { ...request.options, extraRootsPem: extra } };
            return run(runId, withRoots, controller);
          })
          .catch((err: unknown) => {
            runs.delete(runId);
            emit({ kind: 'done', runId, cancelled: false, error: `Could not read the trusted roots: ${errorMessage(err)}` });
          });
      });
      return { runId };
    },

    cancelCheck(rawRunId: unknown) {
      const runId = requireString(rawRunId, 'runId', 36);
      if (!RUN_ID_PATTERN.test(runId)) throw new ApiInputError('runId is not a run id returned by startCheck.');
      const controller = runs.get(runId);
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

    listTrustedRoots,

    async addTrustedRootsFromDialog() {
      if (!host.showOpenDialog) throw new NotAvailableError('addTrustedRootsFromDialog needs a native file dialog: the browser page picks the files itself and calls addTrustedRoots.');
      const paths = await host.showOpenDialog({ title: 'Add trusted root certificates', filters: CERT_FILE_FILTERS, multiple: true });
      if (!paths || paths.length === 0) return listTrustedRoots();
      return addCertificateFiles(await readPickedFiles(paths));
    },

    addTrustedRoots(rawFiles: unknown) {
      return addCertificateFiles(validateCertificateFiles(rawFiles));
    },

    async removeTrustedRoot(rawThumbprint: unknown) {
      const thumbprint = requireString(rawThumbprint, 'thumbprint', 40);
      if (!THUMBPRINT_PATTERN.test(thumbprint)) throw new ApiInputError('thumbprint must be 40 hexadecimal digits (SHA-1).');
      await unlink(join(rootsDir, `${thumbprint.toUpperCase()}.pem`)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      return listTrustedRoots();
    },

    appInfo() {
      return { ...host.app };
    },

    cancelAll() {
      for (const controller of runs.values()) controller.abort();
    },
  };
  return handlers;
}

// ---- validation: every argument arrives as untrusted JSON ----

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, name: string, maxLength: number): string {
  if (typeof value !== 'string') throw new ApiInputError(`${name} must be a string.`);
  if (value.length > maxLength) throw new ApiInputError(`${name} is too long (at most ${maxLength} characters).`);
  return value;
}

function requireInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ApiInputError(`${name} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ApiInputError(`${name} must be true or false.`);
  return value;
}

function requireArray(value: unknown, name: string, maxItems: number): unknown[] {
  if (!Array.isArray(value)) throw new ApiInputError(`${name} must be an array.`);
  if (value.length > maxItems) throw new ApiInputError(`${name} has too many entries (at most ${maxItems}).`);
  return value;
}

function validateTarget(value: unknown, index: number): TargetInput {
  const where = `targets[${index}]`;
  if (!isPlainObject(value)) throw new ApiInputError(`${where} must be an object with input and type.`);
  const input = requireString(value.input, `${where}.input`, LIMITS.targetInputLength);
  if (input.trim() === '') throw new ApiInputError(`${where}.input is empty.`);
  if (typeof value.type !== 'string' || !TARGET_TYPES.includes(value.type as TargetType)) {
    throw new ApiInputError(`${where}.type must be one of ${TARGET_TYPES.join(', ')}.`);
  }
  const port = value.port === undefined || value.port === null ? null : requireInteger(value.port, `${where}.port`, 1, 65535);
  return { input, type: value.type as TargetType, port };
}

/** A fresh, well-formed CheckRequest (unknown fields dropped, missing options defaulted), or ApiInputError. */
export function validateCheckRequest(value: unknown): CheckRequest {
  if (!isPlainObject(value)) throw new ApiInputError('The check request must be an object with targets and options.');
  const targets = requireArray(value.targets, 'targets', LIMITS.targets).map(validateTarget);
  if (targets.length === 0) throw new ApiInputError('There is nothing to check: targets is empty.');
  const raw = value.options === undefined ? {} : value.options;
  if (!isPlainObject(raw)) throw new ApiInputError('options must be an object.');

  const options: CheckOptions = {
    dnsServer: raw.dnsServer === undefined || raw.dnsServer === null || raw.dnsServer === '' ? null : requireString(raw.dnsServer, 'options.dnsServer', LIMITS.dnsServerLength).trim() || null,
    testPool: optionalBoolean(raw.testPool, 'options.testPool') ?? true,
    timeoutMs: raw.timeoutMs === undefined ? 5000 : requireInteger(raw.timeoutMs, 'options.timeoutMs', LIMITS.timeoutMs.min, LIMITS.timeoutMs.max),
  };
  if (raw.extraRootsPem !== undefined) {
    options.extraRootsPem = requireArray(raw.extraRootsPem, 'options.extraRootsPem', LIMITS.extraRoots).map((pem, i) =>
      requireString(pem, `options.extraRootsPem[${i}]`, LIMITS.pemLength),
    );
  }
  const offline = optionalBoolean(raw.offline, 'options.offline');
  if (offline !== undefined) options.offline = offline;
  if (raw.concurrency !== undefined) {
    options.concurrency = requireInteger(raw.concurrency, 'options.concurrency', LIMITS.concurrency.min, LIMITS.concurrency.max);
  }
  if (raw.internalFetches !== undefined) {
    if (!INTERNAL_FETCH_MODES.includes(raw.internalFetches as InternalFetchMode)) throw new ApiInputError(`options.internalFetches must be one of ${INTERNAL_FETCH_MODES.join(', ')}.`);
    options.internalFetches = raw.internalFetches as InternalFetchMode;
  }
  if (raw.maxEndpointsPerTarget !== undefined) {
    const { min, max } = LIMITS.maxEndpointsPerTarget;
    options.maxEndpointsPerTarget = requireInteger(raw.maxEndpointsPerTarget, 'options.maxEndpointsPerTarget', min, max);
  }
  return { targets, options };
}

function validateSaveFileRequest(value: unknown): SaveFileRequest {
  if (!isPlainObject(value)) throw new ApiInputError('The save request must be an object.');
  const defaultName = safeFileName(requireString(value.defaultName, 'defaultName', LIMITS.fileNameLength));
  const content = requireString(value.content, 'content', LIMITS.saveContentLength);
  if (value.encoding !== 'utf8' && value.encoding !== 'base64') throw new ApiInputError("encoding must be 'utf8' or 'base64'.");
  const filters = requireArray(value.filters ?? [], 'filters', 10).map((filter, i) => {
    if (!isPlainObject(filter)) throw new ApiInputError(`filters[${i}] must be an object with name and extensions.`);
    const extensions = requireArray(filter.extensions, `filters[${i}].extensions`, 20).map((ext, j) => {
      const text = requireString(ext, `filters[${i}].extensions[${j}]`, 16);
      if (!/^(\*|[A-Za-z0-9]+)$/.test(text)) throw new ApiInputError(`filters[${i}].extensions[${j}] must be letters and digits, or *.`);
      return text;
    });
    return { name: requireString(filter.name, `filters[${i}].name`, 100), extensions };
  });
  return { defaultName, content, encoding: value.encoding, filters };
}

function validateCertificateFiles(value: unknown): { name: string; bytes: Uint8Array }[] {
  let total = 0;
  const files = requireArray(value, 'files', LIMITS.files).map((file, i) => {
    if (!isPlainObject(file)) throw new ApiInputError(`files[${i}] must be an object with name and contentBase64.`);
    const name = requireString(file.name, `files[${i}].name`, LIMITS.fileNameLength);
    const bytes = decodeBase64(requireString(file.contentBase64, `files[${i}].contentBase64`, Math.ceil((LIMITS.fileBytes * 4) / 3) + 4), `files[${i}].contentBase64`);
    total += bytes.length;
    if (total > LIMITS.fileBytes) throw new ApiInputError(`The files are too large together (at most ${LIMITS.fileBytes} bytes).`);
    return { name, bytes };
  });
  if (files.length === 0) throw new ApiInputError('files is empty: choose at least one certificate file.');
  return files;
}

// ---- small helpers ----

function decodeBase64(text: string, name: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw new ApiInputError(`${name} is not valid base64.`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** The URL normalised, when it is http(s); null for anything else (javascript:, file:, garbage). */
/**
 * The URL as the browser may be sent to it: http(s) only (never file: or javascript:), and never an
 * internal address, so a link from a certificate cannot point the admin's browser into their network.
 */
function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > LIMITS.urlLength) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host)) return null;
    return url.href;
  } catch {
    return null;
  }
}

/** A name for a save dialog: no directories, no characters Windows refuses. */
function safeFileName(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '').trim();
  return cleaned || 'export';
}


function describeRoot(der: Uint8Array): TrustedRoot | null {
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

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
