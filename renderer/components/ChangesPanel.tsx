// After a bulk run: what it changed against the previous run of each target ("4 changed since
// 2026-11-24"), filterable by severity and words like the results table, exportable as CSV.
import { useMemo } from 'react';
import { useApp, useAppStore } from '../context.ts';
import { filterChanges } from '../store/history.ts';
import { SEVERITY_ORDER, type Severity } from '../../shared/types.ts';

export function ChangesPanel() {
  const store = useAppStore();
  const runChanges = useApp((s) => s.runChanges);
  const filter = useApp((s) => s.changesFilter);
  const shown = useMemo(() => filterChanges(runChanges?.changes ?? [], filter), [runChanges, filter]);
  if (!runChanges?.since) return null;
  const state = store.getState();
  const total = runChanges.changes.length;
  return (
    <section className="changes-panel" aria-labelledby="changes-title">
      <header className="changes-header">
        <h2 id="changes-title">
          {total} changed since {runChanges.since.slice(0, 10)}
        </h2>
        <label>
          Severity{' '}
          <select aria-label="Filter changes by severity" value={filter.severity} onChange={(e) => state.setChangesFilter({ severity: e.target.value as Severity | 'all' })}>
            <option value="all">All</option>
            {SEVERITY_ORDER.map((severity) => (
              <option key={severity} value={severity}>
                {severity}
              </option>
            ))}
          </select>
        </label>
        <input type="search" aria-label="Filter changes" placeholder="Filter changes" value={filter.text} onChange={(e) => state.setChangesFilter({ text: e.target.value })} />
        <button type="button" className="small" onClick={() => void state.exportChanges()}>
          Export changes…
        </button>
      </header>
      {shown.length === 0 ? (
        <p className="changes-empty">{total === 0 ? 'Nothing changed.' : 'No change matches the filter.'}</p>
      ) : (
        <table className="changes-table" aria-label="Changes">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Change</th>
              <th>Target</th>
              <th>Endpoint</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((change, i) => (
              <tr key={i} className={`sev-${change.severity}`} data-kind={change.kind}>
                <td>{change.severity}</td>
                <td>{change.kind}</td>
                <td>
                  {change.target} ({change.type})
                </td>
                <td>
                  {change.host} {change.ip ?? '-'}:{change.port ?? '-'}
                </td>
                <td>{change.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
