import type { ModuleRef } from '@nestjs/core';
import { PoolConfigError, type PoolOptions, type WorkerFactory } from './core/index.js';
import { createClassWorkerFactory } from './class-worker.factory.js';
import type { PoolDefaults, PoolDefinition } from './interfaces/pool-definition.interface.js';

/**
 * One way a definition says where its workers come from. A new kind of worker (a thread, a
 * child process) is one more entry here plus its key on `PoolDefinition`.
 */
interface WorkerSource {
  readonly option: string;
  factory(definition: PoolDefinition, moduleRef: ModuleRef): WorkerFactory<unknown>;
}

const WORKER_SOURCES: readonly WorkerSource[] = [
  { option: 'factory', factory: (definition) => definition.factory! },
  { option: 'worker', factory: (definition, moduleRef) => createClassWorkerFactory(definition.name, definition.worker!, moduleRef) },
];

/** Keys the module reads and the engine does not know (it rejects unknown options). */
const MODULE_ONLY_OPTIONS = new Set(['imports', ...WORKER_SOURCES.map((source) => source.option)]);

/**
 * Turns a module pool definition into the engine's options: `defaults` under the options the
 * pool sets (an option set to `undefined` counts as not set; `restart` is merged key by key),
 * and the worker source turned into a factory.
 */
export function resolvePoolDefinition(
  definition: PoolDefinition,
  defaults: PoolDefaults | undefined,
  moduleRef: ModuleRef,
): PoolOptions<unknown> {
  const name = definition.name;
  const own = Object.entries(definition).filter(([, value]) => value !== undefined);
  const merged: Record<string, unknown> = { ...defaults, ...Object.fromEntries(own) };
  if (isObject(defaults?.restart) && isObject(definition.restart)) merged.restart = { ...defaults.restart, ...definition.restart };

  const sources = WORKER_SOURCES.filter((source) => merged[source.option] !== undefined);
  const choices = WORKER_SOURCES.map((source) => `"${source.option}"`).join(' or ');
  if (sources.length === 0) throw new PoolConfigError(name, 'worker', `is missing: set ${choices}`);
  if (sources.length > 1) {
    throw new PoolConfigError(name, sources[1]!.option, `cannot be combined with "${sources[0]!.option}": set only one of ${choices}`);
  }
  const engineOptions = Object.fromEntries(Object.entries(merged).filter(([key]) => !MODULE_ONLY_OPTIONS.has(key)));
  const factory = sources[0]!.factory(merged as unknown as PoolDefinition, moduleRef);
  return { ...engineOptions, name, factory };
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
