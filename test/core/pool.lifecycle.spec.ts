import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Pool, PoolStoppedError, type PoolOptions, type PoolState } from 'nestjs-pool';
import { FAKE_TIMERS, flush, TestFactory, type TestWorker } from './support/test-factory.js';

let factory: TestFactory;

async function startPool(options: Partial<PoolOptions<TestWorker>> = {}): Promise<Pool<TestWorker>> {
  const pool = new Pool<TestWorker>({ name: 'life', factory, size: 2, maxOverflow: 1, ...options });
  await pool.start();
  return pool;
}

beforeEach(() => {
  jest.useFakeTimers(FAKE_TIMERS);
  factory = new TestFactory();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('stop', () => {
  it('drains: refuses new checkouts, rejects waiters, waits for leases, then destroys every worker once', async () => {
    const pool = await startPool({ size: 1, maxOverflow: 0 });
    const lease = await pool.checkout();
    const waiting = pool.checkout();
    const stopped = pool.stop({ timeout: 10_000 });
    await expect(waiting).rejects.toBeInstanceOf(PoolStoppedError);
    await expect(pool.checkout()).rejects.toThrow('Pool "life" does not accept checkouts: it is shutting down');
    expect(pool.status().state).toBe('draining');
    await jest.advanceTimersByTimeAsync(5000);
    expect(factory.destroyed).toEqual([]);
    lease.release();
    await stopped;
    expect(pool.status()).toMatchObject({ state: 'stopped', workers: 0, busy: 0, waiting: 0 });
    expect(factory.destroyed).toEqual([{ worker: lease.worker, reason: 'stopped' }]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('revokes leases still out after the timeout; their signal aborts and a late release is harmless', async () => {
    const pool = await startPool();
    const lease = await pool.checkout();
    const stopped = pool.stop({ timeout: 1000 });
    await jest.advanceTimersByTimeAsync(1000);
    await stopped;
    expect(lease.signal.reason).toBeInstanceOf(PoolStoppedError);
    lease.release();
    expect(factory.allDestroyedOnce()).toBe(true);
    expect(pool.status().workers).toBe(0);
  });

  it('waits for async destroys, and for creates in flight, destroying those too', async () => {
    const pending: (() => void)[] = [];
    const destroyed: number[] = [];
    const pool = await startPool({
      size: 1,
      maxOverflow: 1,
      factory: {
        create: (ctx) => factory.create(ctx),
        destroy: (worker) => new Promise<void>((resolve) => pending.push(() => (destroyed.push(worker.id), resolve()))),
      },
    });
    const held = await pool.checkout();
    factory.holdCreates = true;
    const overflow = pool.checkout();
    let done = false;
    const stopped = pool.stop({ timeout: 0 }).then(() => (done = true));
    held.release();
    await expect(overflow).rejects.toBeInstanceOf(PoolStoppedError);
    factory.releaseCreates();
    await flush();
    expect(done).toBe(false);
    for (const finish of pending.splice(0)) finish();
    await stopped;
    expect(destroyed.sort()).toEqual([1, 2]);
  });

  it('a destroy that never settles cannot hang stop past its destroyTimeout', async () => {
    const pool = await startPool({
      size: 1,
      factory: { create: (ctx) => factory.create(ctx), destroy: () => new Promise<void>(() => undefined) },
    });
    let done = false;
    const stopped = pool.stop({ timeout: 0, destroyTimeout: 500 }).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await stopped;
    expect(pool.status().state).toBe('stopped');
  });

  it('serveWaiting: clients already queued are still served; new ones are refused', async () => {
    const pool = await startPool({ size: 1, maxOverflow: 0 });
    const lease = await pool.checkout();
    const queued = pool.checkout();
    const stopped = pool.stop({ timeout: 10_000, serveWaiting: true });
    await expect(pool.checkout()).rejects.toBeInstanceOf(PoolStoppedError);
    expect(pool.status()).toMatchObject({ state: 'draining', waiting: 1 });
    lease.release();
    const served = await queued;
    expect(served.worker).toBe(lease.worker);
    served.release();
    await stopped;
    expect(factory.destroyed).toEqual([{ worker: lease.worker, reason: 'stopped' }]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('serveWaiting: clients still queued at the timeout are rejected', async () => {
    const pool = await startPool({ size: 1, maxOverflow: 0 });
    await pool.checkout();
    const queued = pool.checkout({ timeout: Infinity });
    const stopped = pool.stop({ timeout: 1000, serveWaiting: true });
    const rejected = expect(queued).rejects.toBeInstanceOf(PoolStoppedError);
    await jest.advanceTimersByTimeAsync(1000);
    await rejected;
    await stopped;
    expect(pool.status()).toMatchObject({ state: 'stopped', workers: 0, waiting: 0 });
  });

  it('timeout: Infinity waits for the leases as long as it takes', async () => {
    const pool = await startPool({ size: 1, maxOverflow: 0 });
    const lease = await pool.checkout();
    let done = false;
    const stopped = pool.stop({ timeout: Infinity }).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(2 ** 31);
    expect(done).toBe(false);
    expect(lease.held).toBe(true);
    lease.release();
    await stopped;
    expect(factory.destroyed).toEqual([{ worker: lease.worker, reason: 'stopped' }]);
  });

  it('is idempotent and safe before start', async () => {
    const never = new Pool<TestWorker>({ name: 'never', factory });
    await never.stop();
    expect(never.status().state).toBe('stopped');
    const pool = await startPool();
    await Promise.all([pool.stop(), pool.stop()]);
    expect(factory.destroyed).toHaveLength(2);
  });

  it('a destroy that throws is reported, not fatal', async () => {
    const pool = new Pool<TestWorker>({
      name: 'life',
      size: 1,
      factory: {
        create: (ctx) => factory.create(ctx),
        destroy: () => {
          throw new Error('cannot close');
        },
      },
    });
    await pool.start();
    const errors: unknown[] = [];
    pool.on('destroyError', (error, id) => errors.push([String(error), id]));
    await pool.stop();
    expect(errors).toEqual([['Error: cannot close', 1]]);
  });
});

describe('events', () => {
  it('reports checkout, checkin, wait, timeout, worker start/exit/restart and state changes', async () => {
    const log: string[] = [];
    const pool = new Pool<TestWorker>({ name: 'ev', factory, size: 1, maxOverflow: 0, checkoutTimeout: 100 });
    pool.on('workerStart', (id) => log.push(`start ${id}`));
    pool.on('workerExit', (id, reason) => log.push(`exit ${id} ${reason}`));
    pool.on('workerRestart', (n) => log.push(`restart ${n}`));
    pool.on('checkout', (lease, waited) => log.push(`checkout ${lease.workerId} after ${waited}`));
    pool.on('checkin', (lease) => log.push(`checkin ${lease.workerId}`));
    pool.on('wait', (n) => log.push(`wait ${n}`));
    pool.on('timeout', (ms) => log.push(`timeout ${ms}`));
    pool.on('stateChange', (state: PoolState, prev: PoolState) => log.push(`${prev}->${state}`));
    await pool.start();
    const lease = await pool.checkout();
    const late = pool.checkout().catch(() => undefined);
    await jest.advanceTimersByTimeAsync(100);
    await late;
    const next = pool.checkout();
    await jest.advanceTimersByTimeAsync(30);
    lease.release();
    (await next).release();
    lease.worker.ctx.exit('crash');
    await flush();
    await pool.stop();
    expect(log).toEqual([
      'start 1',
      'starting->ready',
      'checkout 1 after 0',
      'ready->full',
      'wait 1',
      'timeout 100',
      'wait 1',
      'checkin 1',
      'checkout 1 after 30',
      'checkin 1',
      'full->ready',
      'exit 1 exited',
      'restart 1',
      'ready->full',
      'start 2',
      'full->ready',
      'ready->draining',
      'exit 2 stopped',
      'draining->stopped',
    ]);
  });
});

describe('counting a new worker', () => {
  it('counts it once from workerStart on: in workers, no longer in starting', async () => {
    const pool = new Pool<TestWorker>({ name: 'count', factory, size: 2, maxOverflow: 0 });
    const seen: unknown[] = [];
    pool.on('workerStart', () => seen.push({ ...pool.status(), list: pool.workers().length }));
    await pool.start();
    expect(seen).toMatchObject([
      { workers: 1, starting: 1, list: 1 },
      { workers: 2, starting: 0, list: 2 },
    ]);
    await pool.stop();
  });
});

describe('workers()', () => {
  it('lists every live worker by id and state, never the worker itself', async () => {
    const pool = await startPool({ size: 2, maxOverflow: 0 });
    const lease = await pool.checkout();
    expect(pool.workers()).toEqual([
      { id: 1, state: 'idle' },
      { id: 2, state: 'busy' },
    ]);
    lease.release();
    await pool.stop();
    expect(pool.workers()).toEqual([]);
  });
});
