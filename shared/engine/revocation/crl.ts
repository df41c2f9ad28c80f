// CRLs: download (bounded), cache (by URL and fetch guard), parse (a hand walk over the DER: see
// parseCrl) and judge against one certificate.
import { pemBlocks } from '../../bytes.ts';
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ParsedCert } from '../chain/cert.ts';
import { canonicalName, formatName, parseName } from '../chain/names.ts';
import { verifyCertificateSignature, type SignatureResult } from '../chain/signature.ts';
import { untilAborted } from '../chain/aia.ts';
import { boundedFetch } from '../net/http-fetch.ts';
import { crlMemoryBudget, type CrlBudgetRefusal, type CrlReservation } from './crl-budget.ts';
import type { FetchGuard } from '../net/fetch-policy.ts';
import { childrenOf, derTime, isTime, readTlv, TAG_BIT_STRING, TAG_INTEGER, TAG_SEQUENCE } from './der-reader.ts';
import { findRevoked, indexRevoked, type RevokedIndex } from './revoked-index.ts';
import type { RevocationInput } from './index.ts';
import {
  algorithmOf, CLOCK_SKEW_MS, FAILURE_CACHE_MS, fetchableUrls, fetchFailure, noteFailure, REASON_NAMES, verdictText, type FetchAllowance,
  type DownloadFailure, type MethodOutcome, type RevocationVerdict,
} from './verdict.ts';

const CRL_MAX_BYTES = 20 * 1024 * 1024;

/** A CRL already past its nextUpdate is kept this long (retrying every check would not make it fresher). */
const STALE_CRL_CACHE_MS = 5 * 60_000;

/**
 * The most a download of `bytes` holds at once: the body twice while its chunks are joined (three
 * times for a PEM CRL while it is decoded); parsed, the body and its index (at most ~0.6x the body).
 */
const DOWNLOAD_RESERVATION_FACTOR = 3;

interface ParsedCrl {
  issuerKey: string;
  issuerDn: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: RevokedIndex | null;
  signed: { tbs: Uint8Array; signature: Uint8Array; signatureAlgorithm: { oid: string; paramsDer: Uint8Array | null } };
  /** Signature checks already made, by the issuer key's fingerprint (a 20 MB CRL is hashed once per key). */
  verifiedBy: Map<string, SignatureResult>;
  /** What it holds in memory: its DER (the signed part is a view of it) and the revoked-serial index. */
  size: number;
}

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
    if ('error' in judged) {
      notes.push(`CRL ${url} not trusted (${judged.error})`);
      continue;
    }
    notes.push(judged.status === 'good' ? `CRL ${url}: not listed` : `CRL ${url}: ${verdictText(judged)}`);
    return { ...outcome, verdict: judged };
  }
  return outcome;
}

function judgeCrl(crl: ParsedCrl, cert: ParsedCert, issuer: ParsedCert, now: Date): RevocationVerdict | { error: string } {
  if (crl.issuerKey !== cert.issuerKey) return { error: `it is issued by ${crl.issuerDn || '(empty name)'}, not by the certificate's issuer` };
  const keyId = createHash('sha256').update(issuer.spkiDer).digest('hex');
  let signature = crl.verifiedBy.get(keyId);
  if (!signature) {
    signature = verifyCertificateSignature(crl.signed, issuer.spkiDer);
    crl.verifiedBy.set(keyId, signature);
  }
  if (!signature.ok) return { error: signature.reason.replace("Signature does not verify with the issuer's key", "its signature does not verify with the issuer's key") };
  if (crl.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return { error: `it is dated in the future (${crl.thisUpdate.toISOString()})` };
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) return { error: `it expired on ${crl.nextUpdate.toISOString()} and the CA has not published a newer one` };
  const entry = crl.revoked ? findRevoked(crl.revoked, cert.serial) : null;
  const reason = entry?.reasonCode == null ? null : (REASON_NAMES[entry.reasonCode] ?? `reason ${entry.reasonCode}`);
  // removeFromCRL only appears in delta CRLs, where it means "no longer revoked".
  if (!entry || reason === 'removeFromCRL') return { status: 'good', revokedAt: null, reason: null };
  return { status: 'revoked', revokedAt: entry.revokedAt, reason };
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

/**
 * A CRL in DER or PEM; a sentence when it is neither.
 * Walked by hand rather than with pkijs: asn1js refuses inputs over 10,000 nodes by default (a CRL
 * of ~2,500 entries), and with the limit raised it needs ~11 s and ~400 MB for 100,000 entries,
 * in the main process. Real CA CRLs hold hundreds of thousands. The walk reads each entry's serial,
 * date and reason straight from the bytes; asn1js only decodes the small parts (names, algorithm).
 */
async function parseCrl(bytes: Uint8Array): Promise<ParsedCrl | string> {
  try {
    const der = pemBody(bytes, 'X509 CRL') ?? bytes;
    const outer = readTlv(der, 0, der.length);
    if (outer.tag !== TAG_SEQUENCE || outer.end !== der.length) return 'the download is not a CRL';
    const [tbs, signatureAlgorithm, signatureValue] = childrenOf(der, outer);
    if (tbs?.tag !== TAG_SEQUENCE || signatureAlgorithm?.tag !== TAG_SEQUENCE || signatureValue?.tag !== TAG_BIT_STRING) return 'the download is not a CRL';
    const fields = childrenOf(der, tbs);
    let at = fields[0]?.tag === TAG_INTEGER ? 1 : 0; // version v2
    at++; // the inner signature AlgorithmIdentifier
    const issuerField = fields[at++];
    const thisUpdateField = fields[at++];
    if (issuerField?.tag !== TAG_SEQUENCE || !thisUpdateField || !isTime(thisUpdateField.tag)) return 'the download is not a CRL';
    const nextUpdateField = fields[at] && isTime(fields[at]!.tag) ? fields[at++]! : null;
    const revokedField = fields[at]?.tag === TAG_SEQUENCE ? fields[at]! : null;
    const issuer = parseName(der.subarray(issuerField.start, issuerField.end));
    const revoked = revokedField ? await indexRevoked(der, revokedField) : null;
    const algorithm = new pkijs.AlgorithmIdentifier({ schema: asn1js.fromBER(der.slice(signatureAlgorithm.start, signatureAlgorithm.end)).result });
    return {
      issuerKey: canonicalName(issuer),
      issuerDn: formatName(issuer),
      thisUpdate: derTime(der, thisUpdateField),
      nextUpdate: nextUpdateField ? derTime(der, nextUpdateField) : null,
      revoked,
      signed: {
        // A view, not a copy: the CRL's bytes are held once (and counted once, in `size`).
        tbs: der.subarray(tbs.start, tbs.end),
        // BIT STRING contents start with the count of unused bits (0 for signatures).
        signature: der.slice(signatureValue.contentStart + 1, signatureValue.end),
        signatureAlgorithm: algorithmOf(algorithm),
      },
      verifiedBy: new Map(),
      size: der.byteLength + (revoked?.slots.byteLength ?? 0),
    };
  } catch {
    return 'the download is not a CRL';
  }
}

/** The DER inside a PEM block of the given label, or null when the bytes are not PEM. */
function pemBody(bytes: Uint8Array, label: string): Uint8Array | null {
  const head = Buffer.from(bytes.subarray(0, 100)).toString('latin1');
  if (!head.includes('-----BEGIN')) return null;
  return pemBlocks(Buffer.from(bytes).toString('latin1'), label)[0] ?? null;
}
