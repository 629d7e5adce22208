import type { ThreadPoolOptions } from './thread-pool-options.interface.js';
import { threadWorkerFactory } from './thread-worker.factory.js';
import type { ThreadWorker } from './thread-worker.js';
import type { WorkerFunctions } from './worker-functions.interface.js';
import { WorkerPool, withWorkerFactory } from './worker-pool.js';

/**
 * A pool of `worker_threads` threads running one module:
 * `new ThreadPool({ name: 'hash', size: 4, thread: { filename } })`.
 */
export class ThreadPool<T extends object = WorkerFunctions> extends WorkerPool<T, ThreadWorker<T>> {
  constructor(options: ThreadPoolOptions<T>) {
    super(withWorkerFactory(options, 'thread', threadWorkerFactory<T>));
  }
}
