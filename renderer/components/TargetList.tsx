// The queued target list: Add (from the Host / Port fields), Delete (ticked rows), Clear All, Import (.csv).
// Virtualized: an imported list of thousands of rows renders only the rows in view.
import { useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApp, useAppStore } from '../context.ts';
import { isRunActive } from '../store/index.ts';
import { portColumn } from '../targets.ts';

const QUEUE_ROW_HEIGHT = 29;

export function TargetList() {
  const store = useAppStore();
  const queue = useApp((s) => s.queue);
  const selectedIds = useApp((s) => s.selectedIds);
  const running = useApp((s) => isRunActive(s.run.status));
  const actions = store.getState();
  const allSelected = queue.length > 0 && selectedIds.length === queue.length;
  const selected = useMemo(() => new Set(selectedIds), [selectedIds]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: queue.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => QUEUE_ROW_HEIGHT,
    // Generous: a short list renders whole, without spacer rows.
    overscan: 15,
    getItemKey: (index) => queue[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const spaceBefore = items.length ? items[0].start : 0;
  const spaceAfter = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;

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
      <div ref={scrollRef} className="table-scroll" role="region" tabIndex={queue.length > 8 ? 0 : undefined} aria-label="Queued targets">
        <table className="queue-table" aria-rowcount={queue.length + 1}>
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
              <>
                {spaceBefore > 0 && (
                  <tr className="spacer" aria-hidden="true">
                    <td colSpan={4} style={{ height: spaceBefore }} />
                  </tr>
                )}
                {items.map((item) => {
                  const row = queue[item.index];
                  const isSelected = selected.has(row.id);
                  return (
                    <tr
                      key={row.id}
                      ref={virtualizer.measureElement}
                      data-index={item.index}
                      className={isSelected ? 'selected' : undefined}
                      aria-rowindex={item.index + 2}
                    >
                      <td className="select-col">
                        <input
                          type="checkbox"
                          aria-label={`Select ${row.input}`}
                          checked={isSelected}
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
                })}
                {spaceAfter > 0 && (
                  <tr className="spacer" aria-hidden="true">
                    <td colSpan={4} style={{ height: spaceAfter }} />
                  </tr>
                )}
              </>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
