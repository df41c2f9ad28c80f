// One target's History: every recorded run of it with the certificate each endpoint served (dates,
// thumbprints), and the changes between its runs; opened from a result card, exportable as CSV.
import { useApp, useAppStore } from '../context.ts';
import { ColumnHeads } from './ColumnHeads.tsx';
import { useModalDialog } from './useModalDialog.ts';

export function HistoryView() {
  const store = useAppStore();
  const open = useApp((s) => s.historyOpen);
  const history = useApp((s) => s.targetHistory);
  const error = useApp((s) => s.historyError);
  const dialogRef = useModalDialog(open);
  const close = () => store.getState().closeHistory();
  return (
    <dialog ref={dialogRef} className="history-view" aria-labelledby="history-title" onClose={close}>
      <h2 id="history-title">History of {history?.target ?? '…'}</h2>
      {error && <p className="error">{error}</p>}
      {history && history.entries.length === 0 && <p>No run of this target was recorded yet.</p>}
      {history && history.entries.length > 0 && (
        <table className="history-table" aria-label="Timeline">
          <ColumnHeads names={['Run', 'Checked', 'Endpoint', 'Thumbprint', 'Not After', 'Issuer']} />
          <tbody>
            {history.entries.map((entry, i) => (
              <tr key={i}>
                <td>{entry.runId}</td>
                <td>{entry.runStarted.slice(0, 16).replace('T', ' ')}</td>
                <td>
                  {entry.host} {entry.ip ?? '-'}:{entry.port ?? '-'}
                </td>
                <td className="mono">{entry.error ?? entry.thumbprint}</td>
                <td>{entry.notAfter?.slice(0, 10) ?? ''}</td>
                <td>{entry.issuer ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history && history.changes.length > 0 && (
        <>
          <h3>Changes</h3>
          <ul className="history-changes">
            {history.changes.map((change, i) => (
              <li key={i} className={`sev-${change.severity}`}>
                {change.checkedAt.slice(0, 10)} {change.host} {change.ip ?? ''}: {change.text}
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="button-row dialog-buttons">
        <button type="button" onClick={() => void store.getState().exportHistory()} disabled={!history?.entries.length}>
          Export history…
        </button>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </dialog>
  );
}
