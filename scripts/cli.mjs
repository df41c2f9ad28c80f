// `npm run cli`: runs the built command line (dist/cli/main.mjs), building it first when it is missing
// or older than its sources, so the README's command works right after `npm ci` and after any edit.
// Where the bundle cannot be built (an install without dev dependencies has no esbuild), the same
// command line runs from TypeScript through tsx, as it did before the bundle: slower to start, same output.
import { pathToFileURL } from 'node:url';
import { ensureCliBundle } from './cli-bundle.mjs';

async function loadMain() {
  try {
    return (await import(pathToFileURL(await ensureCliBundle()).href)).main;
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('esbuild')) throw error;
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport('../cli/main.ts', import.meta.url)).main;
  }
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
