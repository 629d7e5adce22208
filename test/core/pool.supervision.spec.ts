import { describe, expect, it, jest } from '@jest/globals';
import vm from 'node:vm';
import { PoolFailedError, WorkerExitError, type WorkerContext } from 'nestjs-pool';
import { usePoolFixture } from './support/pool-fixture.js';
import { flush, type TestWorker } from './support/test-factory.js';

const fx = usePoolFixture({ name: 'sup', size: 2, maxOverflow: 0 });

describe('start', () => {
  it('fails with a PoolFailedError naming the pool and the cause, destroying the workers that did start', async () => {
    fx.factory.failNext = 1;
    const pool = fx.newPool({ size: 3 });
    const error = await pool.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PoolFailedError);
    expect(error).toMatchObject({ pool: 'sup', message: 'Pool "sup" failed: could not start its workers: create 1 failed' });
    expect((error as Error).cause).toEqual(new Error('create 1 failed'));
    expect(pool.status().state).toBe('failed');
    expect(fx.factory.allDestroyedOnce()).toBe(true);
    expect(fx.factory.created).toHaveLength(2);
    await expect(pool.checkout()).rejects.toBeInstanceOf(PoolFailedError);
  });

  it('refuses checkouts before start() with a hint', async () => {
    const pool = fx.newPool();
    await expect(pool.checkout()).rejects.toThrow('Pool "sup" does not accept checkouts: it has not been started; call start() first');
  });

  it('serves checkouts made while starting as workers arrive', async () => {
    fx.factory.holdCreates = true;
    const pool = fx.newPool({ size: 1 });
    const started = pool.start();
    const waiting = pool.checkout();
    expect(pool.status()).toMatchObject({ state: 'starting', waiting: 1, overflow: 0 });
    fx.factory.releaseCreates();
    await started;
    expect((await waiting).worker.id).toBe(1);
    expect(fx.factory.createCalls).toBe(1);
  });
});

describe('restarts', () => {
  it('a failed create is retried with backoff, never in a hot loop, and recovers', async () => {
    const pool = await fx.startPool({ size: 1, restart: { maxRestarts: 10, withinMs: 60_000, backoff: (n) => 100 * n } });
    fx.factory.failNext = 3;
    fx.factory.created[0]!.ctx.exit('crash');
    await flush();
    expect(fx.factory.createCalls).toBe(2);
    await jest.advanceTimersByTimeAsync(99);
    expect(fx.factory.createCalls).toBe(2); // backoff 100 ms before the second try
    await jest.advanceTimersByTimeAsync(1);
    expect(fx.factory.createCalls).toBe(3);
    await jest.advanceTimersByTimeAsync(200);
    expect(fx.factory.createCalls).toBe(4);
    await jest.advanceTimersByTimeAsync(300);
    expect(fx.factory.createCalls).toBe(5);
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 1, idle: 1, starting: 0, restarts: 4 });
  });

  it('a create that always fails reaches `failed` within the restart window and rejects waiters', async () => {
    const pool = await fx.startPool({ size: 1, restart: { maxRestarts: 3, withinMs: 1000, backoff: 10 } });
    const failed = jest.fn();
    pool.on('stateChange', (state) => state === 'failed' && failed());
    const reasons: string[] = [];
    pool.on('failed', (error) => reasons.push(error.message));
    fx.factory.failNext = Infinity;
    const held = await pool.checkout();
    const waiting = pool.checkout({ timeout: Infinity });
    held.worker.ctx.exit('crash');
    const rejected = expect(waiting).rejects.toBeInstanceOf(PoolFailedError);
    await jest.advanceTimersByTimeAsync(100);
    await rejected;
    expect(failed).toHaveBeenCalledTimes(1);
    expect(reasons).toEqual(['Pool "sup" failed: more than 3 restarts within 1000 ms (last: create 4 failed)']);
    expect(fx.factory.createCalls).toBe(4); // start, then 3 failures: the 4th restart exceeds maxRestarts 3
    expect(pool.status()).toMatchObject({ state: 'failed', workers: 0, waiting: 0, starting: 0 });
    await expect(pool.checkout()).rejects.toThrow(/Pool "sup" failed: more than 3 restarts within 1000 ms/);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('crashes spread beyond the window do not fail the pool', async () => {
    const pool = await fx.startPool({ size: 1, restart: { maxRestarts: 1, withinMs: 1000 } });
    for (let i = 0; i < 5; i++) {
      fx.factory.created.at(-1)!.ctx.exit('crash');
      await flush();
      await jest.advanceTimersByTimeAsync(1001);
    }
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 1, restarts: 5 });
  });

  it('a crash loop of leased workers fails the pool and aborts the holders', async () => {
    const pool = await fx.startPool({ size: 2, restart: { maxRestarts: 1, withinMs: 1000 } });
    const [a, b] = [await pool.checkout(), await pool.checkout()];
    a.worker.ctx.exit('crash');
    await flush();
    fx.factory.created.at(-1)!.ctx.exit('crash again');
    expect(pool.status().state).toBe('failed');
    expect(b.signal.aborted).toBe(true);
    expect(b.signal.reason).toBeInstanceOf(PoolFailedError);
    b.release();
    expect(fx.factory.allDestroyedOnce()).toBe(true);
  });

  it('a worker that exits while it is being created counts as a failed create', async () => {
    const exits: WorkerContext[] = [];
    const pool = await fx.startPool({
      size: 1,
      restart: { backoff: 50 },
      factory: {
        create: (ctx) => {
          if (exits.length === 0) {
            exits.push(ctx);
            ctx.exit('died at birth');
          }
          return { id: ctx.id, ctx };
        },
        destroy: (worker, reason) => void fx.factory.destroyed.push({ worker, reason }),
      },
    }).catch((e: unknown) => e);
    expect(pool).toBeInstanceOf(PoolFailedError);
    expect(fx.factory.destroyed.map((d) => d.reason)).toEqual(['exited']);
  });

  it('createTimeout: a slow create fails, and is destroyed when it resolves after all', async () => {
    let resolveCreate!: (w: TestWorker) => void;
    const destroyed: string[] = [];
    let signal!: AbortSignal;
    const pool = fx.newPool({
      size: 1,
      createTimeout: 100,
      factory: {
        create: (ctx) => {
          signal = ctx.signal;
          return new Promise<TestWorker>((resolve) => (resolveCreate = resolve));
        },
        destroy: (_w, reason) => void destroyed.push(reason),
      },
    });
    const started = expect(pool.start()).rejects.toThrow('create took longer than createTimeout (100 ms)');
    await jest.advanceTimersByTimeAsync(100);
    await started;
    expect(signal.aborted).toBe(true);
    resolveCreate({ id: 1 } as TestWorker);
    await flush();
    expect(destroyed).toEqual(['create-timeout']);
  });
});

