// A small HTTP(S) client for CRLs, OCSP and AIA issuer downloads: node:http directly rather than
// global fetch so that the size limit is enforced while the body streams in, redirects are
// re-checked one by one, and a hostile server can neither hang the check nor fill memory.
// Every connection, the first and each redirect's, goes through the caller's FetchGuard (after DNS).
// Node only (the CLI, the web harness, the desktop app's check worker), never the renderer. Never rejects.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import { refusalText, type FetchGuard } from './fetch-policy.ts';

export interface BoundedFetchOptions {
  /** Total time for the whole exchange, redirects included. */
  timeoutMs: number;
  /** Largest body accepted; the transfer is aborted past it. */
  maxBytes: number;
  /** Default 3. */
  maxRedirects?: number;
  signal?: AbortSignal;
  method?: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
  /** Which addresses may be connected to; without one, any. */
  guard?: FetchGuard;
  /**
   * Asked once the final response's headers are in, before its body is read (the socket waits):
   * the declared length, or null when the server sent none. A sentence refuses the body. `signal`
   * aborts when the exchange ends meanwhile (timeout, cancel), so the caller can stop waiting.
   */
  admitBody?: (declaredBytes: number | null, signal: AbortSignal) => Promise<string | null>;
}

/** A failed fetch; refusedAddress when the guard refused the address, so no connection was made. */
export type FetchFailure = { ok: false; error: string; refusedAddress?: string };

export type BoundedFetchResult = { ok: true; status: number; bytes: Uint8Array; finalUrl: string; contentType: string | null } | FetchFailure;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Only plain web URLs: ldap:, file:, ftp: and the rest are refused. */
export function isHttpUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export async function boundedFetch(url: string, opts: BoundedFetchOptions): Promise<BoundedFetchResult> {
  try {
    return await fetchFollowingRedirects(url, opts);
  } catch (error) {
    return { ok: false, error: `request failed (${(error as Error)?.message ?? String(error)})` };
  }
}

async function fetchFollowingRedirects(url: string, opts: BoundedFetchOptions): Promise<BoundedFetchResult> {
  const maxRedirects = opts.maxRedirects ?? 3;
  if (opts.signal?.aborted) return { ok: false, error: 'cancelled' };
  // One deadline for the whole exchange: each hop gets only what is left of it.
  const deadline = Date.now() + Math.max(0, opts.timeoutMs);
  let method = opts.method ?? 'GET';
  let body = opts.body;
  let current = url;
  for (let hop = 0; ; hop++) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      return { ok: false, error: `not a valid URL: ${current}` };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return { ok: false, error: hop === 0 ? `unsupported URL scheme ${parsed.protocol} (only http and https are fetched)` : `redirected to an unsupported URL scheme ${parsed.protocol} (${current})` };
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { ok: false, error: `timed out after ${opts.timeoutMs} ms` };
    const response = await requestOnce(parsed, { method, body, contentType: opts.contentType, timeoutMs: remaining, totalTimeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes, signal: opts.signal, guard: opts.guard, admitBody: opts.admitBody });
    if (!response.ok) return response;
    if (REDIRECT_STATUSES.has(response.status) && response.location) {
      if (hop >= maxRedirects) return { ok: false, error: `too many redirects (more than ${maxRedirects})` };
      try {
        current = new URL(response.location, parsed).toString();
      } catch {
        return { ok: false, error: `redirected to an invalid URL (${response.location})` };
      }
      // 303 always, and 301/302 in practice, turn a POST into a GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    return { ok: true, status: response.status, bytes: response.bytes, finalUrl: parsed.toString(), contentType: response.contentType };
  }
}

type HopResult = { ok: true; status: number; bytes: Uint8Array; contentType: string | null; location: string | null } | FetchFailure;

interface HopOptions {
  method: 'GET' | 'POST';
  body: Uint8Array | undefined;
  contentType: string | undefined;
  timeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  signal: AbortSignal | undefined;
  guard: FetchGuard | undefined;
  admitBody: BoundedFetchOptions['admitBody'];
}

