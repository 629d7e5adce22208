export * from './inject-pool.decorator.js';
export * from './pool.utils.js';
