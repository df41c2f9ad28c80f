// After a bulk run: what it changed against the previous run of each target. A button in the results
// header says how much ("4 changed since 2026-11-24") and opens the panel over the results, so the table
// keeps its height; the panel filters by severity and words like the results table, and exports CSV.
import { useMemo, useState } from 'react';
import { useApp, useAppStore } from '../context.ts';
import { filterChanges } from '../store/history.ts';
import { SEVERITY_ORDER, type Severity } from '../../shared/types.ts';
import { ColumnHeads } from './ColumnHeads.tsx';
import { useModalDialog } from './useModalDialog.ts';

export function ChangesPanel() {
  const store = useAppStore();
  const runChanges = useApp((s) => s.runChanges);
  const filter = useApp((s) => s.changesFilter);
  const shown = useMemo(() => filterChanges(runChanges?.changes ?? [], filter), [runChanges, filter]);
  const [open, setOpen] = useState(false);
  const dialogRef = useModalDialog(open && Boolean(runChanges?.since));
  if (!runChanges?.since) return null;
  const state = store.getState();
  const total = runChanges.changes.length;
  const title = `${total} changed since ${runChanges.since.slice(0, 10)}`;
  return (
    <>
      <button type="button" className={`small changes-button${runChanges.changes.some((c) => c.severity === 'error') ? ' sev-error' : ''}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {title}
      </button>
      <dialog ref={dialogRef} className="changes-panel" aria-labelledby="changes-title" onClose={() => setOpen(false)}>
        <header className="changes-header">
          <h2 id="changes-title">{title}</h2>
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
            <ColumnHeads names={['Severity', 'Change', 'Target', 'Endpoint', 'Details']} />
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
        <div className="button-row dialog-buttons">
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </dialog>
    </>
  );
}
