// A run's progress in words: how far, what is being checked, what the slowest endpoint waits for,
// and the time left. Pure; the CLI's progress line and the app read the same RunProgress.
import type { EndpointStep, RunProgress } from '../types.ts';
import { escapeControls } from './safe-text.ts';

/** Seconds left, from the pace so far; null until there is a pace to go by. */
export function estimateSecondsLeft(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || total <= done || elapsedMs <= 0) return null;
  return Math.round(((elapsedMs / done) * (total - done)) / 1000);
}

/** "about 40 s left", "about 3 min left", "about 1 h 20 min left". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 5) return 'a few seconds left';
  if (seconds < 90) return `about ${Math.round(seconds / 5) * 5 || 5} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

export const STEP_WORDS: Record<EndpointStep, string> = {
  dns: 'DNS',
  handshake: 'the TLS handshake',
  aia: 'issuer downloads (AIA)',
  revocation: 'the revocation check (CRL, OCSP)',
};

/**
 * "12/40 endpoints · checking sip.contoso.com:5061 · slowest: edge.contoso.com:443, waiting 9 s for the TLS handshake · about 40 s left".
 * Names come from DNS and input: escaped, so a hostile SRV target cannot drive the terminal.
 */
export function progressText(progress: RunProgress, elapsedMs: number, now: number = Date.now()): string {
  const { endpoints, inFlight } = progress;
  const parts = [`${endpoints.done}/${endpoints.total} endpoints`];
  const newest = inFlight.at(-1);
  const slowest = inFlight[0];
  // No node:net here: the renderer reads this module too. Only an IPv6 address has a colon.
  const name = (entry: (typeof inFlight)[number]) => {
    const host = entry.host.includes(':') ? `[${entry.host}]` : entry.host;
    return escapeControls(entry.port === null ? host : `${host}:${entry.port}`);
  };
  if (newest) parts.push(`checking ${name(newest)}${inFlight.length > 1 ? ` and ${inFlight.length - 1} more` : ''}`);
  if (slowest) {
    const waiting = `waiting ${Math.max(0, Math.round((now - slowest.startedAt) / 1000))} s for ${STEP_WORDS[slowest.step]}`;
    parts.push(inFlight.length > 1 ? `slowest: ${name(slowest)}, ${waiting}` : waiting);
  }
  const left = estimateSecondsLeft(endpoints.done, endpoints.total, elapsedMs);
  if (left !== null) parts.push(formatTimeLeft(left));
  return parts.join(' · ');
}
