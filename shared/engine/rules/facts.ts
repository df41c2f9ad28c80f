// Small pure helpers the rules share: which certificate is the leaf, which ones form the chain,
// and how names and dates are written in comment text.
import type { CertInfo, EndpointResult } from '../../types.ts';

export const DAY_MS = 86_400_000;

/** Where a certificate of the chain sits, for wording ("intermediate", "root"). */
export type CertRole = 'server certificate' | 'intermediate' | 'root';

export interface PathCert {
  cert: CertInfo;
  role: CertRole;
  /** True when the server sent it (false: found in a trust store or fetched through AIA). */
  sent: boolean;
}

/** True when the endpoint produced certificates the rules can look at. */
export function hasCertificates(result: EndpointResult): boolean {
  return result.error === null && result.served.length > 0;
}

/** The server certificate when it was received and decoded; null when the rules have nothing to judge. */
export function usableLeaf(result: EndpointResult): CertInfo | null {
  if (!hasCertificates(result)) return null;
  const leaf = result.served[0];
  return leaf.parseError ? null : leaf;
}

/**
 * The certificates are the server's own Certificate message, so their order and completeness say
 * something about the server. Not so for Node's rebuilt peer chain (issuers from its store, its order).
 */
export function servedAsSent(result: EndpointResult): boolean {
  return result.certificateSource !== 'node-peer-chain';
}

/** A key that identifies a certificate across `served` and `chain` (decoded twice, same bytes). */
export function certKey(cert: CertInfo): string {
  return cert.sha256 || cert.thumbprint || cert.derBase64;
}

/**
 * The certificates of the path a client builds: the chain items, plus any served certificate on the
 * path the chain does not list (the builder may stop early). Leaf first, no duplicates, unparseable
 * certificates left out.
 */
export function pathCertificates(result: EndpointResult): PathCert[] {
  if (!hasCertificates(result)) return [];
  const servedKeys = new Set(result.served.map(certKey));
  const leafKey = certKey(result.served[0]);
  const unused = new Set(result.servedChain?.unusedIndexes ?? []);
  const seen = new Set<string>();
  const out: PathCert[] = [];
  const add = (cert: CertInfo, sent: boolean) => {
    if (cert.parseError) return;
    const key = certKey(cert);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ cert, sent, role: roleOf(cert, key === leafKey) });
  };
  add(result.served[0], true);
  for (const item of result.chain) add(item.cert, servedKeys.has(certKey(item.cert)));
  result.served.forEach((cert, index) => {
    if (index > 0 && !unused.has(index)) add(cert, true);
  });
  return out;
}

function roleOf(cert: CertInfo, isLeaf: boolean): CertRole {
  if (isLeaf) return 'server certificate';
  return cert.selfIssued ? 'root' : 'intermediate';
}

/**
 * The value of one attribute (CN, O ...) of a DN written the Windows way:
 * "CN=sip.contoso.com, O=\"Contoso, Ltd\", C=US". Quoted values may contain commas; "" is a quote.
 */
export function dnAttribute(dn: string, key: string): string | null {
  for (const part of splitDn(dn)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    if (part.slice(0, eq).trim().toUpperCase() !== key.toUpperCase()) continue;
    return unquote(part.slice(eq + 1).trim());
  }
  return null;
}

/** Split a DN into "KEY=value" parts at commas and " + " outside quotes. */
function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i];
    if (ch === '"') {
      // A doubled quote inside a quoted value is a literal quote.
      if (quoted && dn[i + 1] === '"') {
        current += '""';
        i++;
        continue;
      }
      quoted = !quoted;
      current += ch;
    } else if (!quoted && (ch === ',' || ch === ';' || ch === '+')) {
      parts.push(current.trim());
      current = '';
    } else if (!quoted && ch === '\\' && i + 1 < dn.length) {
      // RFC 4514 style escapes, in case a DN comes from elsewhere.
      current += dn[++i];
    } else {
      current += ch;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/""/g, '"');
  return value;
}

/** The name an admin recognises: the CN of a DN, else the whole DN. */
export function displayName(dn: string | null | undefined): string {
  if (!dn) return '(no name)';
  return dnAttribute(dn, 'CN') ?? dn;
}

/** "Contoso Issuing CA" for a certificate: its CN, else its subject. */
export function certName(cert: CertInfo): string {
  return cert.commonName ?? displayName(cert.subject);
}

/** The names a certificate covers, as an admin would list them: SAN DNS names and IPs, else the CN. */
export function coveredNames(cert: CertInfo): string[] {
  const fromSan = cert.sanEntries.filter((entry) => entry.type === 'dns' || entry.type === 'ip').map((entry) => entry.value);
  const names = fromSan.length ? fromSan : cert.san;
  if (names.length) return [...new Set(names)];
  return cert.commonName ? [cert.commonName] : [];
}

/** "a, b, c and 4 more": long SAN lists stay readable. */
export function listNames(names: string[], max = 12): string {
  if (names.length === 0) return '(no names)';
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Lower case, no trailing dot, no IPv6 brackets: how host names are compared. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

export function parseDate(iso: string): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-03-01": unambiguous in every locale. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days in a span of milliseconds (rounded down). */
export function wholeDays(ms: number): number {
  return Math.floor(Math.abs(ms) / DAY_MS);
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "\"Contoso Issuing CA\" (intermediate, sha1RSA)" */
export function describe(pathCert: Pick<PathCert, 'cert' | 'role'>, detail?: string): string {
  return `"${certName(pathCert.cert)}" (${pathCert.role}${detail ? `, ${detail}` : ''})`;
}

/** Only http and https links may be offered to the admin. */
export function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
