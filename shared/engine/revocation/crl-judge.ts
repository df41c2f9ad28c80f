// A CRL's own structure and what it says about one certificate (RFC 5280 5 and 6.3.3), from bytes and a
// time alone: the download path (crl.ts) and the conformance harness (judgeChainAgainstCrls) run the
// same functions. An unusable CRL gives problems, never a "good".
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pemBlocks } from '../../bytes.ts';
import { parseCertificate, type ParsedCert } from '../chain/cert.ts';
import { canonicalName, formatName, parseName } from '../chain/names.ts';
import { verifyCertificateSignature, type SignatureResult } from '../chain/signature.ts';
import { childrenOf, derTime, extensionsOf, isTime, oidText, readTlv, TAG_BIT_STRING, TAG_INTEGER, TAG_SEQUENCE, type ExtensionTlv } from './der-reader.ts';
import { findRevoked, indexRevoked, type RevokedIndex } from './revoked-index.ts';
import { algorithmOf, CLOCK_SKEW_MS, REASON_NAMES, type RevocationVerdict } from './verdict.ts';

const CRL_NUMBER = '551d14'; // 2.5.29.20
/** CRL extensions a critical flag on which does not stop us: AKI, CRL number, issuing distribution point, freshest CRL. */
const PROCESSED_EXTENSIONS = new Set([CRL_NUMBER, '551d23', '551d1c', '551d2e']);
/** [0] EXPLICIT Extensions after revokedCertificates. */
const TAG_CRL_EXTENSIONS = 0xa0;

export interface ParsedCrl {
  issuerKey: string;
  issuerDn: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: RevokedIndex | null;
  /** Faults of the CRL itself, whoever checks it (RFC 5280 5.2: CRL number; critical extensions we cannot process). */
  structureProblems: string[];
  signed: { tbs: Uint8Array; signature: Uint8Array; signatureAlgorithm: { oid: string; paramsDer: Uint8Array | null } };
  /** Signature checks already made, by the issuer key's fingerprint (a 20 MB CRL is hashed once per key). */
  verifiedBy: Map<string, SignatureResult>;
  /** What it holds in memory: its DER (the signed part is a view of it) and the revoked-serial index. */
  size: number;
}

/** The CRL's answer for one certificate, or why the CRL cannot answer. */
export type CrlJudgement = { ok: true; verdict: RevocationVerdict } | { ok: false; problems: string[] };

/**
 * A CRL in DER or PEM; a sentence when it is neither.
 * Walked by hand rather than with pkijs: asn1js refuses inputs over 10,000 nodes by default (a CRL
 * of ~2,500 entries), and with the limit raised it needs ~11 s and ~400 MB for 100,000 entries,
 * in the main process. Real CA CRLs hold hundreds of thousands. The walk reads each entry's serial,
 * date and reason straight from the bytes; asn1js only decodes the small parts (names, algorithm).
 */
