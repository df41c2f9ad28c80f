// Installers (scripts/dist.ts, electron-builder.yml, build/): what can be checked without Electron's binary
// or electron-builder's downloaded tools. `npm run dist -- --check` packages the app with a stand-in
// Electron and audits app.asar; the configuration is validated by electron-builder's own schema and held to
// the project's rules; `npm run dist` fails at once, with one message, when Electron is not available
// offline; the icons are complete; the release workflow builds and uploads all three platforms.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Configuration } from 'electron-builder';
import { ROOT_DIR } from '../scripts/build.ts';
import { auditBundleRequires, auditPackagedFiles, checkBuilderConfig, EXPECTED_FUSES, loadBuilderConfig, REQUIRED_PACKAGED_FILES } from '../scripts/dist-config.ts';
import { electronCacheRoots, explainBuildFailure, findElectron, missingElectronMessage } from '../scripts/dist-electron.ts';
import { ICNS_TYPES, ICO_SIZES, icns, PNG_SIZES } from '../scripts/make-icons.ts';

const pkg = JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8'));
const electronVersion: string = JSON.parse(readFileSync(join(ROOT_DIR, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
let workDir: string;
let config: Configuration;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sfb-dist-test-'));
  config = await loadBuilderConfig({ quiet: true });
});

after(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs scripts/dist.ts as `npm run dist -- ARGS` would (without npm's own banner). */
function runDistScript(args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 240_000) {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'scripts', 'dist.ts'), ...args], { cwd: ROOT_DIR, env, encoding: 'utf8', timeout });
  return { ...result, ms: Date.now() - started };
}

