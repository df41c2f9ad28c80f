// CRLs: download (bounded), cache (by URL and fetch guard), parse (a hand walk over the DER: see
// parseCrl) and judge against one certificate.
import { bytesEqual, pemBlocks } from '../../bytes.ts';
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ParsedCert } from '../chain/cert.ts';
import { canonicalName, formatName, parseName } from '../chain/names.ts';
import { verifyCertificateSignature, type SignatureResult } from '../chain/signature.ts';
import { untilAborted } from '../chain/aia.ts';
import { boundedFetch } from '../net/http-fetch.ts';
import type { FetchGuard } from '../net/fetch-policy.ts';
import { childrenOf, derTime, isTime, readTlv, serialKey, TAG_BIT_STRING, TAG_ENUMERATED, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, type Tlv } from './der-reader.ts';
import type { RevocationInput } from './index.ts';
import {
  algorithmOf, CLOCK_SKEW_MS, downloadNote, FAILURE_CACHE_MS, fetchableUrls, fetchFailure, noteRefusal, REASON_NAMES, verdictText,
  type DownloadFailure, type MethodOutcome, type RevocationVerdict,
} from './verdict.ts';

/** 2.5.29.21 as DER contents. */
const OID_CRL_REASON_BYTES = new Uint8Array([0x55, 0x1d, 0x15]);

const CRL_MAX_BYTES = 20 * 1024 * 1024;

/** A CRL already past its nextUpdate is kept this long (retrying every check would not make it fresher). */
const STALE_CRL_CACHE_MS = 5 * 60_000;

const MAX_CRL_CACHE_BYTES = 100 * 1024 * 1024;

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

type CrlDownload = { ok: true; crl: ParsedCrl } | DownloadFailure;

const crlCache = new Map<string, { expiresAt: number; size: number; download: Promise<CrlDownload> }>();

export function clearCrlCache(): void {
  crlCache.clear();
}

export async function checkCrl(urls: string[], cert: ParsedCert, issuer: ParsedCert, input: RevocationInput, now: Date): Promise<MethodOutcome> {
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

/** The DER inside a PEM block of the given label, or null when the bytes are not PEM. */
function pemBody(bytes: Uint8Array, label: string): Uint8Array | null {
  const head = Buffer.from(bytes.subarray(0, 100)).toString('latin1');
  if (!head.includes('-----BEGIN')) return null;
  return pemBlocks(Buffer.from(bytes).toString('latin1'), label)[0] ?? null;
}
