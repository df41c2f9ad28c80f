// Revocation of the leaf and the intermediates: a stapled OCSP response, the OCSP responder the
// certificate names, and its CRL distribution points. OCSP decides when it answers (it is fresher);
// the CRL is fetched as well because SfB servers need it reachable, and an unreachable CRL is worth
// telling the admin even when OCSP said "good". Never rejects.
import { bytesEqual, pemBlocks } from '../../bytes.ts';
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertRevocation, RevocationStatus } from '../../types.ts';

export type { CertRevocation };
import { parseCertificate, type ParsedCert } from '../chain/cert.ts';
import { canonicalName, formatName, parseName } from '../chain/names.ts';
import { verifyCertificateSignature, type SignatureResult } from '../chain/signature.ts';
import { couldHaveIssued, untilAborted } from '../chain/aia.ts';
import { boundedFetch, isHttpUrl } from '../net/http-fetch.ts';
import type { FetchGuard } from '../net/fetch-policy.ts';

export interface RevocationInput {
  /** Leaf first, as built: leaf, intermediates, root. */
  chain: Uint8Array[];
  stapledOcsp: Uint8Array | null;
  /** Time allowed for each download (OCSP and CRL downloads run in parallel). */
  timeoutMs: number;
  signal?: AbortSignal;
  offline?: boolean;
  now?: Date;
  /** Which addresses the downloads may connect to (and where refusals are noted); without one, any. */
  guard?: FetchGuard;
}

export interface RevocationReport {
  overall: RevocationStatus;
  perCert: CertRevocation[];
}

const CRL_MAX_BYTES = 20 * 1024 * 1024;
const OCSP_MAX_BYTES = 256 * 1024;
/** Distribution points / responders tried per certificate, one after the other. */
const MAX_URLS_PER_METHOD = 2;
/** Tolerated clock difference for thisUpdate/nextUpdate. */
const CLOCK_SKEW_MS = 5 * 60_000;
const FAILURE_CACHE_MS = 60_000;
/** A CRL already past its nextUpdate is kept this long (retrying every check would not make it fresher). */
const STALE_CRL_CACHE_MS = 5 * 60_000;
const OCSP_CACHE_MS = 5 * 60_000;
const MAX_CRL_CACHE_BYTES = 100 * 1024 * 1024;
const MAX_OCSP_CACHE_ENTRIES = 2000;

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const OID_SHA1 = '1.3.14.3.2.26';

