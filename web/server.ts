// The browser host: serves the built renderer and the CertCheckerApi over loopback HTTP.
//   POST /api/<method>  {"args":[...]}  ->  {"ok":true,"value":...} | {"ok":false,"error":"..."}
//   GET  /api/events    Server-Sent Events, one JSON CheckEvent per `data:` line.
// Loopback only, and only for requests addressed to this server by name (Host) and made by its own page
// (Origin): a web page elsewhere, or a DNS-rebinding name pointing at 127.0.0.1, gets 403.
// `npm run web -- --port 17800`
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, DEFAULT_OUT_DIR, ROOT_DIR } from '../scripts/build.ts';
import { createApiHandlers, NotAvailableError, type ApiHostDependencies } from '../shared/host/handlers.ts';
import { CONTENT_SECURITY_POLICY, contentTypeOf } from '../shared/host/static-files.ts';
import { ApiInputError } from '../shared/host/validation.ts';
import { API_CHANNELS, type ApiMethodName, type AppInfo } from '../shared/ipc.ts';
import { EventStream, type EventStreamLimits } from './event-stream.ts';

export const DEFAULT_WEB_PORT = 17800;
/** Large enough for a 20 MB list or certificate bundle as base64 JSON. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const KEEPALIVE_MS = 15_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export interface WebServerOptions {
  /** 0 for a random free port. */
  port: number;
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** Where trusted roots are kept; default the same per-user folder the desktop app uses. */
  dataDir?: string;
  /** The built renderer to serve; default: build it into dist/renderer first. */
  rendererDir?: string;
  /** Memory budget of the event stream (tests make it small). */
  eventLimits?: EventStreamLimits;
  /** Replace the engine (tests drive events without a network). */
  engine?: ApiHostDependencies['runChecks'];
}

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Electron's userData folder for this app, so both shells share the trusted roots. */
export function defaultDataDir(): string {
  const appData =
    process.platform === 'win32'
      ? process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming')
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(appData, readAppInfo().name);
}

