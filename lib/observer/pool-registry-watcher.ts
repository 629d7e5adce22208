import type { Pool, PoolRegistry } from '../core/index.js';

/**
 * Runs `attach(pool)` once for every pool the registry holds, and the detach it returned once
 * the pool has left the registry. `PoolRegistry` does not announce registrations, so its owner
 * calls `sync()` wherever it looks at the pools (a metrics collection, an observer tick).
 */
export class PoolRegistryWatcher {
  readonly #attached = new Map<Pool<unknown>, () => void>();

  constructor(
    private readonly registry: PoolRegistry,
    private readonly attach: (pool: Pool<unknown>) => () => void,
  ) {}

  /** The pools attached, in registration order. */
  get pools(): IterableIterator<Pool<unknown>> {
    return this.#attached.keys();
  }

  /** Attaches new pools and detaches gone ones; true when there was any. */
  sync(): boolean {
    const pools = this.registry.list();
    if (pools.length === this.#attached.size && pools.every((pool) => this.#attached.has(pool))) return false;
    const current = new Set(pools);
    for (const [pool, detach] of this.#attached) {
      if (current.has(pool)) continue;
      this.#attached.delete(pool);
      detach();
    }
    for (const pool of pools) {
      if (!this.#attached.has(pool)) this.#attached.set(pool, this.attach(pool));
    }
    return true;
  }

  close(): void {
    for (const detach of this.#attached.values()) detach();
    this.#attached.clear();
  }
}
