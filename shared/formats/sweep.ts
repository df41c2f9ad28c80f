// The SIP domain sweep: one domain expands to every well-known Lync/SfB/Teams name, each checked as the
// right kind of target by the ordinary pipeline, then summed up one line per name (pure), with the
// domain-level findings no single endpoint shows (lyncdiscover-prompt).
// Pure (the renderer sums up a sweep with it too); shared/engine/sweep.ts runs one.
import type { Comment, EndpointResult, Severity, TargetInput, TargetType } from '../types.ts';
import { SEVERITY_ORDER } from '../types.ts';

/** Web names checked on 443 (SRV names take their port from DNS; the FED target is checked on its port). */
export const SWEEP_WEB_PREFIXES: readonly string[] = ['sip', 'sipexternal', 'lyncdiscover', 'lyncdiscoverinternal', 'meet', 'dialin', 'webext'];
const SRV_KINDS: readonly { type: TargetType; record: string }[] = [
  { type: 'FED', record: '_sipfederationtls._tcp' },
  { type: 'SIP', record: '_sip._tls' },
  { type: 'SIPINT', record: '_sipinternaltls._tcp' },
];
/** DNS said the name is not there: absent, not an error. */
const ABSENT_CODES: ReadonlySet<string> = new Set(['DNS_NXDOMAIN', 'DNS_NODATA']);

export interface SweepEntry {
  /** The name as checked: "_sip._tls.contoso.com" or "meet.contoso.com". */
  name: string;
  type: TargetType;
  /** The target input given to the engine. */
  input: string;
  /** Absent: DNS has no such name; unreachable: it resolved but no endpoint could be checked. */
  verdict: 'absent' | 'unreachable' | Severity;
  /** host:port of every endpoint checked. */
  endpoints: string[];
  /** The worst finding, or why it could not be checked. */
  headline: string;
}

export interface SweepFacts {
  /** Where lyncdiscover.<domain> points (its CNAME), when it is an alias. */
  lyncdiscoverAlias?: string | null;
}

export interface SweepSummary {
  domain: string;
  entries: SweepEntry[];
  /** Domain-level findings (lyncdiscover-prompt). */
  comments: Comment[];
}

export interface DomainRule {
  id: string;
  severity: Severity;
  description: string;
}

export const DOMAIN_RULES: readonly DomainRule[] = [
  {
    id: 'lyncdiscover-prompt',
    severity: 'warning',
    description: 'Sweep: the lyncdiscover web-services FQDN or the pool FQDN does not end with the SIP domain, so Lync 2013+ clients raise a certificate prompt.',
  },
];

/** The domain in canonical form, or null when it is not a DNS name with at least two labels. */
export function normalizeDomain(input: string): string | null {
  const domain = input.trim().toLowerCase().replace(/\.$/, '');
  return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain) ? domain : null;
}

/** Every well-known name of a SIP domain, as the targets that check it (web names on webPort, 443 by default). */
export function sweepTargets(domain: string, webPort = 443): TargetInput[] {
  return [
    ...SRV_KINDS.map(({ type }) => ({ input: domain, type })),
    ...SWEEP_WEB_PREFIXES.map((prefix) => ({ input: `${prefix}.${domain}`, type: 'DIR' as const, port: webPort })),
  ];
}

function entryName(target: TargetInput, domain: string): string {
  const srv = SRV_KINDS.find((k) => k.type === target.type);
  return srv ? `${srv.record}.${domain}` : target.input;
}

const RANK = new Map(SEVERITY_ORDER.map((s, i) => [s, i]));

function summarizeEntry(target: TargetInput, results: EndpointResult[], domain: string): SweepEntry {
  const base = { name: entryName(target, domain), type: target.type, input: target.input };
  const endpoints = results.filter((r) => r.ip).map((r) => `${r.host}:${r.port}`);
  if (results.length === 0 || results.every((r) => r.error && ABSENT_CODES.has(r.error.code) && !r.srvRecord)) {
    return { ...base, verdict: 'absent', endpoints: [], headline: 'not in DNS' };
  }
  const checked = results.filter((r) => r.served.length > 0);
  if (checked.length === 0) {
    return { ...base, verdict: 'unreachable', endpoints, headline: results.find((r) => r.error)?.error?.message ?? 'no endpoint could be checked' };
  }
  const comments = checked.flatMap((r) => r.comments);
  const worst = [...comments].sort((a, b) => (RANK.get(a.severity) ?? 9) - (RANK.get(b.severity) ?? 9))[0];
  const failed = results.find((r) => r.error && !ABSENT_CODES.has(r.error.code));
  if (failed && (!worst || worst.severity !== 'error')) return { ...base, verdict: 'error', endpoints, headline: failed.error!.message };
  return { ...base, verdict: worst?.severity ?? 'ok', endpoints, headline: worst?.text ?? 'checked' };
}

function inDomain(host: string, domain: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === domain || name.endsWith(`.${domain}`);
}

/** lyncdiscover-prompt: names a Lync 2013+ client meets during discovery that leave the SIP domain. */
function lyncdiscoverPrompt(domain: string, entries: SweepEntry[], results: EndpointResult[], facts: SweepFacts): Comment[] {
  const discovered = entries.some((e) => e.input.startsWith('lyncdiscover') && e.verdict !== 'absent');
  if (!discovered) return [];
  const outside: string[] = [];
  if (facts.lyncdiscoverAlias && !inDomain(facts.lyncdiscoverAlias, domain)) outside.push(`the web services FQDN ${facts.lyncdiscoverAlias} (lyncdiscover.${domain} is an alias of it)`);
  const pools = new Set(results.filter((r) => (r.type === 'SIP' || r.type === 'SIPINT') && r.srvRecord).map((r) => r.srvRecord!.target));
  for (const pool of pools) if (!inDomain(pool, domain)) outside.push(`the pool FQDN ${pool} (target of the sign-in SRV record)`);
  if (outside.length === 0) return [];
  return [
    {
      id: 'lyncdiscover-prompt',
      severity: 'warning',
      text:
        `Lync 2013 and later clients signing in as @${domain} will raise a certificate prompt: ${outside.join('; ')} does not end with ${domain}. ` +
        `Keep the web services and pool FQDNs inside the SIP domain (e.g. webext.${domain}, pool.${domain}); where that is not possible (Standard Edition, several SIP domains), deploy the TrustModelData registry value (KB 2531068) listing the other domain to the users' HKCU hive.`,
    },
  ];
}

/** One line per well-known name plus the domain-level findings. Pure. */
export function summarizeSweep(domain: string, results: EndpointResult[], facts: SweepFacts = {}): SweepSummary {
  const targets = sweepTargets(domain);
  const entries = targets.map((target) =>
    summarizeEntry(
      target,
      results.filter((r) => r.target === target.input && r.type === target.type),
      domain,
    ),
  );
  return { domain, entries, comments: lyncdiscoverPrompt(domain, entries, results, facts) };
}
