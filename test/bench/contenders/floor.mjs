import { FloorPool } from './floor-pool.mjs';

/** The floor without timers: waiters wait for ever. */
export async function create({ size }) {
  return adapt(new FloorPool(Array.from({ length: size }, (_, i) => ({ id: i + 1 }))));
}

export function adapt(pool) {
  return {
    client: () => undefined,
    acquire: () => pool.acquire(),
    release: (resource) => pool.release(resource),
    waiting: () => pool.waiting,
  };
}
