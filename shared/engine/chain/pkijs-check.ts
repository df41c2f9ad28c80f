// A second opinion on a path our own validator accepted: pkijs's RFC 5280 engine (signatures, validity,
// CA flags and key usage, certificate policies, name constraints). Its gaps are known (it does not
// enforce pathLenConstraint, cannot verify MD5/SHA-1-with-unusual-keys through WebCrypto, and applies
// name constraints to self-issued CAs), so it is only consulted where it can judge.
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { ParsedCert } from './cert.ts';

let engine: pkijs.CryptoEngine | null = null;

function cryptoEngine(): pkijs.CryptoEngine {
  if (!engine) {
    engine = new pkijs.CryptoEngine({ name: 'nodeEngine', crypto: webcrypto as unknown as Crypto });
    pkijs.setEngine('nodeEngine', engine);
  }
  return engine;
}

/** Signature algorithms WebCrypto (and so pkijs) can verify. */
const WEBCRYPTO_ALGORITHMS = new Set([
  '1.2.840.113549.1.1.5', '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13', // RSA PKCS#1 v1.5
  '1.2.840.113549.1.1.10', // RSASSA-PSS
  '1.2.840.10045.4.1', '1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4', // ECDSA
]);
const WEBCRYPTO_CURVES = new Set(['1.2.840.10045.3.1.7', '1.3.132.0.34', '1.3.132.0.35']);

/** Can pkijs judge this path at all? (A lone anchor, or algorithms outside WebCrypto: no.) */
export function pkijsCanJudge(certs: ParsedCert[]): boolean {
  if (certs.length < 2) return false;
  const keyOk = (c: ParsedCert) => c.spkiAlgorithm !== '1.2.840.10045.2.1' || (c.spkiCurve !== null && WEBCRYPTO_CURVES.has(c.spkiCurve));
  return certs.slice(0, -1).every((c) => WEBCRYPTO_ALGORITHMS.has(c.signatureAlgorithm.oid)) && certs.slice(1).every(keyOk);
}

/** Verdicts by path and minute: a bulk run checks the same chain on every pool member. */
const recentVerdicts = new Map<string, string | null>();

/** Runs pkijs's chain engine on exactly this path (leaf first, last = anchor). Null when it agrees. */
export async function pkijsObjection(certs: ParsedCert[], at: Date): Promise<string | null> {
  const key = `${certs.map((c) => c.id).join(':')}@${at.toISOString().slice(0, 16)}`;
  if (recentVerdicts.has(key)) return recentVerdicts.get(key)!;
  const verdict = await runPkijs(certs, at);
  if (recentVerdicts.size >= 256) recentVerdicts.delete(recentVerdicts.keys().next().value!);
  recentVerdicts.set(key, verdict);
  return verdict;
}

async function runPkijs(certs: ParsedCert[], at: Date): Promise<string | null> {
  const anchor = certs[certs.length - 1]!;
  try {
    const engineInput = new pkijs.CertificateChainValidationEngine({
      // pkijs's models of the certificates parsed once in decode/: its engine reads them and does not change them.
      trustedCerts: [anchor.pkijs],
      // pkijs takes the end-entity certificate as the LAST entry.
      certs: certs.slice(0, -1).reverse().map((c) => c.pkijs),
      checkDate: at,
    });
    const result = await engineInput.verify({}, cryptoEngine());
    return result.result ? null : result.resultMessage || 'rejected';
  } catch (error) {
    return (error as Error).message || 'rejected';
  }
}
