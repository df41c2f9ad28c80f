// The queued target list: Add (from the Host / Port fields), Delete (ticked rows), Clear All, Import (.csv).
import { useApp, useAppStore } from '../context.ts';
import { isRunActive } from '../store.ts';
import { portColumn } from '../targets.ts';

export function TargetList() {
  const store = useAppStore();
  const queue = useApp((s) => s.queue);
  const selectedIds = useApp((s) => s.selectedIds);
  const running = useApp((s) => isRunActive(s.run.status));
  const actions = store.getState();
  const allSelected = queue.length > 0 && selectedIds.length === queue.length;

  return (
    <section className="target-list" aria-labelledby="target-list-title">
      <div className="panel-title-row">
        <h2 id="target-list-title" className="panel-title">
          Target list <span className="count">{queue.length ? `(${queue.length})` : ''}</span>
        </h2>
      </div>
      <div className="button-row compact">
        <button type="button" onClick={() => actions.addToQueue()} disabled={running} title="Add the Host field (x Port) to the list">
          Add
        </button>
        <button type="button" onClick={() => actions.deleteSelected()} disabled={running || selectedIds.length === 0} title="Delete the ticked rows">
          Delete
        </button>
        <button type="button" onClick={() => actions.clearQueue()} disabled={running || queue.length === 0}>
          Clear All
        </button>
        <button type="button" className="push-right" onClick={() => void actions.importList()} disabled={running} title="Import a .csv list (Domain,Type,Port)">
          Import…
        </button>
      </div>
      <div className="table-scroll" role="region" tabIndex={queue.length > 8 ? 0 : undefined} aria-label="Queued targets">
        <table className="queue-table">
          <thead>
            <tr>
              <th scope="col" className="select-col">
                <input
                  type="checkbox"
                  aria-label="Select all rows"
                  checked={allSelected}
                  disabled={queue.length === 0}
                  onChange={(e) => store.setState({ selectedIds: e.target.checked ? queue.map((row) => row.id) : [] })}
                />
              </th>
              <th scope="col">Domain / FQDN / IP Address</th>
              <th scope="col">Port</th>
              <th scope="col">Type</th>
            </tr>
          </thead>
          <tbody>
            {queue.length === 0 ? (
              <tr className="empty">
                <td colSpan={4}>Empty: Test checks the Host field. Add hosts here, import a .csv or drop one on the window to test many.</td>
              </tr>
            ) : (
              queue.map((row) => {
                const selected = selectedIds.includes(row.id);
                return (
                  <tr key={row.id} className={selected ? 'selected' : undefined}>
                    <td className="select-col">
                      <input
                        type="checkbox"
                        aria-label={`Select ${row.input}`}
                        checked={selected}
                        onChange={(e) => actions.toggleSelected(row.id, e.target.checked)}
                      />
                    </td>
                    <td className="host-cell" title={row.input}>
                      {row.input}
                    </td>
                    <td className="mono-cell">{portColumn(row)}</td>
                    <td className="mono-cell">{row.type}</td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
