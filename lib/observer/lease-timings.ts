import { Deque } from '../core/deque.js';
import type { Lease, Pool, PoolState } from '../core/index.js';

export interface LeaseTimingsListener {
  /** A checkout was granted after `ms` in the queue: 0 when a worker was free, NaN when it queued before the watch began. */
  waited(ms: number, lease: Lease<unknown>): void;
  /** A lease ended after `ms`: checked in, or revoked when its worker died. */
  held?(ms: number, workerId: number): void;
}

const CLOSED: ReadonlySet<PoolState> = new Set(['draining', 'failed', 'stopped']);

/**
 * Wait and hold times derived from a pool's events. The queue is FIFO and a grant always
 * serves its head, so enqueue times kept in order match the clients served. A timeout or an
 * abort is taken to remove the oldest entry: exact while clients share one timeout and none
 * aborts, since the events do not say which waiter left.
 */
export function watchLeaseTimings(pool: Pool<unknown>, listener: LeaseTimingsListener): () => void {
  let queued = new Deque<number>();
  for (let i = pool.status().waiting; i > 0; i--) queued.push(NaN);
  const heldSince = new Map<number, number>();

  const onWait = (): void => queued.push(performance.now());
  const onLeaveQueue = (): void => void queued.shift();
  const onCheckout = (lease: Lease<unknown>): void => {
    const now = performance.now();
    // A grant from the queue shifted its head before this event; a free worker left it alone.
    const waited = pool.status().waiting < queued.length ? now - queued.shift()! : 0;
    heldSince.set(lease.workerId, now);
    listener.waited(waited, lease);
  };
  const end = (workerId: number): void => {
    const since = heldSince.get(workerId);
    if (since === undefined) return;
    heldSince.delete(workerId);
    listener.held?.(performance.now() - since, workerId);
  };
  const onCheckin = (lease: Lease<unknown>): void => end(lease.workerId);
  const onStateChange = (state: PoolState): void => {
    if (CLOSED.has(state)) queued = new Deque(); // closing rejects every waiter, without an event each
  };

  pool.on('wait', onWait);
  pool.on('timeout', onLeaveQueue);
  pool.on('abort', onLeaveQueue);
  pool.on('checkout', onCheckout);
  pool.on('checkin', onCheckin);
  pool.on('workerExit', end);
  pool.on('stateChange', onStateChange);
  return () => {
    pool.off('wait', onWait);
    pool.off('timeout', onLeaveQueue);
    pool.off('abort', onLeaveQueue);
    pool.off('checkout', onCheckout);
    pool.off('checkin', onCheckin);
    pool.off('workerExit', end);
    pool.off('stateChange', onStateChange);
  };
}
