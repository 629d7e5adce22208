import type { ModuleRef } from '@nestjs/core';
import { Pool, PoolConfigError, type PoolOptions } from './core/index.js';
import { createClassWorkerFactory } from './class-worker.factory.js';
import type { PoolDefaults, PoolDefinition } from './interfaces/pool-definition.interface.js';
import { ProcessPool } from './workers/process-pool.js';
import { ThreadPool } from './workers/thread-pool.js';

/** The engine options of a definition: everything but its worker source and module-only keys. */
type EngineOptions = Omit<PoolOptions<unknown>, 'factory'>;

/**
 * One way a definition says where its workers come from, and the pool class that holds them. A
 * new kind of worker is one more entry here plus its key on `PoolDefinition`.
 */
interface WorkerSource {
  readonly option: 'factory' | 'worker' | 'thread' | 'process';
  /** `Pool<any>`: a pool is invariant in its worker type, and each source has its own. */
  createPool(options: EngineOptions, definition: PoolDefinition, moduleRef: ModuleRef): Pool<any>;
}

const WORKER_SOURCES: readonly WorkerSource[] = [
  { option: 'factory', createPool: (options, definition) => new Pool({ ...options, factory: definition.factory! }) },
  {
    option: 'worker',
    createPool: (options, definition, moduleRef) =>
      new Pool({ ...options, factory: createClassWorkerFactory(definition.name, definition.worker!, moduleRef) }),
  },
  // Thread and process pools are `WorkerPool`s: they add `run` and `call` to the engine's pool.
  { option: 'thread', createPool: (options, definition) => new ThreadPool({ ...options, thread: definition.thread! }) },
  { option: 'process', createPool: (options, definition) => new ProcessPool({ ...options, process: definition.process! }) },
];

/** Keys the module reads and the engine does not know (it rejects unknown options). */
const MODULE_ONLY_OPTIONS = new Set<string>(['imports', ...WORKER_SOURCES.map((source) => source.option)]);

const OPTION_NAMES = WORKER_SOURCES.map((source) => `"${source.option}"`);
/** `"factory", "worker", "thread" or "process"`, for errors. */
const CHOICES = `${OPTION_NAMES.slice(0, -1).join(', ')} or ${OPTION_NAMES.at(-1)}`;

/**
 * Builds the pool a module definition describes: `defaults` under the options the pool sets (an
 * option set to `undefined` counts as not set; `restart` is merged key by key), and a `Pool`, a
 * `ThreadPool` or a `ProcessPool` depending on its worker source.
 */
export function createPoolFromDefinition(
  definition: PoolDefinition,
  defaults: PoolDefaults | undefined,
  moduleRef: ModuleRef,
): Pool<unknown> {
  const name = definition.name;
  const own = Object.entries(definition).filter(([, value]) => value !== undefined);
  const merged: Record<string, unknown> = { ...defaults, ...Object.fromEntries(own) };
  if (isObject(defaults?.restart) && isObject(definition.restart)) merged.restart = { ...defaults.restart, ...definition.restart };

  const sources = WORKER_SOURCES.filter((source) => merged[source.option] !== undefined);
  if (sources.length === 0) throw new PoolConfigError(name, 'worker', `is missing: set ${CHOICES}`);
  if (sources.length > 1) {
    throw new PoolConfigError(name, sources[1]!.option, `cannot be combined with "${sources[0]!.option}": set only one of ${CHOICES}`);
  }
  const engineOptions = Object.fromEntries(Object.entries(merged).filter(([key]) => !MODULE_ONLY_OPTIONS.has(key)));
  return sources[0]!.createPool({ ...engineOptions, name }, merged as unknown as PoolDefinition, moduleRef);
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
