import type { InjectionToken, OptionalFactoryDependency, Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getPoolToken } from './common/pool.utils.js';
import { PoolConfigError, PoolRegistry, type Pool } from './core/index.js';
import type { PoolAsyncDefinition, PoolDefinition } from './interfaces/pool-definition.interface.js';
import type {
  PoolModuleAsyncOptions,
  PoolModuleOptions,
  PoolOptionsFactory,
} from './interfaces/pool-module-options.interface.js';
import { POOL_MODULE_OPTIONS, POOL_ROOT_ASYNC_POOLS } from './pool.constants.js';
import { createPoolFromDefinition } from './pool-definition.resolver.js';

/** What every pool provider injects first: forRoot's options are optional, so forFeature works alone. */
const POOL_DEPENDENCIES: (InjectionToken | OptionalFactoryDependency)[] = [
  PoolRegistry,
  ModuleRef,
  { token: POOL_MODULE_OPTIONS, optional: true },
];

/**
 * One provider per pool, under `getPoolToken(name)`, registered in `PoolRegistry`: the engine's
 * `Pool`, or a `ThreadPool` / `ProcessPool` for `thread` / `process` definitions.
 */
export function createPoolProviders(definitions: PoolDefinition[], method: string): Provider[] {
  assertUniqueNames(definitions, method);
  return definitions.map((definition) => ({
    provide: getPoolToken(definition.name),
    useFactory: (registry: PoolRegistry, moduleRef: ModuleRef, options: PoolModuleOptions | undefined) =>
      createPool(registry, moduleRef, options, definition),
    inject: POOL_DEPENDENCIES,
  }));
}

export function createPoolAsyncProviders(definitions: PoolAsyncDefinition[]): Provider[] {
  assertUniqueNames(definitions, 'forFeatureAsync');
  return definitions.map(({ name, inject = [], useFactory }) => {
    if (typeof useFactory !== 'function') throw new PoolConfigError(name, 'useFactory', 'must be a function returning the pool options');
    return {
      provide: getPoolToken(name),
      useFactory: async (registry: PoolRegistry, moduleRef: ModuleRef, options: PoolModuleOptions | undefined, ...args: unknown[]) => {
        const definition = await useFactory(...args);
        if (definition === null || typeof definition !== 'object') {
          throw new PoolConfigError(name, 'useFactory', 'must return the pool options as an object');
        }
        if ('imports' in definition) {
          throw new PoolConfigError(name, 'imports', 'cannot come from useFactory: put it next to useFactory in forFeatureAsync');
        }
        return createPool(registry, moduleRef, options, { ...definition, name } as PoolDefinition);
      },
      inject: [...POOL_DEPENDENCIES, ...inject],
    };
  });
}

/** forRoot's options, checked when the application boots; its pools have providers of their own. */
export function createPoolOptionsProviders(options: PoolModuleOptions): Provider[] {
  return [{ provide: POOL_MODULE_OPTIONS, useFactory: () => assertModuleOptions(options, 'forRoot') }];
}

/** forRootAsync's options from `useFactory`, `useClass` or `useExisting`, and the pools they declare. */
export function createPoolOptionsAsyncProviders(options: PoolModuleAsyncOptions): Provider[] {
  const { useFactory, useClass, useExisting, inject = [] } = options;
  const optionsProvider = (factory: (...args: any[]) => unknown, deps: (InjectionToken | OptionalFactoryDependency)[]): Provider => ({
    provide: POOL_MODULE_OPTIONS,
    useFactory: async (...args: unknown[]) => assertModuleOptions(await factory(...args), 'forRootAsync'),
    inject: deps,
  });
  if (useFactory !== undefined) return [optionsProvider(useFactory, inject), rootAsyncPoolsProvider];
  const factoryClass = useExisting ?? useClass;
  if (factoryClass === undefined) {
    throw new Error('PoolModule.forRootAsync: set one of useFactory, useClass or useExisting');
  }
  return [
    optionsProvider((factory: PoolOptionsFactory) => factory.createPoolOptions(), [factoryClass]),
    ...(useExisting === undefined ? [{ provide: factoryClass, useClass: factoryClass }] : []),
    rootAsyncPoolsProvider,
  ];
}

/** forRootAsync's pools: their names are known only once the factory ran, so they are not injectable by name. */
const rootAsyncPoolsProvider: Provider = {
  provide: POOL_ROOT_ASYNC_POOLS,
  useFactory: (registry: PoolRegistry, moduleRef: ModuleRef, options: PoolModuleOptions) =>
    (options.pools ?? []).map((definition) => createPool(registry, moduleRef, options, definition)),
  inject: [PoolRegistry, ModuleRef, POOL_MODULE_OPTIONS],
};

function createPool(
  registry: PoolRegistry,
  moduleRef: ModuleRef,
  options: PoolModuleOptions | undefined,
  definition: PoolDefinition,
): Pool<unknown> {
  return registry.register(createPoolFromDefinition(definition, options?.defaults, moduleRef));
}

function assertUniqueNames(definitions: readonly { name: string }[], method: string): void {
  if (!Array.isArray(definitions)) throw new Error(`PoolModule.${method}: expected an array of pool definitions`);
  const seen = new Set<string>();
  for (const definition of definitions) {
    const name: unknown = definition?.name;
    if (typeof name !== 'string' || name.trim() === '') {
      throw new PoolConfigError(String(name ?? '<unnamed>'), 'name', `must be a non-empty string (in PoolModule.${method})`);
    }
    if (seen.has(name)) throw new PoolConfigError(name, 'name', `is declared twice in one PoolModule.${method}`);
    seen.add(name);
  }
}

function assertModuleOptions(options: unknown, method: string): PoolModuleOptions {
  const fail = (problem: string): never => {
    throw new Error(`PoolModule.${method}: ${problem}`);
  };
  if (options === null || typeof options !== 'object') return fail('the options must be an object');
  const { pools, defaults, shutdownTimeout } = options as PoolModuleOptions;
  if (pools !== undefined) assertUniqueNames(pools, method);
  if (defaults !== undefined && (defaults === null || typeof defaults !== 'object')) fail('option "defaults" must be an object');
  if (shutdownTimeout !== undefined && !(typeof shutdownTimeout === 'number' && shutdownTimeout >= 0 && Number.isFinite(shutdownTimeout))) {
    fail(`option "shutdownTimeout" must be a finite number of ms >= 0, got ${String(shutdownTimeout)}`);
  }
  return options as PoolModuleOptions;
}
