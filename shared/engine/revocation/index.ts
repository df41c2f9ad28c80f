// Revocation of the leaf and the intermediates: a stapled OCSP response, the OCSP responder the
// certificate names, and its CRL distribution points. OCSP decides when it answers (it is fresher);
// the CRL is fetched as well because SfB servers need it reachable, and an unreachable CRL is worth
// telling the admin even when OCSP said "good". Never rejects.
// This file orchestrates and summarises; crl.ts, ocsp.ts and der-reader.ts do the work.
import type { CertRevocation, RevocationStatus } from '../../types.ts';
import { parseCertificate, type ParsedCert } from '../chain/cert.ts';
import type { FetchGuard } from '../net/fetch-policy.ts';
import { checkCrl, clearCrlCache } from './crl.ts';
import { checkOcsp, clearOcspCache, evaluateOcspResponse } from './ocsp.ts';
import { FetchAllowance, MAX_FETCH_URLS_PER_CHAIN, verdictText, type MethodOutcome, type RevocationVerdict } from './verdict.ts';

export type { CertRevocation, RevocationVerdict };
export { buildOcspRequest, evaluateOcspResponse, type OcspEvaluation } from './ocsp.ts';
export { crlMemoryBudget, type CrlMemoryStats } from './crl-budget.ts';
export { judgeChainAgainstCrls, type CertCrlJudgement, type ChainCrlJudgement } from './crl-judge.ts';

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
  /** Distinct CRL and OCSP URLs fetched for this chain at most (default 8); the rest are reported as skipped. */
  maxFetchUrls?: number;
}

export interface RevocationReport {
  overall: RevocationStatus;
  perCert: CertRevocation[];
}

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

  // One allowance for the chain; the leaf asks first (certificates start in order), so it is never the one left out.
  const allowance = new FetchAllowance(input.maxFetchUrls ?? MAX_FETCH_URLS_PER_CHAIN);
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
      return checkOne(index, cert, issuer, index === 0 ? input.stapledOcsp : null, input, now, allowance).catch((error: unknown) =>
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
    // The method labels the unknown part: the leaf's "OCSP" must not read as the source of an intermediate's "unknown".
    return { status: 'unknown', method: unknown.method, checkedAt, details: `Revocation status unknown for ${what}: ${unknown.details}` };
  }
  const intermediates = perCert.length - 1;
  const scope = intermediates > 0 ? ` and ${intermediates} intermediate${intermediates > 1 ? 's' : ''}` : '';
  return { status: 'good', method: leafMethod, checkedAt, details: `Not revoked: the certificate (${methodLabel(leafMethod)})${scope} checked.` };
}

function methodLabel(method: CertRevocation['method']): string {
  return method === 'ocsp-staple' ? 'stapled OCSP' : method === 'ocsp' ? 'OCSP' : method === 'crl' ? 'CRL' : 'no method';
}

/** Forgets cached CRLs and OCSP answers (tests, or a user asking to re-check from scratch). */
export function clearRevocationCache(): void {
  clearCrlCache();
  clearOcspCache();
}

async function checkOne(
  index: number, cert: ParsedCert, issuer: ParsedCert, staple: Uint8Array | null, input: RevocationInput, now: Date, allowance: FetchAllowance,
): Promise<CertRevocation> {
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
    stapleDecides ? Promise.resolve(null) : checkOcsp(urls.ocsp, cert, issuer, input, now, allowance),
    checkCrl(urls.crl, cert, issuer, input, now, allowance),
  ]);

  const ranked: [CertRevocation['method'], MethodOutcome | null][] = [['ocsp-staple', stapleOutcome], ['ocsp', ocspOutcome], ['crl', crlOutcome]];
  const decided =
    ranked.find(([, outcome]) => outcome?.verdict?.status === 'revoked') ?? ranked.find(([, outcome]) => outcome?.verdict?.status === 'good');
  const verdict = decided?.[1]?.verdict ?? null;
  const notes = ranked.flatMap(([, outcome]) => outcome?.notes ?? []);
  const skippedDownloads = ranked.flatMap(([, outcome]) => outcome?.skipped ?? []);
  const invalidCrls = crlOutcome?.invalidCrls ?? [];
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
    ...(skippedDownloads.length ? { skippedDownloads } : {}),
    ...(invalidCrls.length ? { invalidCrls } : {}),
  };
}

function capitalise(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}
