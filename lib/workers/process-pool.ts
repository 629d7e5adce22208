import type { ProcessPoolOptions } from './process-pool-options.interface.js';
import { processWorkerFactory } from './process-worker.factory.js';
import type { ProcessWorker } from './process-worker.js';
import type { WorkerFunctions } from './worker-functions.interface.js';
import { WorkerPool, withWorkerFactory } from './worker-pool.js';

/**
 * A pool of child processes forked on one module:
 * `new ProcessPool({ name: 'render', size: 2, process: { modulePath } })`.
 */
export class ProcessPool<T extends object = WorkerFunctions> extends WorkerPool<T, ProcessWorker<T>> {
  constructor(options: ProcessPoolOptions<T>) {
    super(withWorkerFactory(options, 'process', processWorkerFactory<T>));
  }
}
