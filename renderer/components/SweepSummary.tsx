// After Sweep domain: one line per well-known name of the SIP domain, and the domain-level findings.
// The engine's pure summary (shared/formats/sweep.ts) decides every verdict; this only lays it out.
import { useMemo } from 'react';
import { useApp } from '../context.ts';
import { summarizeSweep } from '../../shared/formats/sweep.ts';
import { SEVERITY_ICON, SEVERITY_LABEL } from '../format.ts';

const VERDICT_TEXT: Record<string, string> = { absent: 'Absent', unreachable: 'Unreachable' };

export function SweepSummary() {
  const domain = useApp((s) => s.run.sweepDomain ?? null);
  const results = useApp((s) => s.results);
  const summary = useMemo(() => (domain ? summarizeSweep(domain, results.map((entry) => entry.result)) : null), [domain, results]);
  if (!summary) return null;
  return (
    <section className="sweep-summary" aria-labelledby="sweep-title">
      <h3 id="sweep-title" className="section-title">
        Sweep of {summary.domain}
      </h3>
      <table className="sweep-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Verdict</th>
            <th scope="col">Finding</th>
          </tr>
        </thead>
        <tbody>
          {summary.entries.map((entry) => {
            const severity = entry.verdict === 'absent' ? null : entry.verdict === 'unreachable' ? 'error' : entry.verdict;
            return (
              <tr key={entry.name} data-name={entry.name} data-verdict={entry.verdict} className={severity ? `sev-${severity}` : 'absent'}>
                <td>{entry.name}</td>
                <td>{VERDICT_TEXT[entry.verdict] ?? (severity ? `${SEVERITY_ICON[severity]} ${SEVERITY_LABEL[severity]}` : entry.verdict)}</td>
                <td>{entry.verdict === 'absent' ? 'not in DNS' : entry.headline}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {summary.comments.length > 0 && (
        <ul className="comments">
          {summary.comments.map((comment) => (
            <li key={comment.id} className={`comment sev-${comment.severity}`} data-id={comment.id}>
              <span className="sev-tag">
                {SEVERITY_ICON[comment.severity]} {SEVERITY_LABEL[comment.severity]}
              </span>
              <span className="comment-text">{comment.text}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
