import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PoolFailedError, ProcessPool, ThreadPool, WorkerLoadError } from 'nestjs-pool';
import { defineWorker } from 'nestjs-pool/worker';
import { installWorkerPackage } from './worker-package.js';

describe('defineWorker', () => {
  let installed: Awaited<ReturnType<typeof installWorkerPackage>>;
  beforeAll(async () => {
    installed = await installWorkerPackage(['defined.worker.mjs', 'defined-twice.worker.mjs', 'defined-late.worker.mjs']);
  });
  afterAll(() => installed.remove());

  it('returns the definition it was given, outside a pool worker too', () => {
    const functions = { default: (n: number) => n + 1 };
    expect(defineWorker(functions)).toBe(functions);
  });

  it('refuses what is not an object of functions', () => {
    expect(() => defineWorker(null as never)).toThrow(new TypeError('defineWorker() takes an object of functions, e.g. defineWorker({ default: (data) => data })'));
    expect(() => defineWorker({ size: 4 } as never)).toThrow(new TypeError('defineWorker(): "size" must be a function, got number'));
  });

  it.each([
    ['thread', (filename: string) => new ThreadPool({ name: 'defined', size: 1, thread: { filename } })],
    ['process', (modulePath: string) => new ProcessPool({ name: 'defined', size: 1, process: { modulePath } })],
  ])('offers exactly the defined functions in a %s, imported from nestjs-pool/worker', async (_, makePool) => {
    const pool = makePool(join(installed.dir, 'defined.worker.mjs'));
    await pool.start();
    try {
      await using lease = await pool.checkout();
      expect(lease.worker.methods).toEqual(['default', 'shout']);
      expect(await lease.worker.run('pool')).toBe('hello pool');
      expect(await lease.worker.call('shout', 'pool')).toBe('HELLO POOL');
      await expect(lease.worker.call('notOffered')).rejects.toThrow(/has no function "notOffered" \(it offers: default, shout\)/);
    } finally {
      await pool.stop();
    }
  });

  it('fails the load of a module that calls it twice', async () => {
    const pool = new ThreadPool({ name: 'twice', size: 1, thread: { filename: join(installed.dir, 'defined-twice.worker.mjs') } });
    const error = await pool.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolFailedError);
    expect((error as Error).cause).toBeInstanceOf(WorkerLoadError);
    expect((error as Error).message).toMatch(/defined-twice\.worker\.mjs\): defineWorker\(\) was called more than once$/);
    await pool.stop();
  });

  it('throws when called after the module loaded', async () => {
    const pool = new ThreadPool({ name: 'late', size: 1, thread: { filename: join(installed.dir, 'defined-late.worker.mjs') } });
    await pool.start();
    try {
      await expect(pool.call('later')).rejects.toThrow(new Error('defineWorker() must be called while the worker module loads'));
    } finally {
      await pool.stop();
    }
  });
});
