export type * from './observed-pool.interface.js';
export * from './pool-observer.module.js';
export type * from './pool-observer-options.interface.js';
export * from './pool-observer.service.js';
