// The command line as one built file, dist/cli/main.mjs, so that `npm run cli` starts without
// transpiling TypeScript on every start (tsx took over a second of a 7-second bulk run). Plain
// JavaScript on purpose: it runs before anything is built. Built by `npm run prepare` (npm ci runs it)
// and again by scripts/cli.mjs whenever a source file it was built from is newer than the bundle.
// Packages are bundled too (resolving and loading them one file at a time from node_modules was half the
// start time), except those that load files beside their own code.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CLI_BUNDLE = join(ROOT, 'dist', 'cli', 'main.mjs');
/** The source files the bundle was built from (esbuild's metafile), to tell when it is stale. */
const INPUTS = join(ROOT, 'dist', 'cli', 'inputs.json');

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** True when the bundle is missing, or any file it was built from changed (or vanished) since. */
export function cliBundleStale() {
  const built = mtimeMs(CLI_BUNDLE);
  if (!Number.isFinite(built)) return true;
  try {
    const inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
    return inputs.some((input) => mtimeMs(join(ROOT, input)) > built);
  } catch {
    return true;
  }
}

export async function buildCliBundle() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'cli', 'main.ts')],
    // Written beside it, then renamed: two first runs at once never load a half-written bundle.
    outfile: `${CLI_BUNDLE}.${process.pid}.tmp`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // node-sqlite3-wasm reads its .wasm from beside its own script.
    external: ['node-sqlite3-wasm'],
    // Bundled CommonJS packages require Node's built-ins.
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  renameSync(`${CLI_BUNDLE}.${process.pid}.tmp`, CLI_BUNDLE);
  // Packages change only through npm, whose install runs `prepare`: only the project's own files are watched.
  writeFileSync(INPUTS, JSON.stringify(Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/'))));
  return CLI_BUNDLE;
}

/** The bundle's path, rebuilt first when stale. */
export async function ensureCliBundle() {
  if (cliBundleStale()) await buildCliBundle();
  return CLI_BUNDLE;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildCliBundle().then(
    (path) => console.log(`Built ${path}.`),
    (error) => {
      // `npm ci --omit=dev` runs prepare too, without esbuild: the command line then runs through tsx.
      if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('esbuild')) {
        console.log('esbuild is not installed (no dev dependencies): npm run cli runs from TypeScript instead.');
        return;
      }
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
