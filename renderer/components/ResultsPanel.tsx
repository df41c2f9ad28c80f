// The results side: status line with progress, time left and Resume, notices, and the results as
// cards (paged, so thousands do not freeze the window) or as a virtualized table (bulk tests).
import { useEffect, useMemo, useState } from 'react';
import { useApp, useAppStore } from '../context.ts';
import { effectiveView, isRunActive, resumableTargets, type ResultsView, type RunState } from '../store/index.ts';
import type { Notice } from '../store/dialogs.ts';
import { estimateSecondsLeft, formatTimeLeft } from '../table.ts';
import { ChangesPanel } from './ChangesPanel.tsx';
import { progressText } from '../../shared/formats/progress-text.ts';
import { ResultCard } from './ResultCard.tsx';
import { ResultDialog } from './ResultDialog.tsx';
import { ResultsTable } from './ResultsTable.tsx';
import { SweepSummary } from './SweepSummary.tsx';

/** More rejected rows than this are counted, not listed. */
const MAX_LISTED_IMPORT_ERRORS = 200;

function statusText(run: RunState, resultCount: number, now: number): string {
  const endpoints = `${resultCount} endpoint${resultCount === 1 ? '' : 's'}`;
  switch (run.status) {
    case 'idle':
      return 'Ready. Enter a host and press Test.';
    case 'starting':
      return 'Starting test…';
    case 'running':
      // The host counts endpoints and names what each waits for: say so, in the CLI's words.
      if (run.endpoints && run.startedAt !== null) {
        return `Checking ${progressText({ done: run.done, total: run.total, current: run.current, endpoints: run.endpoints, inFlight: run.inFlight }, now - run.startedAt, now)}`;
      }
      return run.current ? `Checking: ${run.current}` : 'Checking…';
    case 'cancelling':
      return 'Cancelling test…';
    case 'done':
      return `Done: ${endpoints} checked.`;
    case 'cancelled':
      return `Test cancelled: ${endpoints} checked before it stopped.`;
    case 'failed':
      return `ERROR: ${run.error ?? 'the test failed.'}`;
  }
}

/** Re-render every second while a run is active, so the time left follows the clock. */
function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function TimeLeft({ run }: { run: RunState }) {
  const active = run.status === 'running';
  const now = useTicker(active);
  // With endpoint counts, the status line holds the estimate (by endpoints, as the CLI's).
  if (!active || run.startedAt === null || run.endpoints) return null;
  // The pace of this run only: a resumed run's earlier targets took no time in it.
  const seconds = estimateSecondsLeft(run.done - run.doneBefore, run.total - run.doneBefore, Math.max(now, Date.now()) - run.startedAt);
  if (seconds === null) return null;
  return (
    <span className="status-eta" title="Estimated from the time taken so far and the targets done">
      {formatTimeLeft(seconds)}
    </span>
  );
}

function ResumeButton() {
  const store = useAppStore();
  const remaining = useApp((s) => resumableTargets(s).length);
  if (remaining === 0) return null;
  return (
    <button
      type="button"
      className="small resume"
      onClick={() => void store.getState().resumeTest()}
      title={`Run the ${remaining} target${remaining === 1 ? '' : 's'} that have no result yet; the results are added to these`}
    >
      Resume ({remaining} left)
    </button>
  );
}

