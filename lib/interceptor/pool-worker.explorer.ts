import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PoolConfigError, PoolRegistry } from '../core/index.js';
import { POOL_PARAM_FACTORIES } from './pool-worker.decorator.js';
import { USE_POOL_WORKER_METADATA } from './pool-worker.constants.js';
import type { UsePoolWorkerMetadata } from './use-pool-worker-options.interface.js';

/**
 * Checks every handler at bootstrap, so mistakes fail the start instead of a request:
 * `@PoolWorker()` / `@PoolLease()` without `@UsePoolWorker` is an error; a pool name no pool
 * has yet is a warning (it may be started at run time with `PoolRegistry.start`).
 */
@Injectable()
export class PoolWorkerExplorer implements OnApplicationBootstrap {
  readonly #logger = new Logger('PoolWorker');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: PoolRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    for (const { instance } of wrappers) {
      const type = (instance as object | undefined)?.constructor;
      if (type === undefined || type === Object) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        this.#check(type, method, (instance as Record<string, Function>)[method]!);
      }
    }
  }

  #check(type: Function, method: string, handler: Function): void {
    const usage = this.reflector.getAllAndOverride<UsePoolWorkerMetadata | undefined>(USE_POOL_WORKER_METADATA, [
      handler,
      type,
    ]);
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, method) ?? {}) as Record<string, { factory?: Function }>;
    for (const { factory } of Object.values(args)) {
      const decorator = factory && POOL_PARAM_FACTORIES.get(factory);
      if (decorator && usage === undefined) {
        throw new PoolConfigError(
          '<none>',
          decorator,
          `is used on ${type.name}.${method} without @UsePoolWorker(poolName) on that handler or its class`,
        );
      }
    }
    if (usage !== undefined && !this.registry.has(usage.name)) {
      this.#logger.warn(`${type.name}.${method} uses pool "${usage.name}", which is not registered (yet)`);
    }
  }
}
