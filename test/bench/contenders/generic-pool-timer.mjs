import { createGenericPool } from './generic-pool.mjs';

/** generic-pool 3 with `acquireTimeoutMillis`: it arms a timer for every acquire. */
export function create({ size, timeout }) {
  return createGenericPool(size, timeout);
}
