import { once } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { ProcessPool, WorkerExitError, type ProcessPoolOptions } from 'nestjs-pool';

const MATH = new URL('./fixtures/math.worker.mjs', import.meta.url);

async function processPool(options: Partial<ProcessPoolOptions> = {}): Promise<ProcessPool> {
  const pool = new ProcessPool({ name: 'processes', size: 1, ...options, process: { modulePath: MATH, ...options.process } });
  await pool.start();
  return pool;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

describe('ProcessPool', () => {
  it('forks the module with its args, execArgv and env, as child_process.fork would', async () => {
    const pool = await processPool({
      process: { modulePath: MATH, args: ['--tenant', 'acme'], execArgv: ['--max-old-space-size=64'], env: { POOL_TEST: 'child env' } },
    });
    try {
      await using lease = await pool.checkout();
      expect(await lease.worker.call('identity')).toEqual({
        threadId: 0,
        pid: lease.worker.pid,
        workerData: null,
        script: MATH.pathname,
        argv: ['--tenant', 'acme'],
        execArgv: ['--max-old-space-size=64'], // the bootstrap took itself out
        env: 'child env',
      });
      expect(lease.worker.pid).not.toBe(process.pid);
      expect(lease.worker.modulePath).toBe(MATH.pathname);
    } finally {
      await pool.stop();
    }
  });

  it("lets the module fork children of its own, which run their own module and not the pool's bootstrap", async () => {
    const pool = await processPool();
    try {
      const greeter = new URL('./fixtures/greeter.mjs', import.meta.url);
      expect(await pool.call('forkGreeter')).toBe(`hello from ${greeter.pathname}`);
    } finally {
      await pool.stop();
    }
  });

  it('copies transferList items: a child cannot share memory', async () => {
    const pool = await processPool();
    try {
      const pixels = new ArrayBuffer(16);
      expect(await pool.run(pixels, { method: 'byteLength', transferList: [pixels] })).toBe(16);
      expect(pixels.byteLength).toBe(16);
    } finally {
      await pool.stop();
    }
  });

  it('replaces a child that loses its channel to the pool: it exits instead of lingering', async () => {
    const pool = await processPool();
    try {
      const lease = await pool.checkout();
      const replaced = once(pool, 'workerStart');
      const error = await lease.worker.call('disconnect').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerExitError);
      expect(error).toMatchObject({ exitCode: 0 });
      expect(isRunning(lease.worker.pid)).toBe(false);
      await replaced;
    } finally {
      await pool.stop();
    }
  });

  it('leaves no process behind after stop()', async () => {
    const pool = await processPool({ size: 2 });
    const leases = [await pool.checkout(), await pool.checkout()];
    const pids = leases.map((lease) => lease.worker.pid);
    leases.forEach((lease) => lease.release());
    expect(pids.map(isRunning)).toEqual([true, true]);
    await pool.stop();
    expect(pids.map(isRunning)).toEqual([false, false]);
  });
});
