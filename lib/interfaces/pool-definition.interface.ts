import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { PoolOptions, WorkerFactory } from '../core/index.js';
import type { ProcessWorkerOptions } from '../workers/process-pool-options.interface.js';
import type { ThreadWorkerOptions } from '../workers/thread-pool-options.interface.js';

/** Engine options every pool can share (`forRoot({ defaults })`): all but the name and the worker source. */
export type PoolDefaults = Omit<PoolOptions<unknown>, 'name' | 'factory'>;

interface PoolDefinitionBase extends Omit<PoolOptions<unknown>, 'factory'> {
  /**
   * Modules the worker class's constructor dependencies come from. A pool's module sees only
   * its own imports and global modules, so list here the modules exporting what the worker injects.
   */
  imports?: ModuleMetadata['imports'];
}

/** Workers made by an engine factory: `{ create(ctx), destroy?, validate? }`. */
export interface FactoryPoolDefinition<W = unknown> extends PoolDefinitionBase {
  factory: WorkerFactory<W>;
  worker?: never;
  thread?: never;
  process?: never;
}

/**
 * Workers that are instances of a Nest class, one per worker, built by the pool module's
 * injector so their constructor gets providers. The class may implement `OnWorkerInit` and
 * `OnWorkerDestroy`.
 */
export interface ClassPoolDefinition<W = unknown> extends PoolDefinitionBase {
  worker: Type<W>;
  factory?: never;
  thread?: never;
  process?: never;
}

/**
 * Workers that are `worker_threads` threads running one module. The pool is a `ThreadPool`:
 * inject it as `ThreadPool<typeof functions>` to get typed `run` / `call`.
 */
export interface ThreadPoolDefinition extends PoolDefinitionBase {
  thread: ThreadWorkerOptions;
  factory?: never;
  worker?: never;
  process?: never;
}

/**
 * Workers that are child processes forked on one module. The pool is a `ProcessPool`:
 * inject it as `ProcessPool<typeof functions>` to get typed `run` / `call`.
 */
export interface ProcessPoolDefinition extends PoolDefinitionBase {
  process: ProcessWorkerOptions;
  factory?: never;
  worker?: never;
  thread?: never;
}

/**
 * A named pool: the engine's options plus exactly one worker source: `factory`, `worker` (a
 * class), `thread` or `process`.
 */
export type PoolDefinition<W = unknown> =
  | FactoryPoolDefinition<W>
  | ClassPoolDefinition<W>
  | ThreadPoolDefinition
  | ProcessPoolDefinition;

/** What a `forFeatureAsync` factory returns: a definition whose name and imports are static. */
export type PoolDefinitionOptions<W = unknown> =
  | Omit<FactoryPoolDefinition<W>, 'name' | 'imports'>
  | Omit<ClassPoolDefinition<W>, 'name' | 'imports'>
  | Omit<ThreadPoolDefinition, 'name' | 'imports'>
  | Omit<ProcessPoolDefinition, 'name' | 'imports'>;

/** A pool whose options come from providers (a config service, a secret store). */
export interface PoolAsyncDefinition<W = unknown> {
  /** Static, so the pool can be injected with `@InjectPool(name)`. */
  name: string;
  /** Modules exporting what `inject` and the worker class need. */
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: any[]) => PoolDefinitionOptions<W> | Promise<PoolDefinitionOptions<W>>;
}
