// DNS load-balanced pools: every member should present the same certificate (or at least the same names).
// The original tested every member but never compared them.
import type { CertInfo, EndpointResult } from '../../types.ts';
import type { Rule } from './types.ts';
import { certName, coveredNames, formatDate, parseDate, usableLeaf } from './facts.ts';

interface Member {
  result: EndpointResult;
  leaf: CertInfo;
}

/** The pool's members that produced a usable certificate, this result included, each once. */
function poolMembers(result: EndpointResult, pool: EndpointResult[]): Member[] {
  const all = pool.includes(result) ? pool : [result, ...pool];
  const members: Member[] = [];
  for (const member of new Set(all)) {
    const leaf = usableLeaf(member);
    if (leaf) members.push({ result: member, leaf });
  }
  return members;
}

function nameSet(cert: CertInfo): string {
  return coveredNames(cert)
    .map((name) => name.toLowerCase())
    .sort()
    .join('|');
}

function memberLabel(member: Member): string {
  const where = member.result.ip ?? member.result.host;
  const notAfter = parseDate(member.leaf.notAfter);
  return `${where} → ${member.leaf.thumbprint} ("${certName(member.leaf)}"${notAfter ? `, expires ${formatDate(notAfter)}` : ''})`;
}

export const poolMismatchRule: Rule = {
  id: 'pool-mismatch',
  severity: 'warning',
  description: 'The members of a DNS load-balanced pool present different certificates (reported on every member).',
  check({ result, pool }) {
    const members = poolMembers(result, pool);
    if (members.length < 2) return [];
    const thumbprints = new Set(members.map((member) => member.leaf.thumbprint));
    if (thumbprints.size < 2) return [];
    const sameNames = new Set(members.map((member) => nameSet(member.leaf))).size === 1;
    const where = `${result.host}${result.port !== null ? `:${result.port}` : ''}`;
    return [
      {
        id: 'pool-mismatch',
        severity: 'warning',
        text:
          `The members of the pool ${where} present different certificates: ${members.map(memberLabel).join('; ')}. ` +
          (sameNames
            ? 'They cover the same names. Front End pool members may each have their own certificate, but Edge pool members must share one certificate and key; check that every member is renewed together.'
            : 'They do not cover the same names, so a client that lands on one member fails while another works. Assign certificates with the same names to every member (Edge pool members must share one certificate and key).'),
      },
    ];
  },
};

export const endpointCapRule: Rule = {
  id: 'endpoint-cap',
  severity: 'info',
  description: 'DNS named more endpoints for the target than the run tests; only the first ones (in SRV priority order) were checked.',
  check({ result }) {
    const cap = result.endpointCap;
    if (!cap) return [];
    return [
      {
        id: 'endpoint-cap',
        severity: 'info',
        text:
          `DNS named ${cap.found} endpoints for ${result.target}; only the first ${cap.limit} (in SRV priority order) were checked. ` +
          'So many SRV targets or addresses is unusual: check the records, or raise the cap (--max-endpoints) to test them all.',
      },
    ];
  },
};

export const POOL_RULES: readonly Rule[] = [poolMismatchRule, endpointCapRule];
