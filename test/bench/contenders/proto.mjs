import { resolve } from 'node:path';
import { createPool } from './ours.mjs';

/** Same adapter as ours, over the engine module named by BENCH_PROTO. */
export function create(options) {
  return createPool(resolve(process.env.BENCH_PROTO), options);
}
