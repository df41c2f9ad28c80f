// Path building (RFC 4158 style): from the leaf, find every certificate that could have issued the
// current one, most promising first, and walk depth-first until a trust anchor, a self-signed root or a
// dead end. The caller scores each complete path and may stop as soon as one is good enough.
import type { TrustStoreName } from '../../types.ts';
import type { ParsedCert } from './cert.ts';
import type { SignatureResult } from './signature.ts';
import type { CandidatePath, PathEnd } from './validate.ts';

/** A distinct certificate (by DER) and everywhere it came from. */
export interface PoolEntry {
  cert: ParsedCert;
  servedIndexes: number[];
  anchorStores: TrustStoreName[];
  fromAia: boolean;
}

export type Origin = { kind: 'served'; index: number } | { kind: 'anchor'; store: TrustStoreName } | { kind: 'aia' };

export class CertPool {
  private readonly byId = new Map<string, PoolEntry>();
  private readonly bySubject = new Map<string, PoolEntry[]>();

  add(cert: ParsedCert, origin: Origin): PoolEntry {
    let entry = this.byId.get(cert.id);
    if (!entry) {
      entry = { cert, servedIndexes: [], anchorStores: [], fromAia: false };
      this.byId.set(cert.id, entry);
      const sameSubject = this.bySubject.get(cert.subjectKey) ?? [];
      sameSubject.push(entry);
      this.bySubject.set(cert.subjectKey, sameSubject);
    }
    if (origin.kind === 'served') entry.servedIndexes.push(origin.index);
    else if (origin.kind === 'anchor' && !entry.anchorStores.includes(origin.store)) entry.anchorStores.push(origin.store);
    else if (origin.kind === 'aia') entry.fromAia = true;
    return entry;
  }

  /** Every certificate the server sent that decoded. */
  served(): PoolEntry[] {
    return [...this.byId.values()].filter((e) => e.servedIndexes.length > 0);
  }

  /** Certificates whose subject is this certificate's issuer (RFC 5280 name chaining). */
  issuerCandidates(cert: ParsedCert): PoolEntry[] {
    if (cert.issuer.length === 0) return []; // an empty issuer name chains to nothing
    return this.bySubject.get(cert.issuerKey) ?? [];
  }
}

export interface SearchOptions {
  at: Date;
  verify: (child: ParsedCert, issuer: ParsedCert) => SignatureResult;
  maxDepth?: number;
  maxPaths?: number;
}

export const MAX_DEPTH = 12;

export function isAnchor(entry: PoolEntry): boolean {
  return entry.anchorStores.length > 0;
}

export function isSelfSigned(cert: ParsedCert, verify: SearchOptions['verify']): boolean {
  return cert.selfIssued && verify(cert, cert).ok;
}

export interface FoundPath extends CandidatePath {
  entries: PoolEntry[];
}

/** Yields complete candidate paths from `leaf`, best-looking first. Bounded in depth and count, loop-free. */
export function* candidatePaths(leaf: PoolEntry, pool: CertPool, options: SearchOptions): Generator<FoundPath> {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  let budget = options.maxPaths ?? 64;
  const finish = (entries: PoolEntry[], end: PathEnd): FoundPath => {
    budget--;
    return { entries, certs: entries.map((e) => e.cert), end };
  };

  function* walk(path: PoolEntry[]): Generator<FoundPath> {
    const current = path[path.length - 1]!;
    if (isAnchor(current)) return yield finish(path, 'anchor');
    const named = pool.issuerCandidates(current.cert);
    const fresh = named.filter((candidate) => !path.some((onPath) => sameCertificateOrKey(onPath.cert, candidate.cert)));
    // A root: signed by itself, or self-issued with nothing else to try (its own signature may use an
    // algorithm we cannot check, which does not matter for a root).
    if (current.cert.selfIssued && (isSelfSigned(current.cert, options.verify) || fresh.length === 0)) return yield finish(path, 'self-signed');
    if (path.length >= maxDepth) return yield finish(path, 'depth');
    if (fresh.length === 0) return yield finish(path, named.length > 0 ? 'loop' : 'no-issuer');

    for (const candidate of orderCandidates(current.cert, fresh, options)) {
      if (budget <= 0) return;
      yield* walk([...path, candidate]);
    }
  }

  yield* walk([leaf]);
}

/** Same certificate, or the same CA (subject and key) in another certificate: either would make a loop. */
function sameCertificateOrKey(a: ParsedCert, b: ParsedCert): boolean {
  return a.id === b.id || (a.subjectKey === b.subjectKey && Buffer.compare(Buffer.from(a.spkiDer), Buffer.from(b.spkiDer)) === 0);
}

/**
 * Most promising issuer first: its key verifies the signature, it is a trust anchor, its key identifier
 * matches the child's AKI, it is within its validity period, it was served rather than fetched.
 */
function orderCandidates(child: ParsedCert, candidates: PoolEntry[], options: SearchOptions): PoolEntry[] {
  const score = (entry: PoolEntry): number[] => {
    const cert = entry.cert;
    const akiMatch = child.authorityKeyId?.keyId && cert.subjectKeyId ? (child.authorityKeyId.keyId === cert.subjectKeyId ? 2 : 0) : 1;
    const timeValid = options.at >= cert.notBefore && options.at <= cert.notAfter ? 1 : 0;
    return [options.verify(child, cert).ok ? 1 : 0, isAnchor(entry) ? 1 : 0, akiMatch, timeValid, entry.servedIndexes.length > 0 ? 1 : 0];
  };
  const scored = candidates.map((entry) => ({ entry, score: score(entry) }));
  scored.sort((a, b) => compareScores(b.score, a.score));
  return scored.map((s) => s.entry);
}

/** Lexicographic comparison of score tuples. */
export function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
