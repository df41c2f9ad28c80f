// The sweep summary as text: one line per well-known name, then the domain-level findings.
import type { SweepSummary } from './sweep.ts';

const VERDICT_LABEL: Record<string, string> = { absent: 'absent', unreachable: 'UNREACHABLE', error: 'ERROR', warning: 'WARNING', info: 'info', ok: 'ok' };

export function sweepText(summary: SweepSummary): string {
  const width = Math.max(...summary.entries.map((e) => e.name.length));
  const lines = [`Sweep of ${summary.domain}`, ''];
  for (const entry of summary.entries) {
    const where = entry.endpoints.length ? ` [${[...new Set(entry.endpoints)].join(', ')}]` : '';
    lines.push(`${(VERDICT_LABEL[entry.verdict] ?? entry.verdict).padEnd(11)} ${entry.name.padEnd(width)}${where}  ${entry.verdict === 'absent' ? 'not in DNS' : entry.headline}`);
  }
  if (summary.comments.length) {
    lines.push('', 'Domain:');
    for (const comment of summary.comments) lines.push(`  [${comment.severity}] ${comment.id}: ${comment.text}`);
  }
  return lines.join('\n') + '\n';
}