test('npm run dist -- --check: the packaged app holds main, preload, check worker, renderer and package.json, nothing else', { timeout: 300_000 }, () => {
  const run = runDistScript(['--check']);
  assert.equal(run.status, 0, `dist --check failed:\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /dist check passed/);
  const listed = /Packaged app \(app\.asar\): (.*)/.exec(run.stdout)?.[1].split(', ');
  assert.deepEqual(listed, [...REQUIRED_PACKAGED_FILES].sort());
  assert.doesNotMatch(run.stdout + run.stderr, /Network access blocked/);
});

test('the configuration passes electron-builder\'s schema and the project\'s rules', () => {
  assert.deepEqual(checkBuilderConfig(config, pkg), []);
  assert.equal(config.appId, 'com.sfbcertchecker.app');
  assert.equal(config.productName, 'SfB Certificate Checker');
  assert.equal(config.directories?.output, 'release');
  assert.deepEqual(
    Object.fromEntries(Object.keys(EXPECTED_FUSES).map((fuse) => [fuse, (config.electronFuses as Record<string, unknown>)[fuse]])),
    EXPECTED_FUSES,
  );
});

test('configuration mistakes are caught', () => {
  const broken = (change: (c: any) => void) => {
    const copy = structuredClone(config) as any;
    change(copy);
    return checkBuilderConfig(copy, pkg).join('\n');
  };
  assert.match(broken((c) => (c.nsis.perMachine = true)), /per user without elevation/);
  assert.match(broken((c) => (c.nsis.allowElevation = true)), /per user without elevation/);
  assert.match(broken((c) => (c.electronFuses.runAsNode = true)), /electronFuses\.runAsNode must be false/);
  assert.match(broken((c) => delete c.electronFuses.onlyLoadAppFromAsar), /onlyLoadAppFromAsar must be true/);
  assert.match(broken((c) => (c.productName = 'Cert Checker')), /productName/);
  assert.match(broken((c) => c.files[0].filter.push('src/**/*')), /may include only package\.json, dist\/electron and dist\/renderer/);
  assert.match(broken((c) => (c.files[0].filter = c.files[0].filter.filter((f: string) => f !== '!**/*.map'))), /"!\*\*\/\*\.map"/);
  assert.match(broken((c) => (c.win.target = ['nsis'])), /nsis and portable/);
  assert.match(broken((c) => (c.linux.target = ['AppImage'])), /AppImage and deb/);
  assert.match(broken((c) => (c.fileAssociations = [])), /\.csv/);
  assert.match(broken((c) => (c.directories.output = 'dist')), /must not be dist/);
  assert.match(broken((c) => (c.win.icon = 'build/missing.ico')), /win\.icon/);
});

test('package audit: sources, tests, source maps, node_modules and strays are refused', () => {
  assert.deepEqual(auditPackagedFiles([...REQUIRED_PACKAGED_FILES, 'dist/renderer/assets/logo-1234.svg']), []);
  const problems = auditPackagedFiles([
    ...REQUIRED_PACKAGED_FILES.filter((f) => f !== 'dist/electron/preload.cjs'),
    'dist/renderer/app.js.map',
    'node_modules/react/index.js',
    'electron/main.ts',
    'test/ui.test.ts',
    'dist/electron/main.test.js',
    'README.md',
  ]).join('\n');
  for (const expected of [
    /missing from the package: dist\/electron\/preload\.cjs/,
    /source map in the package: dist\/renderer\/app\.js\.map/,
    /node_modules in the package/,
    /TypeScript source in the package: electron\/main\.ts/,
    /test file in the package: dist\/electron\/main\.test\.js/,
    /unexpected file in the package: README\.md/,
  ]) {
    assert.match(problems, expected);
  }
  // The bundles ship without node_modules, so they may load only Electron and Node's built-ins.
  assert.deepEqual(auditBundleRequires('require("electron");require("node:fs");require("path");require("fs/promises")', 'main.cjs'), []);
  assert.deepEqual(auditBundleRequires('require("electron");require("react");require("./chunk.js")', 'main.cjs'), [
    'main.cjs requires "react", which is not in the package',
    'main.cjs requires "./chunk.js", which is not in the package',
  ]);
});

test('npm run dist fails at once with one clear message when Electron is not available offline', { timeout: 120_000 }, async (t) => {
  const emptyCache = join(workDir, 'empty-cache');
  const env = { ...process.env, XDG_CACHE_HOME: emptyCache, LOCALAPPDATA: emptyCache, electron_config_cache: emptyCache, ELECTRON_CACHE: emptyCache };
  assert.ok(electronCacheRoots(env).includes(emptyCache));
  const found = await findElectron(electronVersion, process.platform, process.arch, env);
  const message = missingElectronMessage(electronVersion, process.platform, process.arch, env);
  assert.match(message, new RegExp(`Electron ${electronVersion.replace(/\./g, '\\.')} for ${process.platform}-${process.arch} is not available offline`));
  assert.match(message, /node node_modules\/electron\/install\.js/);
  assert.match(message, /release\.yml/);
  // Download failures electron-builder reports are turned into the same kind of message; others are not.
  for (const failure of ['connect ECONNREFUSED 127.0.0.1:9', 'getaddrinfo ENOTFOUND github.com', 'Response code 404 (Not Found) cannot download https://github.com/x']) {
    assert.match(explainBuildFailure(failure) ?? '', /could not download what it needs/, failure);
  }
  assert.equal(explainBuildFailure('Please specify project homepage'), null);

  if (found) {
    t.skip(`Electron is installed here (${found.kind}: ${found.path}): a real build would start, so the fail-fast run is skipped`);
    return;
  }
  const run = runDistScript([], { ...env, ELECTRON_MIRROR: 'https://127.0.0.1:9/', ELECTRON_BUILDER_BINARIES_MIRROR: 'https://127.0.0.1:9/' }, 60_000);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.ok(run.ms < 30_000, `took ${run.ms} ms`);
  assert.match(run.stderr, /Cannot build installers here: Electron .* is not available offline/);
  assert.equal(run.stderr.trim().split('\n').filter((line) => line.startsWith('Cannot build installers')).length, 1);
});

function pngSize(png: Buffer): [number, number] {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

test('icons: Linux PNGs, a multi-size .ico and an .icns, all from build/icon.svg', () => {
  assert.match(readFileSync(join(ROOT_DIR, 'build', 'icon.svg'), 'utf8'), /<svg[^>]*viewBox/);
  const pngs = readdirSync(join(ROOT_DIR, 'build', 'icons')).sort();
  assert.deepEqual(pngs, PNG_SIZES.map((size) => `${size}x${size}.png`).sort());
  for (const size of PNG_SIZES) assert.deepEqual(pngSize(readFileSync(join(ROOT_DIR, 'build', 'icons', `${size}x${size}.png`))), [size, size]);
  assert.deepEqual(pngSize(readFileSync(join(ROOT_DIR, 'build', 'icon.png'))), [1024, 1024]);

  // ICO directory: 6-byte header, then 16 bytes per image (width 0 means 256).
  const ico = readFileSync(join(ROOT_DIR, 'build', 'icon.ico'));
  assert.equal(ico.readUInt16LE(2), 1);
  const count = ico.readUInt16LE(4);
  const icoSizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
  assert.deepEqual(icoSizes, [...ICO_SIZES]);

  const entries = icns.parse(readFileSync(join(ROOT_DIR, 'build', 'icon.icns')));
  assert.deepEqual(Object.keys(entries), ICNS_TYPES.map(([type]) => type));
  for (const [type, size] of ICNS_TYPES) assert.deepEqual(pngSize(entries[type]), [size, size], type);
});

test('the release workflow tests first, then builds and uploads installers on Windows, Linux and macOS', () => {
  const workflow = readFileSync(join(ROOT_DIR, '.github', 'workflows', 'release.yml'), 'utf8');
  assert.match(workflow, /on:\s*\n\s*push:\s*\n\s*tags: \['v\*'\]/);
  assert.match(workflow, /bash \.ci\/run/);
  assert.match(workflow, /npm run dist -- --check/);
  assert.match(workflow, /needs: test/);
  for (const os of ['windows-latest', 'ubuntu-latest', 'macos-latest']) assert.match(workflow, new RegExp(`os: ${os}`));
  assert.match(workflow, /npm ci/);
  assert.match(workflow, /run: npm run dist\n/);
  assert.match(workflow, /softprops\/action-gh-release/);
  for (const artifact of ['-setup.exe', '-portable.exe', '.AppImage', '.deb', '.dmg']) assert.ok(workflow.includes(artifact), artifact);
});
