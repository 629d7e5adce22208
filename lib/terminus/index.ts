export * from './pool-health.indicator.js';
export type * from './pool-health-options.interface.js';
