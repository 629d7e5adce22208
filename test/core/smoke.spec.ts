import { describe, expect, it } from '@jest/globals';
import { Pool } from 'nestjs-pool';

describe('smoke', () => {
  it('checks out and in', async () => {
    let n = 0;
    const pool = new Pool({ name: 'p', size: 1, maxOverflow: 1, factory: { create: () => ({ n: ++n }) } });
    await pool.start();
    const a = await pool.checkout();
    const b = await pool.checkout();
    expect(pool.status()).toMatchObject({ state: 'full', busy: 2, overflow: 1 });
    const c = pool.checkout();
    expect(pool.status().waiting).toBe(1);
    a.release();
    expect((await c).worker).toBe(a.worker);
    b.release();
    (await c).release();
    expect(pool.status()).toMatchObject({ state: 'ready', idle: 1, busy: 0, overflow: 0, workers: 1 });
    await pool.stop();
    expect(pool.status().state).toBe('stopped');
  });
});
