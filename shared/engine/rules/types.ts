// The contract between the engine and the comment rules.
import type { CheckProfile, Comment, EndpointResult, Severity, SupportedCa } from '../../types.ts';

export interface RuleContext {
  /** The result being judged; its comments are still empty. */
  result: EndpointResult;
  /** All results of the same target and host name (the DNS pool, including this one), for pool-mismatch. */
  pool: EndpointResult[];
  /** Was the target typed as an IP address (name checks skipped)? */
  ipTarget: boolean;
  /** The moment validity is judged at: new Date(result.checkedAt). */
  now: Date;
  /** Subjects (Windows-style DNs) of the roots the admin added, to spot them in a server's CA list. */
  userRoots?: string[];
  /** The active check profile: its rules judge only when it is set. */
  profile?: CheckProfile;
  /** Direct Routing: the CAs Microsoft supports for SBC certificates (shipped list or the admin's file). */
  drSupportedCas?: SupportedCa[];
  /** Subjects of the roots the admin marked as "my Edge's root" (--my-root). */
  myRoots?: string[];
  /**
   * The certificate judged is a CA certificate given as a file (inspect): the rules for server certificates
   * (names, EKUs, self-signed, CRL distribution point) do not apply, and ca-certificate says so.
   */
  caCertificate?: boolean;
}

export interface Rule {
  /** Stable id: part of the published contract (`--json`, exports, scripts). */
  id: string;
  /** 'varies' when the rule picks the severity by how bad the finding is. */
  severity: Severity | 'varies';
  /** One line for documentation and the rules list. */
  description: string;
  check(ctx: RuleContext): Comment[];
}

/** What a summary rule sees: the result and what the finding rules already said about it. */
export interface SummaryContext extends RuleContext {
  findings: readonly Comment[];
}

/** A rule that sums up the findings (valid, chain-not-trusted): it reads them, never runs rules itself. */
export interface SummaryRule extends Omit<Rule, 'check'> {
  check(ctx: SummaryContext): Comment[];
}
