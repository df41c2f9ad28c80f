// The comment rules: the one place that lists them all, and the runner the engine calls.
// Each rule is a small pure function of one result (and its pool) with a stable id; the ids and their
// severities are a published contract (`--json`, exports, scripts), so keep them.
import type { Comment, Severity } from '../../types.ts';
import { SEVERITY_ORDER } from '../../types.ts';
import type { Rule, RuleContext, SummaryRule } from './types.ts';
import { CONNECTION_RULES } from './connection.ts';
import { VALIDITY_RULES } from './validity.ts';
import { NAME_RULES } from './names.ts';
import { USAGE_RULES } from './usage.ts';
import { CRYPTO_RULES } from './crypto.ts';
import { CHAIN_RULES } from './chain.ts';
import { POOL_RULES } from './pool.ts';
import { PROTOCOL_RULES } from './protocol.ts';
import { SIP_RULES } from './sip.ts';
import { DIRECT_ROUTING_RULES, drReadyRule } from './direct-routing.ts';
import { FEDERATION_RULES } from './federation.ts';
import { STRICT_RULES } from './strict.ts';
import { caCertificateRule, SERVER_CERTIFICATE_RULE_IDS } from './ca.ts';
import { formatDate, parseDate, plural, usableLeaf, wholeDays, displayName } from './facts.ts';

export type { Rule, RuleContext, SummaryContext, SummaryRule } from './types.ts';

/** Every rule that judges one aspect on its own. */
const FINDING_RULES: readonly Rule[] = [
  caCertificateRule,
  ...CONNECTION_RULES,
  ...PROTOCOL_RULES,
  ...VALIDITY_RULES,
  ...NAME_RULES,
  ...USAGE_RULES,
  ...CRYPTO_RULES,
  ...CHAIN_RULES,
  ...POOL_RULES,
  ...SIP_RULES,
  ...DIRECT_ROUTING_RULES,
  ...FEDERATION_RULES,
  ...STRICT_RULES,
];

/** Rules whose finding explains why a chain is not trusted (so chain-not-trusted need not). */
const CHAIN_EXPLAINING_IDS = new Set([
  'unparseable-certificate',
  'invalid-validity-date',
  'serial-invalid',
  'expired',
  'not-yet-valid',
  'expired-intermediate',
  'self-signed',
  'untrusted-root',
  'incomplete-chain',
  'weak-signature',
  'weak-key',
  'rsassa-pss',
  'revoked',
]);

/** How often each rule's check has run since the last reset: lets a test prove each runs once per result. */
const checkRuns = new Map<string, number>();

export function ruleCheckRuns(): ReadonlyMap<string, number> {
  return checkRuns;
}

export function resetRuleCheckRuns(): void {
  checkRuns.clear();
}

/** Runs rules, turning a rule that throws into an 'internal' info comment. */
function runRules<Context extends RuleContext>(rules: readonly { id: string; check(ctx: Context): Comment[] }[], ctx: Context): Comment[] {
  const comments: Comment[] = [];
  for (const rule of rules) {
    checkRuns.set(rule.id, (checkRuns.get(rule.id) ?? 0) + 1);
    try {
      comments.push(...rule.check(ctx));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      comments.push({
        id: 'internal',
        severity: 'info',
        text: `The check "${rule.id}" could not run (${reason}); the other checks are unaffected. Please report this as a bug.`,
      });
    }
  }
  return comments;
}

export const chainNotTrustedRule: SummaryRule = {
  id: 'chain-not-trusted',
  severity: 'error',
  description: 'The chain is not trusted for a reason no other rule reports (safety net: never call an untrusted chain valid).',
  check(ctx) {
    const { result } = ctx;
    if (!usableLeaf(result) || !result.trust || result.trust.trusted) return [];
    const explained = ctx.findings.some((comment) => CHAIN_EXPLAINING_IDS.has(comment.id));
    if (explained) return [];
    return [
      {
        id: 'chain-not-trusted',
        severity: 'error',
        text: `The certificate chain is not trusted: ${(result.trust.reason ?? 'no reason was given').replace(/\.$/, '')}. Clients and federation partners will reject it. Check the chain shown below against your CA.`,
      },
    ];
  },
};

export const validRule: SummaryRule = {
  id: 'valid',
  severity: 'ok',
  description: 'Summary when no rule found an error or a warning.',
  check(ctx) {
    const { result, now, findings } = ctx;
    const leaf = usableLeaf(result);
    // An untrusted chain is never "valid" (and then some rule, chain-not-trusted at least, says why).
    if (!leaf || result.trust?.trusted === false) return [];
    if (findings.some((comment) => comment.severity === 'error' || comment.severity === 'warning')) return [];
    const notAfter = parseDate(leaf.notAfter);
    const facts: string[] = [];
    if (notAfter) facts.push(`valid until ${formatDate(notAfter)} (${plural(wholeDays(notAfter.getTime() - now.getTime()), 'day')} left)`);
    if (result.trust?.trusted) {
      facts.push(`chains to the trusted root "${displayName(result.trust.root)}"${result.trust.store ? ` (${result.trust.store} store)` : ''}`);
    }
    if (findings.some((comment) => comment.id === 'name-match')) facts.push(`matches ${result.host}`);
    return [{ id: 'valid', severity: 'ok', text: `No problems found: the certificate is ${facts.join(', ') || 'in order'}.` }];
  },
};

/** Rules that sum up the findings, run after all of them. */
const SUMMARY_RULES: readonly SummaryRule[] = [chainNotTrustedRule, validRule, drReadyRule];

/** Every rule, in evaluation order. */
export const RULES: readonly (Rule | SummaryRule)[] = [...FINDING_RULES, ...SUMMARY_RULES];

const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.fromEntries(SEVERITY_ORDER.map((severity, index) => [severity, index])) as Record<
  Severity,
  number
>;

/** Errors first, then warnings, info, ok; rule order kept within a severity. */
export function sortComments(comments: readonly Comment[]): Comment[] {
  return [...comments].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 99) - (SEVERITY_RANK[b.severity] ?? 99));
}

/**
 * Run every rule on one result, each once: the finding rules first, then the summary rules on
 * their findings. Never throws: a failing rule becomes an 'internal' info comment.
 */
export function evaluateRules(ctx: RuleContext): Comment[] {
  const findings = runRules(ctx.caCertificate ? FINDING_RULES.filter((rule) => !SERVER_CERTIFICATE_RULE_IDS.has(rule.id)) : FINDING_RULES, ctx);
  return sortComments([...findings, ...runRules(SUMMARY_RULES, { ...ctx, findings })]);
}

/** The rule with this id (for documentation and tests). */
export function ruleById(id: string): Rule | SummaryRule | undefined {
  return RULES.find((rule) => rule.id === id);
}
