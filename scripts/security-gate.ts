// `npm run security`: Electronegativity (Doyensec's Electron security scanner) over the desktop app's
// TypeScript sources (electron/ and renderer/, scanned together so its global checks see both the main
// process and the page). Every HIGH or MEDIUM finding must be explained in
// build/electronegativity-allowlist.json (check id, file, optional code fragment, reason); anything else
// fails the gate (so do the critical checks in ALWAYS_BLOCKING_CHECKS at any severity, and files the
// scanner cannot parse). Other LOW and informational findings are listed but do not fail it.
//
// Electronegativity is run through its programmatic runner, not its CLI: the CLI fetches translations
// from the internet on every start and one of its checks (AvailableSecurityFixesGlobalCheck) downloads
// Electron's release list. Here translations come from the package's own files, that check is left out
// (the Electron version is pinned in package-lock.json and upgraded deliberately), and all outgoing
// network access is blocked while the scan runs, so the gate works offline and sends nothing anywhere.
import dns from 'node:dns';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pageHtmlWithCsp } from '../shared/host/static-files.ts';
import { ROOT_DIR } from './build.ts';

export const DEFAULT_SCAN_PATHS = ['electron', 'renderer'];
export const DEFAULT_ALLOWLIST_FILE = join(ROOT_DIR, 'build', 'electronegativity-allowlist.json');
/** Checks never run: the first needs the internet (see above). */
export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
export const BLOCKING_SEVERITIES = new Set(['HIGH', 'MEDIUM']);
/**
 * Checks that fail the gate whatever severity Electronegativity gives them: it rates an explicit
 * `nodeIntegration: true` (and a few other switches that undo Electron's isolation) as informational.
 */
export const ALWAYS_BLOCKING_CHECKS = new Set([
  'NODE_INTEGRATION_JS_CHECK',
  'NODE_INTEGRATION_HTML_CHECK',
  'NODE_INTEGRATION_ATTACH_EVENT_JS_CHECK',
  'CONTEXT_ISOLATION_JS_CHECK',
  'SANDBOX_JS_CHECK',
  'WEB_SECURITY_JS_CHECK',
  'WEB_SECURITY_HTML_CHECK',
  'INSECURE_CONTENT_JS_CHECK',
  'INSECURE_CONTENT_HTML_CHECK',
  'REMOTE_MODULE_JS_CHECK',
  'CERTIFICATE_VERIFY_PROC_JS_CHECK',
  'CERTIFICATE_ERROR_EVENT_JS_CHECK',
]);

export type Severity = 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';

export interface Finding {
  check: string;
  severity: Severity;
  confidence: string;
  /** Relative to the scanned project, with forward slashes (e.g. electron/main.ts). */
  file: string;
  line: number;
  column: number;
  /** The code Electronegativity flagged (first line of it). */
  sample: string;
  description: string;
  manualReview: boolean;
}

export interface AllowlistEntry {
  check: string;
  file: string;
  /** When given, the flagged code must contain this text: a new use elsewhere in the file is not covered. */
  match?: string;
  reason: string;
}

export interface GateEvaluation {
  blocking: Finding[];
  allowed: { finding: Finding; entry: AllowlistEntry }[];
  minor: Finding[];
  /** Entries no finding used any more: harmless, but worth removing. */
  unusedEntries: AllowlistEntry[];
}

export interface GateResult extends GateEvaluation {
  findings: Finding[];
  /** Files Electronegativity could not parse: unchecked code, so they fail the gate. */
  parseErrors: { file: string; message: string }[];
  checksRun: number;
  electronVersion: string;
  /** Outgoing connections the scanner tried (and was refused). */
  networkAttempts: string[];
  ok: boolean;
}

export interface GateOptions {
  /** The project whose paths are scanned (default: this repository). */
  rootDir?: string;
  /** Files or folders under rootDir (default: electron, renderer). */
  paths?: string[];
  /** Default: build/electronegativity-allowlist.json. */
  allowlist?: AllowlistEntry[];
  /** Default: the installed electron package's version. */
  electronVersion?: string;
}

// ---------------------------------------------------------------- allowlist

/** The allowlist file's entries, or a clear error for a malformed one (every entry needs a reason). */
export function parseAllowlist(text: string, source = 'allowlist'): AllowlistEntry[] {
  const data = JSON.parse(text) as unknown;
  const entries = Array.isArray(data) ? data : (data as { entries?: unknown })?.entries;
  if (!Array.isArray(entries)) throw new Error(`${source}: expected { "entries": [...] }.`);
  return entries.map((raw, i) => {
    const entry = raw as Partial<AllowlistEntry>;
    for (const key of ['check', 'file', 'reason'] as const) {
      if (typeof entry[key] !== 'string' || entry[key]!.trim() === '') throw new Error(`${source}: entries[${i}] needs a non-empty "${key}".`);
    }
    if (entry.match !== undefined && (typeof entry.match !== 'string' || entry.match === '')) throw new Error(`${source}: entries[${i}].match must be a non-empty string.`);
    return { check: entry.check!, file: entry.file!, reason: entry.reason!, ...(entry.match ? { match: entry.match } : {}) };
  });
}

