// --fail-on: which findings make `check` and `inspect` exit 1, so a script or a scheduled task can
// alert on an expired, revoked or untrusted certificate and not only on an unreachable server.
import type { EndpointResult, Severity } from '../shared/types.ts';
import { UsageError } from '../shared/engine/target.ts';

export type FailOn = 'error' | 'warning' | 'never';
export const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'never'];
export const DEFAULT_FAIL_ON: FailOn = 'error';

export function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return DEFAULT_FAIL_ON;
  const level = value.trim().toLowerCase();
  if ((FAIL_ON_LEVELS as readonly string[]).includes(level)) return level as FailOn;
  throw new UsageError(`--fail-on takes ${FAIL_ON_LEVELS.join(', ')} (not "${value}").`);
}

const FAILING: Record<FailOn, readonly Severity[]> = { error: ['error'], warning: ['error', 'warning'], never: [] };

/**
 * 1 when an endpoint was not reached, a list row was not imported, or a comment is at the level asked
 * for (or worse); 0 otherwise. --fail-on never: 0 whatever was found.
 */
export function exitStatus(results: readonly EndpointResult[], failOn: FailOn, importErrors = 0): number {
  if (failOn === 'never') return 0;
  const failing = FAILING[failOn];
  const failed = importErrors > 0 || results.some((r) => r.error !== null || r.comments.some((c) => failing.includes(c.severity)));
  return failed ? 1 : 0;
}
