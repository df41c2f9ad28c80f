// Names: does the certificate cover the host the client connected to (and the SRV target)?
import type { CertInfo, EndpointResult } from '../../types.ts';
import { matchHostname } from '../chain/hostname.ts';
import type { Rule, RuleContext } from './types.ts';
import { coveredNames, listNames, normalizeHost, usableLeaf } from './facts.ts';

/** Port of the Edge A/V Authentication service, whose certificate name does not matter. */
export const AV_AUTH_PORT = 5062;

type HostMatch = ReturnType<typeof matchHostname>;

function matchCert(host: string, cert: CertInfo): HostMatch {
  return matchHostname(normalizeHost(host), { san: cert.san, sanEntries: cert.sanEntries, commonName: cert.commonName });
}

/** The host tested, or null when name checks do not apply (IP target, no usable certificate). */
function nameCheck(ctx: RuleContext): { leaf: CertInfo; host: string; match: HostMatch } | null {
  if (ctx.ipTarget) return null;
  const leaf = usableLeaf(ctx.result);
  if (!leaf || !ctx.result.host) return null;
  const host = normalizeHost(ctx.result.host);
  return { leaf, host, match: matchCert(host, leaf) };
}

/** The SRV target when the endpoint came from an SRV record and the mismatch is better told as an SRV fault. */
function srvTarget(result: EndpointResult): string | null {
  const target = result.srvRecord?.target;
  return target ? normalizeHost(target) : null;
}

function coverage(cert: CertInfo): string {
  const names = coveredNames(cert);
  return names.length ? `The certificate covers: ${listNames(names)}.` : 'The certificate names no host at all (no SAN, no Common Name).';
}

function wildcardNames(cert: CertInfo): string[] {
  const names = [...cert.sanEntries.filter((entry) => entry.type === 'dns').map((entry) => entry.value), ...(cert.commonName ? [cert.commonName] : [])];
  return [...new Set(names.filter((name) => name.includes('*')))];
}

export const nameMatchRule: Rule = {
  id: 'name-match',
  severity: 'ok',
  description: 'The host tested is covered by the certificate (SAN, or the Common Name when there is no SAN).',
  check(ctx) {
    const check = nameCheck(ctx);
    if (!check || !check.match.matched) return [];
    const { host, match } = check;
    const how =
      match.by === 'san-ip'
        ? `the SAN IP address ${match.name}`
        : match.by === 'cn'
          ? `the subject Common Name ${match.name} (the certificate has no SAN)`
          : `the SAN name ${match.name}${match.wildcard ? ' (a wildcard)' : ''}`;
    return [{ id: 'name-match', severity: 'ok', text: `Common Name/SAN match found: ${host} is covered by ${how}.` }];
  },
};

export const nameMismatchRule: Rule = {
  id: 'name-mismatch',
  severity: 'error',
  description: 'The host tested is not among the names (SAN list, or CN without SAN) the certificate covers.',
  check(ctx) {
    const check = nameCheck(ctx);
    if (!check || check.match.matched) return [];
    // For SRV endpoints the connected host is the SRV target: srv-target-name tells it better.
    if (srvTarget(ctx.result) === check.host) return [];
    if (ctx.result.port === AV_AUTH_PORT) return [];
    const { host, leaf } = check;
    return [
      {
        id: 'name-mismatch',
        severity: 'error',
        text:
          `${host} is not in the certificate's SAN list${leaf.san.length ? '' : ' or Common Name'}. ${coverage(leaf)} ` +
          `Clients, phones and federation partners that connect to ${host} reject this certificate. ` +
          `Reissue the certificate with ${host} as a Subject Alternative Name (keep the names it already has), or point ${host} at the server that has the right certificate.`,
      },
    ];
  },
};

export const avAuthNameRule: Rule = {
  id: 'av-auth-name',
  severity: 'info',
  description: 'Port 5062 (Edge A/V Authentication): the certificate name does not matter, so a mismatch is only noted.',
  check(ctx) {
    const check = nameCheck(ctx);
    if (!check || check.match.matched || ctx.result.port !== AV_AUTH_PORT) return [];
    if (srvTarget(ctx.result) === check.host) return [];
    return [
      {
        id: 'av-auth-name',
        severity: 'info',
        text:
          `${check.host} is not among the certificate's names, but port ${AV_AUTH_PORT} is the Edge A/V Authentication service, whose certificate is only used to create media relay credentials: its subject name does not matter. ${coverage(check.leaf)}`,
      },
    ];
  },
};

export const ipTargetRule: Rule = {
  id: 'ip-target',
  severity: 'info',
  description: 'The target is an IP address, so name checks are skipped; the names the certificate covers are listed.',
  check(ctx) {
    if (!ctx.ipTarget) return [];
    const leaf = usableLeaf(ctx.result);
    if (!leaf) return [];
    const address = ctx.result.ip ?? ctx.result.host;
    // Offline inspection of a file without --host has no address either: say so plainly.
    const text = address
      ? `Name checks skipped: ${address} was tested by IP address, so there is no host name to compare. ${coverage(leaf)} Test the FQDN clients use (pool, Edge or SBC name) to check the names.`
      : `Name checks skipped: no host name was given for this certificate file. ${coverage(leaf)} Give the FQDN clients use (--host NAME) to check the names.`;
    return [{ id: 'ip-target', severity: 'info', text }];
  },
};

