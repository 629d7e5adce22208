import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { PoolConfigError } from '../core/index.js';
import { USE_POOL_WORKER_METADATA } from './pool-worker.constants.js';
import { PoolWorkerInterceptor } from './pool-worker.interceptor.js';
import type { UsePoolWorkerMetadata, UsePoolWorkerOptions } from './use-pool-worker-options.interface.js';

/**
 * Checks a worker of pool `name` out around the handler (or every handler of the controller);
 * read it with `@PoolWorker()` or `@PoolLease()`.
 */
export function UsePoolWorker(name: string, options: UsePoolWorkerOptions = {}): ClassDecorator & MethodDecorator {
  if (typeof name !== 'string' || name === '') {
    throw new PoolConfigError(String(name), 'name', '@UsePoolWorker(name) needs the name of a registered pool');
  }
  const { timeout, block, retryAfter } = options;
  if (timeout !== undefined && !(timeout >= 0)) {
    throw new PoolConfigError(name, 'timeout', `of @UsePoolWorker must be a number >= 0, got ${String(timeout)}`);
  }
  if (retryAfter !== undefined && !(Number.isInteger(retryAfter) && retryAfter >= 0)) {
    throw new PoolConfigError(name, 'retryAfter', `of @UsePoolWorker must be an integer >= 0 (seconds), got ${String(retryAfter)}`);
  }
  const metadata: UsePoolWorkerMetadata = { name, timeout, block, retryAfter };
  return applyDecorators(SetMetadata(USE_POOL_WORKER_METADATA, metadata), UseInterceptors(PoolWorkerInterceptor));
}
