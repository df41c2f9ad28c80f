// A fixed-size pool shared by a run's DNS queries and endpoint checks.
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `limit` tasks at once. */
export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so the count never exceeds the limit.
    if (active >= limit) await new Promise<void>((go) => waiting.push(go));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
