import { afterEach, beforeEach, jest } from '@jest/globals';
import { Pool, type PoolOptions } from 'nestjs-pool';
import { FAKE_TIMERS, TestFactory, type TestWorker } from './test-factory.js';

export interface PoolFixture {
  /** A fresh factory for every test; a test may replace it before it makes a pool. */
  factory: TestFactory;
  newPool(options?: Partial<PoolOptions<TestWorker>>): Pool<TestWorker>;
  startPool(options?: Partial<PoolOptions<TestWorker>>): Promise<Pool<TestWorker>>;
}

/**
 * Registers what every engine test file needs: fake timers, a fresh `TestFactory`, and every
 * pool it made stopped after each test. `defaults` are the file's pool options.
 */
export function usePoolFixture(defaults: Partial<PoolOptions<TestWorker>> & { name: string }): PoolFixture {
  const pools: Pool<TestWorker>[] = [];
  const fixture: PoolFixture = {
    factory: new TestFactory(),
    newPool(options = {}) {
      const pool = new Pool<TestWorker>({ factory: fixture.factory, ...defaults, ...options });
      pools.push(pool);
      return pool;
    },
    async startPool(options = {}) {
      const pool = fixture.newPool(options);
      await pool.start();
      return pool;
    },
  };
  beforeEach(() => {
    jest.useFakeTimers(FAKE_TIMERS);
    fixture.factory = new TestFactory();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.stop({ timeout: 0 })));
    jest.useRealTimers();
  });
  return fixture;
}