const REFUSED_ADDRESS = 'EREFUSEDADDRESS';

/** DNS for one connection, refusing it when any address the name has is one the guard refuses. */
function guardedLookup(guard: FetchGuard): LookupFunction {
  return (hostname, options, callback) => {
    const resolve = guard.lookup ?? (dns.lookup as LookupFunction);
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((entry) => guard.refuses(entry.address));
      if (refused) return callback(Object.assign(new Error(refusalText(hostname, refused.address)), { code: REFUSED_ADDRESS, address: refused.address }), '', 0);
      if (options.all) callback(null, list);
      else callback(null, list[0]?.address ?? '', list[0]?.family ?? 4);
    });
  };
}

function requestOnce(url: URL, opts: HopOptions): Promise<HopResult> {
  return new Promise<HopResult>((resolve) => {
    let settled = false;
    let request: http.ClientRequest | null = null;
    const exchangeOver = new AbortController();
    const finish = (result: HopResult) => {
      if (settled) return;
      settled = true;
      exchangeOver.abort();
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      request?.destroy();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, error: 'cancelled' });
    const timer = setTimeout(() => finish({ ok: false, error: `timed out after ${opts.totalTimeoutMs} ms` }), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = { 'User-Agent': 'sfb-cert-checker', Accept: '*/*', Connection: 'close' };
    if (opts.body) {
      headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
      headers['Content-Length'] = String(opts.body.byteLength);
    }
    const client = url.protocol === 'https:' ? https : http;
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (opts.guard && net.isIP(literal) && opts.guard.refuses(literal)) {
      finish({ ok: false, error: refusalText(literal, literal), refusedAddress: literal });
      return;
    }
    const lookup = opts.guard ? guardedLookup(opts.guard) : undefined;
    try {
      // agent: false gives each request its own socket, closed with it: nothing lingers after a check.
      request = client.request(url, { method: opts.method, headers, agent: false, lookup }, (response) => {
        const status = response.statusCode ?? 0;
        const location = typeof response.headers.location === 'string' ? response.headers.location : null;
        const contentType = response.headers['content-type'] ?? null;
        if (REDIRECT_STATUSES.has(status) && location) {
          response.resume();
          finish({ ok: true, status, bytes: new Uint8Array(0), contentType, location });
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes) {
          finish({ ok: false, error: `response too large (${declared} bytes declared, limit ${opts.maxBytes})` });
          return;
        }
        const readBody = () => {
          const chunks: Buffer[] = [];
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > opts.maxBytes) {
              finish({ ok: false, error: `response too large (more than ${opts.maxBytes} bytes)` });
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => finish({ ok: true, status, bytes: new Uint8Array(Buffer.concat(chunks)), contentType, location }));
          response.on('error', (error) => finish({ ok: false, error: describeNetworkError(error) }));
          response.on('aborted', () => finish({ ok: false, error: 'the server closed the connection mid-response' }));
        };
        if (!opts.admitBody) return readBody();
        // Until admitted the body stays in the socket (nothing reads it), so a wait costs no memory.
        response.on('error', (error) => finish({ ok: false, error: describeNetworkError(error) }));
        opts.admitBody(Number.isFinite(declared) ? declared : null, exchangeOver.signal).then(
          (refusal) => (refusal ? finish({ ok: false, error: refusal }) : settled || readBody()),
          (error: unknown) => finish({ ok: false, error: String(error) }),
        );
      });
      request.on('error', (error: Error & { code?: string; address?: string }) =>
        finish(error.code === REFUSED_ADDRESS ? { ok: false, error: error.message, refusedAddress: error.address } : { ok: false, error: describeNetworkError(error) }),
      );
      request.end(opts.body ? Buffer.from(opts.body) : undefined);
    } catch (error) {
      finish({ ok: false, error: describeNetworkError(error as Error) });
    }
  });
}

function describeNetworkError(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return error.code ? `${error.code}${error.message ? `: ${error.message}` : ''}` : error.message || 'network error';
  }
}
