import type { WorkerFactory } from '../core/index.js';
import type { ProcessWorkerOptions } from './process-pool-options.interface.js';
import { ProcessWorker } from './process-worker.js';
import { resolveProcessWorkerOptions } from './resolve-worker-options.js';
import type { WorkerFunctions } from './worker-functions.interface.js';

/**
 * The engine factory behind a pool's `process` option: one forked child per worker, created
 * once its module loaded, killed on destroy. Throws `PoolConfigError` for bad options.
 */
export function processWorkerFactory<T extends object = WorkerFunctions>(
  pool: string,
  options: ProcessWorkerOptions,
): WorkerFactory<ProcessWorker<T>> {
  const resolved = resolveProcessWorkerOptions(pool, options);
  return {
    create: (ctx) => ProcessWorker.start<T>(ctx, resolved),
    destroy: (worker, reason) => worker.close(reason),
  };
}
