export type * from './pool-definition.interface.js';
export type * from './pool-module-options.interface.js';
export type * from './pool-worker.interface.js';
