import type { WorkerFactory } from '../core/index.js';
import { resolveThreadWorkerOptions } from './resolve-worker-options.js';
import type { ThreadWorkerOptions } from './thread-pool-options.interface.js';
import { ThreadWorker } from './thread-worker.js';
import type { WorkerFunctions } from './worker-functions.interface.js';

/**
 * The engine factory behind a pool's `thread` option: one `worker_threads` thread per worker,
 * created once its module loaded, terminated on destroy. Throws `PoolConfigError` for bad options.
 */
export function threadWorkerFactory<T extends object = WorkerFunctions>(
  pool: string,
  options: ThreadWorkerOptions,
): WorkerFactory<ThreadWorker<T>> {
  const resolved = resolveThreadWorkerOptions(pool, options);
  return {
    create: (ctx) => ThreadWorker.start<T>(ctx, resolved),
    destroy: (worker, reason) => worker.close(reason),
  };
}
