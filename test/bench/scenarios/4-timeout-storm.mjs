import { settledHeap } from '../heap.mjs';

const WAITERS = 10_000;
const TIMEOUT = 50;
/** Heap left over after the storm that still counts as "back to baseline" (10 B per waiter). */
const RESIDUE = 100 * 1024;

/** 10k clients time out together on a held pool: how late the last one hears, and what is left. */
export const scenario = {
  title: `Timeout storm: ${WAITERS / 1000}k waiters, ${TIMEOUT} ms timeout, held pool of 1`,
  contenders: ['ours', 'generic-pool+timer', 'tarn', 'floor+timer'],
  nodeFlags: ['--expose-gc'],
  metrics: {
    lateMs: { label: 'last rejection after its deadline', format: 'ms', better: 'lower' },
    // Both should be 0; a ratio of two near-zero numbers says nothing.
    queued: { label: 'left queued', format: 'count', better: 'lower', ratio: false },
    residue: { label: 'heap above baseline after', format: 'bytes', better: 'lower', ratio: false },
  },
  targets: [
    { metric: 'lateMs', max: 30 },
    { metric: 'queued', max: 0, on: 'max' },
    { metric: 'residue', max: RESIDUE },
  ],
  async run(create) {
    const pool = await create({ size: 1, timeout: TIMEOUT });
    await pool.acquire(pool.client()); // held for good
    const clients = Array.from({ length: WAITERS }, () => pool.client());
    // Keep the process alive as a server would: a pool may unref its timers.
    const alive = setInterval(() => undefined, 1000);
    // A first storm warms up: its compiled code and one-off growth are baseline; a leak is not.
    await storm(pool, clients);
    const before = settledHeap();
    const lateMs = await storm(pool, clients);
    await new Promise((resolve) => setImmediate(resolve)); // let the pool finish its bookkeeping
    const queued = pool.waiting();
    const residue = Math.max(0, settledHeap() - before);
    clearInterval(alive);
    return { lateMs, queued, residue };
  },
};

/** Queues one checkout per client; resolves, once all were rejected, with the worst lateness. */
function storm(pool, clients) {
  return new Promise((resolve, reject) => {
    let pending = clients.length;
    let late = 0;
    for (const client of clients) {
      const deadline = performance.now() + TIMEOUT;
      pool.acquire(client).then(
        () => reject(new Error('a checkout succeeded on a held pool')),
        () => {
          late = Math.max(late, performance.now() - deadline);
          if (--pending === 0) resolve(late);
        },
      );
    }
  });
}
