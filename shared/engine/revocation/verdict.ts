// What the CRL and OCSP checks share: the verdict they reach, the outcome they report to the
// orchestration in index.ts, and the sentences about downloads.
import type * as pkijs from 'pkijs';
import { isHttpUrl } from '../net/http-fetch.ts';
import type { InvalidCrl, SkippedDownload } from '../../types.ts';
import type { RevocationInput } from './index.ts';

/** Distribution points / responders tried per certificate, one after the other. */
export const MAX_URLS_PER_METHOD = 2;
/** Tolerated clock difference for thisUpdate/nextUpdate. */
export const CLOCK_SKEW_MS = 5 * 60_000;
export const FAILURE_CACHE_MS = 60_000;

/** RFC 5280 5.3.1 CRLReason (value 7 is unused). */
export const REASON_NAMES: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export interface RevocationVerdict {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: Date | null;
  reason: string | null;
}

export interface MethodOutcome {
  verdict: RevocationVerdict | null;
  /** No answer could be downloaded from any location. */
  unreachable: boolean;
  /** Clauses for the details sentence. */
  notes: string[];
  /** Downloads not made because a limit of this tool said no. */
  skipped?: SkippedDownload[];
  /** CRLs downloaded but not usable, and why (crl-judge.ts). */
  invalidCrls?: InvalidCrl[];
}

export function verdictText(verdict: RevocationVerdict): string {
  if (verdict.status === 'good') return 'good';
  if (verdict.status === 'unknown') return 'the responder does not know the certificate';
  return `revoked${verdict.revokedAt ? ` on ${verdict.revokedAt.toISOString()}` : ''}${verdict.reason ? ` (${verdict.reason})` : ''}`;
}

export function downloadNote(kind: string, url: string, failure: DownloadFailure): string {
  if (failure.error === 'cancelled') return `${kind} ${url} not checked (cancelled)`;
  if (failure.skipped) return `${kind} ${url} skipped (${failure.error})`;
  if (failure.refusedAddress) return `${kind} ${url} ${failure.error}`;
  return failure.unreachable ? `${kind} ${url} unreachable (${failure.error})` : `${kind} ${url} not usable (${failure.error})`;
}

export function noteRefusal(input: RevocationInput, purpose: 'CRL' | 'OCSP', url: string, failure: DownloadFailure): void {
  if (failure.refusedAddress) input.guard?.noteRefused({ purpose, url, address: failure.refusedAddress });
}

/** A failed fetch as a download failure: a refused one was never unreachable, it was not tried. */
export function fetchFailure(response: { error: string; refusedAddress?: string }): DownloadFailure {
  return { ok: false, error: response.error, unreachable: !response.refusedAddress, refusedAddress: response.refusedAddress };
}

/** Splits a certificate's locations into the http(s) ones we fetch and notes about the others. */
export function fetchableUrls(urls: string[], kind: string): { fetchable: string[]; notes: string[] } {
  const fetchable = urls.filter(isHttpUrl).slice(0, MAX_URLS_PER_METHOD);
  const skipped = urls.filter((url) => !isHttpUrl(url));
  const notes = skipped.length ? [`${kind} location${skipped.length > 1 ? 's' : ''} ${skipped.join(', ')} skipped (only http and https are fetched)`] : [];
  return { fetchable, notes };
}

/** A failed download; unreachable when no answer came, refusedAddress when the guard did not let it connect. */
export type DownloadFailure = { ok: false; error: string; unreachable: boolean; refusedAddress?: string; skipped?: SkippedDownload['reason'] };

/** Distinct CRL and OCSP URLs fetched for one chain: a chain naming dozens must not make one check download without end. */
export const MAX_FETCH_URLS_PER_CHAIN = 8;

/** Counts the distinct URLs one chain's check fetches; asking again for a URL already taken is free. */
export class FetchAllowance {
  private readonly taken = new Set<string>();
  constructor(readonly limit: number) {}

  /** Null when `url` may be fetched; otherwise the failure to report instead. */
  refusal(url: string): DownloadFailure | null {
    if (this.taken.has(url)) return null;
    if (this.taken.size >= this.limit) {
      return { ok: false, error: `not fetched: this check fetches at most ${this.limit} distinct revocation URLs per chain`, unreachable: false, skipped: 'url-limit' };
    }
    this.taken.add(url);
    return null;
  }
}

/** Records a failed (or skipped) download in the outcome being built. */
export function noteFailure(outcome: MethodOutcome, input: RevocationInput, kind: 'CRL' | 'OCSP', url: string, failure: DownloadFailure): void {
  noteRefusal(input, kind, url, failure);
  outcome.notes.push(downloadNote(kind, url, failure));
  if (failure.skipped) (outcome.skipped ??= []).push({ kind, url, reason: failure.skipped });
  if (!failure.unreachable) outcome.unreachable = false;
}

export function algorithmOf(algorithm: pkijs.AlgorithmIdentifier): { oid: string; paramsDer: Uint8Array | null } {
  return {
    oid: algorithm.algorithmId,
    paramsDer: algorithm.algorithmParams ? new Uint8Array(algorithm.algorithmParams.toBER()) : null,
  };
}
