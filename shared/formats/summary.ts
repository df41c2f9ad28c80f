// Derived one-line facts about a result, shared by the results table, the CSV export and the CLI.
// Pure and browser-safe: the renderer may import it.
import type { Comment, EndpointResult, Severity } from '../types.ts';
import { SEVERITY_ORDER } from '../types.ts';

/** The most serious severity among the comments; an unreachable endpoint counts as an error. */
export function worstSeverity(result: Pick<EndpointResult, 'comments' | 'error'>): Severity | null {
  if (result.error) return 'error';
  for (const severity of SEVERITY_ORDER) if (result.comments.some((c) => c.severity === severity)) return severity;
  return null;
}

/** Whole days from `now` until Not After (negative once expired); null without a certificate or a valid Not After. */
export function daysLeft(result: Pick<EndpointResult, 'served'>, now: Date): number | null {
  const leaf = result.served[0];
  if (!leaf || leaf.parseError) return null;
  const notAfter = new Date(leaf.notAfter).getTime();
  return Number.isNaN(notAfter) ? null : Math.floor((notAfter - now.getTime()) / 86_400_000);
}

/** The comments that need action (errors and warnings), as one short line for a table cell. */
export function commentSummary(comments: Comment[]): string {
  const serious = comments.filter((c) => c.severity === 'error' || c.severity === 'warning');
  return serious.length ? serious.map((c) => c.id).join(', ') : comments.some((c) => c.severity === 'ok') ? 'OK' : '';
}
