import type { DestroyReason, Lease, Pool, PoolEvents, PoolState } from '../core/index.js';
import type { ObservedPool, ObservedPoolUpdate, ObservedWorker, PoolObserverEvent } from './observed-pool.interface.js';
import { MAX_DEAD_WORKERS, MAX_EVENTS_PER_UPDATE } from './pool-observer.constants.js';

type Listeners = { [E in keyof PoolEvents<unknown>]?: (...args: PoolEvents<unknown>[E]) => void };

/** Exits that are part of a normal life: not shown as dead workers. */
const NORMAL_EXITS: ReadonlySet<DestroyReason> = new Set(['dismissed', 'stopped']);

/**
 * One pool as the observer sees it: its live workers as `pool.workers()` lists them, the
 * latest dead ones, and the events and wait times since the last update.
 */
export class PoolTracker {
  readonly #pool: Pool<unknown>;
  /** Latest abnormal exits, newest first. */
  readonly #dead: ObservedWorker[] = [];
  readonly #totals = { checkouts: 0, timeouts: 0, aborts: 0, exits: 0 };
  #events: PoolObserverEvent[] = [];
  #dropped = 0;
  #waits = 0;
  #waitSum = 0;
  #waitMax = 0;
  #changed = true;
  readonly #detach: () => void;

  constructor(pool: Pool<unknown>) {
    this.#pool = pool;
    const listeners: Listeners = {
      workerStart: (workerId: number) => this.#record({ type: 'workerStart', at: Date.now(), workerId }),
      workerExit: (workerId: number, reason: DestroyReason) => {
        this.#totals.exits++;
        if (!NORMAL_EXITS.has(reason)) {
          this.#dead.unshift({ id: workerId, state: 'dead', reason });
          if (this.#dead.length > MAX_DEAD_WORKERS) this.#dead.pop();
        }
        this.#record({ type: 'workerExit', at: Date.now(), workerId, reason });
      },
      workerRestart: (restarts: number) => this.#record({ type: 'workerRestart', at: Date.now(), restarts }),
      createError: (_error: unknown, attempt: number) => this.#record({ type: 'createError', at: Date.now(), attempt }),
      destroyError: (_error: unknown, workerId: number) => this.#record({ type: 'destroyError', at: Date.now(), workerId }),
      checkout: (lease: Lease<unknown>, waited: number) => {
        this.#totals.checkouts++;
        this.#waits++;
        this.#waitSum += waited;
        if (waited > this.#waitMax) this.#waitMax = waited;
        this.#record({ type: 'checkout', at: Date.now(), workerId: lease.workerId, waited });
      },
      checkin: (lease: Lease<unknown>) => this.#record({ type: 'checkin', at: Date.now(), workerId: lease.workerId }),
      wait: (waiting: number) => this.#record({ type: 'wait', at: Date.now(), waiting }),
      timeout: (timeout: number) => {
        this.#totals.timeouts++;
        this.#record({ type: 'timeout', at: Date.now(), timeout });
      },
      abort: () => {
        this.#totals.aborts++;
        this.#record({ type: 'abort', at: Date.now() });
      },
      leaseTimeout: (lease: Lease<unknown>) => this.#record({ type: 'leaseTimeout', at: Date.now(), workerId: lease.workerId }),
      stateChange: (state: PoolState, previous: PoolState) => this.#record({ type: 'stateChange', at: Date.now(), state, previous }),
    };
    const entries = Object.entries(listeners) as [keyof PoolEvents<unknown>, (...args: any[]) => void][];
    for (const [event, listener] of entries) pool.on(event, listener);
    this.#detach = () => {
      for (const [event, listener] of entries) pool.off(event, listener);
    };
  }

  get name(): string {
    return this.#pool.name;
  }

  view(): ObservedPool {
    const status = this.#pool.status();
    const live: ObservedWorker[] = this.#pool
      .workers()
      .sort((a, b) => a.id - b.id)
      .map(({ id, state }) => ({ id, state }));
    // Overflow is a count in the pool, not a mark on a worker: the busy ones past `size`, oldest first, show it.
    for (let i = status.size; i < live.length; i++) {
      if (live[i]!.state === 'busy') live[i]!.state = 'overflow';
    }
    for (let i = 0; i < status.starting; i++) live.push({ id: null, state: 'starting' });
    return { ...status, workerStates: [...live, ...this.#dead.map((dead) => ({ ...dead }))], totals: { ...this.#totals } };
  }

  /** What happened since the previous call, or undefined when nothing did. */
  flush(): ObservedPoolUpdate | undefined {
    if (!this.#changed) return undefined;
    const update: ObservedPoolUpdate = {
      pool: this.view(),
      events: this.#events,
      dropped: this.#dropped,
      wait: this.#waits === 0 ? null : { count: this.#waits, mean: round(this.#waitSum / this.#waits), max: this.#waitMax },
    };
    this.discard();
    return update;
  }

  /** Forgets the events and wait times gathered so far (no one was listening). */
  discard(): void {
    this.#events = [];
    this.#dropped = this.#waits = this.#waitSum = this.#waitMax = 0;
    this.#changed = false;
  }

  close(): void {
    this.#detach();
  }

  #record(event: PoolObserverEvent): void {
    this.#changed = true;
    if (this.#events.length < MAX_EVENTS_PER_UPDATE) this.#events.push(event);
    else this.#dropped++;
  }
}

/** Milliseconds to a tenth: enough for a person, short on the wire. */
function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
