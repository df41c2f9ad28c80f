// One endpoint's deadline: a signal that fires when the run is cancelled or the endpoint's budget runs out.
// Built from a controller, a timer and one listener that are all released when the endpoint is done:
// AbortSignal.any on the run's signal would leave one entry per endpoint on it for the whole run
// (nodejs/node#55351, a leak on long-lived source signals), and a bulk run has tens of thousands.

export interface EndpointDeadline {
  signal: AbortSignal;
  /** True once the budget ran out (not when the run was cancelled). */
  readonly expired: boolean;
  /** Stops the timer and unhooks the run's signal. */
  dispose(): void;
}

export function startDeadline(budgetMs: number, runSignal: AbortSignal | undefined): EndpointDeadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`The endpoint's ${budgetMs} ms budget ran out`, 'TimeoutError'));
  }, budgetMs);
  // A forgotten endpoint must not keep the process alive.
  timer.unref?.();
  const onRunAbort = () => controller.abort(runSignal?.reason);
  if (runSignal?.aborted) onRunAbort();
  else runSignal?.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      clearTimeout(timer);
      runSignal?.removeEventListener('abort', onRunAbort);
    },
  };
}
