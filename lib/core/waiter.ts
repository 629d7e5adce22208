import type { Linked } from './linked-list.js';
import type { Lease } from './lease.js';

/**
 * A client queued for a worker. It is its own abort listener (`handleEvent`), so queueing a
 * client with a signal allocates no closure.
 */
export class Waiter<W> implements Linked<Waiter<W>> {
  prev: Waiter<W> | undefined = undefined;
  next: Waiter<W> | undefined = undefined;
  settled = false;
  deadline = Infinity;

  constructor(
    readonly onAbort: (waiter: Waiter<W>) => void,
    readonly resolve: (lease: Lease<W>) => void,
    readonly reject: (error: unknown) => void,
    readonly signal: AbortSignal | undefined,
    readonly timeout: number,
    /** When it joined the queue (`Date.now()`): the wait time reported with its checkout. */
    readonly since: number,
  ) {}

  handleEvent(): void {
    this.onAbort(this);
  }
}
