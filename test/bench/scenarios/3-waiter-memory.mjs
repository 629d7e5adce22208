import { settledHeap } from '../heap.mjs';

const WAITERS = 100_000;

/** What one queued client costs in heap, with the default checkout timeout (5 s) on. */
export const scenario = {
  title: `Memory per queued waiter: ${WAITERS / 1000}k waiters on a held pool of 1, timeout on`,
  contenders: ['ours', 'generic-pool', 'generic-pool+timer', 'tarn', 'floor', 'floor+timer'],
  nodeFlags: ['--expose-gc'],
  metrics: { bytesPerWaiter: { label: 'heap per waiter', format: 'bytes', better: 'lower' } },
  targets: [{ metric: 'bytesPerWaiter', max: 250 }],
  async run(create) {
    const pool = await create({ size: 1, timeout: 5000 });
    await pool.acquire(pool.client()); // held for good
    const promises = new Array(WAITERS).fill(undefined); // the caller's references, allocated up front
    const before = settledHeap();
    // Counted: the promise, the pool's waiter and queue slot, its timer; not the caller's frame.
    for (let i = 0; i < WAITERS; i++) promises[i] = pool.acquire(undefined);
    const after = settledHeap();
    if (pool.waiting() !== WAITERS) throw new Error(`expected ${WAITERS} queued, found ${pool.waiting()}`);
    // The process exits right after reporting, long before the 5 s timeouts fire.
    return { bytesPerWaiter: (after - before) / WAITERS };
  },
};
