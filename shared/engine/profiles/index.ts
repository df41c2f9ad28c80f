// Check profiles: which profile judges a target, the Direct Routing supported-CA list (shipped, or
// replaced by the admin's file) and the admin's own roots, handed to the rules through the context.
import type { CheckOptions, CheckProfile, SupportedCa, Target } from '../../types.ts';
import { CHECK_PROFILES } from '../../types.ts';
import { UsageError } from '../target.ts';
import { readCertificates } from '../../formats/certfile.ts';
import { decodeCertificateCached } from '../decode/index.ts';
import shippedList from './dr-supported-cas.json' with { type: 'json' };

export { microsoftRoots, MICROSOFT_ROOTS_DOWNLOAD } from './microsoft-roots.ts';

/** The four TLS 1.2 suites Microsoft's Direct Routing guidance names, in its order (ECDHE_RSA AES-256-GCM, AES-128-GCM, AES-256-CBC, AES-128-CBC). */
export const DR_REQUIRED_SUITES: readonly number[] = [0xc030, 0xc02f, 0xc028, 0xc027];

/** Where the shipped list comes from, for the report. */
export const SHIPPED_CA_LIST_SOURCE = { url: shippedList.source, retrieved: shippedList.retrieved };

export function parseProfile(value: string): CheckProfile {
  const profile = value.trim().toLowerCase();
  if (!(CHECK_PROFILES as readonly string[]).includes(profile)) throw new UsageError(`--profile takes ${CHECK_PROFILES.join(' or ')}, not "${value}".`);
  return profile as CheckProfile;
}

/** The profile a target is judged under: the one asked for, else 'federation' for FED SRV targets. */
export function profileFor(target: Pick<Target, 'type'>, options: Pick<CheckOptions, 'profile'>): CheckProfile | null {
  return options.profile ?? (target.type === 'FED' ? 'federation' : null);
}

const HEX40 = /^[0-9A-F]{40}$/;
const HEX64 = /^[0-9A-F]{64}$/;

/** A list file in the shipped format ({"cas": [{"name", "sha1"?, "sha256"?}]}, or a bare array). Throws UsageError. */
export function parseSupportedCaList(text: string, file = 'the CA list'): SupportedCa[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const entries = Array.isArray(data) ? data : (data as { cas?: unknown })?.cas;
  if (!Array.isArray(entries) || entries.length === 0) throw new UsageError(`${file} lists no CA: give {"cas": [{"name": "...", "sha1": "..."}]}.`);
  return entries.map((entry, index) => {
    const { name, sha1, sha256 } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !name.trim()) throw new UsageError(`${file}: entry ${index + 1} has no "name".`);
    const ca: SupportedCa = { name: name.trim() };
    const thumb = (value: unknown, pattern: RegExp, field: string) => {
      if (value === undefined) return undefined;
      const hex = typeof value === 'string' ? value.replace(/[\s:]/g, '').toUpperCase() : '';
      if (!pattern.test(hex)) throw new UsageError(`${file}: entry ${index + 1} ("${name}") has an invalid ${field}.`);
      return hex;
    };
    const s1 = thumb(sha1, HEX40, 'sha1');
    const s256 = thumb(sha256, HEX64, 'sha256');
    if (s1) ca.sha1 = s1;
    if (s256) ca.sha256 = s256;
    return ca;
  });
}

export function shippedSupportedCas(): SupportedCa[] {
  return parseSupportedCaList(JSON.stringify(shippedList), 'dr-supported-cas.json');
}

/** Subjects of the admin's own roots (PEM), the form a CertificateRequest's CA list is compared in. */
export function rootSubjects(pems: readonly string[]): string[] {
  return pems.flatMap((pem) => readCertificates(new TextEncoder().encode(pem)).certificates).map((der) => decodeCertificateCached(der).subject);
}