export async function loadAllowlist(file = DEFAULT_ALLOWLIST_FILE): Promise<AllowlistEntry[]> {
  return parseAllowlist(await readFile(file, 'utf8'), file);
}

function covers(entry: AllowlistEntry, finding: Finding): boolean {
  return entry.check === finding.check && entry.file === finding.file && (entry.match === undefined || finding.sample.includes(entry.match));
}

export function isBlockingFinding(finding: Finding): boolean {
  return BLOCKING_SEVERITIES.has(finding.severity) || ALWAYS_BLOCKING_CHECKS.has(finding.check);
}

/** Sorts findings into blocking (HIGH/MEDIUM or a critical check, unexplained), allowed and minor. */
export function evaluateFindings(findings: Finding[], allowlist: AllowlistEntry[]): GateEvaluation {
  const used = new Set<AllowlistEntry>();
  const evaluation: GateEvaluation = { blocking: [], allowed: [], minor: [], unusedEntries: [] };
  for (const finding of findings) {
    if (!isBlockingFinding(finding)) {
      evaluation.minor.push(finding);
      continue;
    }
    const entry = allowlist.find((candidate) => covers(candidate, finding));
    if (entry) {
      used.add(entry);
      evaluation.allowed.push({ finding, entry });
    } else {
      evaluation.blocking.push(finding);
    }
  }
  evaluation.unusedEntries = allowlist.filter((entry) => !used.has(entry));
  return evaluation;
}

// ---------------------------------------------------------------- network guard

/**
 * Refuses every outgoing connection and DNS lookup of this process to anything but loopback until the
 * returned function is called; records what was attempted. Used around code that must stay offline.
 */
export function blockNetwork(): { attempts: string[]; restore(): void } {
  const attempts: string[] = [];
  const originalLookup = dns.lookup;
  const originalPromisesLookup = dns.promises.lookup;
  const originalConnect = net.Socket.prototype.connect;
  const isLoopback = (host: unknown) => typeof host === 'string' && /^(localhost|::1|(::ffff:)?127\.\d+\.\d+\.\d+)$/i.test(host);

  const blockedLookup = function (this: unknown, hostname: string, ...rest: unknown[]) {
    if (isLoopback(hostname)) return (originalLookup as (...args: unknown[]) => unknown).call(dns, hostname, ...rest);
    attempts.push(`dns ${hostname}`);
    const callback = rest.pop() as (err: Error) => void;
    process.nextTick(callback, Object.assign(new Error(`Network access blocked (offline check): ${hostname}`), { code: 'ENOTFOUND' }));
  };
  (dns as { lookup: unknown }).lookup = blockedLookup;
  (dns.promises as { lookup: unknown }).lookup = async (hostname: string, ...rest: unknown[]) => {
    if (isLoopback(hostname)) return (originalPromisesLookup as (...args: unknown[]) => unknown).call(dns.promises, hostname, ...rest);
    attempts.push(`dns ${hostname}`);
    throw Object.assign(new Error(`Network access blocked (offline check): ${hostname}`), { code: 'ENOTFOUND' });
  };
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // connect(options) / connect(port, host) / connect(path); pipes and Unix sockets stay local.
    const first = args[0] as { host?: string; path?: string } | number | string;
    const host = typeof first === 'object' && first !== null ? (first.path ? 'localhost' : first.host ?? 'localhost') : typeof first === 'number' && typeof args[1] === 'string' ? args[1] : 'localhost';
    if (!isLoopback(host)) {
      attempts.push(`connect ${host}`);
      process.nextTick(() => this.destroy(Object.assign(new Error(`Network access blocked (offline check): ${host}`), { code: 'ECONNREFUSED' })));
      return this;
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  return {
    attempts,
    restore() {
      (dns as { lookup: unknown }).lookup = originalLookup;
      (dns.promises as { lookup: unknown }).lookup = originalPromisesLookup;
      net.Socket.prototype.connect = originalConnect;
    },
  };
}

// ---------------------------------------------------------------- Electronegativity

interface RawIssue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location?: { line?: number; column?: number };
  sample?: string;
  description?: string;
  manualReview?: boolean;
}

interface RunnerResult {
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: RawIssue[];
}

type Runner = (options: Record<string, unknown>) => Promise<RunnerResult>;

let cachedRunner: Runner | null = null;

