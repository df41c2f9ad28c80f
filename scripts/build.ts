// Builds what the hosts load: the renderer bundle (dist/renderer: index.html, app.js, app.css) and the
// Electron main, preload and check worker scripts (dist/electron/main.cjs, preload.cjs, check-worker.cjs).
// `npm run build` (add --dev for an unminified build with source maps); also used by `npm run web` and tests.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pageHtmlWithCsp } from '../shared/host/static-files.ts';

export const ROOT_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DEFAULT_OUT_DIR = join(ROOT_DIR, 'dist');

export const SQLITE_WASM_NAME = 'node-sqlite3-wasm.wasm';
const SQLITE_WASM = join(ROOT_DIR, 'node_modules', 'node-sqlite3-wasm', 'dist', SQLITE_WASM_NAME);

export type BuildPart = 'renderer' | 'electron';

export interface BuildOptions {
  /** Where to write; default <project>/dist. Tests build into a temporary directory. */
  outDir?: string;
  /** Default: both. */
  parts?: BuildPart[];
  /** Minified, NODE_ENV=production (default true). */
  production?: boolean;
  /** Source maps (default false). */
  sourcemap?: boolean;
  /** esbuild's console output (default 'silent': errors still reject the promise with esbuild's messages). */
  logLevel?: esbuild.LogLevel;
}

export interface BuildOutput {
  outDir: string;
  rendererDir: string;
  indexHtml: string;
  mainScript: string;
  preloadScript: string;
  /** The utility process that runs the engine (electron/check-worker.ts). */
  workerScript: string;
}

export async function build(opts: BuildOptions = {}): Promise<BuildOutput> {
  const outDir = resolve(opts.outDir ?? DEFAULT_OUT_DIR);
  const parts = opts.parts ?? ['renderer', 'electron'];
  const production = opts.production ?? true;
  const common: esbuild.BuildOptions = {
    bundle: true,
    minify: production,
    sourcemap: opts.sourcemap ?? false,
    logLevel: opts.logLevel ?? 'silent',
    absWorkingDir: ROOT_DIR,
    legalComments: 'none',
  };
  const output: BuildOutput = {
    outDir,
    rendererDir: join(outDir, 'renderer'),
    indexHtml: join(outDir, 'renderer', 'index.html'),
    mainScript: join(outDir, 'electron', 'main.cjs'),
    preloadScript: join(outDir, 'electron', 'preload.cjs'),
    workerScript: join(outDir, 'electron', 'check-worker.cjs'),
  };
  const nodeScript = (entry: string, outfile: string): esbuild.BuildOptions => ({
    ...common,
    entryPoints: [join(ROOT_DIR, 'electron', entry)],
    outfile,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
  });

  // CommonJS has no import.meta: esbuild would leave import.meta.url empty (only a warning), so nothing
  // bundled for Node may use it.
  const buildNodeScript = async (entry: string, outfile: string) => {
    const { warnings } = await esbuild.build(nodeScript(entry, outfile));
    const importMeta = warnings.find((warning) => /import\.meta/.test(warning.text));
    if (importMeta) throw new Error(`${importMeta.location?.file ?? entry} uses import.meta, which ${outfile} (CommonJS) lacks.`);
  };

  const jobs: Promise<unknown>[] = [];
  if (parts.includes('renderer')) jobs.push(buildRenderer(common, production, output));
  if (parts.includes('electron')) {
    jobs.push(
      buildNodeScript('main.ts', output.mainScript),
      // The preload runs sandboxed: one self-contained CommonJS file whose only require is 'electron'.
      buildNodeScript('preload.ts', output.preloadScript),
      // The engine, in its own process; it requires no 'electron', so tests can fork it with plain Node.
      buildNodeScript('check-worker.ts', output.workerScript),
      // The history's SQLite (node-sqlite3-wasm) loads its .wasm from beside the bundle that requires it.
      mkdir(join(outDir, 'electron'), { recursive: true }).then(() => copyFile(SQLITE_WASM, join(outDir, 'electron', SQLITE_WASM_NAME))),
    );
  }
  await Promise.all(jobs);
  return output;
}

async function buildRenderer(common: esbuild.BuildOptions, production: boolean, output: BuildOutput): Promise<void> {
  const htmlSource = join(ROOT_DIR, 'renderer', 'index.html');
  const html = await readFile(htmlSource, 'utf8');
  if (!/\bapp\.js\b/.test(html)) throw new Error(`${htmlSource} must load the bundle as app.js (and app.css).`);
  await mkdir(output.rendererDir, { recursive: true });
  await esbuild.build({
    ...common,
    entryPoints: [join(ROOT_DIR, 'renderer', 'index.tsx')],
    // app.js; the CSS the entry imports becomes app.css beside it.
    outfile: join(output.rendererDir, 'app.js'),
    platform: 'browser',
    format: 'iife',
    target: ['es2022'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file' },
    assetNames: 'assets/[name]-[hash]',
  });
  // The page's <meta> policy comes from the one definition the hosts also send as a header.
  await writeFile(output.indexHtml, pageHtmlWithCsp(html));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dev = process.argv.includes('--dev');
  const started = Date.now();
  build({ production: !dev, sourcemap: dev, logLevel: 'warning' }).then(
    (out) => console.log(`Built ${out.rendererDir} and ${join(out.outDir, 'electron')} in ${Date.now() - started} ms${dev ? ' (development)' : ''}.`),
    (err: unknown) => {
      // esbuild has already printed its messages; anything else (a missing file) is reported here.
      if (!(err instanceof Error && 'errors' in err)) console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
