// The chain a client would build from what the server sent, and whether each link holds.
//
// 1. Decode every certificate once and pool them (served, AIA-fetched, trust anchors).
// 2. Walk candidate paths from the leaf (chain/search.ts): every issuer whose name matches is tried,
//    so cross-signed CAs and same-name roots are handled by backtracking.
// 3. Validate each complete path link by link (chain/validate.ts) and keep the best:
//    valid and anchored > anchored with faults > ends at a self-signed root > longest partial path.
// 4. Before calling a path trusted, ask pkijs's RFC 5280 engine for a second opinion.
// By default the verdict follows the rules Windows and Teams clients enforce; `strict` rejects on the
// RFC 5280 / CA/B Forum profile rules too (chain/profile.ts). Without it the profile still runs once
// over the chosen path and its findings are recorded (strictFindings) for the rules to show.
import type { StrictFinding, TrustStoreName } from '../../types.ts';
import { parseCertificate, type ParsedCert, type ParseResult } from './cert.ts';
import { OID } from '../decode/oids.ts';
import { candidatePaths, CertPool, compareScores, isAnchor, type FoundPath, type PoolEntry } from './search.ts';
import { verifyCertificateSignature, type SignatureResult } from './signature.ts';
import { ISSUER_NOT_FOUND, ROOT_NOT_TRUSTED, SELF_SIGNED_NOT_TRUSTED, strictPathFindings, validatePath } from './validate.ts';
import { pkijsCanJudge, pkijsObjection } from './pkijs-check.ts';

export interface TrustAnchor {
  der: Uint8Array;
  store: TrustStoreName;
}

export interface ChainInput {
  /** As sent, leaf first (may be out of order, contain extras or the root). */
  served: Uint8Array[];
  /** All trusted roots (mozilla/system/user). */
  anchors: TrustAnchor[];
  /** Fetched from AIA caIssuers URLs. */
  extraIntermediates?: { der: Uint8Array; source: 'aia' }[];
  /** Validation time. */
  at: Date;
  /**
   * Also enforce RFC 5280 / CA/Browser Forum profile rules that Windows and OpenSSL do not
   * (key identifiers, serial numbers, criticality flags, key algorithms). Default false.
   */
  strict?: boolean;
}

export interface ChainLink {
  der: Uint8Array;
  /** 'served' whenever the server sent it (even a root also in a store); 'store' = Mozilla or system store. */
  source: 'served' | 'store' | 'user' | 'aia';
  valid: boolean;
  reason: string | null;
}

export interface ChainOutcome {
  /** Leaf first, ending at the root (trusted anchor, a self-signed cert, or the last cert found). */
  links: ChainLink[];
  /** Path valid and ends at a trust anchor. */
  trusted: boolean;
  /** Which store anchored it (set only when trusted). */
  store: TrustStoreName | null;
  /** Why not trusted, an admin's sentence. */
  reason: string | null;
  /** Issuer DN ("CN=..., O=...") of the first cert whose issuer was not found anywhere, else null. */
  missingIssuer: string | null;
  /** Indexes of served certs not on the built path (extra / unrelated / duplicate certs). */
  servedUnused: number[];
  /** Served certs that are on the path appear in path order. */
  servedOrderOk: boolean;
  /** The server sent the self-signed root the path ends at. */
  rootServed: boolean;
  /**
   * Strict-profile faults on the chosen path that this verdict did not act on (always empty with
   * `strict`, whose verdict rejects on them).
   */
  strictFindings: StrictFinding[];
}

/** Parsed anchors, kept per DER buffer: the Mozilla set is the same objects on every call. */
const anchorCache = new WeakMap<Uint8Array, ParseResult>();

function parseAnchor(der: Uint8Array): ParseResult {
  let parsed = anchorCache.get(der);
  if (!parsed) {
    parsed = parseCertificate(der);
    anchorCache.set(der, parsed);
  }
  return parsed;
}

const STORE_PREFERENCE: TrustStoreName[] = ['mozilla', 'system', 'user'];
const MAX_SERVED = 32;

export async function buildChain(input: ChainInput): Promise<ChainOutcome> {
  try {
    return await build(input);
  } catch (error) {
    // Defensive: a bug or hostile input must not break the whole check.
    const leaf = input.served[0];
    return emptyOutcome(input, leaf ? [{ der: leaf, source: 'served', valid: false, reason: `Chain building failed: ${(error as Error).message}` }] : [], 'The chain could not be built');
  }
}

