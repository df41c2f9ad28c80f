// OCSP: build the request, download (bounded, cached), and evaluate a response, stapled or
// downloaded, against one certificate (RFC 6960).
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificate, type ParsedCert } from '../chain/cert.ts';
import { verifyCertificateSignature } from '../chain/signature.ts';
import { couldHaveIssued, untilAborted } from '../chain/aia.ts';
import { boundedFetch } from '../net/http-fetch.ts';
import type { FetchGuard } from '../net/fetch-policy.ts';
import { serialKey } from './der-reader.ts';
import type { RevocationInput } from './index.ts';
import {
  algorithmOf, CLOCK_SKEW_MS, FAILURE_CACHE_MS, fetchableUrls, fetchFailure, noteFailure, REASON_NAMES, verdictText, type FetchAllowance,
  type DownloadFailure, type MethodOutcome, type RevocationVerdict,
} from './verdict.ts';

const OCSP_MAX_BYTES = 256 * 1024;

const OCSP_CACHE_MS = 5 * 60_000;

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

const OCSP_RESPONSE_STATUS: Record<number, string> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

type OcspDownload = { ok: true; bytes: Uint8Array } | DownloadFailure;

const ocspCache = new Map<string, { expiresAt: number; download: Promise<OcspDownload> }>();

export function clearOcspCache(): void {
  ocspCache.clear();
}

export async function checkOcsp(urls: string[], cert: ParsedCert, issuer: ParsedCert, input: RevocationInput, now: Date, allowance: FetchAllowance): Promise<MethodOutcome> {
  const { fetchable, notes } = fetchableUrls(urls, 'OCSP');
  if (urls.length === 0) return { verdict: null, unreachable: false, notes: [] };
  const request = buildOcspRequest(cert, issuer);
  const outcome: MethodOutcome = { verdict: null, unreachable: fetchable.length > 0, notes };
  for (const url of fetchable) {
    const downloaded =
      allowance.refusal(url) ??
      (await untilAborted(cachedOcsp(url, request, input.timeoutMs, input.guard), input.signal, { ok: false, error: 'cancelled', unreachable: false } as OcspDownload));
    if (!downloaded.ok) {
      noteFailure(outcome, input, 'OCSP', url, downloaded);
      continue;
    }
    outcome.unreachable = false;
    const evaluated = evaluateOcspResponse(downloaded.bytes, cert, issuer, now);
    if (!evaluated.ok) {
      notes.push(`OCSP ${url} answer not usable (${evaluated.error})`);
      continue;
    }
    notes.push(`OCSP ${url}: ${verdictText(evaluated.verdict)}`);
    outcome.verdict = evaluated.verdict;
    // "unknown" from one responder: another may know better.
    if (evaluated.verdict.status !== 'unknown') break;
  }
  return outcome;
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

function digest(hash: string, data: Uint8Array): Buffer {
  return createHash(hash).update(data).digest();
}

/** The issuer field of the certificate, as DER (what OCSP's issuerNameHash covers). */
function issuerNameDer(cert: ParsedCert): Uint8Array {
  return cert.issuerDer;
}

/** The issuer's public key BIT STRING contents (what OCSP's issuerKeyHash covers). */
function issuerKeyBits(issuer: ParsedCert): Uint8Array {
  return issuer.subjectPublicKey;
}
