import type { ResourceLimits, WorkerOptions } from 'node:worker_threads';
import type { PoolOptions } from '../core/index.js';
import type { ThreadWorker } from './thread-worker.js';
import type { WorkerFunctions } from './worker-functions.interface.js';

/** A pool of `worker_threads`: each pool worker is one thread running `filename`. */
export interface ThreadWorkerOptions {
  /**
   * The worker module (.js/.mjs/.cjs): an absolute path or a `file:` URL (a relative path is
   * resolved against the working directory). It calls `defineWorker`, or exports its functions.
   */
  filename: string | URL;
  /** Cloned into each thread as `workerData` (from `node:worker_threads`). */
  workerData?: unknown;
  /** Heap and stack limits; a thread that exceeds them dies and is replaced. */
  resourceLimits?: ResourceLimits;
  /** The thread's `process.env` (default: a copy of the parent's), or `SHARE_ENV`. */
  env?: WorkerOptions['env'];
}

/** `new ThreadPool(options)`: the engine's pool options with `thread` instead of `factory`. */
export interface ThreadPoolOptions<T extends object = WorkerFunctions> extends Omit<PoolOptions<ThreadWorker<T>>, 'factory'> {
  thread: ThreadWorkerOptions;
}
