// Name checks of the strict profile on the server certificate: CN copied from the SAN, DNS name
// syntax, wildcards over public suffixes. Pure functions of the parsed certificate.
import { parse as parseDomain } from 'tldts';
import type { ParsedCert } from './cert.ts';

const COMMON_NAME = '2.5.4.3';
/** RFC 1034 3.5 preferred name syntax, with an RFC 6125 wildcard as the whole left-most label. */
const PREFERRED_NAME = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;

/**
 * CA/B Forum 7.1.4.3: a subject CN must be a byte-for-byte copy of a SAN dNSName, or the text form of
 * an IP SAN (dotted decimal for IPv4, RFC 5952 for IPv6). Returns the first CN that is not, else null;
 * `inexactCopy` when it names one of the SAN entries in another spelling (case, Unicode for punycode,
 * hex or zero-padded IPv4, other IPv6 forms). A certificate without a SAN is left to the name rules.
 */
export function cnNotInSan(cert: ParsedCert): { cn: string; inexactCopy: boolean } | null {
  const names = cert.subjectAltName?.names;
  if (!names) return null;
  const exact = new Set<string>();
  for (const name of names) {
    const text = name.type === 'dns' ? name.value : name.type === 'ip' ? canonicalIpText(name.bytes) : null;
    if (text !== null) exact.add(text);
  }
  for (const attribute of cert.subject.flat()) {
    if (attribute.oid !== COMMON_NAME) continue;
    const cn = attribute.text ?? '';
    if (exact.has(cn)) continue;
    const host = urlHost(cn);
    return { cn, inexactCopy: host !== null && [...exact].some((name) => urlHost(name) === host) };
  }
  return null;
}

/** The WHATWG URL parser's host: lower case, punycode, IPv4 from any inet_aton form, IPv6 compressed; null if not a host. */
function urlHost(text: string): string | null {
  try {
    return new URL(`http://${text.includes(':') ? `[${text}]` : text}/`).hostname;
  } catch {
    return null;
  }
}

/** IPv4 dotted decimal, IPv6 as RFC 5952 (lower case, longest zero run compressed): the WHATWG URL serializer does both. */
export function canonicalIpText(bytes: Uint8Array): string | null {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return null;
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
}

/** SAN dNSNames outside the preferred name syntax (underscores, spaces ...); RFC 5280 4.2.1.6. */
export function unusualDnsNames(cert: ParsedCert): string[] {
  return dnsNames(cert).filter((name) => !PREFERRED_NAME.test(name));
}

/**
 * Wildcards directly over a public suffix ("*.co.uk", "*.s3.amazonaws.com"). `privateSection` says the
 * suffix is from the list's PRIVATE section (a company's namespace such as s3.amazonaws.com): browsers
 * accept those, so they only inform. The list is the Public Suffix List bundled in the tldts package:
 * it is updated by upgrading tldts.
 */
export function publicSuffixWildcards(cert: ParsedCert): { name: string; privateSection: boolean }[] {
  return dnsNames(cert).flatMap((name) => {
    if (!name.startsWith('*.')) return [];
    const base = name.slice(2).replace(/\.$/, '').toLowerCase();
    const parsed = parseDomain(base, { allowPrivateDomains: true });
    return parsed.publicSuffix === base ? [{ name, privateSection: parsed.isPrivate === true }] : [];
  });
}

function dnsNames(cert: ParsedCert): string[] {
  return (cert.subjectAltName?.names ?? []).flatMap((n) => (n.type === 'dns' ? [n.value] : []));
}
