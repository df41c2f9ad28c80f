// CRLs: download (bounded) and cache (by URL and fetch guard); crl-judge.ts parses them (a hand walk
// over the DER) and judges them against one certificate.
import type { ParsedCert } from '../chain/cert.ts';
import { untilAborted } from '../chain/aia.ts';
import { boundedFetch } from '../net/http-fetch.ts';
import { crlMemoryBudget, type CrlBudgetRefusal, type CrlReservation } from './crl-budget.ts';
import type { FetchGuard } from '../net/fetch-policy.ts';
import { judgeCrl, parseCrl, type ParsedCrl } from './crl-judge.ts';
import type { RevocationInput } from './index.ts';
import { FAILURE_CACHE_MS, fetchableUrls, fetchFailure, noteFailure, verdictText, type DownloadFailure, type FetchAllowance, type MethodOutcome } from './verdict.ts';

const CRL_MAX_BYTES = 20 * 1024 * 1024;

/** A CRL already past its nextUpdate is kept this long (retrying every check would not make it fresher). */
const STALE_CRL_CACHE_MS = 5 * 60_000;

/**
 * The most a download of `bytes` holds at once: the body twice while its chunks are joined (three
 * times for a PEM CRL while it is decoded); parsed, the body and its index (at most ~0.6x the body).
 */
const DOWNLOAD_RESERVATION_FACTOR = 3;

type CrlDownload = { ok: true; crl: ParsedCrl; reservation: CrlReservation } | DownloadFailure;

interface CacheEntry {
  expiresAt: number;
  download: Promise<CrlDownload>;
  /** The budget held by the parsed CRL; null while downloading or after a failure. */
  reservation: CrlReservation | null;
}

const crlCache = new Map<string, CacheEntry>();

function dropCacheEntry(key: string, entry: CacheEntry): void {
  if (crlCache.get(key) === entry) crlCache.delete(key);
  entry.reservation?.release();
  entry.reservation = null;
}

/** Frees budget by dropping parsed CRLs, oldest first (Map order is insertion order); downloads in flight stay. */
crlMemoryBudget.reclaim = (bytes) => {
  let freed = 0;
  for (const [key, entry] of crlCache) {
    if (freed >= bytes) break;
    if (!entry.reservation) continue;
    freed += entry.reservation.bytes;
    dropCacheEntry(key, entry);
  }
};

export function clearCrlCache(): void {
  for (const [key, entry] of crlCache) dropCacheEntry(key, entry);
}

export async function checkCrl(urls: string[], cert: ParsedCert, issuer: ParsedCert, input: RevocationInput, now: Date, allowance: FetchAllowance): Promise<MethodOutcome> {
  const { fetchable, notes } = fetchableUrls(urls, 'CRL');
  if (urls.length === 0) return { verdict: null, unreachable: false, notes: ['the certificate names no CRL distribution point'] };
  const outcome: MethodOutcome = { verdict: null, unreachable: fetchable.length > 0, notes };
  for (const url of fetchable) {
    const downloaded =
      allowance.refusal(url) ?? (await untilAborted(cachedCrl(url, input.timeoutMs, input.guard), input.signal, { ok: false, error: 'cancelled', unreachable: false } as CrlDownload));
    if (!downloaded.ok) {
      noteFailure(outcome, input, 'CRL', url, downloaded);
      continue;
    }
    outcome.unreachable = false;
    const judged = judgeCrl(downloaded.crl, cert, issuer, now);
    if (!judged.ok) {
      notes.push(`CRL ${url} not trusted (${judged.problems.join('; ')})`);
      (outcome.invalidCrls ??= []).push({ url, problems: judged.problems });
      continue;
    }
    notes.push(judged.verdict.status === 'good' ? `CRL ${url}: not listed` : `CRL ${url}: ${verdictText(judged.verdict)}`);
    return { ...outcome, verdict: judged.verdict };
  }
  return outcome;
}

function cachedCrl(url: string, timeoutMs: number, guard: FetchGuard | undefined): Promise<CrlDownload> {
  const key = `${guard?.key ?? 'any-address'} ${url}`;
  const cached = crlCache.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.download;
  if (cached) dropCacheEntry(key, cached);
  const entry: CacheEntry = { expiresAt: Number.POSITIVE_INFINITY, reservation: null, download: downloadCrl(url, timeoutMs, guard) };
  crlCache.set(key, entry);
  void entry.download.then((result) => {
    if (!result.ok) {
      entry.expiresAt = Date.now() + FAILURE_CACHE_MS;
      return;
    }
    const nextUpdate = result.crl.nextUpdate?.getTime() ?? 0;
    entry.expiresAt = nextUpdate > Date.now() ? nextUpdate : Date.now() + STALE_CRL_CACHE_MS;
    // Evicted (or cleared) while it was downloading: nobody will find it, so it holds no budget.
    if (crlCache.get(key) === entry) entry.reservation = result.reservation;
    else result.reservation.release();
  });
  return entry.download;
}

const BUDGET_REFUSAL: Record<CrlBudgetRefusal, string> = {
  'too-large': 'too large for the memory set aside for CRLs',
  busy: 'the memory set aside for CRLs stayed full for the whole download time',
};

async function downloadCrl(url: string, timeoutMs: number, guard: FetchGuard | undefined): Promise<CrlDownload> {
  const gate = { waiting: false, refusal: null as CrlBudgetRefusal | null, reservation: null as CrlReservation | null };
  // Room is reserved once the length is known (the largest allowed when not declared), before the body is read.
  const admitBody = async (declared: number | null, signal: AbortSignal) => {
    gate.waiting = true;
    const granted = await crlMemoryBudget.reserve((declared ?? CRL_MAX_BYTES) * DOWNLOAD_RESERVATION_FACTOR, signal);
    gate.waiting = false;
    if (typeof granted !== 'string') gate.reservation = granted;
    else gate.refusal = granted;
    return typeof granted === 'string' ? BUDGET_REFUSAL[granted] : null;
  };
  const response = await boundedFetch(url, { timeoutMs, maxBytes: CRL_MAX_BYTES, guard, admitBody });
  const { reservation } = gate;
  // The time ran out while waiting for room: the budget said no, the server was fine.
  if (gate.waiting || gate.refusal) {
    const refusal = gate.refusal ?? 'busy';
    return { ok: false, error: BUDGET_REFUSAL[refusal], unreachable: false, skipped: refusal === 'too-large' ? 'too-large' : 'memory-busy' };
  }
  if (!response.ok || response.status !== 200 || !reservation) {
    reservation?.release();
    return !response.ok ? fetchFailure(response) : { ok: false, error: `HTTP ${response.status}`, unreachable: true };
  }
  const parsed = await parseCrl(response.bytes);
  if (typeof parsed === 'string') {
    reservation.release();
    return { ok: false, error: parsed, unreachable: false };
  }
  reservation.resize(parsed.size);
  return { ok: true, crl: parsed, reservation };
}