function StatusBar() {
  const run = useApp((s) => s.run);
  const resultCount = useApp((s) => s.results.length);
  const active = isRunActive(run.status);
  const now = useTicker(run.status === 'running');
  const text = statusText(run, resultCount, Math.max(now, Date.now()));
  // Endpoints when the host counts them (a pool counts each member), else targets.
  const counted = run.endpoints ? { done: run.endpointsBefore + run.endpoints.done, total: run.endpointsBefore + run.endpoints.total, what: 'Endpoints' } : { done: run.done, total: run.total, what: 'Targets' };
  const percent = counted.total > 0 ? Math.floor((counted.done / counted.total) * 100) : 0;
  return (
    <div className={`status-bar status-${run.status}`}>
      <div className="status-line">
        <span id="status" className={run.status === 'failed' ? 'status-text sev-error' : 'status-text'} role="status" aria-live="polite">
          {text}
        </span>
        <TimeLeft run={run} />
        {(active || run.total > 0) && (
          <span className="status-count" title={`${counted.what} done / ${counted.what.toLowerCase()} in this test`}>
            {counted.done} / {counted.total}
            {counted.total > 1 && <span className="status-percent"> ({percent}%)</span>}
          </span>
        )}
        {run.status === 'cancelled' && <ResumeButton />}
      </div>
      <progress
        className={active ? 'active' : undefined}
        max={Math.max(counted.total, 1)}
        value={run.status === 'done' ? Math.max(counted.total, 1) : counted.done}
        aria-label="Test progress"
      />
    </div>
  );
}

