// `npm start`: build, then open the desktop app; where Electron's binary cannot be had (it is downloaded
// lazily and this machine may have no route to its download host), serve the same UI on loopback instead.
// Set SFB_NO_ELECTRON_DOWNLOAD=1 to skip the download attempt.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runWebCli } from '../web/server.ts';
import { build, ROOT_DIR } from './build.ts';

const ELECTRON_PACKAGE_DIR = join(ROOT_DIR, 'node_modules', 'electron');
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** The installed Electron executable, or null when its binary has not been downloaded. */
export function electronBinaryPath(): string | null {
  try {
    const relative = readFileSync(join(ELECTRON_PACKAGE_DIR, 'path.txt'), 'utf8').trim();
    const full = join(ELECTRON_PACKAGE_DIR, 'dist', relative);
    return relative && existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

function tryDownloadElectron(): string | null {
  if (process.env.SFB_NO_ELECTRON_DOWNLOAD) return null;
  console.log(`Electron's binary is not installed: trying to download it (${DOWNLOAD_TIMEOUT_MS / 1000} s at most)...`);
  spawnSync(process.execPath, [join(ELECTRON_PACKAGE_DIR, 'install.js')], { stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
  return electronBinaryPath();
}

function hasDisplay(): boolean {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function launchElectron(binary: string): void {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // `electron <project>` reads package.json (name, productName, version; main = dist/electron/main.cjs).
  const child = spawn(binary, [ROOT_DIR], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main(argv: string[]): Promise<void> {
  const built = await build({ logLevel: 'warning' });
  const binary = electronBinaryPath() ?? (hasDisplay() ? tryDownloadElectron() : null);
  if (binary && hasDisplay()) return launchElectron(binary);
  console.log(
    binary
      ? 'No display to open the desktop app on: starting the web UI instead.'
      : 'The Electron binary is not installed and could not be downloaded: starting the web UI instead.',
  );
  await runWebCli(argv, { rendererDir: built.rendererDir });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
