export * from './lease.js';
export * from './pool.js';
export * from './pool.errors.js';
export type * from './pool-events.interface.js';
export type * from './pool-options.interface.js';
export type * from './pool-status.interface.js';
export * from './pool-registry.js';