function NoticeItem({ notice }: { notice: Notice }) {
  return (
    <div className={`notice notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <div className="notice-body">
        <p>
          <span className={`notice-icon ${notice.tone === 'error' ? 'sev-error' : 'sev-info'}`} aria-hidden="true">
            {notice.tone === 'error' ? '✖' : 'ℹ'}
          </span>{' '}
          {notice.text}
        </p>
        {notice.details.length > 0 && (
          <ul className="import-errors" aria-label="Rejected rows">
            {notice.details.slice(0, MAX_LISTED_IMPORT_ERRORS).map((detail, index) => (
              <li key={index}>
                Line {detail.line}: {detail.message}
              </li>
            ))}
            {notice.details.length > MAX_LISTED_IMPORT_ERRORS && (
              <li className="more">…and {notice.details.length - MAX_LISTED_IMPORT_ERRORS} more rejected rows.</li>
            )}
          </ul>
        )}
      </div>
    </div>
  );
}

/** One notices area: the newest message shows, the older ones fold under "N earlier"; one button closes them all. */
function Notices() {
  const notices = useApp((s) => s.notices);
  const store = useAppStore();
  const [expanded, setExpanded] = useState(false);
  if (notices.length === 0) return null;
  const newest = notices[notices.length - 1];
  const earlier = notices.slice(0, -1).reverse();
  return (
    <section className="notices" aria-label="Messages">
      <div className="notices-main">
        <NoticeItem notice={newest} />
        <div className="notices-actions">
          {earlier.length > 0 && (
            <button type="button" className="small ghost" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
              {expanded ? 'Hide' : 'Show'} {earlier.length} earlier
            </button>
          )}
          <button
            type="button"
            className="small ghost"
            onClick={() => {
              store.getState().dismissAllNotices();
              setExpanded(false);
            }}
            aria-label={notices.length > 1 ? 'Dismiss all messages' : 'Dismiss message'}
          >
            ✕
          </button>
        </div>
      </div>
      {expanded && earlier.map((notice) => <NoticeItem key={notice.id} notice={notice} />)}
    </section>
  );
}

function LayoutToggle() {
  const store = useAppStore();
  const oldLayout = useApp((s) => s.oldLayout);
  return (
    <label className="layout-toggle" title="Cards as the old tool laid them out: connection lines first, comments last">
      <input type="checkbox" checked={oldLayout} onChange={(e) => store.getState().setOldLayout(e.target.checked)} /> Old tool&apos;s layout
    </label>
  );
}

function Summary() {
  const results = useApp((s) => s.results);
  const counts = useMemo(() => {
    let errors = 0;
    let warnings = 0;
    for (const { result } of results) {
      if (result.error || result.comments.some((c) => c.severity === 'error')) errors++;
      else if (result.comments.some((c) => c.severity === 'warning')) warnings++;
    }
    return { errors, warnings, clean: results.length - errors - warnings };
  }, [results]);
  if (results.length === 0) return null;
  return (
    <p className="summary">
      <span>{results.length} result{results.length === 1 ? '' : 's'}</span>
      {counts.errors > 0 && <span className="sev-error">✖ {counts.errors} with errors</span>}
      {counts.warnings > 0 && <span className="sev-warning">▲ {counts.warnings} with warnings</span>}
      {counts.clean > 0 && <span className="sev-ok">✔ {counts.clean} without</span>}
    </p>
  );
}

function EmptyState() {
  return (
    <div className="empty-state">
      <h3>No results yet</h3>
      <p>
        Type a host and port (for example <code>sip.contoso.com</code> and <code>5061</code>) and press <kbd>Enter</kbd> or <strong>Test</strong>.
      </p>
      <p>
        Tick <strong>FED SRV</strong>, <strong>SIP SRV</strong> or <strong>SIP INT SRV</strong> to test the servers a SIP domain's SRV record points to.
        Drop a <code>.csv</code> list (Domain,Type,Port) on the window to test many.
      </p>
    </div>
  );
}

function ViewSwitch() {
  const store = useAppStore();
  const view = useApp(effectiveView);
  const options: { value: ResultsView; label: string }[] = [
    { value: 'cards', label: 'Cards' },
    { value: 'table', label: 'Table' },
  ];
  return (
    <div className="view-switch" role="group" aria-label="Results view">
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          className={`small${view === option.value ? ' on' : ''}`}
          aria-pressed={view === option.value}
          onClick={() => store.getState().setView(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

function CardList() {
  const store = useAppStore();
  const results = useApp((s) => s.results);
  const visibleCount = useApp((s) => s.visibleCount);
  const showAdvanced = useApp((s) => s.form.showAdvanced);
  const showRootChain = useApp((s) => s.form.showRootChain);
  const testPool = useApp((s) => s.run.testPool);
  const active = useApp((s) => isRunActive(s.run.status));
  const shown = results.slice(0, visibleCount);
  const remaining = results.length - shown.length;
  return (
    <div className="results-scroll" tabIndex={-1} id="results">
      {results.length === 0 && !active ? <EmptyState /> : null}
      {shown.map((entry, index) => (
        <ResultCard key={entry.key} result={entry.result} index={index} showAdvanced={showAdvanced} showRootChain={showRootChain} testPool={testPool} />
      ))}
      {remaining > 0 && (
        <div className="show-more">
          <button type="button" onClick={() => store.getState().showMore()}>
            Show more ({remaining} more result{remaining === 1 ? '' : 's'})
          </button>
        </div>
      )}
    </div>
  );
}

export function ResultsPanel() {
  const store = useAppStore();
  const count = useApp((s) => s.results.length);
  const active = useApp((s) => isRunActive(s.run.status));
  const view = useApp(effectiveView);
  const exportTitle = (what: string) =>
    `${what}: all ${count} result${count === 1 ? '' : 's'}, whatever the table's filter shows${count ? '' : ' (run a test first)'}`;

  return (
    <main className="results-panel" aria-labelledby="results-title">
      <div className="results-header">
        <h2 id="results-title" className="panel-title">
          Results
        </h2>
        <Summary />
        <div className="results-actions push-right">
          <ChangesPanel />
          <ViewSwitch />
          {view === 'cards' && <LayoutToggle />}
          <button
            type="button"
            className="small"
            onClick={() => void store.getState().exportResults('csv')}
            disabled={active || count === 0}
            title={exportTitle('One row per endpoint, for Excel')}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="small"
            onClick={() => void store.getState().exportResults('json')}
            disabled={active || count === 0}
            title={exportTitle('The full results as {"results":[...]}, the same document as the command line\'s --json')}
          >
            Export JSON
          </button>
          <button type="button" className="small ghost" onClick={() => store.getState().clearResults()} disabled={active || count === 0}>
            Clear Results
          </button>
        </div>
      </div>
      <StatusBar />
      <Notices />
      <SweepSummary />
      {view === 'table' ? (
        <div className="results-table-area" id="results" tabIndex={-1}>
          <ResultsTable />
          <ResultDialog />
        </div>
      ) : (
        <CardList />
      )}
    </main>
  );
}
