import { once } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from '@jest/globals';
import { ThreadPool, WorkerAbortedError, WorkerExitError, type ThreadPoolOptions } from 'nestjs-pool';

const MATH = new URL('./fixtures/math.worker.mjs', import.meta.url);

async function threadPool(options: Partial<ThreadPoolOptions> = {}): Promise<ThreadPool> {
  const pool = new ThreadPool({ name: 'threads', size: 1, ...options, thread: { filename: MATH, ...options.thread } });
  await pool.start();
  return pool;
}

/** A thread's MessagePort keeps the event loop alive until the thread is gone. */
const threadPorts = (): number => process.getActiveResourcesInfo().filter((name) => name === 'MessagePort').length;

describe('ThreadPool', () => {
  it('gives each thread its workerData and env, and the worker its threadId', async () => {
    const pool = await threadPool({ thread: { filename: MATH, workerData: { tenant: 'acme' }, env: { POOL_TEST: 'thread env' } } });
    try {
      await using lease = await pool.checkout();
      expect(await lease.worker.call('identity')).toMatchObject({
        threadId: lease.worker.threadId,
        pid: process.pid,
        workerData: { tenant: 'acme' },
        env: 'thread env',
      });
      expect(lease.worker.filename).toBe(MATH.pathname);
    } finally {
      await pool.stop();
    }
  });

  it('moves what the transferList names instead of copying it', async () => {
    const pool = await threadPool();
    try {
      const pixels = new ArrayBuffer(1024);
      expect(await pool.run(pixels, { method: 'byteLength', transferList: [pixels] })).toBe(1024);
      expect(pixels.byteLength).toBe(0); // detached here: it now belongs to the thread
      const copied = new ArrayBuffer(8);
      expect(await pool.run(copied, { method: 'byteLength' })).toBe(8);
      expect(copied.byteLength).toBe(8);
    } finally {
      await pool.stop();
    }
  });

  it('replaces a thread that runs out of its resourceLimits, failing its call', async () => {
    const pool = await threadPool({ thread: { filename: MATH, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } } });
    try {
      const replaced = once(pool, 'workerStart');
      const error = await pool.call('hog').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerExitError);
      expect(error).toMatchObject({ exitCode: 1, reason: expect.objectContaining({ code: 'ERR_WORKER_OUT_OF_MEMORY' }) });
      expect((error as Error).message).toMatch(/exited: .*memory limit/);
      await replaced;
      expect(await pool.run(5)).toBe(25);
    } finally {
      await pool.stop();
    }
  });

  it('stops the CPU work of an aborted call: the spinning thread is terminated', async () => {
    const pool = await threadPool();
    try {
      const counter = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      const lease = await pool.checkout();
      const client = new AbortController();
      const call = lease.worker.run({ counter, port: port2 }, { method: 'spin', signal: client.signal, transferList: [port2] });
      await once(port1, 'message'); // it is spinning
      port1.close();
      client.abort();
      await expect(call).rejects.toBeInstanceOf(WorkerAbortedError);
      await lease.worker.closed;
      const count = Atomics.load(counter, 0);
      expect(count).toBeGreaterThan(0);
      expect(await pool.call('add', 1, 1)).toBe(2); // the replacement; meanwhile nobody counted
      expect(Atomics.load(counter, 0)).toBe(count);
    } finally {
      await pool.stop();
    }
  });

  it('leaves no thread behind after stop()', async () => {
    const before = threadPorts();
    const pool = await threadPool({ size: 2 });
    await pool.call('add', 1, 1);
    expect(threadPorts()).toBe(before + 2);
    await pool.stop();
    expect(threadPorts()).toBe(before);
  });
});
