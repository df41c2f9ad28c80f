// `npm run dist`: installers for the current platform (Windows: NSIS per-user setup + portable exe;
// Linux: AppImage + deb; macOS: dmg) into release/, with electron-builder and electron-builder.yml.
//
// electron-builder needs Electron's zip for the target platform and, per target, packaging tools it
// downloads from GitHub. Without them this fails at once with one message instead of hanging on
// downloads: Electron must be in @electron/get's cache or installed in node_modules/electron (both are
// filled by electron's own install step), unless --allow-download is given.
//
// `npm run dist -- --check` needs no network at all: it builds dist/, loads and schema-validates the
// configuration with electron-builder's own loader, packages the app for Linux with a stand-in Electron
// binary (the real file selection, asar packing and hooks; no fuses, no installer) and audits app.asar:
// main, preload, check worker and renderer present, nothing else (no sources, tests, source maps or node_modules).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { AfterPackContext, Configuration } from 'electron-builder';
import { build as buildBundles, ROOT_DIR } from './build.ts';
import { blockNetwork } from './security-gate.ts';

export const CONFIG_FILE = join(ROOT_DIR, 'electron-builder.yml');
const require = createRequire(import.meta.url);

/** What app.asar must hold, and the only things it may hold (besides more files under dist/renderer/). */
export const REQUIRED_PACKAGED_FILES = [
  'package.json',
  'dist/electron/main.cjs',
  'dist/electron/preload.cjs',
  'dist/electron/check-worker.cjs',
  'dist/renderer/index.html',
  'dist/renderer/app.js',
  'dist/renderer/app.css',
];

/** The fuses the packaged Electron binary must have (electron-builder's electronFuses keys). */
export const EXPECTED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  onlyLoadAppFromAsar: true,
  enableEmbeddedAsarIntegrityValidation: true,
  grantFileProtocolExtraPrivileges: false,
} as const;

interface PackageJson {
  name: string;
  productName?: string;
  version: string;
  main?: string;
}

function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as PackageJson;
}

// ---------------------------------------------------------------- audits (pure)