async function build(input: ChainInput): Promise<ChainOutcome> {
  const leafDer = input.served[0];
  if (!leafDer) return emptyOutcome(input, [], 'The server sent no certificate');
  const leafParse = parseCertificate(leafDer);
  if (!leafParse.ok) return emptyOutcome(input, [{ der: leafDer, source: 'served', valid: false, reason: leafParse.error }], 'The server certificate could not be decoded');

  const pool = new CertPool();
  const leaf = pool.add(leafParse.cert, { kind: 'served', index: 0 });
  fillPool(pool, input);

  const verify = memoizedVerifier();
  const validation = { at: input.at, strict: input.strict ?? false, verify };
  let best: ScoredPath | null = null;
  for (const path of candidatePaths(leaf, pool, { at: input.at, verify })) {
    const problems = validatePath(path, validation);
    const chainProblem = path.end === 'anchor' && problems.every((p) => p.length === 0) ? await secondOpinion(path, input.at) : null;
    const scored: ScoredPath = { path, problems, chainProblem, score: scorePath(path, problems, chainProblem) };
    if (!best || compareScores(scored.score, best.score) > 0) best = scored;
    if (scored.score[0] === TIER.trusted) break;
  }
  // candidatePaths always yields at least the leaf on its own.
  return outcome(input, pool, best!);
}

/** Served certificates after the leaf, AIA downloads and trust anchors. Ones that do not decode are left out. */
function fillPool(pool: CertPool, input: ChainInput): void {
  // A TLS server sends a handful of certificates; more than MAX_SERVED is hostile and only slows the search.
  input.served.slice(1, MAX_SERVED).forEach((der, i) => {
    const parsed = parseCertificate(der);
    if (parsed.ok) pool.add(parsed.cert, { kind: 'served', index: i + 1 });
  });
  for (const extra of input.extraIntermediates ?? []) {
    const parsed = parseCertificate(extra.der);
    if (parsed.ok) pool.add(parsed.cert, { kind: 'aia' });
  }
  for (const anchor of input.anchors) {
    const parsed = parseAnchor(anchor.der);
    if (parsed.ok) pool.add(parsed.cert, { kind: 'anchor', store: anchor.store });
  }
}

/** pkijs's verdict on a path our validator accepted, as a chain-level problem (null when it agrees or cannot judge). */
async function secondOpinion(path: FoundPath, at: Date): Promise<string | null> {
  if (!pkijsCanJudge(path.certs)) return null;
  // Certificate times have whole seconds: judge at the second, as validate.ts does.
  const objection = await pkijsObjection(path.certs, new Date(Math.floor(at.getTime() / 1000) * 1000));
  return objection ? `RFC 5280 path validation failed: ${objection}` : null;
}

interface ScoredPath {
  path: FoundPath;
  /** Per link, leaf first. */
  problems: string[][];
  chainProblem: string | null;
  score: number[];
}

const TIER = { trusted: 4, anchoredWithFaults: 3, untrustedRoot: 2, partial: 1 } as const;

/** Higher is better: tier, then fewer faulty links, then shorter (complete paths) or longer (partial ones). */
function scorePath(path: FoundPath, problems: string[][], chainProblem: string | null): number[] {
  const faulty = problems.filter((p) => p.length > 0).length + (chainProblem ? 1 : 0);
  const length = path.certs.length;
  switch (path.end) {
    case 'anchor':
      return faulty === 0 ? [TIER.trusted, 0, -length] : [TIER.anchoredWithFaults, -faulty, -length];
    case 'self-signed':
      return [TIER.untrustedRoot, -faulty, -length];
    default:
      return [TIER.partial, length, -faulty];
  }
}

function memoizedVerifier(): (child: ParsedCert, issuer: ParsedCert) => SignatureResult {
  const results = new Map<string, SignatureResult>();
  return (child, issuer) => {
    const key = `${child.id}:${issuer.id}`;
    let result = results.get(key);
    if (!result) {
      result = verifyCertificateSignature(child, issuer.spkiDer);
      results.set(key, result);
    }
    return result;
  };
}

