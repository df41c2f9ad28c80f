// Every argument from the renderer arrives as untrusted JSON: these turn it into well-formed, bounded
// requests or throw ApiInputError (the web server answers 400), before anything runs or touches disk.
import { CHECK_PROFILES, TARGET_TYPES, type CheckOptions, type CheckProfile, type CheckRequest, type InternalFetchMode, type TargetInput, type TargetType } from '../types.ts';
import type { SaveFileRequest } from '../ipc.ts';
import { isInternalAddress } from '../engine/net/fetch-policy.ts';
import { parsePort, parseTarget, UsageError, type InputField } from '../engine/target.ts';
import { parseDnsServer } from '../engine/dns.ts';
import type { Target } from '../types.ts';

export type { InputField } from '../engine/target.ts';

const INTERNAL_FETCH_MODES: readonly InternalFetchMode[] = ['auto', 'allow', 'refuse'];
const RUN_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const THUMBPRINT_PATTERN = /^[0-9A-Fa-f]{40}$/;

/** Bounds on what one call may ask for. */
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
  /** A DNS name (RFC 1035: 253 characters), for the SIP domain. */
  domainLength: 253,
  pathLength: 4096,
  passwordLength: 1024,
} as const;

/** Malformed arguments from the renderer: the web server answers these with 400. */
export class ApiInputError extends Error {
  override name = 'ApiInputError';
  constructor(
    message: string,
    /** The input field at fault (host, port, dns-server, type), when one is: the app shows the message there. */
    readonly field: InputField | null = null,
    /** Which target of the request, for a host or port fault. */
    readonly targetIndex: number | null = null,
  ) {
    super(message);
  }
}

/** One field's verdict, for the app to show beside the field before anything runs. */
export type FieldCheck<T> = { ok: true; value: T } | { ok: false; field: InputField; message: string };

function checkField<T>(field: InputField, parse: () => T): FieldCheck<T> {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (err instanceof UsageError) return { ok: false, field: err.field ?? field, message: err.message };
    throw err;
  }
}

/**
 * The host field (with the port field's value for DIR targets): accepts what an admin pastes,
 * https://host:port/path and sip:/sips: URIs included. A fault of the port is reported on the port field.
 */
export function checkHostField(input: string, type: TargetType, port: number | null = null): FieldCheck<Target> {
  return checkField('host', () => parseTarget({ input, type, port }));
}

/** The port field: empty means "the default". */
export function checkPortField(value: string | number): FieldCheck<number | null> {
  return checkField('port', () => (String(value).trim() === '' ? null : parsePort(value)));
}

/** The DNS server field: empty means the system resolver; otherwise IP or IP:port, checked as the CLI checks --dns-server. */
export function checkDnsServerField(value: string): FieldCheck<string | null> {
  return checkField('dns-server', () => (value.trim() === '' ? null : (parseDnsServer(value), value.trim())));
}

/** The ApiInputError for a field's fault. */
function fieldFault<T>(check: FieldCheck<T>, targetIndex: number | null = null): T {
  if (!check.ok) throw new ApiInputError(check.message, check.field, targetIndex);
  return check.value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireString(value: unknown, name: string, maxLength: number): string {
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
  const port = value.port === undefined || value.port === null ? null : requirePortNumber(value.port, `${where}.port`, index);
  // Checked here as the engine will check it, so a bad target never starts a run.
  fieldFault(checkHostField(input, value.type as TargetType, port), index);
  return { input, type: value.type as TargetType, port };
}

function requirePortNumber(value: unknown, name: string, targetIndex: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ApiInputError(`${name} must be a whole number from 1 to 65535.`, 'port', targetIndex);
  }
  return value;
}

