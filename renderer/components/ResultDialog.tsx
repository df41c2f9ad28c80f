// The full card of one endpoint, over the results table (a row's click or Enter opens it).
// A native modal <dialog>: Escape closes it, focus stays inside, and the table puts focus back on the row.
// Show Advanced / Show Root Chain apply as set in the form.
import { useModalDialog } from './useModalDialog.ts';
import { useApp, useAppStore } from '../context.ts';
import { ResultCard } from './ResultCard.tsx';

export function ResultDialog() {
  const store = useAppStore();
  const openKey = useApp((s) => s.openResultKey);
  const results = useApp((s) => s.results);
  const showAdvanced = useApp((s) => s.form.showAdvanced);
  const showRootChain = useApp((s) => s.form.showRootChain);
  const testPool = useApp((s) => s.run.testPool);
  const index = openKey === null ? -1 : results.findIndex((entry) => entry.key === openKey);
  const entry = index >= 0 ? results[index] : null;
  const dialogRef = useModalDialog(entry !== null);

  const close = () => store.getState().openResult(null);
  return (
    <dialog ref={dialogRef} className="result-dialog" aria-labelledby="result-dialog-title" onClose={close}>
      <div className="dialog-header">
        <h2 id="result-dialog-title">
          Endpoint {index + 1} of {results.length}
        </h2>
        <button type="button" className="small" onClick={close} aria-label="Close the card">
          Close
        </button>
      </div>
      <div className="result-dialog-body">
        {entry && <ResultCard result={entry.result} index={index} showAdvanced={showAdvanced} showRootChain={showRootChain} testPool={testPool} />}
      </div>
    </dialog>
  );
}
