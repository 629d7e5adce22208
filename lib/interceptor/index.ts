export * from './pool-unavailable.exception.js';
export * from './pool-worker.decorator.js';
export * from './pool-worker.interceptor.js';
export * from './use-pool-worker.decorator.js';
export type * from './use-pool-worker-options.interface.js';
