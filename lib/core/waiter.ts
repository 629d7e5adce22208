import type { ClientMonitor } from './client-monitors.js';
import type { Linked } from './linked-list.js';
import type { Lease } from './lease.js';
import type { TimeoutLane } from './timeout-lanes.js';

/**
 * A client queued for a worker. A pool may queue 100k of them, so it is kept small: no `reject`
 * (a rejection goes through `resolve`), no deadline of its own (`since` + its lane's timeout),
 * and `since` is a small integer, so it is stored unboxed.
 */
export class Waiter<W> implements Linked<Waiter<W>> {
  prev: Waiter<W> | undefined = undefined;
  next: Waiter<W> | undefined = undefined;

  constructor(
    /** Cleared once the waiter leaves the queue. */
    public resolve: ((lease: Lease<W> | Promise<never>) => void) | undefined,
    readonly monitor: ClientMonitor | undefined,
    readonly lane: TimeoutLane<W> | undefined,
    /** When it joined the queue, in whole ms of the pool's monotonic clock (`now()`). */
    readonly since: number,
  ) {}

  get settled(): boolean {
    return this.resolve === undefined;
  }

  get deadline(): number {
    return this.since + this.lane!.timeout;
  }
}
