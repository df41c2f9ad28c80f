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
// What the package must be is in dist-config.ts; finding Electron without a download in dist-electron.ts.
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as buildBundles, ROOT_DIR } from './build.ts';
import { auditBundleRequires, auditPackagedFiles, checkBuilderConfig, EXPECTED_FUSES, loadBuilderConfig, readPackageJson, type PackageJson } from './dist-config.ts';
import { explainBuildFailure, findElectron, missingElectronMessage, removeDefaultApp } from './dist-electron.ts';
import { blockNetwork } from './security-gate.ts';

const require = createRequire(import.meta.url);

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