/** Problems with the list of files in app.asar (paths relative to the archive, forward slashes). */
export function auditPackagedFiles(files: string[]): string[] {
  const problems: string[] = [];
  const present = new Set(files);
  for (const required of REQUIRED_PACKAGED_FILES) if (!present.has(required)) problems.push(`missing from the package: ${required}`);
  for (const file of files) {
    if (file.split('/').includes('node_modules')) problems.push(`node_modules in the package (the bundles are self-contained): ${file}`);
    else if (/\.map$/i.test(file)) problems.push(`source map in the package: ${file}`);
    else if (/\.(ts|tsx|mts|cts)$/i.test(file)) problems.push(`TypeScript source in the package: ${file}`);
    else if (/(^|\/)(test|tests|__tests__)\//.test(file) || /\.test\.[cm]?[jt]sx?$/.test(file)) problems.push(`test file in the package: ${file}`);
    else if (!REQUIRED_PACKAGED_FILES.includes(file) && !file.startsWith('dist/renderer/')) problems.push(`unexpected file in the package: ${file}`);
  }
  return problems;
}

/** Modules a built bundle loads with require(); all must be Electron or Node built-ins, since no node_modules ship. */
export function auditBundleRequires(source: string, name: string): string[] {
  const builtins = new Set(builtinModules);
  const problems: string[] = [];
  for (const match of source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) {
    const id = match[1];
    const bare = id.replace(/^node:/, '');
    if (id !== 'electron' && !builtins.has(bare) && !builtins.has(bare.split('/')[0])) problems.push(`${name} requires "${id}", which is not in the package`);
  }
  return [...new Set(problems)];
}

function targetNames(target: unknown): string[] {
  const list = Array.isArray(target) ? target : target === undefined || target === null ? [] : [target];
  return list.map((item) => (typeof item === 'string' ? item : String((item as { target?: unknown }).target))).map((name) => name.toLowerCase());
}

/** The `files` patterns as plain globs (electron-builder's loader turns them into { filter } sets). */
function filePatterns(files: Configuration['files']): string[] {
  const list = Array.isArray(files) ? files : files ? [files] : [];
  return list.flatMap((item) => {
    if (typeof item === 'string') return [item];
    // A set copied from elsewhere (from/to) cannot be audited by pattern: report it as a pattern that fails.
    if (item.from || item.to) return [`<file set from ${item.from ?? '.'} to ${item.to ?? '.'}>`];
    return ([] as string[]).concat(item.filter ?? []);
  });
}

/** The project's own requirements on the configuration (electron-builder's schema is checked separately). */
export function checkBuilderConfig(config: Configuration, pkg: PackageJson, rootDir = ROOT_DIR): string[] {
  const problems: string[] = [];
  const expect = (condition: unknown, message: string) => {
    if (!condition) problems.push(message);
  };
  expect(typeof config.appId === 'string' && /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/i.test(config.appId), 'appId must be a reverse-DNS id (com.example.app)');
  // The userData folder (trusted roots) is named after productName; the web UI computes the same folder.
  expect(config.productName === pkg.productName, `productName (${config.productName}) must equal package.json's productName (${pkg.productName})`);
  expect(pkg.main === 'dist/electron/main.cjs', 'package.json main must be dist/electron/main.cjs');
  expect(config.directories?.output && !/^\.?\/?dist\/?$/.test(config.directories.output), 'directories.output must not be dist/ (esbuild writes there)');

  const files = filePatterns(config.files);
  for (const pattern of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/check-worker.cjs', 'dist/renderer/**/*', '!**/*.map', '!node_modules/**/*']) {
    expect(files.includes(pattern), `files must contain "${pattern}"`);
  }
  const extraIncludes = files.filter((f) => !f.startsWith('!') && f !== 'package.json' && !f.startsWith('dist/electron/') && !f.startsWith('dist/renderer/'));
  expect(extraIncludes.length === 0, `files may include only package.json, dist/electron and dist/renderer, not: ${extraIncludes.join(', ')}`);
  expect(config.asar !== false, 'asar must stay on (the OnlyLoadAppFromAsar fuse needs it)');
  expect(config.npmRebuild === false, 'npmRebuild must be false (no native modules; nothing to rebuild)');
  expect(config.publish === null, 'publish must be null (the release workflow uploads the installers)');

  const fuses = (config.electronFuses ?? {}) as Record<string, unknown>;
  for (const [fuse, value] of Object.entries(EXPECTED_FUSES)) expect(fuses[fuse] === value, `electronFuses.${fuse} must be ${value}`);

  const associations = Array.isArray(config.fileAssociations) ? config.fileAssociations : config.fileAssociations ? [config.fileAssociations] : [];
  expect(associations.some((a) => ([] as string[]).concat(a.ext).includes('csv')), 'fileAssociations must include .csv target lists');

  expect(['nsis', 'portable'].every((t) => targetNames(config.win?.target).includes(t)), 'win.target must include nsis and portable');
  expect(config.nsis?.perMachine === false && config.nsis?.allowElevation === false, 'nsis must install per user without elevation (perMachine: false, allowElevation: false)');
  expect(config.portable?.requestExecutionLevel === undefined || config.portable.requestExecutionLevel === 'user', 'portable must run as the user (requestExecutionLevel: user)');
  expect(['appimage', 'deb'].every((t) => targetNames(config.linux?.target).includes(t)), 'linux.target must include AppImage and deb');
  expect(targetNames(config.mac?.target).includes('dmg'), 'mac.target must include dmg');

  const resource = (path: string | null | undefined) => (path ? resolve(rootDir, path) : '');
  expect(config.win?.icon && existsSync(resource(config.win.icon)) && /\.ico$/.test(config.win.icon), `win.icon must be an existing .ico (${config.win?.icon})`);
  expect(config.mac?.icon && existsSync(resource(config.mac.icon)) && /\.icns$/.test(config.mac.icon), `mac.icon must be an existing .icns (${config.mac?.icon})`);
  const linuxIcons = resource(config.linux?.icon);
  const linuxIconFiles = linuxIcons && existsSync(linuxIcons) && statSync(linuxIcons).isDirectory() ? readdirSync(linuxIcons) : [];
  for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(linuxIconFiles.includes(`${size}x${size}.png`), `linux.icon folder must hold ${size}x${size}.png`);
  return problems;
}

// ---------------------------------------------------------------- electron-builder's configuration

interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}

