import { DEFINE_WORKER_KEY } from './worker.constants.js';
import type { WorkerFunctions } from './worker-functions.interface.js';

/**
 * Declares what a thread or process worker module offers: `call(name, ...args)` runs
 * `functions[name]`, `run(data)` runs `functions.default`. Call it once, while the module loads;
 * only these functions are callable. A module that does not call it offers its exported functions.
 *
 * ```js
 * import { defineWorker } from 'nestjs-pool/worker';
 * export default defineWorker({ default: (pixels) => blur(pixels), sha256: (text) => hash(text) });
 * ```
 *
 * Import it from `nestjs-pool/worker`, which loads nothing else, so threads start fast.
 */
export function defineWorker<const T extends WorkerFunctions>(functions: T): T {
  if (functions === null || typeof functions !== 'object') {
    throw new TypeError('defineWorker() takes an object of functions, e.g. defineWorker({ default: (data) => data })');
  }
  for (const [name, value] of Object.entries(functions)) {
    if (typeof value !== 'function') throw new TypeError(`defineWorker(): "${name}" must be a function, got ${typeof value}`);
  }
  // Set by the bootstrap of a pool's thread or process; elsewhere (tests, type imports) a no-op.
  const register: unknown = (globalThis as Record<symbol, unknown>)[Symbol.for(DEFINE_WORKER_KEY)];
  if (typeof register === 'function') register(functions);
  return functions;
}
