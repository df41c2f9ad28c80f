// What the installers must be: the files app.asar must (and may only) hold, the fuses, what the bundles
// may require, and electron-builder.yml checked against the project (loaded with electron-builder's own
// validating loader). Pure audits, used by `npm run dist` and `npm run dist -- --check` (scripts/dist.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Configuration } from 'electron-builder';
import { ROOT_DIR } from './build.ts';


export const CONFIG_FILE = join(ROOT_DIR, 'electron-builder.yml');
const require = createRequire(import.meta.url);

/** What app.asar must hold, and the only things it may hold (besides more files under dist/renderer/). */
export const REQUIRED_PACKAGED_FILES = [
  'package.json',
  'dist/electron/main.cjs',
  'dist/electron/preload.cjs',
  'dist/electron/check-worker.cjs',
  // SQLite for the history, loaded by check-worker.cjs and main.cjs from beside them.
  'dist/electron/node-sqlite3-wasm.wasm',
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

export interface PackageJson {
  name: string;
  productName?: string;
  version: string;
  main?: string;
}

export function readPackageJson(): PackageJson {
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
