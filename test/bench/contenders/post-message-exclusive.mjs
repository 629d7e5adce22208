import { FloorPool } from './floor-pool.mjs';
import { startEchoThreads } from './post-message.mjs';

/**
 * The floor of a pool that lends a thread for one call at a time, as ours and piscina do: raw
 * `postMessage` round trips, and the pool floor (a free list and a FIFO of waiters) in front.
 */
export async function create({ threads }) {
  const workers = await startEchoThreads(threads);
  const pool = new FloorPool([...workers]);
  return {
    run: async (method, arg) => {
      const worker = await pool.acquire();
      try {
        return await worker.call(method, arg);
      } finally {
        pool.release(worker);
      }
    },
    close: () => Promise.all(workers.map((worker) => worker.close())),
  };
}