/**
 * The configuration as electron-builder reads it, validated against its JSON schema (throws when invalid).
 * quiet: without electron-builder's "loaded configuration" line (tests).
 */
export async function loadBuilderConfig(options: { projectDir?: string; quiet?: boolean } = {}): Promise<Configuration> {
  // app-builder-lib is electron-builder's engine (same version); its loader is not re-exported.
  const fromBuilder = createRequire(require.resolve('electron-builder/package.json'));
  const fromLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));
  const configModule = fromLib('./out/util/config/config.js') as ConfigModule;
  const logger = (fromLib('builder-util') as { log: { stream: NodeJS.WritableStream } }).log;
  const stream = logger.stream;
  if (options.quiet) logger.stream = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    const config = await configModule.getConfig(options.projectDir ?? ROOT_DIR, null, null);
    await configModule.validateConfiguration(config, { isEnabled: false, add() {} });
    return config;
  } finally {
    logger.stream = stream;
  }
}

// ---------------------------------------------------------------- Electron for packaging

export interface ElectronSource {
  kind: 'zip' | 'unpacked';
  path: string;
}

export function electronZipName(version: string, platform: string, arch: string): string {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

/** Where @electron/get (electron's install step, electron-builder) keeps downloaded zips. */
export function electronCacheRoots(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string[] {
  const defaultRoot =
    platform === 'darwin'
      ? join(homedir(), 'Library', 'Caches', 'electron')
      : platform === 'win32'
        ? join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'electron', 'Cache')
        : join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron');
  return [...new Set([env.electron_config_cache, env.ELECTRON_CACHE, defaultRoot].filter((root): root is string => Boolean(root)))];
}

function findFile(dir: string, name: string, depth: number): string | null {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of entries) if (entry.isFile() && entry.name === name) return join(dir, entry.name);
  if (depth === 0) return null;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = findFile(join(dir, entry.name), name, depth - 1);
    if (found) return found;
  }
  return null;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Electron for the given platform and architecture, available without downloading: a zip in the cache
 * whose SHA-256 matches the electron package's checksums.json, or (host platform only) the unpacked
 * binary electron's install step put in node_modules/electron/dist.
 */