export const srvTargetNameRule: Rule = {
  id: 'srv-target-name',
  severity: 'error',
  description: 'For SRV targets: the host the SRV record points to is not among the certificate names.',
  check(ctx) {
    if (ctx.ipTarget) return [];
    const leaf = usableLeaf(ctx.result);
    const record = ctx.result.srvRecord;
    const target = srvTarget(ctx.result);
    if (!leaf || !record || !target) return [];
    if (matchCert(target, leaf).matched) return [];
    return [
      {
        id: 'srv-target-name',
        severity: 'error',
        text:
          `The SRV record ${record.name} points to ${target}, but ${target} is not among the certificate's names. ${coverage(leaf)} ` +
          `Clients and federation partners look up the SRV record, connect to ${target} and reject a certificate without that name (federation fails with a TLS error such as ms-diagnostics 1047). ` +
          `Reissue the certificate with ${target} as a Subject Alternative Name, or change the SRV record to point at a name the certificate covers.`,
      },
    ];
  },
};

export const wildcardRule: Rule = {
  id: 'wildcard',
  severity: 'warning',
  description: 'The certificate uses a wildcard name (*.contoso.com), which SfB/Lync SIP interfaces do not support.',
  check(ctx) {
    const leaf = usableLeaf(ctx.result);
    if (!leaf) return [];
    const wildcards = wildcardNames(leaf);
    if (wildcards.length === 0) return [];
    const check = nameCheck(ctx);
    const onlyByWildcard = check?.match.matched && check.match.wildcard;
    return [
      {
        id: 'wildcard',
        severity: 'warning',
        text:
          `The certificate uses a wildcard name (${listNames(wildcards)})${onlyByWildcard ? `, and ${check!.host} matches only through it` : ''}. ` +
          'Wildcards are not supported for SIP on Skype for Business / Lync Front End, Director and Edge external (Access Edge) interfaces: use a SAN certificate that lists every FQDN. ' +
          'A wildcard is fine on a reverse proxy (web services, meet, dialin, lyncdiscover) and for Teams Direct Routing SBCs.',
      },
    ];
  },
};

/** The SIP domain an SRV endpoint was looked up for: "_sip._tls.contoso.com" gives "contoso.com". */
export function sipDomainOf(result: EndpointResult): string | null {
  const srvName = result.srvRecord?.name ?? result.srv;
  if (srvName) {
    const labels = normalizeHost(srvName).split('.');
    while (labels.length && labels[0].startsWith('_')) labels.shift();
    if (labels.length) return labels.join('.');
  }
  return result.target ? normalizeHost(result.target) : null;
}

export const sipDomainSuffixRule: Rule = {
  id: 'sip-domain-suffix',
  severity: 'info',
  description: 'SRV targets outside the SIP domain cause client certificate prompts (Lync 2013+) or need explicit federation.',
  check(ctx) {
    const { result } = ctx;
    if (result.type === 'DIR' || !result.srvRecord) return [];
    if (!usableLeaf(result)) return [];
    const domain = sipDomainOf(result);
    const target = srvTarget(result);
    if (!domain || !target || target === domain || target.endsWith(`.${domain}`)) return [];
    const text =
      result.type === 'FED'
        ? `The federation SRV record points to ${target}, which is outside the SIP domain ${domain}. ` +
          'Partner Edge servers that federate through DNS discovery may not accept an Access Edge outside the SIP domain; they then have to add your domain explicitly with its Access Edge FQDN (New-CsAllowedDomain -ProxyFqdn). Keep the Access Edge FQDN in the SIP domain where you can.'
        : `The SRV record points to ${target}, which does not end with the SIP domain ${domain}. ` +
          'Lync 2013 and later clients then show a certificate prompt ("cannot verify that the server is trusted for your sign-in address"). ' +
          "Name the pool (or Edge) FQDN inside the SIP domain, or list the pool's domain in the clients' TrustModelData policy.";
    return [{ id: 'sip-domain-suffix', severity: 'info', text }];
  },
};

export const sanMissingRule: Rule = {
  id: 'san-missing',
  severity: 'warning',
  description: 'The certificate has no Subject Alternative Name: current clients ignore the subject Common Name.',
  check(ctx) {
    const leaf = usableLeaf(ctx.result);
    if (!leaf || leaf.sanEntries.length > 0 || leaf.san.length > 0) return [];
    return [
      {
        id: 'san-missing',
        severity: 'warning',
        text:
          `The certificate has no Subject Alternative Name extension, only the Common Name ${leaf.commonName ?? '(none)'}. ` +
          'Skype for Business / Lync, Teams Direct Routing and current browsers match names against the SAN list; many ignore the Common Name. Reissue the certificate with every FQDN (including the subject name) as a SAN.',
      },
    ];
  },
};

export const NAME_RULES: readonly Rule[] = [
  nameMatchRule,
  nameMismatchRule,
  avAuthNameRule,
  ipTargetRule,
  srvTargetNameRule,
  wildcardRule,
  sipDomainSuffixRule,
  sanMissingRule,
];
