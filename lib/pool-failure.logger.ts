import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type Pool, PoolRegistry, type PoolFailedError } from './core/index.js';

/**
 * A pool that fails (its workers cannot start, or they crash past the restart intensity) is
 * logged as an error, so the failure is loud even where nobody watches health or the observer.
 */
@Injectable()
export class PoolFailureLogger implements OnModuleDestroy {
  readonly #logger = new Logger('PoolModule');
  readonly #watched = new Map<Pool<any>, (error: PoolFailedError) => void>();

  constructor(private readonly registry: PoolRegistry) {
    for (const pool of registry.list()) this.#watch(pool);
    registry.on('register', this.#watch);
    registry.on('unregister', this.#unwatch);
  }

  onModuleDestroy(): void {
    this.registry.off('register', this.#watch);
    this.registry.off('unregister', this.#unwatch);
    for (const pool of [...this.#watched.keys()]) this.#unwatch(pool);
  }

  readonly #watch = (pool: Pool<any>): void => {
    const log = (error: PoolFailedError): void => this.#logger.error(error.message, (error.cause as Error | undefined)?.stack);
    this.#watched.set(pool, log);
    pool.on('failed', log);
  };

  readonly #unwatch = (pool: Pool<any>): void => {
    const log = this.#watched.get(pool);
    if (log !== undefined) pool.off('failed', log);
    this.#watched.delete(pool);
  };
}
