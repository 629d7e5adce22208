/**
 * poolboy's own test suite (poolboy_tests.erl), ported scenario by scenario to this API.
 * Where Erlang kills a process, a test calls the worker's `ctx.exit()` or aborts the client's signal.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { Pool, PoolFullError, PoolTimeoutError, type Lease } from 'nestjs-pool';
import { usePoolFixture } from './support/pool-fixture.js';
import { flush, type TestWorker } from './support/test-factory.js';

const fx = usePoolFixture({ name: 'poolboy' });

async function checkoutMany(pool: Pool<TestWorker>, n: number): Promise<Lease<TestWorker>[]> {
  const leases: Lease<TestWorker>[] = [];
  for (let i = 0; i < n; i++) leases.push(await pool.checkout());
  return leases;
}

describe('poolboy scenarios', () => {
  it('pool startup: starts size workers, all idle', async () => {
    const pool = await fx.startPool({ size: 10, maxOverflow: 5 });
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 10, idle: 10, busy: 0, overflow: 0 });
    expect(fx.factory.created).toHaveLength(10);
  });

  it('pool overflow: starts overflow workers under load and dismisses them on checkin', async () => {
    const pool = await fx.startPool({ size: 5, maxOverflow: 5 });
    const leases = await checkoutMany(pool, 7);
    expect(pool.status()).toMatchObject({ workers: 7, idle: 0, busy: 7, overflow: 2 });
    for (const lease of leases) lease.release();
    await flush();
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 5, idle: 5, overflow: 0 });
    expect(fx.factory.destroyed.map((d) => d.reason)).toEqual(['dismissed', 'dismissed']);
  });

  it('pool empty: a full pool queues the client until a worker is checked in', async () => {
    const pool = await fx.startPool({ size: 5, maxOverflow: 2 });
    const leases = await checkoutMany(pool, 7);
    expect(pool.status().state).toBe('full');
    const waiting = pool.checkout();
    expect(pool.status().waiting).toBe(1);
    leases[0]!.release();
    const lease = await waiting;
    expect(lease.worker).toBe(leases[0]!.worker);
    // Handed straight to the waiter: the overflow count is unchanged.
    expect(pool.status()).toMatchObject({ workers: 7, overflow: 2, waiting: 0 });
    for (const l of [lease, ...leases.slice(1)]) l.release();
    await flush();
    expect(pool.status()).toMatchObject({ workers: 5, idle: 5, overflow: 0 });
  });

  it('pool empty, no overflow: the client waits; non-blocking gets full', async () => {
    const pool = await fx.startPool({ size: 5, maxOverflow: 0 });
    const leases = await checkoutMany(pool, 5);
    await expect(pool.checkout({ block: false })).rejects.toBeInstanceOf(PoolFullError);
    const waiting = pool.checkout();
    leases[4]!.release();
    expect((await waiting).worker).toBe(leases[4]!.worker);
    expect(pool.status()).toMatchObject({ state: 'full', workers: 5, overflow: 0 });
  });

  it('worker death: an idle worker that dies is replaced', async () => {
    const pool = await fx.startPool({ size: 5, maxOverflow: 2 });
    fx.factory.created[0]!.ctx.exit('boom');
    await flush();
    expect(pool.status()).toMatchObject({ workers: 5, idle: 5, restarts: 1 });
    expect(fx.factory.live()).toHaveLength(5);
    expect(fx.factory.live()).not.toContain(fx.factory.created[0]!.id);
  });

  it('worker death while full: a dead overflow worker is not replaced', async () => {
    const pool = await fx.startPool({ size: 5, maxOverflow: 2 });
    const leases = await checkoutMany(pool, 7);
    leases[6]!.worker.ctx.exit('boom');
    await flush();
    expect(pool.status()).toMatchObject({ state: 'overflow', workers: 6, busy: 6, overflow: 1 });
    expect(leases[6]!.held).toBe(false);
    expect(leases[6]!.signal.aborted).toBe(true);
  });

  it('worker death while full with a waiter: a new worker goes to the waiter', async () => {
    const pool = await fx.startPool({ size: 5, maxOverflow: 2 });
    const leases = await checkoutMany(pool, 7);
    const waiting = pool.checkout();
    leases[3]!.worker.ctx.exit('boom');
    const lease = await waiting;
    expect(fx.factory.created).toHaveLength(8);
    expect(lease.worker).toBe(fx.factory.created[7]);
    expect(pool.status()).toMatchObject({ state: 'full', workers: 7, overflow: 2, waiting: 0 });
  });

  it('pool full non-blocking: overflow is still used, then full', async () => {
    const pool = await fx.startPool({ size: 5, maxOverflow: 5 });
    await checkoutMany(pool, 5);
    const extra = await pool.checkout({ block: false });
    expect(pool.status().overflow).toBe(1);
    extra.release();
    await flush();
    expect(pool.status()).toMatchObject({ workers: 5, overflow: 0 });
    const more = await Promise.all(Array.from({ length: 5 }, () => pool.checkout({ block: false })));
    expect(more).toHaveLength(5);
    await expect(pool.checkout({ block: false })).rejects.toMatchObject({ code: 'POOL_FULL', pool: 'poolboy' });
  });

  it('owner death: a client that goes away while holding gets its lease signal aborted', async () => {
    const pool = await fx.startPool({ size: 2, maxOverflow: 0 });
    const client = new AbortController();
    const result = pool.use(
      (_worker, lease) =>
        new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve('stopped'))),
      { signal: client.signal },
    );
    await flush();
    expect(pool.status().busy).toBe(1);
    client.abort(new Error('client went away'));
    await expect(result).resolves.toBe('stopped');
    expect(pool.status()).toMatchObject({ busy: 0, idle: 2 });
  });

  it('checkin after exception in a transaction', async () => {
    const pool = await fx.startPool({ size: 2, maxOverflow: 0 });
    await expect(
      pool.use(() => {
        throw new Error('in transaction');
      }),
    ).rejects.toThrow('in transaction');
    expect(pool.status()).toMatchObject({ idle: 2, busy: 0 });
  });

  it.each([
    // poolboy_tests:pool_returns_status, the four size/overflow combinations
    [2, 0, ['ready', 'ready', 'full'], [0, 0, 0]],
    [1, 1, ['ready', 'overflow', 'full'], [0, 0, 1]],
    [0, 2, ['overflow', 'overflow', 'full'], [0, 1, 2]],
    [0, 0, ['full'], [0]],
  ] as const)('status of size %i / overflow %i as workers are checked out', async (size, maxOverflow, states, overflows) => {
    const pool = await fx.startPool({ size, maxOverflow });
    for (let co = 0; co < states.length; co++) {
      expect(pool.status()).toMatchObject({
        state: states[co],
        idle: Math.max(0, size - co),
        overflow: overflows[co],
        busy: co,
      });
      if (co < states.length - 1) await pool.checkout();
    }
  });

  it('cancelled checkouts leave the queue and their place is not consumed', async () => {
    const pool = await fx.startPool({ size: 1, maxOverflow: 0 });
    const held = await pool.checkout();
    const clients = [new AbortController(), new AbortController(), new AbortController()];
    const waits = clients.map((c) => pool.checkout({ signal: c.signal }));
    clients[0]!.abort();
    clients[1]!.abort();
    await expect(waits[0]).rejects.toMatchObject({ code: 'POOL_ABORTED' });
    await expect(waits[1]).rejects.toMatchObject({ code: 'POOL_ABORTED' });
    expect(pool.status().waiting).toBe(1);
    held.release();
    expect((await waits[2]!).worker).toBe(held.worker);
  });

  it('demonitors waiting clients: a checkout timeout leaves no waiter behind', async () => {
    const pool = await fx.startPool({ size: 1, maxOverflow: 0 });
    const held = await pool.checkout();
    const waiting = pool.checkout({ timeout: 100 });
    const outcome = expect(waiting).rejects.toBeInstanceOf(PoolTimeoutError);
    await jest.advanceTimersByTimeAsync(100);
    await outcome;
    expect(pool.status().waiting).toBe(0);
    held.release();
    expect(pool.status()).toMatchObject({ idle: 1, busy: 0 });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('transaction timeout: use() rejects when no worker comes within its timeout', async () => {
    const pool = await fx.startPool({ size: 1, maxOverflow: 0 });
    await pool.checkout();
    const fn = jest.fn();
    const tx = expect(pool.use(fn, { timeout: 50 })).rejects.toMatchObject({ code: 'POOL_TIMEOUT', timeout: 50 });
    await jest.advanceTimersByTimeAsync(50);
    await tx;
    expect(fn).not.toHaveBeenCalled();
  });

  it('lifo: the most recently returned worker is checked out next', async () => {
    const pool = await fx.startPool({ size: 3, maxOverflow: 0, strategy: 'lifo' });
    const [a, b] = await checkoutMany(pool, 2);
    a!.release();
    b!.release();
    expect((await pool.checkout()).worker).toBe(b!.worker);
  });

  it('fifo: the least recently returned worker is checked out next', async () => {
    const pool = await fx.startPool({ size: 3, maxOverflow: 0, strategy: 'fifo' });
    const [a, b, c] = await checkoutMany(pool, 3);
    b!.release();
    a!.release();
    c!.release();
    expect((await pool.checkout()).worker).toBe(b!.worker);
    expect((await pool.checkout()).worker).toBe(a!.worker);
  });

  it('no per-worker overflow flag: any worker returned while overflow > 0 is dismissed', async () => {
    const pool = await fx.startPool({ size: 1, maxOverflow: 1 });
    const [original, extra] = await checkoutMany(pool, 2);
    original!.release();
    await flush();
    expect(fx.factory.destroyed.map((d) => d.worker)).toEqual([original!.worker]);
    extra!.release();
    expect(pool.status()).toMatchObject({ workers: 1, idle: 1, overflow: 0 });
  });

  it('waiters are served in arrival order whatever the strategy', async () => {
    const pool = await fx.startPool({ size: 1, maxOverflow: 0, strategy: 'lifo' });
    const held = await pool.checkout();
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) =>
      pool.checkout().then((lease) => {
        order.push(n);
        lease.release();
      }),
    );
    held.release();
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
  });
});
