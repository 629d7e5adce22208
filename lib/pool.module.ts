import { type DynamicModule, Module } from '@nestjs/common';
import { getPoolToken } from './common/pool.utils.js';
import type { PoolAsyncDefinition, PoolDefinition } from './interfaces/pool-definition.interface.js';
import type { PoolModuleAsyncOptions, PoolModuleRootOptions } from './interfaces/pool-module-options.interface.js';
import { PoolCoreModule } from './pool-core.module.js';
import { PoolOptionsModule } from './pool-options.module.js';
import {
  createPoolAsyncProviders,
  createPoolOptionsAsyncProviders,
  createPoolOptionsProviders,
  createPoolProviders,
} from './pool.providers.js';

/**
 * Named worker pools as providers. Every pool is registered in the global `PoolRegistry`,
 * started while the application bootstraps and drained when it shuts down.
 */
@Module({})
export class PoolModule {
  /** Shared configuration (`defaults`, `shutdownTimeout`) and the pools declared here. Call it once. */
  static forRoot(options: PoolModuleRootOptions = {}): DynamicModule {
    const pools = options.pools ?? [];
    return {
      module: PoolModule,
      global: options.isGlobal ?? false,
      imports: [PoolCoreModule, PoolOptionsModule.register(createPoolOptionsProviders(options)), ...importsOf(pools)],
      providers: createPoolProviders(pools, 'forRoot'),
      exports: pools.map((pool) => getPoolToken(pool.name)),
    };
  }

  /**
   * Shared configuration from providers. Pools in the factory's result are started and
   * registered, but are reachable only through `PoolRegistry`: use `forFeatureAsync` for pools
   * you inject by name.
   */
  static forRootAsync(options: PoolModuleAsyncOptions): DynamicModule {
    return {
      module: PoolModule,
      imports: [PoolCoreModule, PoolOptionsModule.register(createPoolOptionsAsyncProviders(options), options.imports)],
    };
  }

  /** Pools of a feature module; works with or without forRoot. */
  static forFeature(pools: PoolDefinition[]): DynamicModule {
    return {
      module: PoolModule,
      imports: [PoolCoreModule, ...importsOf(pools)],
      providers: createPoolProviders(pools, 'forFeature'),
      exports: pools.map((pool) => getPoolToken(pool.name)),
    };
  }

  /** Pools of a feature module whose options come from providers (`inject` + `useFactory`). */
  static forFeatureAsync(pools: PoolAsyncDefinition[]): DynamicModule {
    return {
      module: PoolModule,
      imports: [PoolCoreModule, ...importsOf(pools)],
      providers: createPoolAsyncProviders(pools),
      exports: pools.map((pool) => getPoolToken(pool.name)),
    };
  }
}

function importsOf(pools: readonly { imports?: DynamicModule['imports'] }[]): NonNullable<DynamicModule['imports']> {
  return Array.isArray(pools) ? pools.flatMap((pool) => pool?.imports ?? []) : [];
}