export async function parseCrl(bytes: Uint8Array): Promise<ParsedCrl | string> {
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
    const revokedField = fields[at]?.tag === TAG_SEQUENCE ? fields[at++]! : null;
    const extensionsField = fields[at]?.tag === TAG_CRL_EXTENSIONS ? fields[at]! : null;
    const extensions = extensionsField ? extensionsOf(der, readTlv(der, extensionsField.contentStart, extensionsField.end)) : [];
    const issuer = parseName(der.subarray(issuerField.start, issuerField.end));
    const revoked = revokedField ? await indexRevoked(der, revokedField) : null;
    const algorithm = new pkijs.AlgorithmIdentifier({ schema: asn1js.fromBER(der.slice(signatureAlgorithm.start, signatureAlgorithm.end)).result });
    return {
      issuerKey: canonicalName(issuer),
      issuerDn: formatName(issuer),
      thisUpdate: derTime(der, thisUpdateField),
      nextUpdate: nextUpdateField ? derTime(der, nextUpdateField) : null,
      revoked,
      structureProblems: structureProblems(extensions),
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

/** RFC 5280 5.2.3: a CRL number, non-critical; 5.2: a critical extension we cannot process makes the CRL unusable. */
function structureProblems(extensions: ExtensionTlv[]): string[] {
  const problems: string[] = [];
  const crlNumber = extensions.find((e) => e.oidHex === CRL_NUMBER);
  if (!crlNumber) problems.push('it has no CRL number, which every CRL must carry');
  else if (crlNumber.critical) problems.push('its CRL number is marked critical, which it must not be');
  for (const extension of extensions) {
    if (extension.critical && !PROCESSED_EXTENSIONS.has(extension.oidHex)) problems.push(`it has a critical extension ${oidText(extension.oidHex)} that this tool cannot process`);
  }
  return problems;
}

/** What `crl` says about `cert`, whose issuer is `issuer`, at `at` (RFC 5280 6.3.3 for a complete CRL from the certificate's own CA). */
export function judgeCrl(crl: ParsedCrl, cert: ParsedCert, issuer: ParsedCert, at: Date): CrlJudgement {
  if (crl.issuerKey !== cert.issuerKey) return { ok: false, problems: [`it is issued by ${crl.issuerDn || '(empty name)'}, not by the certificate's issuer`] };
  const problems = [...crl.structureProblems];
  const keyId = createHash('sha256').update(issuer.spkiDer).digest('hex');
  let signature = crl.verifiedBy.get(keyId);
  if (!signature) {
    signature = verifyCertificateSignature(crl.signed, issuer.spkiDer);
    crl.verifiedBy.set(keyId, signature);
  }
  if (!signature.ok) problems.push(signature.reason.replace("Signature does not verify with the issuer's key", "its signature does not verify with the issuer's key"));
  // 6.3.3 (f): a key usage extension in the issuer's certificate must allow signing CRLs.
  if (issuer.keyUsage && !issuer.keyUsage.usages.has('cRLSign')) problems.push(`its issuer "${issuer.label}" may not sign CRLs (key usage lacks cRLSign)`);
  if (crl.thisUpdate.getTime() > at.getTime() + CLOCK_SKEW_MS) problems.push(`it is dated in the future (${crl.thisUpdate.toISOString()})`);
  if (crl.nextUpdate && crl.nextUpdate.getTime() < at.getTime() - CLOCK_SKEW_MS) problems.push(`it expired on ${crl.nextUpdate.toISOString()} and the CA has not published a newer one`);
  if (problems.length > 0) return { ok: false, problems };
  const entry = crl.revoked ? findRevoked(crl.revoked, cert.serial) : null;
  const reason = entry?.reasonCode == null ? null : (REASON_NAMES[entry.reasonCode] ?? `reason ${entry.reasonCode}`);
  // removeFromCRL only appears in delta CRLs, where it means "no longer revoked".
  if (!entry || reason === 'removeFromCRL') return { ok: true, verdict: { status: 'good', revokedAt: null, reason: null } };
  return { ok: true, verdict: { status: 'revoked', revokedAt: entry.revokedAt, reason } };
}

/** One certificate of the chain judged against the CRLs its issuer published. */
export interface CertCrlJudgement {
  /** Position in the chain, leaf first. */
  index: number;
  subject: string;
  /** How many of the given CRLs name this certificate's issuer. */
  crlsFromIssuer: number;
  /** From the first usable CRL that lists it, else the first usable one; null when none is usable. */
  verdict: RevocationVerdict | null;
  /** Why the issuer's CRLs that could not be used were refused. */
  problems: string[];
}

export interface ChainCrlJudgement {
  /** Every certificate but a self-issued top (nobody revokes a root). */
  certificates: CertCrlJudgement[];
  /** Given CRLs that do not decode. */
  unreadable: number;
}

/**
 * Judges a chain (DER, leaf first, as built) against CRLs given as bytes, at `at`, with no network:
 * the conformance harness's entry to the CRL path, which runs parseCrl and judgeCrl as downloads do.
 */
export async function judgeChainAgainstCrls(chain: Uint8Array[], crls: Uint8Array[], at: Date): Promise<ChainCrlJudgement> {
  const parsedCrls = await Promise.all(crls.map((bytes) => parseCrl(bytes)));
  const usable = parsedCrls.filter((crl): crl is ParsedCrl => typeof crl !== 'string');
  const certs = chain.map((der) => parseCertificate(der)).map((parsed) => (parsed.ok ? parsed.cert : null));
  const top = certs[certs.length - 1];
  const checked = top?.selfIssued ? certs.length - 1 : certs.length;
  const certificates: CertCrlJudgement[] = [];
  for (let index = 0; index < checked; index++) {
    const cert = certs[index];
    const issuer = certs[index + 1];
    if (!cert || !issuer) continue;
    const fromIssuer = usable.filter((crl) => crl.issuerKey === cert.issuerKey);
    const judged = fromIssuer.map((crl) => judgeCrl(crl, cert, issuer, at));
    const verdicts = judged.flatMap((j) => (j.ok ? [j.verdict] : []));
    certificates.push({
      index,
      subject: cert.subjectDn,
      crlsFromIssuer: fromIssuer.length,
      verdict: verdicts.find((v) => v.status === 'revoked') ?? verdicts[0] ?? null,
      problems: judged.flatMap((j) => (j.ok ? [] : j.problems)),
    });
  }
  return { certificates, unreadable: parsedCrls.length - usable.length };
}

/** The DER inside a PEM block of the given label, or null when the bytes are not PEM. */
function pemBody(bytes: Uint8Array, label: string): Uint8Array | null {
  const head = Buffer.from(bytes.subarray(0, 100)).toString('latin1');
  if (!head.includes('-----BEGIN')) return null;
  return pemBlocks(Buffer.from(bytes).toString('latin1'), label)[0] ?? null;
}
