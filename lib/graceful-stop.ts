import { type Pool, PoolStoppedError } from './core/index.js';

/**
 * Stops a pool without failing work already in flight: checkouts made from now on are refused,
 * clients already queued are still served as workers come back, and once the queue is empty the
 * engine's `stop()` waits for the remaining leases. Past `timeout` ms in all, leases are revoked
 * and workers destroyed.
 */
export async function gracefulStop(pool: Pool<unknown>, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  refuseCheckouts(pool);
  await queueEmptied(pool, timeout);
  await pool.stop({ timeout: Math.max(0, deadline - Date.now()) });
}

/**
 * The engine's `stop()` rejects queued clients at once, and has no mode that refuses new
 * checkouts but serves the queue; until it has, the instance's `checkout` (which `use` calls
 * too) is shadowed by one that refuses.
 */
function refuseCheckouts(pool: Pool<unknown>): void {
  const refuse = (): Promise<never> => Promise.reject(new PoolStoppedError(pool.name, 'the application is shutting down'));
  Object.defineProperty(pool, 'checkout', { value: refuse, configurable: true, writable: true });
}

/** Resolves when no client waits for a worker, or after `timeout` ms. */
function queueEmptied(pool: Pool<unknown>, timeout: number): Promise<void> {
  if (pool.status().waiting === 0) return Promise.resolve();
  return new Promise((resolve) => {
    // A waiter leaves the queue by getting a worker, timing out, aborting, or the pool failing.
    const events = ['checkout', 'timeout', 'abort', 'stateChange'] as const;
    const check = (): void => {
      if (pool.status().waiting === 0) done();
    };
    const done = (): void => {
      clearTimeout(timer);
      for (const event of events) pool.off(event, check);
      resolve();
    };
    const timer = setTimeout(done, timeout);
    for (const event of events) pool.on(event, check);
  });
}