function readAppInfo(): AppInfo {
  const pkg = JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { name: string; productName?: string; version: string };
  return { name: pkg.productName ?? pkg.name, version: pkg.version, shell: 'web' };
}

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`The web UI listens on loopback only (127.0.0.1, ::1, localhost), not ${host}.`);
  const rendererDir = await realpath(options.rendererDir ?? (await build({ parts: ['renderer'], outDir: DEFAULT_OUT_DIR })).rendererDir);

  const events = new EventStream(options.eventLimits);
  const handlers = createApiHandlers(
    {
      dataDir: options.dataDir ?? defaultDataDir(),
      app: readAppInfo(),
      emit: (event) => events.broadcast(event),
      // The page opens the link itself (window.open) once the allowlist says yes; nothing to do here.
      openExternal: () => {},
    },
    { runChecks: options.engine },
  );

  let allowedHosts = new Set<string>();
  const server = createServer((req, res) => {
    setCommonHeaders(res);
    if (!isOwnRequest(req, allowedHosts)) return sendJson(res, 403, { ok: false, error: 'Forbidden: this server only answers its own page on loopback.' });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/api/events') return req.method === 'GET' ? events.open(req, res) : sendJson(res, 405, { ok: false, error: 'Use GET for /api/events.' });
    if (path.startsWith('/api/')) return void handleApiCall(req, res, path.slice('/api/'.length), handlers);
    return void serveStatic(req, res, rendererDir, path);
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const keepalive = setInterval(() => events.keepalive(), KEEPALIVE_MS);
  keepalive.unref();

  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        clearInterval(keepalive);
        handlers.cancelAll();
        events.closeAll();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

/** Host must name this server on loopback (no rebinding), Origin (when sent) must be this server. */
function isOwnRequest(req: IncomingMessage, allowedHosts: Set<string>): boolean {
  const hostHeader = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.has(hostHeader)) return false;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${hostHeader}`) return false;
  // Browsers that send Fetch Metadata tell us outright when another site made the request.
  // (A link from elsewhere to the page itself is harmless; the API is not.)
  const site = req.headers['sec-fetch-site'];
  const fromElsewhere = site !== undefined && site !== 'same-origin' && site !== 'none';
  return !(fromElsewhere && (req.url ?? '').startsWith('/api/'));
}

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function handleApiCall(req: IncomingMessage, res: ServerResponse, method: string, handlers: ReturnType<typeof createApiHandlers>): Promise<void> {
  if (!Object.hasOwn(API_CHANNELS, method)) return sendJson(res, 404, { ok: false, error: `No API method "${method.slice(0, 100)}".` });
  if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: `Use POST for /api/${method}.` });
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, 415, { ok: false, error: 'Send the arguments as application/json: {"args":[...]}.' });
  }
  let args: unknown[];
  try {
    const body = JSON.parse(await readBody(req)) as { args?: unknown } | null;
    const rawArgs = body === null || typeof body !== 'object' ? undefined : (body.args ?? []);
    if (!Array.isArray(rawArgs) || rawArgs.length > 4) throw new ApiInputError('The body must be {"args":[...]} with the method\'s arguments.');
    args = rawArgs;
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendJson(res, 413, { ok: false, error: err.message });
    if (err instanceof ApiInputError) return sendJson(res, 400, { ok: false, error: err.message });
    return sendJson(res, 400, { ok: false, error: 'The body is not valid JSON.' });
  }
  try {
    const handler = handlers[method as ApiMethodName] as (...callArgs: unknown[]) => unknown;
    const value = await handler(...args);
    sendJson(res, 200, { ok: true, value: value ?? null });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const status = err instanceof ApiInputError ? 400 : err instanceof NotAvailableError ? 501 : 500;
    // The field at fault lets the page put the message beside it.
    const field = err instanceof ApiInputError && err.field ? { field: err.field, targetIndex: err.targetIndex } : {};
    sendJson(res, status, { ok: false, error: message, ...field });
  }
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, rejectBody) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      return rejectBody(new BodyTooLargeError(`The request is too large (at most ${MAX_BODY_BYTES} bytes).`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        rejectBody(new BodyTooLargeError(`The request is too large (at most ${MAX_BODY_BYTES} bytes).`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rejectBody);
  });
}

async function serveStatic(req: IncomingMessage, res: ServerResponse, rendererDir: string, urlPath: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: 'Only GET here.' });
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  } catch {
    return sendJson(res, 400, { ok: false, error: 'Bad path.' });
  }
  const file = resolve(rendererDir, `.${relative}`);
  if (relative.includes('\0') || !file.startsWith(rendererDir + sep)) return sendJson(res, 404, { ok: false, error: 'Not found.' });
  let content: Buffer;
  try {
    // realpath: a symlink inside dist must not lead out of it.
    const real = await realpath(file);
    if (!real.startsWith(rendererDir + sep)) throw new Error('outside');
    content = await readFile(real);
  } catch {
    // Browsers ask for an icon on their own; no icon is not an error worth a console message.
    if (relative === '/favicon.ico') return void res.writeHead(204).end();
    return sendJson(res, 404, { ok: false, error: 'Not found.' });
  }
  res.writeHead(200, { 'Content-Type': contentTypeOf(file), 'Content-Length': content.length });
  res.end(req.method === 'HEAD' ? undefined : content);
}

/** `--port N`, `--host H`, `--data-dir D` from argv. */
export function parseWebArgs(argv: string[]): { port: number; host: string; dataDir?: string } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    const inline = argv.find((a) => a.startsWith(`${flag}=`));
    return inline ? inline.slice(flag.length + 1) : i >= 0 ? argv[i + 1] : undefined;
  };
  const portText = value('--port') ?? process.env.PORT;
  const port = portText === undefined ? DEFAULT_WEB_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${portText}.`);
  return { port, host: value('--host') ?? '127.0.0.1', dataDir: value('--data-dir') };
}

/** Start the web UI from the command line and print where it is; used by `npm run web` and `npm start`. */
export async function runWebCli(argv: string[], overrides: Partial<WebServerOptions> = {}): Promise<RunningWebServer> {
  const options = { ...parseWebArgs(argv), ...overrides };
  let server: RunningWebServer;
  try {
    server = await startWebServer(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Port ${options.port} is already in use: pass another with --port (npm run web -- --port 17801).`);
    throw err;
  }
  console.log(`SfB Certificate Checker UI: ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runWebCli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