export async function findElectron(version: string, platform: string, arch: string, env: NodeJS.ProcessEnv = process.env): Promise<ElectronSource | null> {
  const zipName = electronZipName(version, platform, arch);
  const electronDir = resolve(require.resolve('electron/package.json'), '..');
  let checksums: Record<string, string> = {};
  try {
    checksums = JSON.parse(readFileSync(join(electronDir, 'checksums.json'), 'utf8')) as Record<string, string>;
  } catch {
    // Without checksums a cached zip cannot be verified: it is not used.
  }
  for (const root of electronCacheRoots(env)) {
    const zip = findFile(root, zipName, 2);
    if (zip && checksums[zipName] && (await sha256File(zip)) === checksums[zipName]) return { kind: 'zip', path: zip };
  }
  if (platform === process.platform && arch === process.arch) {
    try {
      const installed = readFileSync(join(electronDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '');
      const binary = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
      if (installed === version && binary && existsSync(join(electronDir, 'dist', binary))) return { kind: 'unpacked', path: join(electronDir, 'dist') };
    } catch {
      // Not installed.
    }
  }
  return null;
}

/**
 * afterPack hook: Electron's placeholder app (default_app.asar) is dropped. electron-builder removes it
 * itself only when it downloaded Electron, not for an electronDist we hand it.
 */
export async function removeDefaultApp(context: AfterPackContext): Promise<void> {
  await rm(join(context.packager.getResourcesDir(context.appOutDir), 'default_app.asar'), { force: true });
}

const DOWNLOAD_FAILURE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|Network access blocked|\bdownload|status code (4|5)\d\d|HTTPError|RequestError/i;

/** electron-builder failed on a download: the clear message for it, or null for any other failure. */
export function explainBuildFailure(message: string): string | null {
  if (!DOWNLOAD_FAILURE.test(message)) return null;
  return [
    'Cannot build installers here: electron-builder could not download what it needs (Electron or its packaging tools',
    'for NSIS, AppImage, deb or dmg, from github.com). Build on a machine with internet access, or push a v* tag and let',
    '.github/workflows/release.yml build all three platforms. A mirror can be set with ELECTRON_MIRROR and',
    'ELECTRON_BUILDER_BINARIES_MIRROR. `npm run dist -- --check` checks the configuration and the package offline.',
    `(electron-builder said: ${message.split('\n')[0].slice(0, 300)})`,
  ].join('\n');
}

export function missingElectronMessage(version: string, platform: string, arch: string, env: NodeJS.ProcessEnv = process.env): string {
  return [
    `Cannot build installers here: Electron ${version} for ${platform}-${arch} is not available offline.`,
    `Looked for ${electronZipName(version, platform, arch)} in ${electronCacheRoots(env).join(', ')} and for an installed binary in node_modules/electron/dist.`,
    'Fix: on a machine with internet access run `node node_modules/electron/install.js` (it downloads Electron into that cache),',
    'then `npm run dist` again; or pass --allow-download to let electron-builder fetch Electron and its packaging tools itself.',
    'Installers for Windows, Linux and macOS are built by .github/workflows/release.yml when a v* tag is pushed.',
    '`npm run dist -- --check` checks the configuration and the packaged files offline.',
  ].join('\n');
}

// ---------------------------------------------------------------- the check

export interface CheckReport {
  packagedFiles: string[];
  resources: string[];
  problems: string[];
}

async function makeStandInElectron(dir: string): Promise<void> {
  // Just enough of Electron's Linux layout for electron-builder to copy and rename: the app is packed
  // for real, the binary is a placeholder (and no fuses are flipped in it).
  await mkdir(join(dir, 'resources'), { recursive: true });
  await writeFile(join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron used by npm run dist -- --check"\n');
  await chmod(join(dir, 'electron'), 0o755);
  // A real (tiny) archive: electron-builder reads every .asar in resources/ for its integrity data.
  const placeholderApp = join(dir, 'default-app-source');
  await mkdir(placeholderApp);
  await writeFile(join(placeholderApp, 'main.js'), '');
  const asar = await import('@electron/asar');
  await asar.createPackage(placeholderApp, join(dir, 'resources', 'default_app.asar'));
  await rm(placeholderApp, { recursive: true });
  await writeFile(join(dir, 'LICENSE'), 'stand-in');
  await writeFile(join(dir, 'LICENSES.chromium.html'), 'stand-in');
}

/** Offline: validate the configuration, package the app with a stand-in Electron, audit the result. */
export async function runCheck(): Promise<CheckReport> {
  const pkg = readPackageJson();
  const problems: string[] = [];
  const config = await loadBuilderConfig();
  problems.push(...checkBuilderConfig(config, pkg));

  const built = await buildBundles({ logLevel: 'warning' });
  problems.push(...auditBundleRequires(readFileSync(built.mainScript, 'utf8'), 'dist/electron/main.cjs'));
  problems.push(...auditBundleRequires(readFileSync(built.preloadScript, 'utf8'), 'dist/electron/preload.cjs'));
  problems.push(...auditBundleRequires(readFileSync(built.workerScript, 'utf8'), 'dist/electron/check-worker.cjs'));

  const workDir = await mkdtemp(join(tmpdir(), 'sfb-dist-check-'));
  const guard = blockNetwork();
  // Any download a child process attempted would go to a closed loopback port, never out.
  const savedEnv = { ...process.env };
  process.env.ELECTRON_MIRROR = 'https://127.0.0.1:9/';
  process.env.ELECTRON_BUILDER_BINARIES_MIRROR = 'https://127.0.0.1:9/';
  try {
    const standIn = join(workDir, 'electron');
    await makeStandInElectron(standIn);
    const { build, Platform, Arch } = await import('electron-builder');
    await build({
      projectDir: ROOT_DIR,
      targets: Platform.LINUX.createTarget('dir', Arch.x64),
      publish: 'never',
      config: { electronDist: standIn, electronFuses: null, afterPack: removeDefaultApp, directories: { output: join(workDir, 'out') } },
    });
    const appOutDir = join(workDir, 'out', 'linux-unpacked');
    const resourcesDir = join(appOutDir, 'resources');
    const resources = (await readdir(resourcesDir)).sort();
    if (resources.join(',') !== 'app.asar') problems.push(`resources/ must hold only app.asar, not: ${resources.join(', ')}`);

    const asar = await import('@electron/asar');
    const archive = join(resourcesDir, 'app.asar');
    const entries = asar.listPackage(archive, { isPack: false }).map((entry) => entry.replace(/\\/g, '/').replace(/^\//, ''));
    const packagedFiles = entries.filter((entry) => !('files' in asar.statFile(archive, entry, false)));
    problems.push(...auditPackagedFiles(packagedFiles));
    const packagedPkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as PackageJson;
    if (packagedPkg.main !== 'dist/electron/main.cjs') problems.push(`packaged package.json main is ${packagedPkg.main}`);
    if (packagedPkg.version !== pkg.version || packagedPkg.productName !== pkg.productName) problems.push('packaged package.json does not carry the project version and productName');
    if (guard.attempts.length > 0) problems.push(`the check tried to use the network: ${guard.attempts.join(', ')}`);
    return { packagedFiles: packagedFiles.sort(), resources, problems };
  } finally {
    guard.restore();
    for (const key of ['ELECTRON_MIRROR', 'ELECTRON_BUILDER_BINARIES_MIRROR']) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- npm run dist

async function runDist(argv: string[]): Promise<number> {
  if (argv.includes('--check')) {
    const report = await runCheck();
    console.log(`\nPackaged app (app.asar): ${report.packagedFiles.join(', ')}`);
    console.log(`Fuses in the installers: ${Object.entries(EXPECTED_FUSES).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (report.problems.length > 0) {
      console.error(`dist check FAILED:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
      return 1;
    }
    console.log('dist check passed: configuration valid, package complete and minimal.');
    return 0;
  }

  const pkg = readPackageJson();
  const config = await loadBuilderConfig();
  const problems = checkBuilderConfig(config, pkg);
  if (problems.length > 0) {
    console.error(`electron-builder.yml is not as the project needs it:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const platform = process.platform;
  const arch = process.arch;
  const allowDownload = argv.includes('--allow-download');
  const electron = await findElectron(electronVersion, platform, arch);
  if (!electron && !allowDownload) {
    console.error(missingElectronMessage(electronVersion, platform, arch));
    return 1;
  }

  await buildBundles({ logLevel: 'warning' });
  const { build, Platform, archFromString } = await import('electron-builder');
  try {
    const artifacts = await build({
      projectDir: ROOT_DIR,
      targets: Platform.current().createTarget(null, archFromString(arch)),
      publish: 'never',
      config: { ...(electron ? { electronDist: electron.path } : {}), afterPack: removeDefaultApp },
    });
    console.log(`\nInstallers:\n${artifacts.filter((file) => !/\.blockmap$|\.yml$/.test(file)).map((file) => `  ${relative(ROOT_DIR, file)}`).join('\n')}`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(explainBuildFailure(message) ?? `electron-builder failed: ${message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runDist(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
