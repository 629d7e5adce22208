import genericPool from 'generic-pool';

/** generic-pool 3 as most use it: defaults, so no acquire timeout (its fastest configuration). */
export function create({ size }) {
  return createGenericPool(size, undefined);
}

export async function createGenericPool(size, acquireTimeoutMillis) {
  let next = 0;
  const pool = genericPool.createPool(
    { create: async () => ({ id: ++next }), destroy: async () => undefined },
    { min: size, max: size, acquireTimeoutMillis },
  );
  await pool.ready();
  return {
    client: () => undefined,
    acquire: () => pool.acquire(),
    release: (resource) => void pool.release(resource),
    waiting: () => pool.pending,
  };
}
