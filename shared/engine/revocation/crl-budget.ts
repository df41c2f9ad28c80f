// One memory budget for every CRL of the process: the parsed CRLs in the cache and the downloads in
// flight. Counting only the raw bytes of finished downloads let one endpoint whose chain names 11
// distinct 20 MB CRLs reach 1.3 GB (issue 12): each download holds its body twice while it is joined,
// and the revoked-serial index of a parsed CRL is larger than the CRL itself.
// A download reserves its worst case before its body is read (the socket waits meanwhile), the
// reservation is resized to what the parsed CRL really holds, and released when the CRL leaves the
// cache. When the budget is full, cached CRLs are evicted, oldest first; a download that still does
// not fit waits, and is skipped (reported) when its time runs out.

export interface CrlMemoryStats {
  limitBytes: number;
  /** Reserved now: downloads in flight plus parsed CRLs held by the cache. */
  inUseBytes: number;
  /** Highest inUseBytes since the process started (or the last resetCrlMemoryPeak). */
  peakBytes: number;
  /** Downloads waiting for room. */
  waiting: number;
  /** CRLs skipped because the budget stayed full for their whole download time. */
  skippedBusy: number;
  /** CRLs skipped because they alone would not fit in the budget. */
  skippedTooLarge: number;
}

export interface CrlReservation {
  readonly bytes: number;
  /** To what the CRL really holds once parsed; may exceed the limit briefly (evicting what it can). */
  resize(bytes: number): void;
  release(): void;
}

/** Why the budget said no: the CRL alone is larger than the budget, or no room came in time. */
export type CrlBudgetRefusal = 'too-large' | 'busy';

// With the rest of the engine this keeps a bulk run whose chains name many 20 MB CRLs under ~400 MB of RSS
// (npm run bench:hostile); a 20 MB CRL takes ~22 MB once parsed, so several still fit at once.
const DEFAULT_LIMIT_BYTES = 192 * 1024 * 1024;

interface Waiter {
  bytes: number;
  grant: (reservation: CrlReservation) => void;
}

class CrlMemoryBudget {
  private limit = DEFAULT_LIMIT_BYTES;
  private inUse = 0;
  private peak = 0;
  private skippedBusy = 0;
  private skippedTooLarge = 0;
  private readonly waiters: Waiter[] = [];
  /** Reclaiming releases reservations, which grants again: one granting loop at a time. */
  private granting = false;
  /** Set by the cache: drops cached CRLs, oldest first, until `bytes` are free or nothing is left to drop. */
  reclaim: (bytes: number) => void = () => {};

  setLimit(bytes: number): void {
    this.limit = bytes;
    this.grantWaiters();
  }

  stats(): CrlMemoryStats {
    return {
      limitBytes: this.limit, inUseBytes: this.inUse, peakBytes: this.peak, waiting: this.waiters.length,
      skippedBusy: this.skippedBusy, skippedTooLarge: this.skippedTooLarge,
    };
  }

  resetPeak(): void {
    this.peak = this.inUse;
    this.skippedBusy = 0;
    this.skippedTooLarge = 0;
  }

  /** Room for `bytes`, now or once other CRLs leave; a refusal when it can never fit or `signal` ends the wait. */
  reserve(bytes: number, signal: AbortSignal): Promise<CrlReservation | CrlBudgetRefusal> {
    if (bytes > this.limit) {
      this.skippedTooLarge++;
      return Promise.resolve('too-large');
    }
    if (this.waiters.length === 0 && this.fits(bytes)) return Promise.resolve(this.take(bytes));
    return new Promise((resolve) => {
      const waiter: Waiter = { bytes, grant: resolve };
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at < 0) return;
        this.waiters.splice(at, 1);
        this.skippedBusy++;
        resolve('busy');
      };
      waiter.grant = (reservation) => {
        signal.removeEventListener('abort', onAbort);
        resolve(reservation);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private fits(bytes: number): boolean {
    if (this.inUse + bytes <= this.limit) return true;
    this.reclaim(this.inUse + bytes - this.limit);
    return this.inUse + bytes <= this.limit;
  }

  private take(bytes: number): CrlReservation {
    let held = bytes;
    let released = false;
    this.add(held);
    return {
      get bytes() {
        return held;
      },
      resize: (next: number) => {
        if (released) return;
        this.add(next - held);
        held = next;
        if (this.inUse > this.limit) this.reclaim(this.inUse - this.limit);
        this.grantWaiters();
      },
      release: () => {
        if (released) return;
        released = true;
        this.add(-held);
        this.grantWaiters();
      },
    };
  }

  private add(bytes: number): void {
    this.inUse += bytes;
    this.peak = Math.max(this.peak, this.inUse);
  }

  /** First come, first served: a large download at the head is not overtaken by small ones forever. */
  private grantWaiters(): void {
    if (this.granting) return;
    this.granting = true;
    try {
      while (this.waiters.length && this.fits(this.waiters[0]!.bytes)) {
        const waiter = this.waiters.shift()!;
        waiter.grant(this.take(waiter.bytes));
      }
    } finally {
      this.granting = false;
    }
  }
}

/** The process's CRL memory budget (the engine runs one check or one bulk run per process). */
export const crlMemoryBudget = new CrlMemoryBudget();
