// Electron for packaging without a download: its zip in @electron/get's cache (checksum-verified) or the
// binary electron's install step unpacked; and the messages that explain a build that needed the network.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AfterPackContext } from 'electron-builder';


const require = createRequire(import.meta.url);

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