/** Electronegativity's runner, with its translation loader swapped for one that reads only local files. */
function loadRunner(): Runner {
  if (cachedRunner) return cachedRunner;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@doyensec/electronegativity/package.json');
  const fromPackage = createRequire(packageJson);
  const localesDir = join(dirname(packageJson), 'dist', 'locales');
  const i18nModule = join(localesDir, 'i18n.js');
  const i18n = fromPackage('i18n') as { configure(options: object): void; setLocale(locale: string): void };
  const localTranslations = async () => {
    i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: localesDir, updateFiles: false, objectNotation: true, retryInDefaultLocale: true, register: globalThis });
    i18n.setLocale('en-US');
  };
  const cache = require.cache as Record<string, unknown>;
  cache[i18nModule] = { id: i18nModule, filename: i18nModule, loaded: true, exports: localTranslations, children: [], paths: [] };
  const runnerModule = fromPackage('./dist/runner.js') as Runner | { default: Runner };
  cachedRunner = typeof runnerModule === 'function' ? runnerModule : runnerModule.default;
  return cachedRunner;
}

function installedElectronVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('electron/package.json') as { version: string }).version;
}

function toFinding(issue: RawIssue): Finding {
  return {
    check: issue.id,
    severity: issue.severity.name.toUpperCase() as Severity,
    confidence: issue.confidence.name,
    file: issue.file.replace(/\\/g, '/').replace(/^\.\//, ''),
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    sample: (issue.sample ?? '').split('\n')[0].trim(),
    description: issue.description ?? '',
    manualReview: issue.manualReview === true,
  };
}

/** Runs the scan over copies of the given paths (so nothing else in the project is read) and evaluates it. */
export async function runSecurityGate(options: GateOptions = {}): Promise<GateResult> {
  const rootDir = resolve(options.rootDir ?? ROOT_DIR);
  const paths = options.paths ?? DEFAULT_SCAN_PATHS;
  const allowlist = options.allowlist ?? (await loadAllowlist());
  const electronVersion = options.electronVersion ?? installedElectronVersion();
  const scanDir = await mkdtemp(join(tmpdir(), 'sfb-security-'));
  const guard = blockNetwork();
  try {
    for (const path of paths) await cp(join(rootDir, path), join(scanDir, path), { recursive: true });
    // The page as the build writes it: its <meta> Content-Security-Policy is filled in from the one definition.
    const page = join(scanDir, 'renderer', 'index.html');
    if (existsSync(page)) await writeFile(page, pageHtmlWithCsp(await readFile(page, 'utf8')));
    const run = loadRunner();
    const result = await run({
      input: scanDir,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS,
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });
    const findings = result.issues.map(toFinding).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.check.localeCompare(b.check));
    const parseErrors = result.errors
      .filter((error) => !error.tolerable)
      .map((error) => ({ file: error.file.startsWith(scanDir) ? error.file.slice(scanDir.length + 1).replace(/\\/g, '/') : error.file, message: error.message }));
    const evaluation = evaluateFindings(findings, allowlist);
    return {
      ...evaluation,
      findings,
      parseErrors,
      checksRun: result.globalChecks + result.atomicChecks,
      electronVersion,
      networkAttempts: [...guard.attempts],
      ok: evaluation.blocking.length === 0 && parseErrors.length === 0,
    };
  } finally {
    guard.restore();
    await rm(scanDir, { recursive: true, force: true });
  }
}

function describe(finding: Finding): string {
  return `${finding.severity} ${finding.check} ${finding.file}:${finding.line}${finding.sample ? `  ${finding.sample.slice(0, 100)}` : ''}`;
}

/** The human summary `npm run security` prints. */
export function formatSummary(result: GateResult): string {
  const lines = [
    `Electronegativity: ${result.checksRun} checks (Electron ${result.electronVersion}), ${result.findings.length} findings: ` +
      `${result.blocking.length} unexplained, ${result.allowed.length} allowlisted, ${result.minor.length} low/informational.`,
  ];
  for (const finding of result.blocking) lines.push(`  FAIL  ${describe(finding)}\n        ${finding.description}`);
  for (const error of result.parseErrors) lines.push(`  FAIL  could not parse ${error.file}: ${error.message}`);
  for (const { finding, entry } of result.allowed) lines.push(`  ok    ${describe(finding)}\n        allowlisted: ${entry.reason}`);
  for (const finding of result.minor) lines.push(`  note  ${describe(finding)}`);
  for (const entry of result.unusedEntries) lines.push(`  note  allowlist entry no longer needed: ${entry.check} ${entry.file}${entry.match ? ` (${entry.match})` : ''}`);
  if (result.networkAttempts.length > 0) lines.push(`  note  blocked network access: ${result.networkAttempts.join(', ')}`);
  lines.push(
    result.ok
      ? 'Security gate passed.'
      : 'Security gate FAILED: fix the findings above, or explain each in build/electronegativity-allowlist.json (check, file, match, reason).',
  );
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runSecurityGate().then(
    (result) => {
      console.log(formatSummary(result));
      process.exitCode = result.ok ? 0 : 1;
    },
    (err: unknown) => {
      console.error(`Security gate could not run: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 2;
    },
  );
}
