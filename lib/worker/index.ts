/**
 * `nestjs-pool/worker`: what a thread or process worker module imports. It loads nothing but
 * `defineWorker`, so a worker starts without the engine or Nest.
 */
export { defineWorker } from '../workers/define-worker.js';
export type * from '../workers/worker-functions.interface.js';
