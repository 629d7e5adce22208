/** `ready | overflow | full` as poolboy's `state_name/1`; the others are lifecycle states. */
export type PoolState =
  | 'starting'
  | 'ready'
  | 'overflow'
  | 'full'
  | 'draining'
  | 'stopped'
  | 'failed';

export interface PoolStatus {
  name: string;
  state: PoolState;
  size: number;
  maxOverflow: number;
  /** Live workers: `idle + busy`. */
  workers: number;
  idle: number;
  busy: number;
  /** Workers beyond `size`, counting those being started (poolboy's overflow counter). */
  overflow: number;
  /** Clients queued for a worker. */
  waiting: number;
  /** Workers being created, or waiting out a backoff before a retry. */
  starting: number;
  /** Workers replaced since start: deaths and failed creates. */
  restarts: number;
}

/** One live worker as `pool.workers()` lists it. */
export interface WorkerInfo {
  id: number;
  state: 'idle' | 'busy';
}
