import { EventEmitter } from 'node:events';
import { Pool } from './pool.js';
import { PoolConfigError, PoolNotFoundError } from './pool.errors.js';
import type { PoolOptions, StopOptions } from './pool-options.interface.js';

export type PoolRegistryEvents = {
  /** A pool joined the registry (before it starts, when `start()` made it). */
  register: [pool: Pool<any>];
  /** A pool left the registry: stopped, or it could not start. */
  unregister: [pool: Pool<any>];
};

/**
 * Named pools started and stopped at run time: PoolToy's Registry (unique names) and
 * PoolsSupervisor (a DynamicSupervisor of pools) in one object.
 */
export class PoolRegistry extends EventEmitter<PoolRegistryEvents> {
  readonly #pools = new Map<string, Pool<any>>();

  /** Creates, registers and starts a pool; if it cannot start, it is unregistered again. */
  async start<W>(options: PoolOptions<W>): Promise<Pool<W>> {
    const pool = this.register(new Pool<W>(options));
    try {
      await pool.start();
    } catch (error) {
      this.#forget(pool);
      await pool.stop({ timeout: 0 });
      throw error;
    }
    return pool;
  }

  /** Adds a pool built elsewhere (started or not); names are unique. */
  register<W>(pool: Pool<W>): Pool<W> {
    if (this.#pools.has(pool.name)) {
      throw new PoolConfigError(pool.name, 'name', 'is already taken by another pool; pool names must be unique');
    }
    this.#pools.set(pool.name, pool);
    this.emit('register', pool);
    return pool;
  }

  get<W = unknown>(name: string): Pool<W> {
    const pool = this.#pools.get(name);
    if (pool === undefined) throw new PoolNotFoundError(name);
    return pool as Pool<W>;
  }

  has(name: string): boolean {
    return this.#pools.has(name);
  }

  list(): Pool<unknown>[] {
    return [...this.#pools.values()];
  }

  /** Drains and stops the pool, then forgets its name. */
  async stop(name: string, options?: StopOptions): Promise<void> {
    const pool = this.get(name);
    try {
      await pool.stop(options);
    } finally {
      this.#forget(pool);
    }
  }

  #forget(pool: Pool<any>): void {
    if (this.#pools.get(pool.name) !== pool) return;
    this.#pools.delete(pool.name);
    this.emit('unregister', pool);
  }

  /** Stops every pool in parallel. */
  async stopAll(options?: StopOptions): Promise<void> {
    await Promise.all([...this.#pools.keys()].map((name) => this.stop(name, options)));
  }
}
