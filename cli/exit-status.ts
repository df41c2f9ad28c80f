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

/** The endpoint was not reached, or a comment is at the level asked for (or worse). */
function resultFails(result: EndpointResult, failOn: FailOn): boolean {
  const failing = FAILING[failOn];
  return result.error !== null || result.comments.some((c) => failing.includes(c.severity));
}

/**
 * 1 when an endpoint was not reached, a list row was not imported, or a comment is at the level asked
 * for (or worse); 0 otherwise. --fail-on never: 0 whatever was found.
 */
export function exitStatus(results: readonly EndpointResult[], failOn: FailOn, importErrors = 0): number {
  const tracker = exitStatusTracker(failOn, importErrors);
  for (const result of results) tracker.add(result);
  return tracker.status();
}

/** exitStatus, told one result at a time: a bulk run need not keep its results to know how it ends. */
export function exitStatusTracker(failOn: FailOn, importErrors = 0): { add(result: EndpointResult): void; status(): number } {
  let failed = importErrors > 0;
  return {
    add(result) {
      failed ||= resultFails(result, failOn);
    },
    status: () => (failOn !== 'never' && failed ? 1 : 0),
  };
}
