const CLIENTS = 1000;
const CHECKOUTS = 100; // per client
const SIZE = 10;

/** Each lease is held for one microtask, or for one `setImmediate` (one event-loop turn). */
const HOLDS = {
  microtask: () => undefined, // `await undefined` is one microtask
  setImmediate: () => new Promise((resolve) => setImmediate(resolve)),
};

/** 1000 clients x 100 checkouts on a pool of 10: the queue path, FIFO hand-over and its fairness. */
export const scenario = {
  title: `Contended: ${CLIENTS} clients x ${CHECKOUTS} checkouts, pool of ${SIZE}`,
  variants: Object.keys(HOLDS).map((hold) => ({ id: hold, label: `hold one ${hold}` })),
  contenders: ['ours', 'generic-pool', 'generic-pool+timer', 'tarn', 'floor', 'floor+timer'],
  metrics: {
    opsPerSec: { label: 'ops/s', format: 'rate', better: 'higher' },
    p50: { label: 'p50 wait', format: 'ms', better: 'lower' },
    p99: { label: 'p99 wait', format: 'ms', better: 'lower' },
  },
  targets: [
    { metric: 'opsPerSec', vs: 'generic-pool', min: 3 },
    { metric: 'opsPerSec', vs: 'floor', min: 0.5 },
  ],
  async run(create, variant) {
    const pool = await create({ size: SIZE, timeout: 5000 });
    const hold = HOLDS[variant];
    const clients = Array.from({ length: CLIENTS }, () => pool.client());
    await round(pool, clients, hold, 20); // warm up
    // Throughput and waits in separate rounds, so reading the clock does not slow the first.
    const start = performance.now();
    await round(pool, clients, hold, CHECKOUTS);
    const ms = performance.now() - start;
    const waits = new Float64Array(CLIENTS * CHECKOUTS);
    await round(pool, clients, hold, CHECKOUTS, waits);
    waits.sort();
    return {
      opsPerSec: ((CLIENTS * CHECKOUTS) / ms) * 1000,
      p50: waits[Math.floor(waits.length * 0.5)],
      p99: waits[Math.floor(waits.length * 0.99)],
    };
  },
};

async function round(pool, clients, hold, checkouts, waits) {
  let next = 0;
  const client = async (token) => {
    for (let i = 0; i < checkouts; i++) {
      const asked = waits === undefined ? 0 : performance.now();
      const resource = await pool.acquire(token);
      if (waits !== undefined) waits[next++] = performance.now() - asked;
      await hold();
      pool.release(resource);
    }
  };
  await Promise.all(clients.map(client));
  if (pool.waiting() !== 0) throw new Error(`${pool.waiting()} clients still queued after the round`);
}
