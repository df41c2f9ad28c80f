// Running a sweep: the ordinary pipeline over the sweep's targets, plus the one DNS fact the summary
// needs that no endpoint carries (where lyncdiscover points).
import dns from 'node:dns';
import type { CheckOptions, EndpointResult } from '../types.ts';
import { runChecks, type RunHooks } from './pipeline.ts';
import { parseDnsServer } from './dns.ts';
import { UsageError } from './target.ts';
import { normalizeDomain, summarizeSweep, sweepTargets, type SweepSummary } from '../formats/sweep.ts';

/** The CNAME of a name, or null (no alias, or no answer in time). Never throws. */
async function aliasOf(name: string, options: Pick<CheckOptions, 'dnsServer' | 'timeoutMs'>): Promise<string | null> {
  const resolver = new dns.promises.Resolver({ timeout: Math.max(100, Math.floor(options.timeoutMs / 2)), tries: 2 });
  resolver.setServers(options.dnsServer ? [parseDnsServer(options.dnsServer)] : dns.getServers());
  const timer = setTimeout(() => resolver.cancel(), options.timeoutMs);
  try {
    const [alias] = await resolver.resolveCname(name);
    return alias ? alias.toLowerCase().replace(/\.$/, '') : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Sweep a SIP domain: check every well-known name, then sum up. */
export async function sweepDomain(input: string, options: CheckOptions, hooks: RunHooks = {}, webPort = 443): Promise<{ summary: SweepSummary; results: EndpointResult[] }> {
  const domain = normalizeDomain(input);
  if (!domain) throw new UsageError(`"${input}" is not a SIP domain (give a name such as contoso.com).`);
  const [results, lyncdiscoverAlias] = await Promise.all([runChecks({ targets: sweepTargets(domain, webPort), options }, hooks), aliasOf(`lyncdiscover.${domain}`, options)]);
  return { summary: summarizeSweep(domain, results, { lyncdiscoverAlias }), results };
}
