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

/** The first sentence of a comment's text: what is wrong, without the advice that follows. */
export function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/s.exec(text.trim());
  return (match ? match[0] : text.trim()).replace(/\s+/g, ' ');
}

/** The comments of the worst severity: the badge, the verdict and the summary all come from these. */
export function worstComments(result: Pick<EndpointResult, 'comments' | 'error'>): Comment[] {
  const worst = worstSeverity(result);
  return worst ? result.comments.filter((c) => c.severity === worst) : [];
}

/**
 * One sentence for a card's verdict line or a table cell: the error, or the first comment of the worst
 * severity ("+2 more warnings"), or that nothing was found. Same worst severity as worstSeverity, so a badge and
 * its sentence never disagree.
 */
export function verdictSentence(result: Pick<EndpointResult, 'comments' | 'error'>): string {
  if (result.error) return result.error.message;
  const worst = worstComments(result);
  if (worst.length === 0) return 'No comments.';
  const others = worst.length - 1;
  const noun = { error: 'error', warning: 'warning', info: 'note', ok: 'check passed' }[worst[0].severity];
  const more = others > 0 ? ` +${others} more ${others === 1 ? noun : noun === 'check passed' ? 'checks passed' : `${noun}s`}` : '';
  return `${firstSentence(worst[0].text)}${more}`;
}
