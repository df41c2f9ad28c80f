// Whether checks are recorded in the history, and how much of it is kept (the CLI's --no-history,
// --keep-days and --keep-runs, saved for the app). The default: record, keep the runs of 400 days.
import { useEffect, useState } from 'react';
import { useApp, useAppStore } from '../context.ts';
import { useModalDialog } from './useModalDialog.ts';

const asLimit = (text: string): number | null => (/^\d+$/.test(text.trim()) && Number(text) >= 1 ? Number(text) : null);

export function HistorySettingsDialog() {
  const store = useAppStore();
  const open = useApp((s) => s.historySettingsOpen);
  const settings = useApp((s) => s.historySettings);
  const error = useApp((s) => s.historyError);
  const dialogRef = useModalDialog(open);
  const [record, setRecord] = useState(true);
  const [days, setDays] = useState('400');
  const [runs, setRuns] = useState('');
  useEffect(() => {
    if (!settings) return;
    setRecord(settings.record);
    setDays(settings.retention.maxDays?.toString() ?? '');
    setRuns(settings.retention.maxRuns?.toString() ?? '');
  }, [settings]);
  const close = () => store.getState().closeHistorySettings();
  const save = () => void store.getState().saveHistorySettings({ record, retention: { maxDays: asLimit(days), maxRuns: asLimit(runs) } });
  return (
    <dialog ref={dialogRef} className="history-settings" aria-labelledby="history-settings-title" onClose={close}>
      <h2 id="history-settings-title">History</h2>
      <p className="dialog-intro">Every check is recorded, so the app can tell what changed since the last run.{settings && ` The history is kept in ${settings.path}.`}</p>
      {error && <p className="error">{error}</p>}
      <label>
        <input type="checkbox" checked={record} onChange={(e) => setRecord(e.target.checked)} /> Record every check
      </label>
      <label>
        Keep runs of the last <input type="number" min={1} aria-label="Keep days" value={days} onChange={(e) => setDays(e.target.value)} /> days
      </label>
      <label>
        Keep at most <input type="number" min={1} aria-label="Keep runs" value={runs} onChange={(e) => setRuns(e.target.value)} placeholder="any number of" /> runs
      </label>
      <div className="button-row dialog-buttons">
        <button type="button" onClick={save}>
          Save
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