const HASH_BY_OID: Record<string, string> = {
  [OID_SHA1]: 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** RFC 5280 5.3.1 CRLReason (value 7 is unused). */
const REASON_NAMES: Record<number, string> = {
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

const OCSP_RESPONSE_STATUS: Record<number, string> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

// ---------------------------------------------------------------------------------------------
// Entry point

export async function checkRevocation(input: RevocationInput): Promise<RevocationReport> {
  const now = input.now ?? new Date();
  try {
    return await check(input, now);
  } catch (error) {
    const details = `Revocation could not be checked (${(error as Error)?.message ?? String(error)})`;
    return { overall: { status: 'unknown', method: 'none', checkedAt: now.toISOString(), details }, perCert: [] };
  }
}

async function check(input: RevocationInput, now: Date): Promise<RevocationReport> {
  const checkedAt = now.toISOString();
  const parsed = input.chain.map((der) => parseCertificate(der));
  const certs = parsed.map((p) => (p.ok ? p.cert : null));
  // The root (a self-issued last certificate) is trusted as such: nobody revokes it.
  const last = certs[certs.length - 1];
  const checkedCount = last?.selfIssued ? certs.length - 1 : certs.length;

  if (input.chain.length === 0) {
    return { overall: { status: 'unknown', method: 'none', checkedAt, details: 'No certificate to check for revocation' }, perCert: [] };
  }
  if (checkedCount === 0) {
    const details = 'Self-signed certificate: there is no issuer to publish its revocation, so it cannot be checked';
    return { overall: { status: 'unknown', method: 'none', checkedAt, details }, perCert: [] };
  }

  const indexes = Array.from({ length: checkedCount }, (_, i) => i);
  if (input.offline) {
    const details = 'Revocation not checked (offline)';
    const perCert = indexes.map((index) => unchecked(index, certs[index] ?? null, details));
    return { overall: { status: 'unknown', method: 'none', checkedAt, details }, perCert };
  }

  const perCert = await Promise.all(
    indexes.map((index) => {
      const cert = certs[index] ?? null;
      const issuer = certs[index + 1] ?? null;
      if (!cert) return unchecked(index, null, 'The certificate could not be decoded, so its revocation was not checked');
      if (!issuer) {
        return unchecked(index, cert, index + 1 < input.chain.length
          ? 'Its issuer certificate could not be decoded, so revocation could not be checked'
          : 'Its issuer certificate is not in the chain, so revocation could not be checked');
      }
      return checkOne(index, cert, issuer, index === 0 ? input.stapledOcsp : null, input, now).catch((error: unknown) =>
        unchecked(index, cert, `Revocation could not be checked (${(error as Error)?.message ?? String(error)}).`),
      );
    }),
  );
  return { overall: summarise(perCert, checkedAt), perCert };
}

function unchecked(index: number, cert: ParsedCert | null, details: string): CertRevocation {
  return {
    index, subject: cert?.subjectDn ?? '(undecodable certificate)', status: 'unknown', method: 'none', reason: null,
    revokedAt: null, details, crlUnreachable: false, ocspUnreachable: false,
  };
}

function summarise(perCert: CertRevocation[], checkedAt: string): RevocationStatus {
  const leafMethod = perCert[0]?.status !== 'unknown' ? (perCert[0]?.method ?? 'none') : 'none';
  const revoked = perCert.filter((c) => c.status === 'revoked');
  if (revoked.length) {
    const first = revoked[0]!;
    const what = first.index === 0 ? 'The certificate' : `The intermediate ${first.subject}`;
    const when = first.revokedAt ? ` on ${first.revokedAt.slice(0, 10)}` : '';
    const why = first.reason ? ` (${first.reason})` : '';
    const more = revoked.length > 1 ? ` ${revoked.length - 1} more certificate(s) in the chain are revoked too.` : '';
    return { status: 'revoked', method: leafMethod, checkedAt, details: `${what} was revoked${when}${why}, per ${methodLabel(first.method)}.${more}` };
  }
  const unknown = perCert.find((c) => c.status === 'unknown');
  if (unknown) {
    const what = unknown.index === 0 ? 'the certificate' : `the intermediate ${unknown.subject}`;
    return { status: 'unknown', method: leafMethod, checkedAt, details: `Revocation status unknown for ${what}: ${unknown.details}` };
  }
  const intermediates = perCert.length - 1;
  const scope = intermediates > 0 ? ` and ${intermediates} intermediate${intermediates > 1 ? 's' : ''}` : '';
  return { status: 'good', method: leafMethod, checkedAt, details: `Not revoked: the certificate (${methodLabel(leafMethod)})${scope} checked.` };
}

function methodLabel(method: CertRevocation['method']): string {
  return method === 'ocsp-staple' ? 'stapled OCSP' : method === 'ocsp' ? 'OCSP' : method === 'crl' ? 'CRL' : 'no method';
}

// ---------------------------------------------------------------------------------------------
// One certificate

export interface RevocationVerdict {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: Date | null;
  reason: string | null;
}

interface MethodOutcome {
  verdict: RevocationVerdict | null;
  /** No answer could be downloaded from any location. */
  unreachable: boolean;
  /** Clauses for the details sentence. */
  notes: string[];
}

async function checkOne(index: number, cert: ParsedCert, issuer: ParsedCert, staple: Uint8Array | null, input: RevocationInput, now: Date): Promise<CertRevocation> {
  const urls = cert.urls;
  if (urls.crl.length === 0 && urls.ocsp.length === 0 && !staple) {
    return unchecked(index, cert, 'The certificate names neither a CRL distribution point nor an OCSP responder, so its revocation cannot be checked.');
  }
  let stapleOutcome: MethodOutcome | null = null;
  if (staple) {
    const evaluated = evaluateOcspResponse(staple, cert, issuer, now);
    stapleOutcome = evaluated.ok
      ? { verdict: evaluated.verdict, unreachable: false, notes: [`stapled OCSP response: ${verdictText(evaluated.verdict)}`] }
      : { verdict: null, unreachable: false, notes: [`stapled OCSP response not usable (${evaluated.error})`] };
  }
  // A usable staple answers for OCSP: asking the responder again would add nothing.
  const stapleDecides = stapleOutcome?.verdict && stapleOutcome.verdict.status !== 'unknown';
  const [ocspOutcome, crlOutcome] = await Promise.all([
    stapleDecides ? Promise.resolve(null) : checkOcsp(urls.ocsp, cert, issuer, input, now),
    checkCrl(urls.crl, cert, issuer, input, now),
  ]);

  const ranked: [CertRevocation['method'], MethodOutcome | null][] = [['ocsp-staple', stapleOutcome], ['ocsp', ocspOutcome], ['crl', crlOutcome]];
  const decided =
    ranked.find(([, outcome]) => outcome?.verdict?.status === 'revoked') ?? ranked.find(([, outcome]) => outcome?.verdict?.status === 'good');
  const verdict = decided?.[1]?.verdict ?? null;
  const notes = ranked.flatMap(([, outcome]) => outcome?.notes ?? []);
  const status = verdict?.status ?? 'unknown';
  const headline =
    status === 'revoked'
      ? `Revoked${verdict?.revokedAt ? ` on ${verdict.revokedAt.toISOString()}` : ''}${verdict?.reason ? ` (${verdict.reason})` : ''}, per ${methodLabel(decided![0])}. `
      : status === 'good'
        ? `Not revoked, per ${methodLabel(decided![0])}. `
        : '';
  const explanation = notes.length ? `${capitalise(notes.join('; '))}.` : 'The certificate names no CRL distribution point or OCSP responder.';
  return {
    index,
    subject: cert.subjectDn,
    status,
    method: verdict ? decided![0] : 'none',
    reason: status === 'revoked' ? verdict?.reason ?? null : null,
    revokedAt: status === 'revoked' ? verdict?.revokedAt?.toISOString() ?? null : null,
    details: `${headline}${explanation}`,
    crlUnreachable: crlOutcome?.unreachable ?? false,
    ocspUnreachable: ocspOutcome?.unreachable ?? false,
  };
}

function capitalise(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

function verdictText(verdict: RevocationVerdict): string {
  if (verdict.status === 'good') return 'good';
  if (verdict.status === 'unknown') return 'the responder does not know the certificate';
  return `revoked${verdict.revokedAt ? ` on ${verdict.revokedAt.toISOString()}` : ''}${verdict.reason ? ` (${verdict.reason})` : ''}`;
}

function downloadNote(kind: string, url: string, failure: DownloadFailure): string {
  if (failure.error === 'cancelled') return `${kind} ${url} not checked (cancelled)`;
  if (failure.refusedAddress) return `${kind} ${url} ${failure.error}`;
  return failure.unreachable ? `${kind} ${url} unreachable (${failure.error})` : `${kind} ${url} not usable (${failure.error})`;
}

function noteRefusal(input: RevocationInput, purpose: 'CRL' | 'OCSP', url: string, failure: DownloadFailure): void {
  if (failure.refusedAddress) input.guard?.noteRefused({ purpose, url, address: failure.refusedAddress });
}

/** A failed fetch as a download failure: a refused one was never unreachable, it was not tried. */
function fetchFailure(response: { error: string; refusedAddress?: string }): DownloadFailure {
  return { ok: false, error: response.error, unreachable: !response.refusedAddress, refusedAddress: response.refusedAddress };
}

/** Splits a certificate's locations into the http(s) ones we fetch and notes about the others. */
function fetchableUrls(urls: string[], kind: string): { fetchable: string[]; notes: string[] } {
  const fetchable = urls.filter(isHttpUrl).slice(0, MAX_URLS_PER_METHOD);
  const skipped = urls.filter((url) => !isHttpUrl(url));
  const notes = skipped.length ? [`${kind} location${skipped.length > 1 ? 's' : ''} ${skipped.join(', ')} skipped (only http and https are fetched)`] : [];
  return { fetchable, notes };
}

// ---------------------------------------------------------------------------------------------
// CRL

/** A revoked entry packed into one number (a large CRL holds hundreds of thousands): seconds * 16 + reason code (15: none). */
type PackedEntry = number;
const NO_REASON = 15;

function packEntry(revokedAt: Date, reasonCode: number | null): PackedEntry {
  return Math.floor(revokedAt.getTime() / 1000) * 16 + (reasonCode ?? NO_REASON);
}

function unpackEntry(packed: PackedEntry): { revokedAt: Date; reason: string | null } {
  const code = packed % 16;
  return { revokedAt: new Date(Math.floor(packed / 16) * 1000), reason: code === NO_REASON ? null : (REASON_NAMES[code] ?? `reason ${code}`) };
}

interface ParsedCrl {
  issuerKey: string;
  issuerDn: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  entries: Map<string, PackedEntry>;
  signed: { tbs: Uint8Array; signature: Uint8Array; signatureAlgorithm: { oid: string; paramsDer: Uint8Array | null } };
  /** Signature checks already made, by the issuer key's fingerprint (a 20 MB CRL is hashed once per key). */
  verifiedBy: Map<string, SignatureResult>;
  size: number;
}

/** A failed download; unreachable when no answer came, refusedAddress when the guard did not let it connect. */
type DownloadFailure = { ok: false; error: string; unreachable: boolean; refusedAddress?: string };
type CrlDownload = { ok: true; crl: ParsedCrl } | DownloadFailure;

const crlCache = new Map<string, { expiresAt: number; size: number; download: Promise<CrlDownload> }>();

type OcspDownload = { ok: true; bytes: Uint8Array } | DownloadFailure;

const ocspCache = new Map<string, { expiresAt: number; download: Promise<OcspDownload> }>();

/** Forgets cached CRLs and OCSP answers (tests, or a user asking to re-check from scratch). */
export function clearRevocationCache(): void {
  crlCache.clear();
  ocspCache.clear();
}

async function checkCrl(urls: string[], cert: ParsedCert, issuer: ParsedCert, input: RevocationInput, now: Date): Promise<MethodOutcome> {
  const { fetchable, notes } = fetchableUrls(urls, 'CRL');
  if (urls.length === 0) return { verdict: null, unreachable: false, notes: ['the certificate names no CRL distribution point'] };
  let unreachable = fetchable.length > 0;
  for (const url of fetchable) {
    const downloaded = await untilAborted(cachedCrl(url, input.timeoutMs, input.guard), input.signal, { ok: false, error: 'cancelled', unreachable: false } as CrlDownload);
    if (!downloaded.ok) {
      noteRefusal(input, 'CRL', url, downloaded);
      notes.push(downloadNote('CRL', url, downloaded));
      if (!downloaded.unreachable) unreachable = false;
      continue;
    }
    unreachable = false;
    const judged = judgeCrl(downloaded.crl, cert, issuer, now);
    if ('error' in judged) {
      notes.push(`CRL ${url} not trusted (${judged.error})`);
      continue;
    }
    notes.push(judged.status === 'good' ? `CRL ${url}: not listed` : `CRL ${url}: ${verdictText(judged)}`);
    return { verdict: judged, unreachable: false, notes };
  }
  return { verdict: null, unreachable, notes };
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
  const packed = crl.entries.get(serialKey(cert.serial));
  const entry = packed === undefined ? null : unpackEntry(packed);
  // removeFromCRL only appears in delta CRLs, where it means "no longer revoked".
  if (!entry || entry.reason === 'removeFromCRL') return { status: 'good', revokedAt: null, reason: null };
  return { status: 'revoked', revokedAt: entry.revokedAt, reason: entry.reason };
}

function cachedCrl(url: string, timeoutMs: number, guard: FetchGuard | undefined): Promise<CrlDownload> {
  const key = `${guard?.key ?? 'any-address'} ${url}`;
  const cached = crlCache.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.download;
  const entry = { expiresAt: Number.POSITIVE_INFINITY, size: 0, download: downloadCrl(url, timeoutMs, guard) };
  crlCache.set(key, entry);
  void entry.download.then((result) => {
    if (!result.ok) {
      entry.expiresAt = Date.now() + FAILURE_CACHE_MS;
      return;
    }
    const nextUpdate = result.crl.nextUpdate?.getTime() ?? 0;
    entry.expiresAt = nextUpdate > Date.now() ? nextUpdate : Date.now() + STALE_CRL_CACHE_MS;
    entry.size = result.crl.size;
    evictCrls();
  });
  return entry.download;
}

/** Keeps the cache under its byte budget, oldest first (Map order is insertion order). */
function evictCrls(): void {
  let total = 0;
  for (const entry of crlCache.values()) total += entry.size;
  for (const [url, entry] of crlCache) {
    if (total <= MAX_CRL_CACHE_BYTES) break;
    crlCache.delete(url);
    total -= entry.size;
  }
}

async function downloadCrl(url: string, timeoutMs: number, guard: FetchGuard | undefined): Promise<CrlDownload> {
  const response = await boundedFetch(url, { timeoutMs, maxBytes: CRL_MAX_BYTES, guard });
  if (!response.ok) return fetchFailure(response);
  if (response.status !== 200) return { ok: false, error: `HTTP ${response.status}`, unreachable: true };
  const parsed = await parseCrl(response.bytes);
  return typeof parsed === 'string' ? { ok: false, error: parsed, unreachable: false } : { ok: true, crl: parsed };
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
    const algorithm = new pkijs.AlgorithmIdentifier({ schema: asn1js.fromBER(der.slice(signatureAlgorithm.start, signatureAlgorithm.end)).result });
    return {
      issuerKey: canonicalName(issuer),
      issuerDn: formatName(issuer),
      thisUpdate: derTime(der, thisUpdateField),
      nextUpdate: nextUpdateField ? derTime(der, nextUpdateField) : null,
      entries: revokedField ? await readRevokedEntries(der, revokedField) : new Map(),
      signed: {
        tbs: der.slice(tbs.start, tbs.end),
        // BIT STRING contents start with the count of unused bits (0 for signatures).
        signature: der.slice(signatureValue.contentStart + 1, signatureValue.end),
        signatureAlgorithm: algorithmOf(algorithm),
      },
      verifiedBy: new Map(),
      size: bytes.byteLength,
    };
  } catch {
    return 'the download is not a CRL';
  }
}

/** revokedCertificates: SEQUENCE OF SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions OPTIONAL }. */
async function readRevokedEntries(der: Uint8Array, list: Tlv): Promise<Map<string, PackedEntry>> {
  const entries = new Map<string, PackedEntry>();
  for (let offset = list.contentStart, count = 0; offset < list.end; count++) {
    // A CRL of 500,000 entries takes about a second: let the main process breathe meanwhile.
    if (count % 20_000 === 19_999) await new Promise((resolve) => setImmediate(resolve));
    const entry = readTlv(der, offset, list.end);
    offset = entry.end;
    if (entry.tag !== TAG_SEQUENCE) throw new Error('revoked entry is not a SEQUENCE');
    const serial = readTlv(der, entry.contentStart, entry.end);
    const date = readTlv(der, serial.end, entry.end);
    if (serial.tag !== TAG_INTEGER || !isTime(date.tag)) throw new Error('malformed revoked entry');
    const extensions = date.end < entry.end ? readTlv(der, date.end, entry.end) : null;
    const reasonCode = extensions?.tag === TAG_SEQUENCE ? entryReasonCode(der, extensions) : null;
    entries.set(serialKey(der.subarray(serial.contentStart, serial.end)), packEntry(derTime(der, date), reasonCode));
  }
  return entries;
}

/** The CRLReason entry extension: Extension { extnID, critical BOOLEAN OPTIONAL, extnValue OCTET STRING { ENUMERATED } }. */
function entryReasonCode(der: Uint8Array, extensions: Tlv): number | null {
  for (const extension of childrenOf(der, extensions)) {
    const parts = childrenOf(der, extension);
    const id = parts[0];
    if (id?.tag !== TAG_OID || !bytesEqual(der.subarray(id.contentStart, id.end), OID_CRL_REASON_BYTES)) continue;
    const value = parts[parts.length - 1];
    if (value?.tag !== TAG_OCTET_STRING) return null;
    const enumerated = readTlv(der, value.contentStart, value.end);
    if (enumerated.tag !== TAG_ENUMERATED || enumerated.end - enumerated.contentStart !== 1) return null;
    const code = der[enumerated.contentStart]!;
    return code < NO_REASON ? code : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// OCSP

async function checkOcsp(urls: string[], cert: ParsedCert, issuer: ParsedCert, input: RevocationInput, now: Date): Promise<MethodOutcome> {
  const { fetchable, notes } = fetchableUrls(urls, 'OCSP');
  if (urls.length === 0) return { verdict: null, unreachable: false, notes: [] };
  const request = buildOcspRequest(cert, issuer);
  let unreachable = fetchable.length > 0;
  let answer: RevocationVerdict | null = null;
  for (const url of fetchable) {
    const downloaded = await untilAborted(cachedOcsp(url, request, input.timeoutMs, input.guard), input.signal, { ok: false, error: 'cancelled', unreachable: false } as OcspDownload);
    if (!downloaded.ok) {
      noteRefusal(input, 'OCSP', url, downloaded);
      notes.push(downloadNote('OCSP', url, downloaded));
      if (!downloaded.unreachable) unreachable = false;
      continue;
    }
    unreachable = false;
    const evaluated = evaluateOcspResponse(downloaded.bytes, cert, issuer, now);
    if (!evaluated.ok) {
      notes.push(`OCSP ${url} answer not usable (${evaluated.error})`);
      continue;
    }
    notes.push(`OCSP ${url}: ${verdictText(evaluated.verdict)}`);
    answer = evaluated.verdict;
    // "unknown" from one responder: another may know better.
    if (answer.status !== 'unknown') break;
  }
  return { verdict: answer, unreachable, notes };
}

function cachedOcsp(url: string, request: Uint8Array, timeoutMs: number, guard: FetchGuard | undefined): Promise<OcspDownload> {
  const key = `${guard?.key ?? 'any-address'} ${url} ${Buffer.from(request).toString('base64')}`;
  const cached = ocspCache.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.download;
  const entry = { expiresAt: Number.POSITIVE_INFINITY, download: downloadOcsp(url, request, timeoutMs, guard) };
  ocspCache.set(key, entry);
  if (ocspCache.size > MAX_OCSP_CACHE_ENTRIES) ocspCache.delete(ocspCache.keys().next().value!);
  void entry.download.then((result) => {
    entry.expiresAt = Date.now() + (result.ok ? OCSP_CACHE_MS : FAILURE_CACHE_MS);
  });
  return entry.download;
}

async function downloadOcsp(url: string, request: Uint8Array, timeoutMs: number, guard: FetchGuard | undefined): Promise<OcspDownload> {
  const response = await boundedFetch(url, { timeoutMs, maxBytes: OCSP_MAX_BYTES, method: 'POST', body: request, contentType: 'application/ocsp-request', guard });
  if (!response.ok) return fetchFailure(response);
  if (response.status !== 200) return { ok: false, error: `HTTP ${response.status}`, unreachable: true };
  return { ok: true, bytes: response.bytes };
}

/** An OCSPRequest for one certificate, CertID with SHA-1 (what every responder understands), no nonce. */
export function buildOcspRequest(cert: ParsedCert, issuer: ParsedCert): Uint8Array {
  const certId = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: digest('sha1', issuerNameDer(cert)) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: digest('sha1', issuerKeyBits(issuer)) }),
    serialNumber: new asn1js.Integer({ valueHex: cert.serial }),
  });
  const request = new pkijs.OCSPRequest({ tbsRequest: new pkijs.TBSRequest({ requestList: [new pkijs.Request({ reqCert: certId })] }) });
  return new Uint8Array(request.toSchema(true).toBER(false));
}

