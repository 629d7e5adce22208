import { TimedFloorPool } from './timed-floor-pool.mjs';
import { adapt } from './floor.mjs';

/** The floor with one timer per waiter that actually waits. */
export async function create({ size, timeout }) {
  return adapt(new TimedFloorPool(Array.from({ length: size }, (_, i) => ({ id: i + 1 })), timeout));
}
