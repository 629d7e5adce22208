import genericPool from 'generic-pool';

/** generic-pool 3 with its acquire timeout on (it arms a timer for every acquire). */
export async function create({ size, timeout }) {
  let next = 0;
  const pool = genericPool.createPool(
    { create: async () => ({ id: ++next }), destroy: async () => undefined },
    { min: size, max: size, acquireTimeoutMillis: timeout === Infinity ? undefined : timeout },
  );
  await pool.ready();
  return {
    client: () => undefined,
    acquire: () => pool.acquire(),
    release: (resource) => void pool.release(resource),
    waiting: () => pool.pending,
  };
}