export type OcspEvaluation = { ok: true; verdict: RevocationVerdict } | { ok: false; error: string };

/** Reads and verifies an OCSP response (stapled or downloaded) for `cert`. Never throws. */
export function evaluateOcspResponse(bytes: Uint8Array, cert: ParsedCert, issuer: ParsedCert, now: Date): OcspEvaluation {
  let basic: pkijs.BasicOCSPResponse;
  try {
    const response = pkijs.OCSPResponse.fromBER(bytes.slice());
    const status = response.responseStatus.valueBlock.valueDec;
    if (status !== 0) return { ok: false, error: `the responder answered "${OCSP_RESPONSE_STATUS[status] ?? `status ${status}`}"` };
    if (!response.responseBytes || response.responseBytes.responseType !== OID_OCSP_BASIC) return { ok: false, error: 'not a basic OCSP response' };
    basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView.slice());
  } catch {
    return { ok: false, error: 'not an OCSP response' };
  }
  try {
    const single = basic.tbsResponseData.responses.find((r) => certIdMatches(r.certID, cert, issuer));
    if (!single) return { ok: false, error: 'it does not answer for this certificate' };
    const signer = checkOcspSigner(basic, issuer, now);
    if (signer) return { ok: false, error: signer };
    if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return { ok: false, error: `it is dated in the future (${single.thisUpdate.toISOString()})` };
    if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) return { ok: false, error: `it expired on ${single.nextUpdate.toISOString()}` };
    return { ok: true, verdict: certStatus(single.certStatus) };
  } catch {
    return { ok: false, error: 'the response is malformed' };
  }
}

