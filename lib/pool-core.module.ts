import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Module,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PoolRegistry } from './core/index.js';
import { PoolWorkerExplorer } from './interceptor/pool-worker.explorer.js';
import type { PoolModuleOptions } from './interfaces/pool-module-options.interface.js';
import { DEFAULT_SHUTDOWN_TIMEOUT, POOL_MODULE_OPTIONS } from './pool.constants.js';
import { PoolFailureLogger } from './pool-failure.logger.js';

/**
 * The application's one `PoolRegistry`, and the pools' lifecycle. Every `PoolModule` import
 * imports this class itself (not a dynamic module), so Nest creates it once however many
 * forRoot / forFeature calls there are, and with none of forRoot.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [{ provide: PoolRegistry, useFactory: () => new PoolRegistry() }, PoolWorkerExplorer, PoolFailureLogger],
  exports: [PoolRegistry],
})
export class PoolCoreModule implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly registry: PoolRegistry,
    @Optional() @Inject(POOL_MODULE_OPTIONS) private readonly options?: PoolModuleOptions,
  ) {}

  /**
   * Starts every registered pool. Global modules' init hooks run first, so other providers'
   * `onModuleInit` already find the pools running, and the app listens only once they are.
   * If one cannot start, all are stopped again and bootstrap fails with its error.
   */
  async onModuleInit(): Promise<void> {
    const results = await Promise.allSettled(this.registry.list().map((pool) => pool.start()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure === undefined) return;
    await this.registry.stopAll({ timeout: 0 });
    throw failure.reason;
  }

  /**
   * Drains every pool, module and run-time ones alike. Not in `onModuleDestroy`: other modules
   * may still use pools in their own destroy hooks. Not in `onApplicationShutdown`: by then
   * Nest has closed the HTTP server, and closing waits, with no time limit, for requests
   * still in flight, so a request stuck on a worker would hold shutdown before
   * `shutdownTimeout` could revoke its lease. Here (global modules' shutdown hooks run last)
   * the server still answers: requests that hold or wait for a worker finish (`serveWaiting`),
   * late checkouts are refused, and by the time the server closes no request waits on a pool.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const timeout = this.options?.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT;
    await this.registry.stopAll({ timeout, serveWaiting: true });
  }
}
