/** One client checking out and in as fast as it can: the cost of the pool's fast path. */
export const scenario = {
  title: 'Uncontended checkout + checkin, pool of 10, instant resources',
  contenders: ['ours', 'generic-pool', 'generic-pool+timer', 'tarn', 'floor', 'floor+timer'],
  metrics: { opsPerSec: { label: 'ops/s', format: 'rate', better: 'higher' } },
  targets: [
    { metric: 'opsPerSec', vs: 'generic-pool', min: 3 },
    { metric: 'opsPerSec', vs: 'floor', min: 0.5 },
  ],
  async run(create) {
    const pool = await create({ size: 10, timeout: 5000 });
    const client = pool.client();
    const cycle = async (n) => {
      for (let i = 0; i < n; i++) pool.release(await pool.acquire(client));
    };
    await forAtLeast(300, cycle); // warm up: let the JIT settle
    const { ops, ms } = await forAtLeast(1000, cycle);
    return { opsPerSec: (ops / ms) * 1000 };
  },
};

/** Runs `cycle` in chunks until `ms` have passed. */
async function forAtLeast(ms, cycle, chunk = 20_000) {
  const start = performance.now();
  let ops = 0;
  let elapsed = 0;
  while (elapsed < ms) {
    await cycle(chunk);
    ops += chunk;
    elapsed = performance.now() - start;
  }
  return { ops, ms: elapsed };
}