describe('exit reasons', () => {
  it('a WorkerExitError given to exit() reaches the holder as is, exit code included', async () => {
    const pool = await fx.startPool({ size: 1 });
    const lease = await pool.checkout();
    const crash = new WorkerExitError('sup', lease.workerId, 'exit code 3', 3);
    lease.worker.ctx.exit(crash);
    expect(lease.signal.reason).toBe(crash);
    expect(lease.signal.reason).toMatchObject({ exitCode: 3, message: 'Pool "sup": worker 1 exited: exit code 3' });
  });

  it('any other reason is wrapped, its message read even from another realm', async () => {
    const pool = await fx.startPool({ size: 1 });
    const lease = await pool.checkout();
    lease.worker.ctx.exit(vm.runInNewContext('new Error("socket closed")'));
    expect(lease.signal.reason).toBeInstanceOf(WorkerExitError);
    expect(lease.signal.reason.message).toBe('Pool "sup": worker 1 exited: socket closed');
  });
});

describe('expected exits', () => {
  it('exit(reason, { expected: true }) replaces the worker without counting against the intensity', async () => {
    const pool = await fx.startPool({ size: 1, restart: { maxRestarts: 1, withinMs: 60_000 } });
    for (let i = 0; i < 5; i++) {
      const lease = await pool.checkout();
      lease.worker.ctx.exit(new Error('call aborted by its client'), { expected: true });
      await flush();
    }
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 1, restarts: 5 });
    fx.factory.created.at(-1)!.ctx.exit('crash');
    await flush();
    expect(pool.status().state).toBe('ready'); // one crash: within maxRestarts 1
    fx.factory.created.at(-1)!.ctx.exit('crash');
    expect(pool.status().state).toBe('failed');
  });

  it('lease timeouts do not count against the intensity either', async () => {
    const pool = await fx.startPool({ size: 1, leaseTimeout: 100, restart: { maxRestarts: 0, withinMs: 60_000 } });
    for (let i = 0; i < 3; i++) {
      await pool.checkout();
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(pool.status()).toMatchObject({ state: 'ready', restarts: 3 });
  });
});

describe('leaseTimeout (leak protection)', () => {
  it('revokes a lease held too long: signal aborts, the worker is destroyed and replaced, release is then a no-op', async () => {
    const pool = await fx.startPool({ size: 1, leaseTimeout: 1000 });
    const onTimeout = jest.fn();
    pool.on('leaseTimeout', onTimeout);
    const lease = await pool.checkout();
    await jest.advanceTimersByTimeAsync(1000);
    expect(onTimeout).toHaveBeenCalledWith(lease);
    expect(lease.held).toBe(false);
    expect(lease.signal.reason).toMatchObject({ code: 'LEASE_TIMEOUT', pool: 'sup', workerId: 1 });
    expect(fx.factory.destroyed).toEqual([{ worker: lease.worker, reason: 'lease-timeout' }]);
    await flush();
    expect(pool.status()).toMatchObject({ workers: 1, idle: 1, busy: 0 });
    lease.release();
    expect(pool.status()).toMatchObject({ workers: 1, idle: 1, busy: 0 });
  });

  it('a lease released in time keeps its worker and leaves no timer', async () => {
    const pool = await fx.startPool({ size: 1, leaseTimeout: 1000 });
    const lease = await pool.checkout();
    lease.release();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(2000);
    expect(fx.factory.destroyed).toEqual([]);
  });
});

describe('overflowTtl', () => {
  it('an idle overflow worker lingers for overflowTtl, is reused meanwhile, then dismissed', async () => {
    const pool = await fx.startPool({ size: 1, maxOverflow: 2, overflowTtl: 1000 });
    const [a, b] = [await pool.checkout(), await pool.checkout()];
    b.release();
    expect(pool.status()).toMatchObject({ workers: 2, idle: 1, overflow: 1 });
    await jest.advanceTimersByTimeAsync(500);
    const again = await pool.checkout();
    expect(again.worker).toBe(b.worker); // reused, no create
    expect(fx.factory.createCalls).toBe(2);
    again.release();
    a.release();
    await jest.advanceTimersByTimeAsync(999);
    expect(pool.status()).toMatchObject({ workers: 2, overflow: 1 });
    await jest.advanceTimersByTimeAsync(1);
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 1, idle: 1, overflow: 0 });
    expect(fx.factory.destroyed.map((d) => d.reason)).toEqual(['dismissed']);
    expect(jest.getTimerCount()).toBe(0);
  });
});
