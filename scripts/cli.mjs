// `npm run cli`: runs the built command line (dist/cli/main.mjs), building it first when it is missing
// or older than its sources, so the README's command works right after `npm ci` and after any edit.
import { ensureCliBundle } from './cli-bundle.mjs';
import { pathToFileURL } from 'node:url';

const bundle = await ensureCliBundle();
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
