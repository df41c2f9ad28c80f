// The taskbar / dock progress bar for check runs. It follows all runs in progress together, and every
// run in turn: a run that ends removes only its own share, so a late `done` of a cancelled run cannot
// clear the bar of the run that replaced it.
import type { CheckEvent } from '../shared/ipc.ts';

/** Electron's BrowserWindow.setProgressBar values: below 0 removes the bar, above 1 is indeterminate. */
export const NO_PROGRESS_BAR = -1;
export const INDETERMINATE_PROGRESS = 2;

export function createTaskbarProgress(setProgressBar: (value: number) => void): (event: CheckEvent) => void {
  const runs = new Map<string, { done: number; total: number }>();
  let shown: number | null = null;

  return (event) => {
    if (event.kind === 'progress') runs.set(event.runId, { done: event.done, total: event.total });
    else if (event.kind === 'done') runs.delete(event.runId);
    else return;
    let done = 0;
    let total = 0;
    for (const run of runs.values()) {
      done += run.done;
      total += run.total;
    }
    const value = runs.size === 0 ? NO_PROGRESS_BAR : total > 0 ? done / total : INDETERMINATE_PROGRESS;
    // Progress events come per target started and finished; the OS is told only about changes.
    if (value === shown) return;
    shown = value;
    setProgressBar(value);
  };
}
