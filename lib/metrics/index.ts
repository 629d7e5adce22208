export * from './pool-metrics.constants.js';
export * from './pool-metrics.js';
export * from './pool-metrics.module.js';
export type * from './pool-metrics-options.interface.js';
