import type { DestroyReason, PoolState, PoolStatus } from '../core/index.js';

/**
 * How the observer sees a worker. `overflow` is a busy worker beyond `size`; `dead` one that
 * exited abnormally lately (crashed, broken, invalid, lease or create timeout).
 */
export type ObservedWorkerState = 'idle' | 'busy' | 'overflow' | 'starting' | 'dead';

export interface ObservedWorker {
  /** Null for a worker being started. */
  id: number | null;
  state: ObservedWorkerState;
  /** Why a dead worker was destroyed. */
  reason?: DestroyReason;
}

export interface ObservedPool extends PoolStatus {
  /** One entry per live or starting worker, then the latest dead ones; never what a worker holds. */
  workerStates: ObservedWorker[];
  /** Since the observer began watching the pool. */
  totals: { checkouts: number; timeouts: number; aborts: number; exits: number };
}

/** A pool event as the stream sends it: ids, numbers and reasons, never a worker or an error. */
export type PoolObserverEvent = { at: number } & (
  | { type: 'workerStart'; workerId: number }
  | { type: 'workerExit'; workerId: number; reason: DestroyReason }
  | { type: 'workerRestart'; restarts: number }
  | { type: 'createError'; attempt: number }
  | { type: 'destroyError'; workerId: number }
  /** `waited`: how long the client queued, in ms (0 when a worker was idle). */
  | { type: 'checkout'; workerId: number; waited: number }
  | { type: 'checkin'; workerId: number }
  | { type: 'wait'; waiting: number }
  | { type: 'timeout'; timeout: number }
  | { type: 'abort' }
  | { type: 'leaseTimeout'; workerId: number }
  | { type: 'stateChange'; state: PoolState; previous: PoolState }
);

/** What changed in one pool since the previous update. */
export interface ObservedPoolUpdate {
  pool: ObservedPool;
  /** Its events in order, the first `MAX_EVENTS_PER_UPDATE` of them. */
  events: PoolObserverEvent[];
  /** Events left out past that limit. */
  dropped: number;
  /** Wait times (ms) of the checkouts granted since the previous update; null when there was none. */
  wait: { count: number; mean: number; max: number } | null;
}

/** `GET {path}`, and the stream's first message (`event: snapshot`). */
export interface PoolObserverSnapshot {
  at: number;
  pools: ObservedPool[];
}

/** The stream's later messages (`event: update`), sent when something changed. */
export interface PoolObserverUpdate {
  at: number;
  pools: ObservedPoolUpdate[];
  /** Pools that left the registry. */
  removed: string[];
}
