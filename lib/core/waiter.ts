import type { Deque } from './deque.js';
import type { Linked } from './linked-list.js';
import type { Lease } from './lease.js';

/** Waiters that share one timeout have monotonic deadlines, so one timer per lane serves them all. */
export interface TimeoutLane<W> {
  readonly timeout: number;
  readonly queue: Deque<Waiter<W>>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A client signal the pool listens to (poolboy's monitor), shared by all its queued checkouts. */
export interface ClientMonitor {
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
  /** Its checkouts in the queue; at 0 the monitor may be dropped. */
  waiting: number;
}

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
