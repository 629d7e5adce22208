import { describe, expect, it, jest } from '@jest/globals';
import { PoolFullError, type Lease } from 'nestjs-pool';
import { usePoolFixture } from './support/pool-fixture.js';
import { flush, TestFactory, type TestWorker } from './support/test-factory.js';

const fx = usePoolFixture({ name: 'p', size: 1, maxOverflow: 0 });

describe('checkout timeouts', () => {
  it('uses checkoutTimeout by default and arms no timer for an uncontended checkout', async () => {
    const pool = await fx.startPool({ checkoutTimeout: 200 });
    const lease = await pool.checkout();
    expect(jest.getTimerCount()).toBe(0);
    const waiting = pool.checkout();
    const outcome = expect(waiting).rejects.toMatchObject({ code: 'POOL_TIMEOUT', pool: 'p', timeout: 200 });
    await jest.advanceTimersByTimeAsync(199);
    expect(pool.status().waiting).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    await outcome;
    expect(pool.status().waiting).toBe(0);
    lease.release();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waiters with different timeouts each time out at their own deadline, in any order', async () => {
    const pool = await fx.startPool();
    await pool.checkout();
    const settled: string[] = [];
    const track = (name: string, p: Promise<Lease<TestWorker>>) => p.catch(() => void settled.push(name));
    const all = [track('slow', pool.checkout({ timeout: 300 })), track('fast', pool.checkout({ timeout: 100 })), track('mid', pool.checkout({ timeout: 200 }))];
    await jest.advanceTimersByTimeAsync(100);
    expect(settled).toEqual(['fast']);
    await jest.advanceTimersByTimeAsync(200);
    await Promise.all(all);
    expect(settled).toEqual(['fast', 'mid', 'slow']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a waiter that times out in the middle of the queue leaves it; order of the rest is kept', async () => {
    const pool = await fx.startPool();
    const held = await pool.checkout();
    const first = pool.checkout({ timeout: 1000 });
    const middle = pool.checkout({ timeout: 10 });
    const last = pool.checkout({ timeout: 1000 });
    const gone = expect(middle).rejects.toMatchObject({ code: 'POOL_TIMEOUT' });
    await jest.advanceTimersByTimeAsync(10);
    await gone;
    expect(pool.status().waiting).toBe(2);
    held.release();
    const a = await first;
    a.release();
    expect((await last).worker).toBe(held.worker);
  });

  it('Infinity waits for ever without a timer', async () => {
    const pool = await fx.startPool();
    const held = await pool.checkout();
    const waiting = pool.checkout({ timeout: Infinity });
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(60_000);
    held.release();
    expect((await waiting).worker).toBe(held.worker);
  });

  it('grant and timeout in the same tick: whichever runs first wins and no worker leaks (poolboy #64)', async () => {
    for (const releaseFirst of [true, false]) {
      const pool = await fx.startPool();
      const held = await pool.checkout();
      // Two timers due at the same instant; the one registered first runs first.
      if (releaseFirst) setTimeout(() => held.release(), 100);
      const waiting = pool.checkout({ timeout: 100 });
      if (!releaseFirst) setTimeout(() => held.release(), 100);
      const outcome = waiting.then(
        (lease) => (lease.release(), 'granted'),
        (error: { code: string }) => error.code,
      );
      await jest.advanceTimersByTimeAsync(100);
      expect(await outcome).toBe(releaseFirst ? 'granted' : 'POOL_TIMEOUT');
      expect(pool.status()).toMatchObject({ state: 'ready', idle: 1, busy: 0, waiting: 0 });
    }
  });

  it('a per-call timeout beyond what a timer can hold still waits, and still times out', async () => {
    const pool = await fx.startPool();
    const held = await pool.checkout();
    const waiting = pool.checkout({ timeout: 2 ** 32 });
    await jest.advanceTimersByTimeAsync(2 ** 31);
    expect(pool.status().waiting).toBe(1);
    const outcome = expect(waiting).rejects.toMatchObject({ code: 'POOL_TIMEOUT' });
    await jest.advanceTimersByTimeAsync(2 ** 31);
    await outcome;
    held.release();
  });

  it('rejects an invalid per-call timeout with a clear error', async () => {
    const pool = await fx.startPool();
    await pool.checkout();
    await expect(pool.checkout({ timeout: Number.NaN })).rejects.toMatchObject({ code: 'POOL_CONFIG', option: 'timeout' });
    expect(pool.status().waiting).toBe(0);
  });
});

describe('the client signal (monitoring the client)', () => {
  it('an already aborted signal fails at once and takes nothing', async () => {
    const pool = await fx.startPool();
    await expect(pool.checkout({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'POOL_ABORTED' });
    expect(pool.status()).toMatchObject({ idle: 1, busy: 0 });
  });

  it('aborting in the middle of the queue removes only that client, and its listener', async () => {
    const pool = await fx.startPool();
    const held = await pool.checkout();
    const clients = [0, 1, 2].map(() => new AbortController());
    const waits = clients.map((c) => pool.checkout({ signal: c.signal }));
    clients[1]!.abort(new Error('left'));
    await expect(waits[1]).rejects.toMatchObject({ code: 'POOL_ABORTED', cause: new Error('left') });
    expect(pool.status().waiting).toBe(2);
    held.release();
    const lease = await waits[0]!;
    lease.release();
    (await waits[2]!).release();
    // A later abort of a served client's signal does nothing to the pool.
    clients[0]!.abort();
    expect(pool.status()).toMatchObject({ idle: 1, busy: 0, waiting: 0 });
  });

  it('a client that leaves while holding aborts lease.signal, with the client reason; release still returns the worker', async () => {
    const pool = await fx.startPool();
    const client = new AbortController();
    const lease = await pool.checkout({ signal: client.signal });
    const reason = new Error('client left');
    client.abort(reason);
    expect(lease.signal.aborted).toBe(true);
    expect(lease.signal.reason).toBe(reason);
    expect(lease.held).toBe(true);
    lease.release();
    expect(pool.status()).toMatchObject({ idle: 1, busy: 0 });
  });

  it('lease.signal is created lazily and stays quiet on a normal release', async () => {
    const pool = await fx.startPool();
    const lease = await pool.checkout();
    const signal = lease.signal;
    lease.release();
    expect(signal.aborted).toBe(false);
  });
});

describe('queue limits and non-blocking checkout', () => {
  it('maxWaiting caps the queue with PoolFullError', async () => {
    const pool = await fx.startPool({ maxWaiting: 2 });
    await pool.checkout();
    void pool.checkout().catch(() => undefined);
    void pool.checkout().catch(() => undefined);
    const third = pool.checkout();
    await expect(third).rejects.toBeInstanceOf(PoolFullError);
    await expect(third).rejects.toThrow('Pool "p" is full: maxWaiting (2) clients already wait');
    expect(pool.status().waiting).toBe(2);
  });

  it('block: false waits for an overflow worker being created, but never for a checkin', async () => {
    fx.factory.holdCreates = false;
    const pool = await fx.startPool({ size: 0, maxOverflow: 1 });
    fx.factory.holdCreates = true;
    const first = pool.checkout({ block: false });
    await flush();
    expect(pool.status()).toMatchObject({ starting: 1, overflow: 1, waiting: 1 });
    await expect(pool.checkout({ block: false })).rejects.toMatchObject({ code: 'POOL_FULL' });
    fx.factory.releaseCreates();
    const lease = await first;
    expect(lease.worker.id).toBe(1);
  });

  it('a checkout that arrives while a replacement is being created waits for it instead of adding overflow', async () => {
    const pool = await fx.startPool({ size: 1, maxOverflow: 5 });
    fx.factory.holdCreates = true;
    fx.factory.created[0]!.ctx.exit('boom');
    await flush();
    expect(pool.status()).toMatchObject({ workers: 0, starting: 1, overflow: 0 });
    const waiting = pool.checkout();
    await flush();
    expect(pool.status()).toMatchObject({ starting: 1, overflow: 0, waiting: 1 });
    fx.factory.releaseCreates();
    expect((await waiting).worker.id).toBe(2);
    expect(fx.factory.createCalls).toBe(2);
  });
});

describe('leases', () => {
  it('release is idempotent: a stale lease cannot return a worker someone else holds', async () => {
    const pool = await fx.startPool();
    const first = await pool.checkout();
    first.release();
    const second = await pool.checkout();
    expect(second.worker).toBe(first.worker);
    first.release();
    first.destroy();
    expect(pool.status()).toMatchObject({ busy: 1, idle: 0 });
    expect(second.held).toBe(true);
  });

  it('destroy checks the worker in as broken: destroyed and replaced', async () => {
    const pool = await fx.startPool();
    const lease = await pool.checkout();
    lease.destroy(new Error('connection reset'));
    await flush();
    expect(fx.factory.destroyed).toEqual([{ worker: lease.worker, reason: 'broken' }]);
    expect(pool.status()).toMatchObject({ workers: 1, idle: 1, restarts: 1 });
  });

  it('`using` releases the lease when the block ends', async () => {
    const pool = await fx.startPool();
    {
      await using lease = await pool.checkout();
      expect(lease.held).toBe(true);
      expect(pool.status().busy).toBe(1);
    }
    {
      using lease = await pool.checkout();
      expect(lease.held).toBe(true);
    }
    expect(pool.status()).toMatchObject({ busy: 0, idle: 1 });
  });

  it('use() returns the function result and checks in', async () => {
    const pool = await fx.startPool();
    await expect(pool.use(async (worker) => worker.id * 10)).resolves.toBe(10);
    expect(pool.status().idle).toBe(1);
  });
});

describe('validate', () => {
  it('a worker that fails validation at checkout is replaced and the client gets a valid one', async () => {
    fx.factory = new TestFactory({ validate: true });
    const pool = await fx.startPool({ size: 2, maxOverflow: 0 });
    fx.factory.valid = (worker) => worker.id !== 2; // lifo: worker 2 is tried first
    const lease = await pool.checkout();
    expect(lease.worker.id).toBe(1);
    await flush();
    expect(fx.factory.destroyed).toEqual([{ worker: fx.factory.created[1], reason: 'invalid' }]);
    expect(pool.status()).toMatchObject({ workers: 2, busy: 1, idle: 1, restarts: 1 });
  });

  it('async validate, and a throwing validate counts as invalid', async () => {
    fx.factory = new TestFactory({ validate: true });
    const pool = await fx.startPool({ size: 2, maxOverflow: 0 });
    fx.factory.valid = async (worker) => {
      if (worker.id === 2) throw new Error('ping failed');
      return true;
    };
    const lease = await pool.checkout();
    expect(lease.worker.id).toBe(1);
    expect(fx.factory.destroyed.map((d) => d.reason)).toEqual(['invalid']);
  });
});
