import type { TransferListItem } from 'node:worker_threads';

/** Options of one call into a thread or process worker. */
export interface RunOptions<K extends string = string> {
  /** The function to run; default `'default'`. */
  method?: K;
  /**
   * Moved to a thread rather than copied (e.g. an `ArrayBuffer` holding pixels); they are
   * unusable here afterwards. A child process always receives a copy.
   */
  transferList?: readonly TransferListItem[];
  /**
   * Aborting it terminates the thread or process (the CPU work stops) and rejects the call with
   * `WorkerAbortedError`; the pool replaces the worker. Already aborted: the call never starts.
   */
  signal?: AbortSignal;
  /** Past this many ms (at most 2^31 - 1) the call is treated as aborted: `WorkerTimeoutError`. Default none. */
  timeout?: number;
}