/** RFC 6960 4.2.2.2: signed by the issuing CA itself, or by a responder it issued with id-kp-OCSPSigning. Null when fine. */
function checkOcspSigner(basic: pkijs.BasicOCSPResponse, issuer: ParsedCert, now: Date): string | null {
  const signed = {
    tbs: new Uint8Array(basic.tbsResponseData.tbsView),
    signature: new Uint8Array(basic.signature.valueBlock.valueHexView),
    signatureAlgorithm: algorithmOf(basic.signatureAlgorithm),
  };
  if (verifyCertificateSignature(signed, issuer.spkiDer).ok) return null;
  for (const included of basic.certs ?? []) {
    const parsed = parseCertificate(new Uint8Array(included.toSchema().toBER(false)));
    if (!parsed.ok || !verifyCertificateSignature(signed, parsed.cert.spkiDer).ok) continue;
    const responder = parsed.cert;
    if (!couldHaveIssued(issuer, responder) || !verifyCertificateSignature(responder, issuer.spkiDer).ok) {
      return `it is signed by ${responder.label}, which the certificate's issuer did not certify`;
    }
    if (!responder.extKeyUsage?.purposes.includes(OID_OCSP_SIGNING)) return `its signer ${responder.label} lacks the OCSP Signing usage`;
    if (now < responder.notBefore || now > responder.notAfter) return `its signer ${responder.label} is outside its validity period`;
    return null;
  }
  return "its signature does not verify with the issuer's key or an authorised responder certificate";
}

