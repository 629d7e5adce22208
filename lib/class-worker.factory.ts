import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { PoolConfigError, type WorkerFactory } from './core/index.js';
import type { OnWorkerDestroy, OnWorkerInit } from './interfaces/pool-worker.interface.js';

type ClassWorker = Partial<OnWorkerInit & OnWorkerDestroy>;

/**
 * Workers that are instances of `workerClass`, one per worker, built by `moduleRef` so the
 * constructor gets the module's providers; `onWorkerInit` / `onWorkerDestroy` map to the
 * factory's create and destroy.
 */
export function createClassWorkerFactory<W>(pool: string, workerClass: Type<W>, moduleRef: ModuleRef): WorkerFactory<W> {
  assertInjectableClass(pool, workerClass);
  return {
    async create(ctx) {
      const worker = await moduleRef.create(workerClass).catch((error: unknown) => {
        throw withImportsHint(error, workerClass);
      });
      await (worker as ClassWorker).onWorkerInit?.(ctx);
      return worker;
    },
    destroy(worker, reason) {
      return (worker as ClassWorker).onWorkerDestroy?.(reason);
    },
  };
}

function assertInjectableClass(pool: string, workerClass: unknown): asserts workerClass is Type<unknown> {
  // Arrow and async functions, methods and instances have no prototype to construct.
  if (typeof workerClass !== 'function' || workerClass.prototype === undefined) {
    throw new PoolConfigError(pool, 'worker', `must be a class (Nest creates one instance per worker), got ${describe(workerClass)}`);
  }
  // Without a decorator TypeScript emits no parameter types, and Nest would construct it with no arguments.
  if (workerClass.length > 0 && Reflect.getMetadata('design:paramtypes', workerClass) === undefined) {
    throw new PoolConfigError(
      pool,
      'worker',
      `class ${workerClass.name} has constructor parameters but no decorator, so Nest cannot inject them: add @Injectable()`,
    );
  }
}

/** Nest's unknown-dependency message speaks of "PoolModule"; say which option fixes it. */
function withImportsHint(error: unknown, workerClass: Type<unknown>): unknown {
  if (!(error instanceof Error) || error.constructor.name !== 'UnknownDependenciesException') return error;
  return new Error(
    `${workerClass.name} injects a provider the pool's module cannot see: add the module exporting it to the pool's "imports". ${error.message}`,
    { cause: error },
  );
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `a function without a prototype (${value.name || 'anonymous'}); pass the class itself`;
  if (value !== null && typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}; pass the class itself`;
  return String(value);
}
