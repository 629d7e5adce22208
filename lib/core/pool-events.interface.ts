import type { Lease } from './lease.js';
import type { PoolFailedError } from './pool.errors.js';
import type { DestroyReason } from './pool-options.interface.js';
import type { PoolState } from './pool-status.interface.js';

/**
 * The pool's typed events (`pool.on('checkout', lease => ...)`). Payloads reuse objects the
 * pool already has, so an event nobody listens to costs next to nothing.
 */
export type PoolEvents<W> = {
  /** A worker was created and joined the pool. */
  workerStart: [workerId: number];
  /** A worker left the pool and is being destroyed; `error` is the exit reason, if any. */
  workerExit: [workerId: number, reason: DestroyReason, error: unknown];
  /** A dead worker or failed create is being replaced; `restarts` counts them all. */
  workerRestart: [restarts: number, cause: unknown];
  /** `create` failed; `attempt` counts consecutive failures (the backoff's input). */
  createError: [error: unknown, attempt: number];
  /** `destroy` threw or rejected; the worker is gone all the same. */
  destroyError: [error: unknown, workerId: number];
  /** A lease was granted; `waited` is how long the client queued, in ms (0 when a worker was idle). */
  checkout: [lease: Lease<W>, waited: number];
  checkin: [lease: Lease<W>];
  /** A client joined the queue; `waiting` is the queue length after it. */
  wait: [waiting: number];
  /** A queued client gave up after `timeout` ms. */
  timeout: [timeout: number];
  /** A queued client's signal aborted. */
  abort: [reason: unknown];
  /** A lease was held past `leaseTimeout` and revoked. */
  leaseTimeout: [lease: Lease<W>];
  stateChange: [state: PoolState, previous: PoolState];
  /** The pool failed (workers could not start, or restarts exceeded the intensity): why. */
  failed: [error: PoolFailedError];
};