function certIdMatches(id: pkijs.CertID, cert: ParsedCert, issuer: ParsedCert): boolean {
  const hash = HASH_BY_OID[id.hashAlgorithm.algorithmId];
  if (!hash) return false;
  if (serialKey(id.serialNumber.valueBlock.valueHexView) !== serialKey(cert.serial)) return false;
  return (
    Buffer.from(id.issuerNameHash.valueBlock.valueHexView).equals(digest(hash, issuerNameDer(cert))) &&
    Buffer.from(id.issuerKeyHash.valueBlock.valueHexView).equals(digest(hash, issuerKeyBits(issuer)))
  );
}

function certStatus(status: unknown): RevocationVerdict {
  const element = status as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[] } };
  switch (element.idBlock.tagNumber) {
    case 0:
      return { status: 'good', revokedAt: null, reason: null };
    case 1: {
      // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
      const parts = element.valueBlock.value ?? [];
      const time = parts.find((p): p is asn1js.GeneralizedTime => p instanceof asn1js.GeneralizedTime);
      const reasonWrapper = parts.find((p) => p.idBlock.tagClass === 3 && p.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
      const reasonValue = reasonWrapper?.valueBlock.value[0];
      const code = reasonValue instanceof asn1js.Enumerated ? reasonValue.valueBlock.valueDec : null;
      return { status: 'revoked', revokedAt: time ? time.toDate() : null, reason: code === null ? null : (REASON_NAMES[code] ?? `reason ${code}`) };
    }
    default:
      return { status: 'unknown', revokedAt: null, reason: null };
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function digest(hash: string, data: Uint8Array): Buffer {
  return createHash(hash).update(data).digest();
}

/** The issuer field of the certificate, as DER (what OCSP's issuerNameHash covers). */
function issuerNameDer(cert: ParsedCert): Uint8Array {
  return new Uint8Array(cert.pkijs.issuer.valueBeforeDecode);
}

/** The issuer's public key BIT STRING contents (what OCSP's issuerKeyHash covers). */
function issuerKeyBits(issuer: ParsedCert): Uint8Array {
  return issuer.pkijs.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Serial numbers compared as unsigned hex without leading zero bytes (a table: this runs per CRL entry). */
function serialKey(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let key = '';
  for (let i = start; i < bytes.length; i++) key += HEX_BYTES[bytes[i]!];
  return key;
}

function algorithmOf(algorithm: pkijs.AlgorithmIdentifier): { oid: string; paramsDer: Uint8Array | null } {
  return {
    oid: algorithm.algorithmId,
    paramsDer: algorithm.algorithmParams ? new Uint8Array(algorithm.algorithmParams.toBER()) : null,
  };
}

/** The DER inside a PEM block of the given label, or null when the bytes are not PEM. */
function pemBody(bytes: Uint8Array, label: string): Uint8Array | null {
  const head = Buffer.from(bytes.subarray(0, 100)).toString('latin1');
  if (!head.includes('-----BEGIN')) return null;
  return pemBlocks(Buffer.from(bytes).toString('latin1'), label)[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Just enough DER to walk a large CRL without building an object per node

const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_ENUMERATED = 0x0a;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_SEQUENCE = 0x30;
/** 2.5.29.21 as DER contents. */
const OID_CRL_REASON_BYTES = new Uint8Array([0x55, 0x1d, 0x15]);

interface Tlv {
  /** The identifier octet (single-byte tags only: all a CRL uses). */
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** One definite-length TLV at `offset`, which must end by `limit`; throws when malformed. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new Error('truncated DER');
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte tag');
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > limit) throw new Error('unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error('truncated DER');
  return { tag, start: offset, contentStart, end };
}

/** The direct children of a constructed TLV (for small containers). */
function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(der, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

function isTime(tag: number): boolean {
  return tag === TAG_UTC_TIME || tag === TAG_GENERALIZED_TIME;
}

/** UTCTime YYMMDDHHMMSS[Z] (years 50-99 are 19xx) or GeneralizedTime YYYYMMDDHHMMSS[.fff]Z, read digit by digit (per CRL entry). */
function derTime(der: Uint8Array, tlv: Tlv): Date {
  const utc = tlv.tag === TAG_UTC_TIME;
  const start = tlv.contentStart;
  const yearDigits = utc ? 2 : 4;
  if (tlv.end - start < yearDigits + 8 + 1 || der[tlv.end - 1] !== 0x5a) throw new Error('unreadable time');
  let year = digitsAt(der, start, yearDigits);
  if (utc) year += year < 50 ? 2000 : 1900;
  const at = start + yearDigits;
  const hasSeconds = der[at + 8] !== 0x5a;
  return new Date(Date.UTC(
    year, digitsAt(der, at, 2) - 1, digitsAt(der, at + 2, 2), digitsAt(der, at + 4, 2), digitsAt(der, at + 6, 2), hasSeconds ? digitsAt(der, at + 8, 2) : 0,
  ));
}

function digitsAt(der: Uint8Array, offset: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const digit = (der[offset + i] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) throw new Error('unreadable time');
    value = value * 10 + digit;
  }
  return value;
}

