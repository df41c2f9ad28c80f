// Fetching intermediates a server did not send, the way Windows does through the AIA caIssuers URL.
// Windows hides an incomplete chain this way; SBCs, phones and many partners do not, so the engine
// fetches only to be able to show the whole chain and say what was missing.
// Results are cached by URL for the life of the process (a bulk run fetches each intermediate once)
// and concurrent requests for one URL share one download.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificate, type ParsedCert } from './cert.ts';
import { verifyCertificateSignature } from './signature.ts';
import { boundedFetch, isHttpUrl, type FetchFailure } from '../net/http-fetch.ts';
import type { FetchGuard } from '../net/fetch-policy.ts';

export interface FetchMissingIssuersOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  offline?: boolean;
  /** URLs tried at most (cache hits included); default 4. */
  maxFetches?: number;
  /**
   * Certificates already at hand, typically the trusted roots: an issuer found among them is not
   * fetched (servers rightly do not send the root, and fetching it every time would be waste).
   */
  knownIssuers?: Uint8Array[];
  /** Which addresses the downloads may connect to (and where refusals are noted); without one, any. */
  guard?: FetchGuard;
}

export interface FetchMissingIssuersResult {
  /** Issuers fetched, in chain order (the leaf's issuer first). */
  fetched: { der: Uint8Array; url: string }[];
  errors: string[];
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/** An issuer certificate is small; a .p7c with a few certificates stays well under this. */
const AIA_MAX_BYTES = 1024 * 1024;
/** Deepest chain followed upwards. */
const MAX_DEPTH = 8;
/** A failed URL is retried after this long (a bulk run does not wait for a dead server 1,000 times). */
const FAILURE_CACHE_MS = 60_000;
const MAX_CACHE_ENTRIES = 500;

/** Certificates in a caIssuers download: DER, PEM, or PKCS#7 certs-only (.p7c / .p7b), DER or PEM. */
export function readIssuerCertificates(bytes: Uint8Array): { certificates: Uint8Array[]; error: string | null } {
  try {
    const text = looksLikeText(bytes) ? Buffer.from(bytes).toString('latin1') : null;
    if (text !== null && text.includes('-----BEGIN')) {
      const certificates: Uint8Array[] = [];
      for (const block of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
        const der = new Uint8Array(Buffer.from(block[2]!.replace(/\s+/g, ''), 'base64'));
        if (block[1] === 'CERTIFICATE' || block[1] === 'X509 CERTIFICATE') certificates.push(der);
        else if (block[1] === 'PKCS7' || block[1] === 'CMS') certificates.push(...pkcs7Certificates(der));
      }
      return certificates.length ? { certificates, error: null } : { certificates, error: 'the PEM file holds no certificate' };
    }
    if (parseCertificate(bytes).ok) return { certificates: [bytes], error: null };
    const fromPkcs7 = pkcs7Certificates(bytes);
    if (fromPkcs7.length) return { certificates: fromPkcs7, error: null };
    return { certificates: [], error: 'the download is neither a certificate nor a PKCS#7 bundle' };
  } catch {
    return { certificates: [], error: 'the download is neither a certificate nor a PKCS#7 bundle' };
  }
}

function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64);
  return head.length > 0 && head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
}