function outcome(input: ChainInput, pool: CertPool, { path, problems, chainProblem }: ScoredPath): ChainOutcome {
  const usedServed = new Set<number>();
  const links: ChainLink[] = path.entries.map((entry, i) => {
    const servedIndex = entry.servedIndexes[0];
    if (servedIndex !== undefined) usedServed.add(servedIndex);
    return {
      der: entry.cert.der,
      source: servedIndex !== undefined ? 'served' : linkSource(entry),
      valid: problems[i]!.length === 0,
      reason: problems[i]!.length > 0 ? problems[i]!.join('; ') : null,
    };
  });
  const trusted = path.end === 'anchor' && links.every((l) => l.valid) && !chainProblem;
  const top = path.entries[path.entries.length - 1]!;
  const servedOnPath = path.entries.map((e) => e.servedIndexes[0]).filter((i): i is number => i !== undefined);
  return {
    links,
    trusted,
    store: trusted ? STORE_PREFERENCE.find((s) => top.anchorStores.includes(s)) ?? null : null,
    reason: trusted ? null : chainReason(path, problems, chainProblem),
    missingIssuer: path.end === 'no-issuer' ? top.cert.issuerDn : null,
    servedUnused: input.served.map((_, i) => i).filter((i) => !usedServed.has(i)),
    servedOrderOk: servedOnPath.every((index, i) => i === 0 || index > servedOnPath[i - 1]!),
    rootServed: path.entries.length > 1 && top.cert.selfIssued && pool.served().some((e) => sameCa(e.cert, top.cert)),
    strictFindings: input.strict ? [] : strictFindings(path),
  };
}

/** One pass of the strict profile over the chosen path's parsed certificates (no re-parse). */
function strictFindings(path: FoundPath): StrictFinding[] {
  return strictPathFindings(path).flatMap((findings, index) =>
    findings.map((finding) => ({ kind: finding.kind, index, certificate: path.certs[index]!.label, text: finding.text })),
  );
}

function linkSource(entry: PoolEntry): ChainLink['source'] {
  if (isAnchor(entry)) return entry.anchorStores.some((s) => s !== 'user') ? 'store' : 'user';
  return 'aia';
}

/** The same CA: same name and key (the same certificate, or a re-issued one). */
function sameCa(a: ParsedCert, b: ParsedCert): boolean {
  return a.subjectKey === b.subjectKey && Buffer.compare(Buffer.from(a.spkiDer), Buffer.from(b.spkiDer)) === 0;
}

/** One sentence for the admin: the first faulty link from the leaf up, named by its role. */
function chainReason(path: FoundPath, problems: string[][], chainProblem: string | null): string {
  const top = path.certs.length - 1;
  const faulty = problems.findIndex((p) => p.length > 0);
  if (faulty === -1) return chainProblem ?? 'The chain is not trusted';
  const cert = path.certs[faulty]!;
  const first = problems[faulty]![0]!;
  if (first === ISSUER_NOT_FOUND) {
    return `Incomplete chain: the issuer "${cert.issuerDn || '(empty name)'}" of "${cert.label}" was not sent by the server and is not in the trust stores`;
  }
  if (first === ROOT_NOT_TRUSTED) return `The root "${cert.label}" is not in the trusted root stores`;
  if (first === SELF_SIGNED_NOT_TRUSTED) return `The certificate "${cert.label}" is self-signed and not in the trusted root stores`;
  const role = faulty === 0 ? 'The server certificate' : faulty === top ? 'The root' : 'The intermediate';
  return `${role} "${cert.label}": ${problems[faulty]!.join('; ')}`;
}

function emptyOutcome(input: ChainInput, links: ChainLink[], reason: string): ChainOutcome {
  return {
    links,
    trusted: false,
    store: null,
    reason,
    missingIssuer: null,
    servedUnused: input.served.map((_, i) => i).filter((i) => i > 0 || links.length === 0),
    servedOrderOk: true,
    rootServed: false,
    strictFindings: [],
  };
}

/**
 * Whether the chain allows a purpose (e.g. serverAuth): the leaf's EKU must list it (absent = any),
 * and CA certificates that carry an EKU must list it too (EKU chaining, as Windows, NSS and Go do).
 */
export function chainAllowsPurpose(links: Pick<ChainLink, 'der'>[], purposeOid: string): { ok: boolean; reason: string | null } {
  for (const [i, link] of links.entries()) {
    const parsed = parseCertificate(link.der);
    if (!parsed.ok) continue;
    const purposes = parsed.cert.extKeyUsage?.purposes;
    if (!purposes || purposes.includes(purposeOid) || purposes.includes(OID.anyExtendedKeyUsage)) continue;
    const who = i === 0 ? 'The server certificate' : `The CA "${parsed.cert.label}"`;
    return { ok: false, reason: `${who} does not allow this usage (${purposeOid}) in its Enhanced Key Usage` };
  }
  return { ok: true, reason: null };
}

/** Extension and purpose OIDs (serverAuth, clientAuth ...) for callers of chainAllowsPurpose. */
export { OID as CERT_OIDS };
