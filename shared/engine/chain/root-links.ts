// Where an admin gets the root (and missing intermediate) certificates for a result:
// the repository page of the CA that owns the root, and the certificates' own AIA caIssuers URLs.
// The original's links (omniroot, Symantec, thawte, FTP ...) are mostly dead: these are current pages.
import type { CertInfo, EndpointResult, RootLink } from '../../types.ts';
import { certKey, displayName, isWebUrl } from '../rules/facts.ts';

export interface CaRepository {
  /** Matched case-insensitively against the root/issuer name (the whole DN, so O= counts too). */
  pattern: RegExp;
  label: string;
  url: string;
}

const DIGICERT_ROOTS = 'https://www.digicert.com/kb/digicert-root-certificates.htm';
const SECTIGO_ROOTS = 'https://www.sectigo.com/knowledge-base/detail/Sectigo-Intermediate-Certificates/kA01N000000rfBO';

/**
 * Major CAs and their root certificate repository pages. First match wins, so the more specific
 * names (brands now run by another CA, cross-signing names) come before the general ones.
 */
export const CA_REPOSITORIES: readonly CaRepository[] = [
  { pattern: /\bAmazon\b|Starfield Services Root/i, label: 'Amazon Trust Services root certificates', url: 'https://www.amazontrust.com/repository/' },
  { pattern: /Starfield/i, label: 'Starfield root certificates', url: 'https://certs.starfieldtech.com/repository/' },
  { pattern: /Go ?Daddy/i, label: 'GoDaddy root certificates', url: 'https://certs.godaddy.com/repository/' },
  { pattern: /QuoVadis/i, label: 'QuoVadis (DigiCert) root certificates', url: 'https://www.quovadisglobal.com/download-roots-crl/' },
  {
    pattern: /DigiCert|thawte|GeoTrust|RapidSSL|Symantec|VeriSign|Equifax|Baltimore|GTE CyberTrust|\bCybertrust\b(?! Japan)/i,
    label: 'DigiCert root certificates (also Baltimore CyberTrust, thawte, GeoTrust, RapidSSL, Symantec, VeriSign)',
    url: DIGICERT_ROOTS,
  },
  {
    pattern: /Sectigo|Comodo|AddTrust|USERTrust|UTN-USERFirst|AAA Certificate Services/i,
    label: 'Sectigo root and intermediate certificates (also Comodo, AddTrust, USERTrust)',
    url: SECTIGO_ROOTS,
  },
  { pattern: /Network Solutions/i, label: 'Network Solutions certificates (roots operated by Sectigo)', url: SECTIGO_ROOTS },
  { pattern: /ISRG|Let'?s Encrypt|Internet Security Research Group/i, label: "Let's Encrypt (ISRG) root and intermediate certificates", url: 'https://letsencrypt.org/certificates/' },
  { pattern: /IdenTrust|DST Root|Digital Signature Trust/i, label: 'IdenTrust root certificates', url: 'https://www.identrust.com/support/downloads' },
  { pattern: /Microsoft/i, label: 'Microsoft PKI repository', url: 'https://www.microsoft.com/pkiops/docs/repository.htm' },
  { pattern: /GlobalSign/i, label: 'GlobalSign root certificates', url: 'https://support.globalsign.com/ca-certificates/root-certificates/globalsign-root-certificates' },
  { pattern: /GTS Root|Google Trust Services/i, label: 'Google Trust Services repository', url: 'https://pki.goog/repository/' },
  { pattern: /Entrust|AffirmTrust/i, label: 'Entrust root certificates', url: 'https://www.entrust.com/resources/certificate-solutions/tools/root-certificate-downloads' },
  { pattern: /Buypass/i, label: 'Buypass root certificates', url: 'https://www.buypass.com/security/buypass-root-certificates' },
  { pattern: /HARICA|Hellenic Academic/i, label: 'HARICA repository', url: 'https://repo.harica.gr/' },
  { pattern: /SwissSign/i, label: 'SwissSign root certificates', url: 'https://www.swisssign.com/en/support/faq.html' },
  { pattern: /Certum|Unizeto|Asseco/i, label: 'Certum root certificates', url: 'https://www.certum.eu/en/cert_expertise_root_certificates/' },
  { pattern: /Actalis/i, label: 'Actalis repository (root CA certificates)', url: 'https://www.actalis.com/legal-repository' },
  {
    pattern: /T-TeleSec|TeleSec|T-Systems|Telekom/i,
    label: 'Telekom Security (T-TeleSec) root certificates',
    url: 'https://telesec.de/en/root-program/informations-about-ca-certificates/root-certificates',
  },
  { pattern: /D-TRUST/i, label: 'D-Trust repository', url: 'https://www.d-trust.net/en/support/repository' },
  { pattern: /SSL\.com|SSL Corporation/i, label: 'SSL.com repository', url: 'https://www.ssl.com/repository/' },
  { pattern: /Trustwave|SecureTrust|XRamp|Viking Cloud/i, label: 'SecureTrust (Trustwave) certificates', url: 'https://certs.securetrust.com/' },
];

/** The repository of the CA whose name this is, or null for an unknown (e.g. internal) CA. */
export function caRepositoryFor(name: string | null | undefined): CaRepository | null {
  if (!name) return null;
  return CA_REPOSITORIES.find((repository) => repository.pattern.test(name)) ?? null;
}

/** The top certificate a client reached: the last chain item, else the last served certificate on the path. */
function topCertificate(result: EndpointResult): CertInfo | null {
  const chainTop = result.chain[result.chain.length - 1]?.cert;
  if (chainTop && !chainTop.parseError) return chainTop;
  const unused = new Set(result.servedChain?.unusedIndexes ?? []);
  const onPath = result.served.filter((cert, index) => !unused.has(index) && !cert.parseError);
  return onPath[onPath.length - 1] ?? null;
}

/**
 * The names that identify the root: the top certificate's issuer first (for a root that is its own
 * subject; for a chain that stops early, the unknown root's name), then the top certificate's subject.
 */
export function rootNameCandidates(result: EndpointResult): string[] {
  const top = topCertificate(result);
  if (!top) return [];
  return [...new Set([top.issuer, top.subject].filter((name) => name))];
}

/** The CA repository for this result's root, or null when the root is not a known public CA. */
export function rootRepository(result: EndpointResult): CaRepository | null {
  for (const name of rootNameCandidates(result)) {
    const repository = caRepositoryFor(name);
    if (repository) return repository;
  }
  return null;
}

/** The root's name as an admin knows it (CN of the top certificate's issuer). */
export function rootDisplayName(result: EndpointResult): string | null {
  const [first] = rootNameCandidates(result);
  return first ? displayName(first) : null;
}

/**
 * For roots the table does not know: the sentence the original showed instead of a link.
 * Null when a repository link exists or there is no certificate.
 */
export function rootProviderHint(result: EndpointResult): string | null {
  if (rootRepository(result)) return null;
  const name = rootDisplayName(result);
  return name ? `Certificate is issued by: ${name}. Contact this provider for a copy of the root certificate.` : null;
}

/** Root certificate links: the CA's repository page, then every http(s) AIA caIssuers URL on the chain. Deduplicated. */
export function rootLinks(result: EndpointResult): RootLink[] {
  if (result.served.length === 0) return [];
  const links: RootLink[] = [];
  const seenUrls = new Set<string>();
  const add = (label: string, url: string) => {
    if (!isWebUrl(url) || seenUrls.has(url)) return;
    seenUrls.add(url);
    links.push({ label, url });
  };
  const repository = rootRepository(result);
  if (repository) add(repository.label, repository.url);

  const certs: CertInfo[] = [];
  const seenCerts = new Set<string>();
  for (const cert of [...result.chain.map((item) => item.cert), topCertificate(result)]) {
    if (!cert || cert.parseError || seenCerts.has(certKey(cert))) continue;
    seenCerts.add(certKey(cert));
    certs.push(cert);
  }
  for (const cert of certs) {
    for (const url of cert.caIssuerUrls) add(`Issuer certificate (AIA): ${displayName(cert.issuer)}`, url);
  }
  return links;
}