/** The certificates of a PKCS#7 SignedData, as the exact bytes the file carries. */
function pkcs7Certificates(der: Uint8Array): Uint8Array[] {
  const decoded = asn1js.fromBER(der);
  if (decoded.offset === -1) return [];
  const contentInfo = new pkijs.ContentInfo({ schema: decoded.result });
  if (contentInfo.contentType !== OID_SIGNED_DATA) return [];
  // Walk the SignedData by hand for the raw bytes of each certificate (pkijs re-encodes on output).
  const signedData = contentInfo.content as asn1js.Sequence;
  const certificateSet = signedData.valueBlock.value.find((v) => v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  if (!certificateSet) return [];
  return certificateSet.valueBlock.value
    .filter((v) => v.idBlock.tagClass === 1 && v.idBlock.tagNumber === 16)
    .map((v) => new Uint8Array(v.valueBeforeDecodeView));
}

/** Could `candidate` have issued `child`? Names must match; key identifiers too when both are present. */
export function couldHaveIssued(candidate: ParsedCert, child: ParsedCert): boolean {
  if (candidate.subjectKey !== child.issuerKey) return false;
  const authorityKeyId = child.authorityKeyId?.keyId;
  if (authorityKeyId && candidate.subjectKeyId && authorityKeyId !== candidate.subjectKeyId) return false;
  return true;
}

type Download = { ok: true; certificates: Uint8Array[] } | FetchFailure;

const downloadCache = new Map<string, { expiresAt: number; download: Promise<Download> }>();

/** Forgets every cached download (tests, or a user asking to re-check from scratch). */
export function clearAiaCache(): void {
  downloadCache.clear();
}

function cachedDownload(url: string, timeoutMs: number, guard: FetchGuard | undefined): Promise<Download> {
  const key = `${guard?.key ?? 'any-address'} ${url}`;
  const cached = downloadCache.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.download;
  // The shared download runs without any one caller's signal: another caller may still want it.
  const entry = { expiresAt: Number.POSITIVE_INFINITY, download: download(url, timeoutMs, guard) };
  downloadCache.set(key, entry);
  if (downloadCache.size > MAX_CACHE_ENTRIES) downloadCache.delete(downloadCache.keys().next().value!);
  void entry.download.then((result) => {
    if (!result.ok) entry.expiresAt = Date.now() + FAILURE_CACHE_MS;
  });
  return entry.download;
}

async function download(url: string, timeoutMs: number, guard: FetchGuard | undefined): Promise<Download> {
  const response = await boundedFetch(url, { timeoutMs, maxBytes: AIA_MAX_BYTES, guard });
  if (!response.ok) return response;
  if (response.status !== 200) return { ok: false, error: `HTTP ${response.status}` };
  const read = readIssuerCertificates(response.bytes);
  if (read.error !== null) return { ok: false, error: read.error };
  return { ok: true, certificates: read.certificates };
}

/** Settles with the promise, or with `onAbort` as soon as the signal fires. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: T): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(onAbort);
  return new Promise<T>((resolve) => {
    const abort = () => resolve(onAbort);
    signal.addEventListener('abort', abort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', abort);
      resolve(value);
    });
  });
}

/**
 * Walks up from the leaf; whenever a certificate's issuer is neither among the served certificates
 * nor already fetched, downloads it from the certificate's caIssuers URL. Never rejects.
 */
export async function fetchMissingIssuers(certs: Uint8Array[], opts: FetchMissingIssuersOptions): Promise<FetchMissingIssuersResult> {
  const result: FetchMissingIssuersResult = { fetched: [], errors: [] };
  if (opts.offline || certs.length === 0) return result;
  try {
    await walkUp(certs, opts, result);
  } catch (error) {
    result.errors.push(`Fetching missing issuers failed (${(error as Error)?.message ?? String(error)})`);
  }
  return result;
}

/**
 * The known issuers (the trust anchors of a run) parsed once per array: a bulk run passes the same
 * array for every endpoint, and re-parsing a few hundred roots per endpoint would dominate its CPU.
 */
const parsedKnownCache = new WeakMap<readonly Uint8Array[], ParsedCert[]>();
function parsedKnownIssuers(ders: readonly Uint8Array[] | undefined): ParsedCert[] {
  if (!ders) return [];
  let parsed = parsedKnownCache.get(ders);
  if (!parsed) {
    parsed = ders.flatMap((der) => {
      const result = parseCertificate(der);
      return result.ok ? [result.cert] : [];
    });
    parsedKnownCache.set(ders, parsed);
  }
  return parsed;
}

async function walkUp(certs: Uint8Array[], opts: FetchMissingIssuersOptions, result: FetchMissingIssuersResult): Promise<void> {
  const maxFetches = opts.maxFetches ?? 4;
  const served: ParsedCert[] = [];
  for (const der of certs) {
    const parsed = parseCertificate(der);
    if (parsed.ok) served.push(parsed.cert);
  }
  const leaf = parseCertificate(certs[0]!);
  if (!leaf.ok) {
    result.errors.push('The leaf certificate could not be decoded, so its issuer was not fetched');
    return;
  }
  const known = [...served, ...parsedKnownIssuers(opts.knownIssuers)];
  /** Extra certificates that came in a .p7c: used if a later step needs them, reported only then. */
  const spare: { cert: ParsedCert; url: string }[] = [];
  const visited = new Set<string>();
  let attempts = 0;
  let current = leaf.cert;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (visited.has(current.id)) return;
    visited.add(current.id);
    if (current.selfIssued) return;
    const present = known.find((candidate) => couldHaveIssued(candidate, current));
    if (present) {
      current = present;
      continue;
    }
    const fromSpare = pickIssuer(spare.map((s) => s.cert), current);
    if (fromSpare) {
      const origin = spare.find((s) => s.cert === fromSpare)!;
      result.fetched.push({ der: fromSpare.der, url: origin.url });
      known.push(fromSpare);
      current = fromSpare;
      continue;
    }
    const urls = current.urls.caIssuers;
    const httpUrls = urls.filter(isHttpUrl);
    if (httpUrls.length === 0) {
      // No URL at all is left to the chain builder to report (it is usual for a root's certificate).
      if (urls.length) result.errors.push(`The issuer of ${current.label} was not sent and its AIA names only ${urls.join(', ')}, which is not fetched (http and https only)`);
      return;
    }
    if (opts.signal?.aborted) return;
    const allowed = httpUrls.slice(0, Math.max(0, maxFetches - attempts));
    attempts += allowed.length;
    // All of one certificate's URLs at once: silent ones then cost one timeout together, not one each.
    const downloads = await Promise.all(
      allowed.map((url) => untilAborted(cachedDownload(url, opts.timeoutMs, opts.guard), opts.signal, { ok: false, error: 'cancelled' } as Download)),
    );
    let found: ParsedCert | null = null;
    // Judged in the certificate's URL order, so the first URL that holds the issuer wins as before.
    for (const [i, downloaded] of downloads.entries()) {
      const url = allowed[i]!;
      if (!downloaded.ok) {
        if (downloaded.refusedAddress) opts.guard?.noteRefused({ purpose: 'AIA', url, address: downloaded.refusedAddress });
        result.errors.push(`Could not fetch the issuer of ${current.label} from ${url}: ${downloaded.error}`);
        continue;
      }
      const candidates: ParsedCert[] = [];
      for (const der of downloaded.certificates) {
        const parsed = parseCertificate(der);
        if (parsed.ok) candidates.push(parsed.cert);
      }
      const picked = pickIssuer(candidates, current);
      for (const candidate of candidates) if (candidate !== picked) spare.push({ cert: candidate, url });
      if (picked && !found) {
        found = picked;
        result.fetched.push({ der: found.der, url });
        known.push(found);
      } else if (!picked) result.errors.push(`The download from ${url} does not contain the issuer of ${current.label}`);
    }
    if (allowed.length < httpUrls.length && !found) {
      result.errors.push(`Stopped fetching missing issuers after ${maxFetches} download${maxFetches === 1 ? '' : 's'}`);
      return;
    }
    if (!found) return;
    current = found;
  }
}

/** The candidate that issued `child`, preferring one whose key verifies the child's signature. */
function pickIssuer(candidates: ParsedCert[], child: ParsedCert): ParsedCert | null {
  const named = candidates.filter((candidate) => couldHaveIssued(candidate, child));
  return named.find((candidate) => verifyCertificateSignature(child, candidate.spkiDer).ok) ?? named[0] ?? null;
}
