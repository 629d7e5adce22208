export * from './core/index.js';
export * from './workers/index.js';
export * from './interceptor/index.js';
export * from './common/index.js';
export type * from './interfaces/index.js';
export * from './pool.module.js';
