import type { Pool, PoolRegistry } from '../core/index.js';

/**
 * Runs `attach(pool)` for every pool of the registry, those already there and each one as it
 * registers (before it starts, when the registry starts it), and the detach it returned as the
 * pool leaves the registry.
 */
export class PoolRegistryWatcher {
  readonly #registry: PoolRegistry;
  readonly #attach: (pool: Pool<unknown>) => () => void;
  readonly #attached = new Map<Pool<unknown>, () => void>();

  constructor(registry: PoolRegistry, attach: (pool: Pool<unknown>) => () => void) {
    this.#registry = registry;
    this.#attach = attach;
    registry.on('register', this.#onRegister);
    registry.on('unregister', this.#onUnregister);
    for (const pool of registry.list()) this.#onRegister(pool);
  }

  /** The pools attached, in registration order. */
  get pools(): IterableIterator<Pool<unknown>> {
    return this.#attached.keys();
  }

  /** Stops following the registry and detaches every pool. */
  close(): void {
    this.#registry.off('register', this.#onRegister);
    this.#registry.off('unregister', this.#onUnregister);
    for (const detach of this.#attached.values()) detach();
    this.#attached.clear();
  }

  readonly #onRegister = (pool: Pool<unknown>): void => {
    this.#attached.set(pool, this.#attach(pool));
  };

  readonly #onUnregister = (pool: Pool<unknown>): void => {
    const detach = this.#attached.get(pool);
    if (detach === undefined) return;
    this.#attached.delete(pool);
    detach();
  };
}
