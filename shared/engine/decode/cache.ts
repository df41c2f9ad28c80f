// Each certificate is parsed once per process while it stays in this cache: one asn1js parse feeds
// both object models, the display fields (CertInfo, @peculiar's schemas) and the path facts
// (ParsedCert, pkijs) that chain building, AIA, revocation and the rules read. The display fields
// are built from that same tree on first use: most of the ~150 trust anchors are never shown.
// Lifetime: a least-recently-used cache for the whole process, keyed by the SHA-256 of the DER and
// bounded by DECODE_CACHE_LIMIT entries and DECODE_CACHE_BYTE_LIMIT bytes of DER (a model holds a
// few times its DER: a hostile multi-megabyte certificate must not pin gigabytes). A bulk run of a
// thousand partners meets the same few intermediates and roots again and again; after the first use
// they cost one hash each.
import { createHash } from 'node:crypto';
import type { CertInfo } from '../../types.ts';
import { buildCertInfo, parseDerTree, type DerTree } from './cert-info.ts';
import { readPathFacts, type ParseResult } from './path-facts.ts';

/** One certificate, decoded once. Shared between callers: treat it as immutable. */
export interface DecodedCertificate {
  /** SHA-256 of the DER, lower-case hex (the key of this cache, and ParsedCert.id). */
  id: string;
  /** What the UI and the reports show, in Windows wording (built on first read). */
  readonly info: CertInfo;
  /** What chain building, AIA, revocation and the rules need; { ok: false } when it did not decode. */
  path: ParseResult;
}

export const DECODE_CACHE_LIMIT = 2000;
export const DECODE_CACHE_BYTE_LIMIT = 32 * 1024 * 1024;
const decodeCache = new Map<string, { decoded: DecodedCertificate; size: number }>();
let cachedBytes = 0;
let parses = 0;

/** The certificate's model, parsed on first use (a copy of the bytes is kept, never the caller's buffer). */
export function decodedCertificate(der: Uint8Array): DecodedCertificate {
  const id = createHash('sha256').update(der).digest('hex');
  const cached = decodeCache.get(id);
  if (cached) {
    // Re-insert to mark it most recently used (a Map iterates in insertion order).
    decodeCache.delete(id);
    decodeCache.set(id, cached);
    return cached.decoded;
  }
  const decoded = decodeBoth(new Uint8Array(der), id);
  decodeCache.set(id, { decoded, size: der.length });
  cachedBytes += der.length;
  // Least recently used first; the newest entry always stays.
  for (const [oldest, entry] of decodeCache) {
    if (decodeCache.size <= 1 || (decodeCache.size <= DECODE_CACHE_LIMIT && cachedBytes <= DECODE_CACHE_BYTE_LIMIT)) break;
    decodeCache.delete(oldest);
    cachedBytes -= entry.size;
  }
  return decoded;
}

function decodeBoth(bytes: Uint8Array, id: string): DecodedCertificate {
  parses++;
  let tree: DerTree | null = parseDerTree(bytes);
  const path = pathFacts(bytes, id, tree);
  let info: CertInfo | null = null;
  return {
    id,
    path,
    get info(): CertInfo {
      if (!info) {
        info = buildCertInfo(bytes, id.toUpperCase(), tree!);
        tree = null;
      }
      return info;
    },
  };
}

function pathFacts(der: Uint8Array, id: string, tree: DerTree): ParseResult {
  try {
    if ('error' in tree) throw tree.error;
    return { ok: true, cert: readPathFacts(der, tree.root, id) };
  } catch (error) {
    return { ok: false, error: `The certificate could not be decoded (${(error as Error).message || 'malformed DER'})` };
  }
}

/** How many certificates have been parsed (cache misses) since the process started: for tests and the benchmark. */
export function certificateParses(): number {
  return parses;
}

export function clearDecodeCache(): void {
  decodeCache.clear();
  cachedBytes = 0;
}

export function decodeCacheSize(): number {
  return decodeCache.size;
}