/** A fresh, well-formed CheckRequest (unknown fields dropped, missing options defaulted), or ApiInputError. */
export function validateCheckRequest(value: unknown): CheckRequest {
  if (!isPlainObject(value)) throw new ApiInputError('The check request must be an object with targets and options.');
  const targets = requireArray(value.targets, 'targets', LIMITS.targets).map(validateTarget);
  if (targets.length === 0) throw new ApiInputError('There is nothing to check: targets is empty.');
  const raw = value.options === undefined ? {} : value.options;
  if (!isPlainObject(raw)) throw new ApiInputError('options must be an object.');

  const options: CheckOptions = {
    dnsServer:
      raw.dnsServer === undefined || raw.dnsServer === null || raw.dnsServer === ''
        ? null
        : fieldFault(checkDnsServerField(requireString(raw.dnsServer, 'options.dnsServer', LIMITS.dnsServerLength))),
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
  if (raw.profile !== undefined && raw.profile !== null) {
    if (!CHECK_PROFILES.includes(raw.profile as CheckProfile)) throw new ApiInputError(`options.profile must be one of ${CHECK_PROFILES.join(', ')}.`);
    options.profile = raw.profile as CheckProfile;
  }
  if (raw.myRootThumbprints !== undefined) {
    options.myRootThumbprints = requireArray(raw.myRootThumbprints, 'options.myRootThumbprints', LIMITS.extraRoots).map((value, i) => {
      const thumbprint = requireString(value, `options.myRootThumbprints[${i}]`, 40).toUpperCase();
      if (!/^[0-9A-F]{40}$/.test(thumbprint)) throw new ApiInputError(`options.myRootThumbprints[${i}] must be a SHA-1 thumbprint (40 hex digits).`);
      return thumbprint;
    });
  }
  if (raw.maxEndpointsPerTarget !== undefined) {
    const { min, max } = LIMITS.maxEndpointsPerTarget;
    options.maxEndpointsPerTarget = requireInteger(raw.maxEndpointsPerTarget, 'options.maxEndpointsPerTarget', min, max);
  }
  Object.assign(options, validateSipOptions(raw));
  return { targets, options };
}

/** The SIP OPTIONS switches and the client certificate's file paths and password (the engine reads the files). */
function validateSipOptions(raw: Record<string, unknown>): Pick<CheckOptions, 'sipOptions' | 'sipDomain' | 'clientCert'> {
  const options: Pick<CheckOptions, 'sipOptions' | 'sipDomain' | 'clientCert'> = {};
  const sipOptions = optionalBoolean(raw.sipOptions, 'options.sipOptions');
  if (sipOptions !== undefined) options.sipOptions = sipOptions;
  if (raw.sipDomain !== undefined && raw.sipDomain !== null && raw.sipDomain !== '') {
    options.sipDomain = requireString(raw.sipDomain, 'options.sipDomain', LIMITS.domainLength).trim() || null;
  }
  if (raw.clientCert !== undefined && raw.clientCert !== null) {
    const cert = raw.clientCert;
    if (!isPlainObject(cert)) throw new ApiInputError('options.clientCert must be an object with certFile (and keyFile, password).');
    const optional = (value: unknown, name: string, max: number) => (value === undefined || value === null ? null : requireString(value, name, max));
    options.clientCert = {
      certFile: requireString(cert.certFile, 'options.clientCert.certFile', LIMITS.pathLength),
      keyFile: optional(cert.keyFile, 'options.clientCert.keyFile', LIMITS.pathLength),
      password: optional(cert.password, 'options.clientCert.password', LIMITS.passwordLength),
    };
  }
  return options;
}

/** What the renderer sends to set "My certificate": the files' bytes and the password. */
export function validateMyCertificateRequest(value: unknown): { cert: { name: string; bytes: Uint8Array }; key: { name: string; bytes: Uint8Array } | null; password: string | null } {
  if (!isPlainObject(value)) throw new ApiInputError('The certificate request must be an object with cert (and key, password).');
  const [cert, key] = validateCertificateFiles([value.cert, ...(value.key === undefined || value.key === null ? [] : [value.key])]);
  const password = value.password === undefined || value.password === null || value.password === '' ? null : requireString(value.password, 'password', LIMITS.passwordLength);
  return { cert: cert!, key: key ?? null, password };
}

/** A run id as startCheck returns them. */
export function validateRunId(value: unknown): string {
  const runId = requireString(value, 'runId', 36);
  if (!RUN_ID_PATTERN.test(runId)) throw new ApiInputError('runId is not a run id returned by startCheck.');
  return runId;
}

/** A trusted root's SHA-1 thumbprint, upper case (the file name it is stored under). */
export function validateThumbprint(value: unknown): string {
  const thumbprint = requireString(value, 'thumbprint', 40);
  if (!THUMBPRINT_PATTERN.test(thumbprint)) throw new ApiInputError('thumbprint must be 40 hexadecimal digits (SHA-1).');
  return thumbprint.toUpperCase();
}

export function validateSaveFileRequest(value: unknown): SaveFileRequest {
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

/** addTrustedRoots' options: absent, or { confirm: boolean }. */
export function validateAddRootsOptions(value: unknown): { confirm: boolean } {
  if (value === undefined || value === null) return { confirm: false };
  if (!isPlainObject(value)) throw new ApiInputError('options must be an object like { confirm: true }.');
  return { confirm: optionalBoolean(value.confirm, 'options.confirm') ?? false };
}

export function validateCertificateFiles(value: unknown): { name: string; bytes: Uint8Array }[] {
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

export function decodeBase64(text: string, name: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw new ApiInputError(`${name} is not valid base64.`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/**
 * The URL as the browser may be sent to it: http(s) only (never file: or javascript:), and never an
 * internal address, so a link from a certificate cannot point the admin's browser into their network.
 */
export function httpUrl(value: unknown): string | null {
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
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '').trim();
  return cleaned || 'export';
}

