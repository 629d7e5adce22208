import tarn from 'tarn';

/** tarn 3; its acquire timeout is always on (one timer per acquire). */
export async function create({ size, timeout }) {
  let next = 0;
  const pool = new tarn.Pool({
    create: async () => ({ id: ++next }),
    destroy: () => undefined,
    min: size,
    max: size,
    acquireTimeoutMillis: timeout === Infinity ? 2 ** 31 - 1 : timeout,
  });
  // tarn creates lazily: acquire every resource once so all are free and warm.
  const all = await Promise.all(Array.from({ length: size }, () => pool.acquire().promise));
  for (const resource of all) pool.release(resource);
  return {
    client: () => undefined,
    acquire: () => pool.acquire().promise,
    release: (resource) => void pool.release(resource),
    waiting: () => pool.numPendingAcquires(),
  };
}
